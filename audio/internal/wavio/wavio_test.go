package wavio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"testing"

	"github.com/go-audio/audio"
	"github.com/go-audio/wav"
	"github.com/tollgate/tollgate/audio/internal/dsp"
)

// seekBuffer is an in-memory io.WriteSeeker for go-audio/wav's Encoder.
type seekBuffer struct {
	b   []byte
	pos int
}

func (w *seekBuffer) Write(p []byte) (int, error) {
	if need := w.pos + len(p); need > len(w.b) {
		w.b = append(w.b, make([]byte, need-len(w.b))...)
	}
	copy(w.b[w.pos:], p)
	w.pos += len(p)
	return len(p), nil
}

func (w *seekBuffer) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		w.pos = int(off)
	case io.SeekCurrent:
		w.pos += int(off)
	case io.SeekEnd:
		w.pos = len(w.b) + int(off)
	}
	return int64(w.pos), nil
}

func TestAppendPCM16MatchesGoAudio(t *testing.T) {
	for _, n := range []int{0, 1, 7, 16000} {
		samples := make([]int16, n)
		ints := make([]int, n)
		for i := range samples {
			samples[i] = int16((i*7919)%65536 - 32768)
			ints[i] = int(samples[i])
		}
		var ref seekBuffer
		enc := wav.NewEncoder(&ref, 16000, 16, 1, 1)
		buf := &audio.IntBuffer{Format: &audio.Format{NumChannels: 1, SampleRate: 16000}, Data: ints, SourceBitDepth: 16}
		if err := enc.Write(buf); err != nil {
			t.Fatal(err)
		}
		if err := enc.Close(); err != nil {
			t.Fatal(err)
		}
		got := AppendPCM16(nil, samples, 16000)
		if !bytes.Equal(got, ref.b) {
			t.Errorf("AppendPCM16(%d samples) differs from go-audio/wav's encoder (len %d vs %d)", n, len(got), len(ref.b))
		}
		// And go-audio/wav decodes it back.
		d := wav.NewDecoder(bytes.NewReader(got))
		back, err := d.FullPCMBuffer()
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		if back.NumFrames() != n || d.SampleRate != 16000 || d.BitDepth != 16 {
			t.Errorf("decoded %d frames at %d Hz %d-bit", back.NumFrames(), d.SampleRate, d.BitDepth)
		}
		for i := range n {
			if back.Data[i] != ints[i] {
				t.Fatalf("sample %d = %d, want %d", i, back.Data[i], ints[i])
			}
		}
	}
	prefix := []byte("xy")
	if got := AppendPCM16(prefix, []int16{1}, 8000); !bytes.HasPrefix(got, []byte("xyRIFF")) || len(got) != 2+HeaderSize+2 {
		t.Errorf("AppendPCM16 does not append: %q", got[:6])
	}
}

// wavFile builds a WAV file with the given fmt fields and data.
func wavFile(tag, chans, rate, bits int, data []byte, extra ...[]byte) []byte {
	le := binary.LittleEndian
	fmtBody := le.AppendUint16(nil, uint16(tag))
	fmtBody = le.AppendUint16(fmtBody, uint16(chans))
	fmtBody = le.AppendUint32(fmtBody, uint32(rate))
	fmtBody = le.AppendUint32(fmtBody, uint32(rate*chans*bits/8))
	fmtBody = le.AppendUint16(fmtBody, uint16(chans*bits/8))
	fmtBody = le.AppendUint16(fmtBody, uint16(bits))
	if tag == formatExtensible {
		fmtBody = le.AppendUint16(fmtBody, 22)
		fmtBody = le.AppendUint16(fmtBody, uint16(bits))
		fmtBody = le.AppendUint32(fmtBody, 4)
		fmtBody = le.AppendUint16(fmtBody, formatPCM)
		fmtBody = append(fmtBody, make([]byte, 14)...)
	}
	var body []byte
	body = append(body, "WAVE"...)
	for _, x := range extra {
		body = append(body, x...)
	}
	body = append(body, "fmt "...)
	body = le.AppendUint32(body, uint32(len(fmtBody)))
	body = append(body, fmtBody...)
	body = append(body, "data"...)
	body = le.AppendUint32(body, uint32(len(data)))
	body = append(body, data...)
	out := append([]byte("RIFF"), le.AppendUint32(nil, uint32(len(body)))...)
	return append(out, body...)
}

