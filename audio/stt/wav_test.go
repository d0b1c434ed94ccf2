package stt

import (
	"encoding/binary"
	"errors"
	"math"
	"testing"
)

// wavBytes builds a WAV file with the given format fields and data.
func wavBytes(format, channels, rate, bits int, data []byte) []byte {
	b := []byte("RIFF\x00\x00\x00\x00WAVE")
	fmtChunk := make([]byte, 16)
	binary.LittleEndian.PutUint16(fmtChunk[0:], uint16(format))
	binary.LittleEndian.PutUint16(fmtChunk[2:], uint16(channels))
	binary.LittleEndian.PutUint32(fmtChunk[4:], uint32(rate))
	binary.LittleEndian.PutUint32(fmtChunk[8:], uint32(rate*channels*bits/8))
	binary.LittleEndian.PutUint16(fmtChunk[12:], uint16(channels*bits/8))
	binary.LittleEndian.PutUint16(fmtChunk[14:], uint16(bits))
	b = append(b, "fmt "...)
	b = binary.LittleEndian.AppendUint32(b, 16)
	b = append(b, fmtChunk...)
	b = append(b, "LIST"...)
	b = binary.LittleEndian.AppendUint32(b, 3)
	b = append(b, 'a', 'b', 'c', 0) // odd chunk with pad byte
	b = append(b, "data"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(data)))
	b = append(b, data...)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b
}

