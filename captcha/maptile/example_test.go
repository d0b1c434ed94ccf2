package maptile_test

import (
	"context"
	"fmt"

	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/captcha/maptile"
)

func Example() {
	r, err := maptile.New()
	if err != nil {
		panic(err)
	}
	var seed captcha.Seed // in a real service, derived from the challenge id
	p, err := r.Generate(context.Background(), captcha.Request{Seed: seed, Lang: "en"})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.MediaType, len(p.Answers) > 0, len(p.Media) > 0)
	// Output: image/png true true
}

func ExampleRenderer_Render() {
	r, err := maptile.New(maptile.WithMarkerStyles(maptile.MarkerNumber))
	if err != nil {
		panic(err)
	}
	rd, err := r.Render(context.Background(), captcha.Request{Seed: captcha.Seed{1}, Lang: "ko", Scale: 2})
	if err != nil {
		panic(err)
	}
	target := rd.TargetLabel()
	fmt.Println(rd.Style, rd.Image.Bounds().Size(), target.Text == rd.Puzzle.Answers[0])
	// Output: number (960,640) true
}
