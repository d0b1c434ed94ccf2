package dsp

import "math"

// Windowed-sinc kernel used by Resample: kernelZeros zero crossings each side,
// kernelSteps table entries per zero crossing.
const (
	kernelZeros = 16
	kernelSteps = 256
)

// kernel is a Blackman-windowed sinc tabulated from 0 to kernelZeros zero
// crossings; computed once, read-only afterwards.
var kernel = func() []float64 {
	k := make([]float64, kernelZeros*kernelSteps+2)
	for i := range k {
		x := float64(i) / kernelSteps
		if x >= kernelZeros {
			continue
		}
		s := 1.0
		if x != 0 {
			s = math.Sin(math.Pi*x) / (math.Pi * x)
		}
		w := x/kernelZeros*0.5 + 0.5 // window position in [0.5, 1]
		bw := 0.42 - 0.5*math.Cos(2*math.Pi*w) + 0.08*math.Cos(4*math.Pi*w)
		k[i] = s * bw
	}
	return k
}()

func kernelAt(x float64) float64 {
	if x < 0 {
		x = -x
	}
	p := x * kernelSteps
	i := int(p)
	if i >= len(kernel)-1 {
		return 0
	}
	f := p - float64(i)
	return kernel[i] + f*(kernel[i+1]-kernel[i])
}

// Resample converts src from the sample rate from to the rate to with a
// band-limited (windowed-sinc) interpolator. It is slow compared with Shift
// and meant for one-time conversions, such as loading a voice pack recorded
// at 44.1 kHz. Rates must be positive; equal rates return a copy.
func Resample(src []float32, from, to int) []float32 {
	if from <= 0 || to <= 0 || len(src) == 0 {
		return nil
	}
	if from == to {
		return append([]float32(nil), src...)
	}
	n := int(int64(len(src)) * int64(to) / int64(from))
	out := make([]float32, n)
	step := float64(from) / float64(to)
	scale := 1.0 // cutoff relative to the input Nyquist frequency
	if to < from {
		scale = float64(to) / float64(from)
	}
	half := int(math.Ceil(kernelZeros / scale))
	for i := range out {
		t := float64(i) * step
		c := int(t)
		var acc float64
		for k := c - half + 1; k <= c+half; k++ {
			if k < 0 || k >= len(src) {
				continue
			}
			acc += float64(src[k]) * kernelAt((t-float64(k))*scale)
		}
		out[i] = float32(acc * scale)
	}
	return out
}
