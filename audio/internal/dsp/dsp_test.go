package dsp

import (
	"math"
	"testing"
)

// harmonic returns n samples at rate of a tone with fundamental f0 and five
// harmonics, amplitude about 0.5.
func harmonic(n, rate int, f0 float64) []float32 {
	x := make([]float32, n)
	for i := range x {
		t := float64(i) / float64(rate)
		var v float64
		for h := 1.0; h <= 5; h++ {
			v += math.Sin(2*math.Pi*f0*h*t) / h
		}
		x[i] = float32(0.3 * v)
	}
	return x
}

func TestMuLaw(t *testing.T) {
	tests := []struct {
		b    byte
		want int16
	}{
		{0xFF, 0}, {0x7F, 0}, {0x00, -32124}, {0x80, 32124}, {0xF0, 120}, {0x70, -120},
	}
	for _, tt := range tests {
		if got := MuLawDecode(tt.b); got != tt.want {
			t.Errorf("MuLawDecode(%#x) = %d, want %d", tt.b, got, tt.want)
		}
	}
	for b := range 256 {
		v := MuLawDecode(byte(b))
		if got := MuLawDecode(MuLawEncode(v)); got != v {
			t.Errorf("MuLawDecode(MuLawEncode(%d)) = %d", v, got)
		}
	}
	for _, v := range []int16{-32768, -1000, -1, 0, 1, 1000, 32767} {
		got := MuLawDecode(MuLawEncode(v))
		if d := math.Abs(float64(got) - float64(v)); d > math.Max(8, math.Abs(float64(v))/16) {
			t.Errorf("µ-law round trip of %d = %d", v, got)
		}
	}
}

func TestShift(t *testing.T) {
	const rate = 16000
	x := harmonic(rate/2, rate, 120)
	for _, ratio := range []float64{0.8, 1, 1.25} {
		y := Shift(nil, x, ratio)
		if len(y) != ShiftLen(len(x), ratio) {
			t.Errorf("Shift(%.2f) len = %d, want %d", ratio, len(y), ShiftLen(len(x), ratio))
		}
		if want := float64(len(x)) / ratio; math.Abs(float64(len(y))-want) > 2 {
			t.Errorf("Shift(%.2f) len = %d, want about %.0f", ratio, len(y), want)
		}
		f := EstimatePitch(y, rate)
		if want := 120 * ratio; math.Abs(f-want) > want*0.02 {
			t.Errorf("Shift(%.2f) pitch = %.1f Hz, want %.1f", ratio, f, want)
		}
	}
	if y := Shift(nil, nil, 1.1); len(y) != 0 {
		t.Errorf("Shift(nil) len = %d", len(y))
	}
	if y := Shift(nil, []float32{0.5}, 0.5); len(y) != 1 || y[0] != 0.5 {
		t.Errorf("Shift(one sample) = %v", y)
	}
}

func TestStretch(t *testing.T) {
	const rate = 16000
	x := harmonic(rate/2, rate, 150)
	for _, tempo := range []float64{0.7, 0.9, 1, 1.2} {
		y := Stretch(nil, x, tempo)
		if len(y) != StretchLen(len(x), tempo) {
			t.Errorf("Stretch(%.2f) len = %d, want %d", tempo, len(y), StretchLen(len(x), tempo))
		}
		if want := float64(len(x)) / tempo; math.Abs(float64(len(y))-want) > 2 {
			t.Errorf("Stretch(%.2f) len = %d, want about %.0f", tempo, len(y), want)
		}
		if f := EstimatePitch(y, rate); math.Abs(f-150) > 3 {
			t.Errorf("Stretch(%.2f) pitch = %.1f Hz, want 150 (unchanged)", tempo, f)
		}
		// The level stays within 1.5 dB.
		if r := RMS(y[400:len(y)-400]) / RMS(x); r < 0.84 || r > 1.19 {
			t.Errorf("Stretch(%.2f) level ratio = %.2f", tempo, r)
		}
	}
	// Reusing dst gives the same result.
	a := Stretch(nil, x, 0.8)
	b := Stretch(make([]float32, 10, 100000), x, 0.8)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("Stretch with a dirty dst differs at %d", i)
		}
	}
	if y := Stretch(nil, x[:100], 0.5); len(y) != 200 {
		t.Errorf("Stretch(short) len = %d, want 200", len(y))
	}
}

