package dsp

// Reverb describes a light Schroeder reverberator: parallel feedback comb
// filters followed by one all-pass diffuser, mixed under the dry signal.
// It is a plain value; Apply is safe for concurrent use on distinct buffers.
type Reverb struct {
	// Combs are the comb delays in samples (each > 0); typical values are
	// 25–45 ms worth of samples.
	Combs []int
	// Feedback is the comb feedback gain in [0, 1); higher rings longer.
	Feedback float32
	// AllPass is the diffuser delay in samples; 0 skips the diffuser.
	AllPass int
	// Wet is the level of the reverberant signal added to the dry one.
	Wet float32
}

// Apply adds the reverberation of x to x in place, using scratch (grown as
// needed and returned) for the wet signal. The tail past len(x) is cut.
func (r Reverb) Apply(x, scratch []float32) []float32 {
	n := len(x)
	wet := GrowZero(scratch, 2*n)
	acc, tmp := wet[:n], wet[n:]
	for _, d := range r.Combs {
		if d <= 0 || d >= n {
			continue
		}
		copy(tmp, x)
		g := r.Feedback
		// tmp[i] += g·tmp[i-d], in order, so the comb feeds back.
		hi, lo := tmp[d:], tmp[:n-d]
		lo = lo[:len(hi)]
		for i := range hi {
			hi[i] += g * lo[i]
		}
		acc := acc[:len(tmp)]
		for i, v := range tmp {
			acc[i] += v
		}
	}
	if d := r.AllPass; d > 0 && d < n {
		// y[i] = -g·x[i] + x[i-d] + g·y[i-d], computed in place over acc
		// with tmp holding the input.
		const g = 0.5
		copy(tmp, acc)
		for i := range d {
			acc[i] = -g * tmp[i]
		}
		in, inD := tmp[d:], tmp[:n-d]
		out, outD := acc[d:], acc[:n-d]
		inD, out, outD = inD[:len(in)], out[:len(in)], outD[:len(in)]
		for i := range in {
			out[i] = -g*in[i] + inD[i] + g*outD[i]
		}
	}
	k := r.Wet
	if len(r.Combs) > 0 {
		k /= float32(len(r.Combs))
	}
	acc = acc[:len(x)]
	for i := range x {
		x[i] += k * acc[i]
	}
	return wet
}
