package stt

import (
	"math"
	"testing"
)

// BenchmarkPrepareClip measures decoding a 10-second 44.1 kHz stereo clip,
// resampling it to 16 kHz and encoding it for the engine.
func BenchmarkPrepareClip(b *testing.B) {
	const rate = 44100
	c := &Clip{Rate: rate, Samples: make([]float32, 10*rate)}
	for i := range c.Samples {
		c.Samples[i] = float32(0.3 * math.Sin(float64(i)/7))
	}
	mono := EncodeWAV(c)[44:]
	st := make([]byte, 0, 2*len(mono))
	for i := 0; i+1 < len(mono); i += 2 {
		st = append(st, mono[i], mono[i+1], mono[i], mono[i+1])
	}
	wav := wavBytes(1, 2, rate, 16, st)
	b.SetBytes(int64(len(wav)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		d, err := DecodeWAV(wav)
		if err != nil {
			b.Fatal(err)
		}
		EncodeWAV(Resample(d, EngineRate))
	}
}

// BenchmarkHears measures judging a transcript.
func BenchmarkHears(b *testing.B) {
	tr := "5 8 6 7 0 8\n8 9 8 0 1 0 8 3 0 5 0 8 1 3 8 0 2 8 8 9 0 3 5 9 8 8 0 5 8 0 8 0 9 0 3 8 0"
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Hears(tr, []string{"04655"})
		Recovered(digitsOf(tr), "04655")
	}
}
