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

// A token issued for one action passes that action once, and no other.
func ExampleService_Check() {
	gen := captcha.GeneratorFunc(func(ctx context.Context, req captcha.Request) (*captcha.Puzzle, error) {
		return &captcha.Puzzle{Answers: []string{"Mapo Bridge"}, Prompt: "?", Media: []byte("..."), MediaType: "image/png"}, nil
	})
	svc, err := captcha.New(captcha.WithGenerator(captcha.KindImage, gen))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	ch, _ := svc.Create(ctx, "", "en")
	res, _ := svc.Verify(ctx, ch.ID, "mapo bridge")
	login, _ := svc.Token(ctx, res, "/login")
	transfer, _ := svc.Token(ctx, res, "/transfer")

	claims, err := svc.Check(ctx, captcha.Proof{ID: ch.ID, Token: login}, "/login")
	fmt.Println(err, claims.Action, claims.Challenge == ch.ID)
	_, err = svc.Check(ctx, captcha.Proof{ID: ch.ID, Token: login}, "/login")
	fmt.Println(err)
	_, err = svc.Check(ctx, captcha.Proof{ID: ch.ID, Token: transfer}, "/login")
	fmt.Println(err)
	// Output:
	// <nil> /login true
	// captcha: invalid token
	// captcha: invalid token
}

func ExampleNormalize() {
	fmt.Println(captcha.Normalize(" Ｓeoul  Station! "))
	fmt.Println(captcha.Normalize("한강 공원"))
	// Output:
	// seoulstation
	// 한강공원
}
