package audio

import (
	"github.com/tollgate/tollgate/audio/internal/dsp"
)

// speech renders the prompt, the beep and every digit into the mix.
func (j *job) speech() error {
	j.mix = dsp.GrowZero(j.mix, j.n)
	j.renderEvents(j.mix, func(*event) bool { return true })
	return nil
}

// renderEvents adds the events keep accepts to dst, which must be j.n
// samples long. Each digit is time-stretched by tempo/pitch, resampled by
// pitch (so that its duration changes by 1/tempo and its pitch by pitch),
// and scaled to an active RMS of gain·refRMS.
func (j *job) renderEvents(dst []float32, keep func(*event) bool) {
	for i := range j.events {
		e := &j.events[i]
		if !keep(e) {
			continue
		}
		var s []float32
		switch e.kind {
		case kindPrompt:
			s = j.pack.prompts[j.cue].audio
		case kindBeep:
			s = j.s.beep
		default:
			src := j.voices[e.track].digits[e.digit]
			j.bufA = dsp.Stretch(j.bufA, src, e.tempo/e.pitch)
			j.bufB = dsp.Shift(j.bufB, j.bufA, e.pitch)
			s = j.bufB
		}
		g := float32(e.gain)
		if e.kind == kindDigit {
			if rms := dsp.ActiveRMS(s); rms > 0 {
				g = float32(e.gain * refRMS / rms)
			}
		}
		out := dst[e.start:]
		s = s[:min(len(s), len(out))]
		for k, v := range s {
			out[k] += g * v
		}
	}
}

// Babble constants: fragment lengths and fades in samples.
const (
	babbleMinFrag = sampleRate * 9 / 100  // 90 ms
	babbleMaxFrag = sampleRate * 22 / 100 // 220 ms
	babbleFade    = sampleRate * 5 / 1000 // 5 ms
)

// babble adds two streams of background speech made of short fragments of
// the other voices' digits, each reversed and picked in random order, so
// that it sounds like speech but carries no digit. It starts shortly before
// the first digit, at 20–30% of the target's level per stream.
func (j *job) babble() error {
	var pool []*voice
	for _, v := range j.pack.voices {
		if v != j.voices[0] {
			pool = append(pool, v)
		}
	}
	start := max(0, j.first-sampleRate*3/10)
	for range 2 {
		g := float32(j.uniform(0.2, 0.3))
		for pos := start + j.rng.IntN(babbleMaxFrag); pos < j.n; {
			src := pool[j.rng.IntN(len(pool))].digits[j.rng.IntN(10)]
			l := min(len(src), babbleMinFrag+j.rng.IntN(babbleMaxFrag-babbleMinFrag))
			off := j.rng.IntN(len(src) - l + 1)
			frag := src[off : off+l]
			out := j.mix[pos:min(j.n, pos+l)]
			for k := range out {
				v := frag[l-1-k] * g
				if r := min(k, l-1-k); r < babbleFade {
					v *= float32(r) * (1.0 / babbleFade)
				}
				out[k] += v
			}
			pos += l - babbleFade
		}
	}
	return nil
}

// noise adds pink or brown noise over the whole clip at 6–11% of the
// target's level (a signal-to-noise ratio of about 19 to 24 dB).
func (j *job) noise() error {
	colour := dsp.Pink
	if j.rng.IntN(2) == 0 {
		colour = dsp.Brown
	}
	level := j.uniform(0.06, 0.11) * refRMS
	j.bufA = dsp.Noise(j.bufA, j.n, colour, j.rng.Uint64())
	rms := dsp.RMS(j.bufA)
	if rms == 0 {
		return nil
	}
	g := float32(level / rms)
	for i, v := range j.bufA {
		j.mix[i] += g * v
	}
	return nil
}

// reverb adds light reverberation: three combs of 25–44 ms with feedback
// 0.35–0.5 and a 5 ms diffuser, 10–20% wet.
func (j *job) reverb() error {
	combs := [...]float64{0.0253, 0.0297, 0.0337, 0.0371, 0.0411, 0.0437}
	picked := [3]int{}
	for i := range picked {
		picked[i] = int(combs[j.rng.IntN(len(combs))] * sampleRate * j.uniform(0.97, 1.03))
	}
	r := dsp.Reverb{
		Combs:    picked[:],
		Feedback: float32(j.uniform(0.35, 0.5)),
		AllPass:  sampleRate * 5 / 1000,
		Wet:      float32(j.uniform(0.1, 0.2)),
	}
	j.wet = r.Apply(j.mix, j.wet)
	return nil
}

// masterPeak is the peak level of the finished clip (-1 dBFS).
const masterPeak = 0.89

// master scales the mix to a peak of -1 dBFS and quantises it to 16 bits.
func (j *job) master() error {
	peak := dsp.Peak(j.mix)
	g := float32(1)
	if peak > 0 {
		g = masterPeak / peak
	}
	if cap(j.pcm) < j.n {
		j.pcm = make([]int16, j.n, j.n+j.n/4)
	}
	j.pcm = j.pcm[:j.n]
	quantize(j.pcm, j.mix, g*32767)
	return nil
}

// quantize stores round(src[i]·g), clamped to 16 bits, in dst, which must
// be at least as long as src.
func quantize(dst []int16, src []float32, g float32) {
	dst = dst[:len(src)]
	for i, v := range src {
		x := v * g
		if x >= 0 {
			x += 0.5
		} else {
			x -= 0.5
		}
		if x > 32767 {
			x = 32767
		} else if x < -32768 {
			x = -32768
		}
		dst[i] = int16(x)
	}
}