func TestResample(t *testing.T) {
	x := make([]float32, 22050)
	for i := range x {
		x[i] = float32(0.5 * math.Sin(2*math.Pi*1000*float64(i)/22050))
	}
	y := Resample(x, 22050, 16000)
	if len(y) != 16000 {
		t.Fatalf("Resample len = %d, want 16000", len(y))
	}
	mid := y[1000:15000]
	if r := RMS(mid); math.Abs(r-0.5/math.Sqrt2) > 0.01 {
		t.Errorf("Resample RMS = %.4f, want %.4f", r, 0.5/math.Sqrt2)
	}
	// 1 kHz: 2000 zero crossings per second.
	crossings := 0
	for i := 1; i < len(mid); i++ {
		if (mid[i-1] < 0) != (mid[i] < 0) {
			crossings++
		}
	}
	if want := 2000 * len(mid) / 16000; abs(crossings-want) > 3 {
		t.Errorf("Resample zero crossings = %d, want %d", crossings, want)
	}
	// Content above the new Nyquist frequency is removed.
	hi := make([]float32, 48000)
	for i := range hi {
		hi[i] = float32(0.5 * math.Sin(2*math.Pi*12000*float64(i)/48000))
	}
	if r := RMS(Resample(hi, 48000, 16000)[500:15500]); r > 0.01 {
		t.Errorf("Resample kept %0.3f RMS of a 12 kHz tone at 16 kHz", r)
	}
	if y := Resample(x[:10], 16000, 16000); len(y) != 10 || &y[0] == &x[0] {
		t.Error("Resample with equal rates must copy")
	}
	if Resample(x, 0, 16000) != nil {
		t.Error("Resample from 0 Hz must return nil")
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func TestEstimatePitch(t *testing.T) {
	for _, f0 := range []float64{70, 110, 180, 260, 380} {
		x := harmonic(8000, 16000, f0)
		if got := EstimatePitch(x, 16000); math.Abs(got-f0) > f0*0.01 {
			t.Errorf("EstimatePitch(%v Hz) = %.2f", f0, got)
		}
	}
	if got := EstimatePitch(make([]float32, 8000), 16000); got != 0 {
		t.Errorf("EstimatePitch(silence) = %v, want 0", got)
	}
	if got := EstimatePitch(Noise(nil, 8000, White, 1), 16000); got != 0 {
		t.Errorf("EstimatePitch(white noise) = %v, want 0", got)
	}
	if got := EstimatePitch(make([]float32, 10), 16000); got != 0 {
		t.Errorf("EstimatePitch(short) = %v, want 0", got)
	}
}

func TestActiveRMS(t *testing.T) {
	tone := harmonic(3200, 16000, 200)
	padded := make([]float32, 16000)
	copy(padded[6400:], tone)
	if a, b := ActiveRMS(tone), ActiveRMS(padded); math.Abs(a-b)/a > 0.02 {
		t.Errorf("ActiveRMS with silence = %.4f, without = %.4f", b, a)
	}
	if RMS(padded) > ActiveRMS(padded)/2 {
		t.Errorf("RMS(padded) = %.4f should be well below ActiveRMS", RMS(padded))
	}
	if ActiveRMS(nil) != 0 || ActiveRMS(make([]float32, 100)) != 0 {
		t.Error("ActiveRMS of silence must be 0")
	}
	if p := Peak([]float32{0.1, -0.7, 0.5}); p != 0.7 {
		t.Errorf("Peak = %v, want 0.7", p)
	}
}

// bandEnergy returns the energy of x in [lo, hi) Hz by a naive DFT over a
// few bins.
func bandEnergy(x []float32, rate int, lo, hi float64) float64 {
	var e float64
	n := len(x)
	for f := lo; f < hi; f += float64(rate) / float64(n) * 8 {
		var re, im float64
		for i, v := range x {
			a := 2 * math.Pi * f * float64(i) / float64(rate)
			re += float64(v) * math.Cos(a)
			im += float64(v) * math.Sin(a)
		}
		e += re*re + im*im
	}
	return e
}

func TestNoise(t *testing.T) {
	const n = 4096
	for _, c := range []Colour{White, Pink, Brown} {
		a := Noise(nil, n, c, 42)
		b := Noise(make([]float32, 3), n, c, 42)
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("Noise(%d) not deterministic", c)
			}
		}
		if r := RMS(a); r < 0.3 || r > 3 {
			t.Errorf("Noise(%d) RMS = %.3f, want roughly 1", c, r)
		}
		lo, hi := bandEnergy(a, 16000, 100, 400), bandEnergy(a, 16000, 4000, 4300)
		switch c {
		case White:
			if lo/hi > 3 || hi/lo > 3 {
				t.Errorf("white noise low/high = %.2f, want about 1", lo/hi)
			}
		case Pink:
			if lo/hi < 3 {
				t.Errorf("pink noise low/high = %.2f, want > 3", lo/hi)
			}
		case Brown:
			if lo/hi < 30 {
				t.Errorf("brown noise low/high = %.2f, want > 30", lo/hi)
			}
		}
	}
	if a, b := Noise(nil, 10, Pink, 1), Noise(nil, 10, Pink, 2); a[5] == b[5] {
		t.Error("different seeds gave the same noise")
	}
}

func TestReverb(t *testing.T) {
	x := make([]float32, 16000)
	x[100] = 1
	r := Reverb{Combs: []int{400, 500, 600}, Feedback: 0.5, AllPass: 80, Wet: 0.2}
	r.Apply(x, nil)
	if x[100] < 0.85 || x[100] > 1 {
		t.Errorf("dry sample = %v", x[100])
	}
	for i := range 100 {
		if x[i] != 0 {
			t.Fatalf("reverb before the impulse at %d", i)
		}
	}
	early := RMS(x[500:2000])
	late := RMS(x[8000:])
	if early == 0 || late >= early/10 {
		t.Errorf("reverb early RMS %.5f, late %.5f: want a decaying tail", early, late)
	}
	// Zero wet leaves the signal alone.
	y := []float32{1, 2, 3}
	Reverb{Combs: []int{1}, Feedback: 0.5}.Apply(y, nil)
	if y[0] != 1 || y[1] != 2 || y[2] != 3 {
		t.Errorf("dry reverb changed the signal: %v", y)
	}
}

func BenchmarkStretch(b *testing.B) {
	x := harmonic(8000, 16000, 120)
	var dst []float32
	b.ReportAllocs()
	for b.Loop() {
		dst = Stretch(dst, x, 0.85)
	}
}

func BenchmarkShift(b *testing.B) {
	x := harmonic(8000, 16000, 120)
	var dst []float32
	b.ReportAllocs()
	for b.Loop() {
		dst = Shift(dst, x, 1.1)
	}
}
