package dsp

import "math"

// WSOLA parameters: frames of stretchFrame samples overlap by half; each
// frame's source position is searched within ±stretchSearch samples for the
// best continuation of the previous frame.
const (
	stretchFrame  = 384
	stretchHop    = stretchFrame / 2
	stretchSearch = 40
)

// hann is the periodic Hann window of stretchFrame samples; windows at half
// overlap sum to exactly one. Read-only after initialisation.
var hann = func() (w [stretchFrame]float32) {
	for i := range w {
		w[i] = float32(0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/stretchFrame))
	}
	return w
}()

// StretchLen returns the length of Stretch's output for n input samples.
func StretchLen(n int, tempo float64) int {
	if n <= 0 || tempo <= 0 {
		return 0
	}
	if math.Abs(tempo-1) < 0.01 {
		return n
	}
	return int(float64(n)/tempo + 0.5)
}

// Stretch changes the duration of src by 1/tempo without changing its pitch
// (tempo 0.8 plays 25% longer) using a simplified waveform-similarity
// overlap-add (WSOLA), and stores the result in dst. Tempos within 1% of 1
// copy src unchanged. It returns StretchLen(len(src), tempo) samples; tempo
// must be positive.
func Stretch(dst, src []float32, tempo float64) []float32 {
	n := StretchLen(len(src), tempo)
	if n == len(src) {
		dst = Grow(dst, n)
		copy(dst, src)
		return dst
	}
	dst = GrowZero(dst, n)
	if n == 0 {
		return dst
	}
	maxPos := len(src) - stretchFrame
	prev := -1
	for o := -stretchHop; o < n; o += stretchHop {
		pos := o // the first frame only completes the window sum at the start
		if o >= 0 {
			pos = int(float64(o)*tempo + 0.5)
		}
		if prev >= 0 && maxPos > 0 {
			pos = bestMatch(src, prev+stretchHop, pos, maxPos)
		}
		overlapAdd(dst, src, o, pos)
		prev = pos
	}
	return dst
}

// bestMatch returns the candidate source position within the search range
// around nominal whose first half-frame best correlates with the natural
// continuation of the previous frame, starting at ref.
func bestMatch(src []float32, ref, nominal, maxPos int) int {
	if ref < 0 || ref+stretchHop > len(src) {
		return clampInt(nominal, 0, maxPos)
	}
	lo := clampInt(nominal-stretchSearch, 0, maxPos)
	hi := clampInt(nominal+stretchSearch, 0, maxPos)
	best, bestScore := clampInt(nominal, 0, maxPos), float32(math.Inf(-1))
	r := src[ref : ref+stretchHop]
	for c := lo; c <= hi; c += 2 {
		s := src[c : c+stretchHop]
		var acc float32
		for j := 0; j < stretchHop; j += 4 {
			acc += r[j] * s[j]
		}
		if acc > bestScore {
			best, bestScore = c, acc
		}
	}
	return best
}

// overlapAdd adds the Hann-windowed source frame starting at pos to dst at
// offset o, skipping samples outside either slice.
func overlapAdd(dst, src []float32, o, pos int) {
	for j := 0; j < stretchFrame; j++ {
		d, s := o+j, pos+j
		if d < 0 || s < 0 {
			continue
		}
		if d >= len(dst) || s >= len(src) {
			break
		}
		dst[d] += hann[j] * src[s]
	}
}

func clampInt(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}
