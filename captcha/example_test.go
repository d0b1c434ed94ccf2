package captcha_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/tollgate/tollgate/captcha"
)

// A Generator renders puzzles; here one that asks for a fixed word, to show
// the lifecycle without a renderer.
func Example() {
	gen := captcha.GeneratorFunc(func(ctx context.Context, req captcha.Request) (*captcha.Puzzle, error) {
		return &captcha.Puzzle{
			Answers:   []string{"Mapo Bridge"},
			Prompt:    "Type the name of the bridge",
			Media:     []byte("..."),
			MediaType: "image/png",
		}, nil
	})
	svc, err := captcha.New(captcha.WithGenerator(captcha.KindImage, gen))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	ch, _ := svc.Create(ctx, "", "en")
	fmt.Println(ch.Prompt, "| attempts:", ch.AttemptsLeft)

	_, err = svc.Verify(ctx, ch.ID, "mapo brige")
	fmt.Println(err, errors.Is(err, captcha.ErrWrongAnswer))

	res, err := svc.Verify(ctx, ch.ID, "MAPO-BRIDGE") // case, spaces and punctuation do not matter
	fmt.Println(err, res.Kind)

	_, err = svc.Verify(ctx, ch.ID, "Mapo Bridge")
	fmt.Println(err)
	// Output:
	// Type the name of the bridge | attempts: 3
	// captcha: wrong answer (2 attempts left) true
	// <nil> image
	// captcha: challenge not found
}

func ExampleNormalize() {
	fmt.Println(captcha.Normalize(" Ｓeoul  Station! "))
	fmt.Println(captcha.Normalize("한강 공원"))
	// Output:
	// seoulstation
	// 한강공원
}
