package osmsource_test

import (
	"context"
	"fmt"

	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/captcha/maptile"
	"github.com/tollgate/tollgate/captcha/maptile/osmsource"
)

func Example() {
	src, err := osmsource.Open(context.Background(), "../../../testdata/osm/seoul-gongdeok-small.osm")
	if err != nil {
		panic(err)
	}
	r, err := maptile.New(maptile.WithSource(src))
	if err != nil {
		panic(err)
	}
	rd, err := r.Render(context.Background(), captcha.Request{Seed: captcha.Seed{7}, Lang: "ko"})
	if err != nil {
		panic(err)
	}
	fmt.Println(rd.Attribution)
	fmt.Println(src.IsRealName(rd.Puzzle.Answers[0]))
	// Output:
	// © OpenStreetMap contributors
	// false
}