func TestDecodeWAVFormats(t *testing.T) {
	f32 := func(v float32) []byte { return binary.LittleEndian.AppendUint32(nil, math.Float32bits(v)) }
	tests := []struct {
		name                   string
		format, ch, rate, bits int
		data                   []byte
		want                   []float32
	}{
		{"pcm8", 1, 1, 8000, 8, []byte{128, 255, 0}, []float32{0, 127.0 / 128, -1}},
		{"pcm16", 1, 1, 16000, 16, []byte{0, 0x40, 0, 0xc0}, []float32{0.5, -0.5}},
		{"pcm24", 1, 1, 16000, 24, []byte{0, 0, 0x40, 0, 0, 0xc0}, []float32{0.5, -0.5}},
		{"pcm32", 1, 1, 16000, 32, []byte{0, 0, 0, 0x40}, []float32{0.5}},
		{"float32", 3, 1, 16000, 32, append(f32(0.25), f32(7)...), []float32{0.25, 1}},
		{"stereo averaged", 1, 2, 16000, 16, []byte{0, 0x40, 0, 0}, []float32{0.25}},
		{"mulaw", 7, 1, 8000, 8, []byte{0xff, 0x80, 0x00}, []float32{0, 32124.0 / 32768, -32124.0 / 32768}},
		{"extensible pcm16", 0xFFFE, 1, 16000, 16, []byte{0, 0x40}, nil}, // fmt too short for the sub-format: fails
	}
	for _, tt := range tests {
		c, err := DecodeWAV(wavBytes(tt.format, tt.ch, tt.rate, tt.bits, tt.data))
		if tt.want == nil {
			if !errors.Is(err, ErrBadWAV) {
				t.Errorf("DecodeWAV(%s) = %v, want ErrBadWAV", tt.name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("DecodeWAV(%s) = %v", tt.name, err)
			continue
		}
		if c.Rate != tt.rate || len(c.Samples) != len(tt.want) {
			t.Errorf("DecodeWAV(%s) = %d Hz %v, want %d Hz %v", tt.name, c.Rate, c.Samples, tt.rate, tt.want)
			continue
		}
		for i, w := range tt.want {
			if math.Abs(float64(c.Samples[i]-w)) > 1e-4 {
				t.Errorf("DecodeWAV(%s) sample %d = %v, want %v", tt.name, i, c.Samples[i], w)
			}
		}
	}
}

func TestDecodeWAVErrors(t *testing.T) {
	good := wavBytes(1, 1, 16000, 16, []byte{1, 2})
	tests := map[string][]byte{
		"empty":           nil,
		"not riff":        []byte("RIFX\x00\x00\x00\x00WAVEfmt "),
		"no data":         good[:12+8+16],
		"truncated fmt":   append([]byte("RIFF\x00\x00\x00\x00WAVEfmt \x10\x00\x00\x00"), 1, 0, 1),
		"zero channels":   wavBytes(1, 0, 16000, 16, []byte{1, 2}),
		"rate too low":    wavBytes(1, 1, 100, 16, []byte{1, 2}),
		"unsupported fmt": wavBytes(2, 1, 16000, 4, []byte{1, 2}),
		"too large":       make([]byte, MaxWAVBytes+1),
	}
	for name, b := range tests {
		if _, err := DecodeWAV(b); !errors.Is(err, ErrBadWAV) {
			t.Errorf("DecodeWAV(%s) = %v, want ErrBadWAV", name, err)
		}
	}
	// A data chunk whose size runs past the end is read as far as it goes.
	b := wavBytes(1, 1, 16000, 16, []byte{0, 0x40, 0, 0x40})
	binary.LittleEndian.PutUint32(b[len(b)-8:], 1000)
	if c, err := DecodeWAV(b); err != nil || len(c.Samples) != 2 {
		t.Errorf("DecodeWAV(long data size) = %v, %v, want 2 samples", c, err)
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	in := &Clip{Rate: 16000, Samples: []float32{0, 0.5, -0.5, 1, -1, 0.001}}
	out, err := DecodeWAV(EncodeWAV(in))
	if err != nil {
		t.Fatal(err)
	}
	if out.Rate != 16000 || len(out.Samples) != len(in.Samples) {
		t.Fatalf("round trip = %d Hz %d samples", out.Rate, len(out.Samples))
	}
	for i := range in.Samples {
		if math.Abs(float64(out.Samples[i]-in.Samples[i])) > 1.0/16000 {
			t.Errorf("sample %d = %v, want %v", i, out.Samples[i], in.Samples[i])
		}
	}
}

// zeroCrossings counts sign changes, a proxy for frequency.
func zeroCrossings(s []float32) int {
	n := 0
	for i := 1; i < len(s); i++ {
		if (s[i-1] < 0) != (s[i] < 0) {
			n++
		}
	}
	return n
}

func TestResample(t *testing.T) {
	for _, rate := range []int{8000, 22050, 44100, 48000} {
		// One second of a 440 Hz tone.
		c := &Clip{Rate: rate, Samples: make([]float32, rate)}
		for i := range c.Samples {
			c.Samples[i] = float32(0.5 * math.Sin(2*math.Pi*440*float64(i)/float64(rate)))
		}
		r := Resample(c, EngineRate)
		if r.Rate != EngineRate || math.Abs(float64(len(r.Samples)-EngineRate)) > 1 {
			t.Errorf("Resample(%d Hz) = %d Hz, %d samples, want 16000, 16000", rate, r.Rate, len(r.Samples))
		}
		if z := zeroCrossings(r.Samples); z < 870 || z > 890 {
			t.Errorf("Resample(%d Hz) has %d zero crossings, want about 880 (440 Hz)", rate, z)
		}
	}
	same := &Clip{Rate: EngineRate, Samples: []float32{1}}
	if Resample(same, EngineRate) != same {
		t.Errorf("Resample at the same rate copied the clip")
	}
}

func FuzzDecodeWAV(f *testing.F) {
	f.Add(wavBytes(1, 1, 16000, 16, []byte{1, 2, 3, 4}))
	f.Add(wavBytes(7, 2, 8000, 8, []byte{1, 2, 3, 4}))
	f.Add(wavBytes(3, 1, 48000, 64, make([]byte, 16)))
	f.Add([]byte("RIFF\xff\xff\xff\xffWAVEdata\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := DecodeWAV(b)
		if err != nil {
			if !errors.Is(err, ErrBadWAV) {
				t.Fatalf("DecodeWAV error %v does not match ErrBadWAV", err)
			}
			return
		}
		if c.Rate < minRate || c.Rate > maxRate || len(c.Samples) > len(b) {
			t.Fatalf("DecodeWAV = %d Hz, %d samples from %d bytes", c.Rate, len(c.Samples), len(b))
		}
		for _, s := range c.Samples {
			if s < -1 || s > 1 || s != s {
				t.Fatalf("sample %v out of [-1, 1]", s)
			}
		}
	})
}
