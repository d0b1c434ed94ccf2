package dsp

// ShiftLen returns the length of Shift's output for n input samples.
func ShiftLen(n int, ratio float64) int {
	if n <= 0 || ratio <= 0 {
		return 0
	}
	return int(float64(n-1)/ratio) + 1
}

// Shift resamples src by ratio with linear interpolation and stores the
// result in dst: ratio 1.25 reads the source 25% faster, raising the pitch
// by a factor of 1.25 and shortening the sound by the same factor. It is
// meant for the small per-digit pitch changes of a challenge (ratios near
// 1), where linear interpolation is cheap and good enough. Shift returns
// ShiftLen(len(src), ratio) samples; ratio must be positive.
func Shift(dst, src []float32, ratio float64) []float32 {
	n := ShiftLen(len(src), ratio)
	dst = Grow(dst, n)
	if n == 0 {
		return dst
	}
	const one = 1 << 32
	step := uint64(ratio * one)
	last := len(src) - 1
	var pos uint64
	for i := range dst {
		idx := int(pos >> 32)
		if idx >= last {
			dst[i] = src[last]
		} else {
			frac := float32(pos&(one-1)) * (1.0 / one)
			a := src[idx]
			dst[i] = a + frac*(src[idx+1]-a)
		}
		pos += step
	}
	return dst
}

// Grow returns s resliced to length n, reallocating if its capacity is too
// small. The contents are not cleared.
func Grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n, n+n/4)
	}
	return s[:n]
}

// GrowZero is Grow followed by clearing the n samples.
func GrowZero(s []float32, n int) []float32 {
	s = Grow(s, n)
	clear(s)
	return s
}
