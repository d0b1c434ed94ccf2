package audio

import (
	"errors"
	"strings"
	"testing"

	"github.com/tollgate/tollgate/captcha"
)

func TestNormalizeDigits(t *testing.T) {
	tests := []struct{ in, want string }{
		{"482913", "482913"},
		{" 48-29 13 ", "482913"},
		{"48.29,13_", "482913"},
		{"４８２９１３", "482913"},
		{"48\u300029", "4829"},
		{"", ""},
		{"48a913", ""},
		{"四八二", ""},
		{"4829１3", "482913"},
		{strings.Repeat("1", 64), strings.Repeat("1", 64)},
		{strings.Repeat("1", 65), ""},
		{"\xff12", ""},
	}
	for _, tt := range tests {
		if got := NormalizeDigits(tt.in); got != tt.want {
			t.Errorf("NormalizeDigits(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCheck(t *testing.T) {
	p := &captcha.Puzzle{Answers: []string{"482913"}, Decoys: []string{"105577", "41085297291633"}}
	tests := []struct {
		answer string
		want   error
	}{
		{"482913", nil},
		{"482 913", nil},
		{"４８２９１３", nil},
		{"105577", ErrDecoyAnswer},
		{"10-55-77", ErrDecoyAnswer},
		{"41085297291633", ErrDecoyAnswer},
		{"482914", ErrWrongAnswer},
		{"48291", ErrWrongAnswer},
		{"4829130", ErrWrongAnswer},
		{"", ErrWrongAnswer},
		{"   ", ErrWrongAnswer},
		{"482913x", ErrWrongAnswer},
	}
	for _, tt := range tests {
		if got := Check(p, tt.answer); !errors.Is(got, tt.want) || (tt.want == nil) != (got == nil) {
			t.Errorf("Check(%q) = %v, want %v", tt.answer, got, tt.want)
		}
	}
	if got := Check(nil, "1"); !errors.Is(got, ErrNilPuzzle) {
		t.Errorf("Check(nil) = %v, want ErrNilPuzzle", got)
	}
}

func FuzzNormalizeDigits(f *testing.F) {
	for _, s := range []string{"482913", " 48-29 13 ", "４８２９１３", "", "abc", "\xff", "1\u30002"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := NormalizeDigits(s)
		for _, c := range []byte(got) {
			if c < '0' || c > '9' {
				t.Fatalf("NormalizeDigits(%q) = %q: not all ASCII digits", s, got)
			}
		}
		if again := NormalizeDigits(got); again != got {
			t.Fatalf("NormalizeDigits not idempotent: %q -> %q -> %q", s, got, again)
		}
		if len(got) > len(s) {
			t.Fatalf("NormalizeDigits(%q) = %q grew", s, got)
		}
	})
}

func FuzzCheck(f *testing.F) {
	f.Add("482913", "482913", "105577")
	f.Add("105577", "482913", "105577")
	f.Add("", "", "")
	f.Add("４８２", "482", "")
	f.Fuzz(func(t *testing.T, answer, want, decoy string) {
		p := &captcha.Puzzle{Answers: []string{want}, Decoys: []string{decoy}}
		err := Check(p, answer)
		switch {
		case err == nil:
			if n := NormalizeDigits(answer); n == "" || n != NormalizeDigits(want) {
				t.Fatalf("Check(%q) accepted against %q", answer, want)
			}
		case errors.Is(err, ErrDecoyAnswer):
			if n := NormalizeDigits(answer); n == "" || n != NormalizeDigits(decoy) {
				t.Fatalf("Check(%q) reported decoy %q", answer, decoy)
			}
		case !errors.Is(err, ErrWrongAnswer):
			t.Fatalf("Check(%q) = %v", answer, err)
		}
	})
}
