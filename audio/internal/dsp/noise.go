package dsp

// Colour selects the spectrum of Noise.
type Colour int

// Noise colours.
const (
	// White noise has equal power at every frequency.
	White Colour = iota
	// Pink noise falls by 3 dB per octave, like many natural sounds.
	Pink
	// Brown noise falls by 6 dB per octave: a low rumble.
	Brown
)

// Noise fills dst (after growing it to n samples) with deterministic
// coloured noise of roughly unit RMS seeded by seed, and returns it. The
// generator is a xorshift64* sequence, cheap enough to fill ten seconds at
// 16 kHz in well under a millisecond.
func Noise(dst []float32, n int, c Colour, seed uint64) []float32 {
	dst = Grow(dst, n)
	x := seed | 1
	var b0, b1, b2, b3, b4, b5, b6 float32
	var brown float32
	for i := range dst {
		x ^= x >> 12
		x ^= x << 25
		x ^= x >> 27
		w := float32(int32((x*2685821657736338717)>>32)) * (1.0 / (1 << 31))
		switch c {
		case Pink: // Paul Kellet's refined pink filter.
			b0 = 0.99886*b0 + w*0.0555179
			b1 = 0.99332*b1 + w*0.0750759
			b2 = 0.96900*b2 + w*0.1538520
			b3 = 0.86650*b3 + w*0.3104856
			b4 = 0.55000*b4 + w*0.5329522
			b5 = -0.7616*b5 - w*0.0168980
			dst[i] = (b0 + b1 + b2 + b3 + b4 + b5 + b6 + w*0.5362) * 0.3
			b6 = w * 0.115926
		case Brown: // Leaky integrator.
			brown = 0.995*brown + w*0.1
			dst[i] = brown * 3
		default:
			dst[i] = w * 1.7320508 // uniform [-1,1) has RMS 1/√3
		}
	}
	return dst
}
