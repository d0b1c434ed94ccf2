package audio_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/tollgate/tollgate/audio"
	"github.com/tollgate/tollgate/captcha"
)

// Render a clip and check answers without package captcha. In production the
// seed comes from crypto/rand (or from captcha.Service, which derives it from
// the challenge id), and the puzzle stays on the server.
func Example() {
	synth, err := audio.New()
	if err != nil {
		log.Fatal(err)
	}
	var seed captcha.Seed // all zero here, so the output is reproducible
	p, err := synth.Generate(context.Background(), captcha.Request{Seed: seed, Lang: "en"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.MediaType, len(p.Media) > 44)
	fmt.Println(p.Prompt)
	fmt.Println("answer:", p.Answers[0])

	fmt.Println(audio.Check(p, p.Answers[0]))
	fmt.Println(errors.Is(audio.Check(p, p.Decoys[0]), audio.ErrDecoyAnswer))
	fmt.Println(audio.Check(p, "000000"))
	// Output:
	// audio/wav true
	// Type the digits spoken slowly.
	// answer: 04655
	// <nil>
	// true
	// audio: wrong answer
}

// Use the Synth as the audio generator of package captcha, with an event
// hook for logs.
func ExampleNew() {
	var gen captcha.Generator
	synth, err := audio.New(
		audio.WithDigits(6, 6),
		audio.WithCues(audio.CueLow, audio.CueWoman),
		audio.WithEventHook(func(_ context.Context, e audio.Event) {
			fmt.Println(e.Type, e.Lang, e.Digits)
		}),
	)
	if err != nil {
		log.Fatal(err)
	}
	gen = synth
	p, err := gen.Generate(context.Background(), captcha.Request{Lang: "ko-KR"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(p.Answers[0]))
	// Output:
	// audio.generated ko 6
	// 6
}
