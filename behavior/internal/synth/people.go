package synth

import (
	"math"
	"math/rand/v2"
	"unicode"

	"github.com/tollgate/tollgate/behavior"
)

// Typist draws human-like key timings: log-normal holds and intervals.
type Typist struct {
	Rand *rand.Rand
	// HoldMedian and HoldSigma: log-normal hold times (ms, log-space sigma).
	HoldMedian, HoldSigma float64
	// GapMedian and GapSigma: log-normal press-to-press intervals.
	GapMedian, GapSigma float64
}

// NewTypist returns a typist with medians near the human figures (hold
// ~100 ms, interval ~180 ms) and the given seed.
func NewTypist(seed uint64) *Typist {
	return &Typist{
		Rand:       rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		HoldMedian: 100, HoldSigma: 0.35,
		GapMedian: 180, GapSigma: 0.55,
	}
}

func (ty *Typist) logn(median, sigma float64) float64 {
	return median * math.Exp(sigma*ty.Rand.NormFloat64())
}

// Hold draws a hold time.
func (ty *Typist) Hold() float64 { return math.Max(25, ty.logn(ty.HoldMedian, ty.HoldSigma)) }

// Gap draws a press-to-press interval.
func (ty *Typist) Gap() float64 { return math.Max(35, ty.logn(ty.GapMedian, ty.GapSigma)) }

// Class returns the key class of a character.
func Class(r rune) behavior.KeyClass {
	switch {
	case r >= '0' && r <= '9':
		return behavior.KeyDigit
	case unicode.IsUpper(r) || unicode.IsLower(r):
		return behavior.KeyLetter
	}
	return behavior.KeyOther
}

// Type types text into the field starting at ts, with Shift for capitals,
// and returns the time of the last keyup.
func (ty *Typist) Type(p *Page, name, text string, ts float64) float64 {
	end := ts
	for _, r := range text {
		if unicode.IsUpper(r) {
			sh := ts
			ts += ty.Gap() * 0.6
			up := ts + ty.Hold()
			p.Press(name, Key{Class: behavior.KeyShift, Down: sh, Up: up + 20})
			p.Press(name, Key{Class: behavior.KeyLetter, Down: ts, Up: up, Insert: 1})
			end = math.Max(end, up+20)
		} else {
			up := ts + ty.Hold()
			p.Press(name, Key{Class: Class(r), Down: ts, Up: up, Insert: 1})
			end = math.Max(end, up)
		}
		ts += ty.Gap()
	}
	return end
}

// MousePath returns a pointer summary for a mouse moved along a path of n
// events and clicked since ms before the focus.
func MousePath(n int, path, since float64) behavior.Pointer {
	return behavior.Pointer{Moves: n, Path: path, Disp: path * 0.8, Kind: behavior.PointerMouse, SinceDown: since}
}

// NoPointer returns the summary when no pointer was used.
func NoPointer() behavior.Pointer { return behavior.Pointer{SinceDown: -1} }

// Tap returns the summary of a touch tap since ms before the focus.
func Tap(since float64) behavior.Pointer {
	return behavior.Pointer{Kind: behavior.PointerTouch, SinceDown: since}
}