func TestDecodeFormats(t *testing.T) {
	le := binary.LittleEndian
	f32 := func(vs ...float32) []byte {
		var b []byte
		for _, v := range vs {
			b = le.AppendUint32(b, math.Float32bits(v))
		}
		return b
	}
	tests := []struct {
		name string
		file []byte
		rate int
		want []float32
	}{
		{"pcm8", wavFile(formatPCM, 1, 8000, 8, []byte{128, 192, 64}), 8000, []float32{0, 0.5, -0.5}},
		{"pcm16", wavFile(formatPCM, 1, 16000, 16, []byte{0, 0x40, 0, 0xc0}), 16000, []float32{0.5, -0.5}},
		{"pcm24", wavFile(formatPCM, 1, 44100, 24, []byte{0, 0, 0x40, 0, 0, 0xc0}), 44100, []float32{0.5, -0.5}},
		{"pcm32", wavFile(formatPCM, 1, 48000, 32, []byte{0, 0, 0, 0x40}), 48000, []float32{0.5}},
		{"float", wavFile(formatFloat, 1, 22050, 32, f32(0.25, -1, 2, float32(math.NaN()))), 22050, []float32{0.25, -1, 1, 0}},
		{"mulaw", wavFile(formatMuLaw, 1, 8000, 8, []byte{dsp.MuLawEncode(16384), 0xFF}), 8000, []float32{float32(dsp.MuLawDecode(dsp.MuLawEncode(16384))) / 32768, 0}},
		{"stereo", wavFile(formatPCM, 2, 16000, 16, []byte{0, 0x40, 0, 0, 0, 0xc0, 0, 0xc0}), 16000, []float32{0.25, -0.5}},
		{"extensible", wavFile(formatExtensible, 1, 16000, 16, []byte{0, 0x40}), 16000, []float32{0.5}},
		{"odd chunk", wavFile(formatPCM, 1, 16000, 16, []byte{0, 0x40}, []byte("LIST\x03\x00\x00\x00abc\x00")), 16000, []float32{0.5}},
		{"truncated data", wavFile(formatPCM, 1, 16000, 16, []byte{0, 0x40, 0, 0xc0})[:46], 16000, []float32{0.5}},
	}
	for _, tt := range tests {
		got, err := Decode(tt.file)
		if err != nil {
			t.Errorf("Decode(%s) error = %v", tt.name, err)
			continue
		}
		if got.Rate != tt.rate || len(got.Samples) != len(tt.want) {
			t.Errorf("Decode(%s) = %d Hz %v, want %d Hz %v", tt.name, got.Rate, got.Samples, tt.rate, tt.want)
			continue
		}
		for i := range tt.want {
			if math.Abs(float64(got.Samples[i]-tt.want[i])) > 1e-4 {
				t.Errorf("Decode(%s) sample %d = %v, want %v", tt.name, i, got.Samples[i], tt.want[i])
			}
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	good := wavFile(formatPCM, 1, 16000, 16, []byte{0, 0})
	noData := good[:36]
	noData[4] = 28
	tests := map[string][]byte{
		"empty":        nil,
		"not riff":     []byte("RIFX0000WAVE"),
		"no fmt":       append([]byte("RIFF\x0c\x00\x00\x00WAVE"), "data\x02\x00\x00\x00\x00\x00"...),
		"no data":      noData,
		"short fmt":    append([]byte("RIFF\x10\x00\x00\x00WAVE"), "fmt \x02\x00\x00\x00\x01\x00"...),
		"overrun fmt":  append([]byte("RIFF\x10\x00\x00\x00WAVE"), "fmt \xff\x00\x00\x00\x01\x00"...),
		"zero chans":   wavFile(formatPCM, 0, 16000, 16, []byte{0, 0}),
		"many chans":   wavFile(formatPCM, 9, 16000, 16, make([]byte, 18)),
		"low rate":     wavFile(formatPCM, 1, 100, 16, []byte{0, 0}),
		"12-bit":       wavFile(formatPCM, 1, 16000, 12, []byte{0, 0}),
		"64-bit float": wavFile(formatFloat, 1, 16000, 64, make([]byte, 8)),
		"16-bit mulaw": wavFile(formatMuLaw, 1, 16000, 16, []byte{0, 0}),
		"adpcm":        wavFile(2, 1, 16000, 4, []byte{0, 0}),
		"short ext":    wavFile(formatExtensible, 1, 16000, 16, nil)[:40],
	}
	for name, b := range tests {
		if _, err := Decode(b); !errors.Is(err, ErrFormat) {
			t.Errorf("Decode(%s) error = %v, want ErrFormat", name, err)
		}
	}
	bad := wavFile(formatPCM, 1, 16000, 16, []byte{0, 0})
	binary.LittleEndian.PutUint16(bad[32:], 3) // block align
	if _, err := Decode(bad); !errors.Is(err, ErrFormat) {
		t.Errorf("Decode(bad block align) error = %v, want ErrFormat", err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(wavFile(formatPCM, 1, 16000, 16, []byte{0, 0x40, 0, 0xc0}))
	f.Add(wavFile(formatMuLaw, 2, 8000, 8, []byte{1, 2, 3, 4}))
	f.Add(wavFile(formatFloat, 1, 22050, 32, make([]byte, 8)))
	f.Add(wavFile(formatExtensible, 1, 16000, 24, make([]byte, 6)))
	f.Add([]byte("RIFF\x04\x00\x00\x00WAVE"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Decode(b)
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("Decode error %v does not wrap ErrFormat", err)
			}
			return
		}
		if s.Rate < 4000 || s.Rate > 192000 || len(s.Samples) > MaxSamples || len(s.Samples) > len(b) {
			t.Fatalf("Decode = %d Hz, %d samples from %d bytes", s.Rate, len(s.Samples), len(b))
		}
		for _, v := range s.Samples {
			if !(v >= -1 && v <= 1) {
				t.Fatalf("sample %v out of [-1, 1]", v)
			}
		}
	})
}
