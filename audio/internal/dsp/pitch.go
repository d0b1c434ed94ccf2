package dsp

import (
	"math"
	"slices"
)

// Pitch search range, in Hz: covers low male to high female and child voices.
const (
	minPitch = 60
	maxPitch = 420
)

// EstimatePitch returns the median fundamental frequency, in Hz, of the
// voiced parts of x sampled at rate, or 0 if it finds no voiced frame. It
// uses the YIN difference function on 25 ms frames whose energy is within
// 12 dB of the loudest frame, analysing at most 120 frames spread evenly
// over x. The cost is about 10⁵ operations per frame, so it is meant for
// tests and for loading voice packs, not per challenge.
func EstimatePitch(x []float32, rate int) float64 {
	if rate <= 0 {
		return 0
	}
	w := rate * 25 / 1000
	minLag, maxLag := rate/maxPitch, rate/minPitch
	hop := w / 2
	if w < 8 || len(x) < w+maxLag+1 {
		return 0
	}
	var maxE float64
	for s := 0; s+w+maxLag <= len(x); s += hop {
		maxE = max(maxE, energy(x[s:s+w]))
	}
	if maxE == 0 {
		return 0
	}
	const maxFrames = 120
	var frames int
	for s := 0; s+w+maxLag <= len(x); s += hop {
		if energy(x[s:s+w]) >= maxE/16 {
			frames++
		}
	}
	every := (frames + maxFrames - 1) / maxFrames
	d := make([]float64, maxLag+1)
	var f0s []float64
	k := 0
	for s := 0; s+w+maxLag <= len(x); s += hop {
		if energy(x[s:s+w]) < maxE/16 {
			continue
		}
		k++
		if (k-1)%every != 0 {
			continue
		}
		if tau := yinLag(x[s:s+w+maxLag], w, minLag, maxLag, d); tau > 0 {
			f0s = append(f0s, float64(rate)/tau)
		}
	}
	if len(f0s) == 0 {
		return 0
	}
	slices.Sort(f0s)
	return f0s[len(f0s)/2]
}

// yinLag returns the period, in samples with sub-sample precision, of the
// frame x[:w] (x holds maxLag samples more), or 0 if the frame is unvoiced.
func yinLag(x []float32, w, minLag, maxLag int, d []float64) float64 {
	const threshold = 0.2
	var sum float64
	d[0] = 1
	for tau := 1; tau <= maxLag; tau++ {
		var a32 float32
		a, b := x[:w], x[tau:tau+w]
		for j := range a {
			diff := a[j] - b[j]
			a32 += diff * diff
		}
		acc := float64(a32)
		sum += acc
		if sum == 0 {
			d[tau] = 1
		} else {
			d[tau] = acc * float64(tau) / sum
		}
	}
	tau := -1
	for t := minLag; t <= maxLag; t++ {
		if d[t] < threshold {
			for t+1 <= maxLag && d[t+1] < d[t] {
				t++
			}
			tau = t
			break
		}
	}
	if tau < 0 {
		return 0
	}
	if tau > 1 && tau < maxLag {
		a, b, c := d[tau-1], d[tau], d[tau+1]
		if den := a - 2*b + c; den != 0 {
			return float64(tau) + 0.5*(a-c)/den
		}
	}
	return float64(tau)
}

func energy(x []float32) float64 {
	var e float64
	for _, v := range x {
		e += float64(v) * float64(v)
	}
	return e
}

// ActiveRMS returns the root-mean-square level of the active parts of x:
// 10 ms (160-sample) blocks whose energy is within 30 dB of the loudest
// block. Silence before, between and after words therefore does not lower
// the figure, which makes it a fair loudness measure for short words.
func ActiveRMS(x []float32) float64 {
	const block = 160
	var maxE float64
	for s := 0; s < len(x); s += block {
		maxE = max(maxE, energy(x[s:min(s+block, len(x))]))
	}
	if maxE == 0 {
		return 0
	}
	var sum float64
	var n int
	for s := 0; s < len(x); s += block {
		b := x[s:min(s+block, len(x))]
		if e := energy(b); e >= maxE/1000 {
			sum += e
			n += len(b)
		}
	}
	return math.Sqrt(sum / float64(n))
}

// RMS returns the root-mean-square level of all of x.
func RMS(x []float32) float64 {
	if len(x) == 0 {
		return 0
	}
	return math.Sqrt(energy(x) / float64(len(x)))
}

// Peak returns the largest absolute sample value in x.
func Peak(x []float32) float32 {
	var hi, lo float32
	for _, v := range x {
		if v > hi {
			hi = v
		} else if v < lo {
			lo = v
		}
	}
	return max(hi, -lo)
}
