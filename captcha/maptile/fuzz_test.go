package maptile_test

import (
	"context"
	"testing"

	"github.com/tollgate/tollgate/captcha"
)

// FuzzGenerate checks that any seed, language tag and scale either renders
// a challenge or fails with an error, never a panic.
func FuzzGenerate(f *testing.F) {
	f.Add([]byte{1, 2, 3}, "en", 1)
	f.Add([]byte{0xff}, "ko-KR", 2)
	f.Add([]byte{}, "", 0)
	f.Add([]byte("seed"), "xx", -1)
	r := newRenderer(f)
	f.Fuzz(func(t *testing.T, s []byte, lang string, scale int) {
		var sd captcha.Seed
		copy(sd[:], s)
		p, err := r.Generate(context.Background(), captcha.Request{Seed: sd, Lang: lang, Scale: scale})
		if err != nil {
			if scale >= 0 && scale <= 2 {
				t.Fatalf("Generate(scale %d) error = %v", scale, err)
			}
			return
		}
		if len(p.Answers) != 1 || len(p.Media) == 0 {
			t.Fatalf("Generate() = %d answers, %d bytes", len(p.Answers), len(p.Media))
		}
	})
}
