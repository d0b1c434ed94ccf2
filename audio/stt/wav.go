package stt

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Limits on the WAV clips this package accepts.
const (
	// MaxWAVBytes is the largest clip Recognize accepts (64 MiB).
	MaxWAVBytes = 64 << 20
	maxChannels = 16
	minRate     = 4000
	maxRate     = 192000
)

// EngineRate is the sample rate the speech models expect; clips are
// resampled to it.
const EngineRate = 16000

// Clip is decoded mono audio.
type Clip struct {
	// Samples are mono samples in [-1, 1].
	Samples []float32
	// Rate is the sample rate in Hz.
	Rate int
}

// DecodeWAV decodes a RIFF WAVE file holding PCM (8, 16, 24 or 32 bits),
// IEEE float (32 or 64 bits) or µ-law samples, mono or multi-channel
// (averaged to mono). It returns an error matching ErrBadWAV for anything
// else, for truncated files and for files larger than MaxWAVBytes.
func DecodeWAV(b []byte) (*Clip, error) {
	if len(b) > MaxWAVBytes {
		return nil, badWAV("file of %d bytes exceeds %d", len(b), MaxWAVBytes)
	}
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, badWAV("not a RIFF WAVE file")
	}
	var (
		format, channels, bits int
		rate                   int
		haveFmt                bool
		data                   []byte
		haveData               bool
	)
	for p := 12; p+8 <= len(b); {
		id := string(b[p : p+4])
		size := int(binary.LittleEndian.Uint32(b[p+4 : p+8]))
		body := b[p+8:]
		if size > len(body) {
			if id != "data" {
				return nil, badWAV("chunk %q truncated", id)
			}
			// Streams written before their length was known often
			// carry a too-large data size; take what is there.
			size = len(body)
		}
		body = body[:size]
		switch id {
		case "fmt ":
			if size < 16 {
				return nil, badWAV("fmt chunk of %d bytes", size)
			}
			format = int(binary.LittleEndian.Uint16(body[0:2]))
			channels = int(binary.LittleEndian.Uint16(body[2:4]))
			rate = int(binary.LittleEndian.Uint32(body[4:8]))
			bits = int(binary.LittleEndian.Uint16(body[14:16]))
			if format == 0xFFFE && size >= 26 {
				format = int(binary.LittleEndian.Uint16(body[24:26]))
			}
			haveFmt = true
		case "data":
			data, haveData = body, true
		}
		p += 8 + size + size&1
	}
	if !haveFmt || !haveData {
		return nil, badWAV("missing fmt or data chunk")
	}
	if channels < 1 || channels > maxChannels {
		return nil, badWAV("%d channels", channels)
	}
	if rate < minRate || rate > maxRate {
		return nil, badWAV("sample rate %d Hz", rate)
	}
	var read func([]byte) float32
	switch {
	case format == 1 && bits == 8:
		read = func(s []byte) float32 { return (float32(s[0]) - 128) / 128 }
	case format == 1 && bits == 16:
		read = func(s []byte) float32 { return float32(int16(binary.LittleEndian.Uint16(s))) / 32768 }
	case format == 1 && bits == 24:
		read = func(s []byte) float32 {
			v := int32(uint32(s[0])<<8|uint32(s[1])<<16|uint32(s[2])<<24) >> 8
			return float32(v) / (1 << 23)
		}
	case format == 1 && bits == 32:
		read = func(s []byte) float32 { return float32(int32(binary.LittleEndian.Uint32(s))) / (1 << 31) }
	case format == 3 && bits == 32:
		read = func(s []byte) float32 { return clamp(math.Float32frombits(binary.LittleEndian.Uint32(s))) }
	case format == 3 && bits == 64:
		read = func(s []byte) float32 { return clamp(float32(math.Float64frombits(binary.LittleEndian.Uint64(s)))) }
	case format == 7 && bits == 8:
		read = func(s []byte) float32 { return float32(ulaw(s[0])) / 32768 }
	default:
		return nil, badWAV("unsupported format %d with %d bits", format, bits)
	}
	frame := channels * bits / 8
	n := len(data) / frame
	out := make([]float32, n)
	step := bits / 8
	for i := 0; i < n; i++ {
		var sum float32
		f := data[i*frame : (i+1)*frame]
		for c := 0; c < channels; c++ {
			sum += read(f[c*step : (c+1)*step])
		}
		out[i] = sum / float32(channels)
	}
	return &Clip{Samples: out, Rate: rate}, nil
}

func clamp(v float32) float32 {
	switch {
	case v != v: // NaN
		return 0
	case v > 1:
		return 1
	case v < -1:
		return -1
	}
	return v
}

// ulaw decodes one G.711 µ-law byte to a 16-bit sample.
func ulaw(u byte) int16 {
	u = ^u
	t := (int(u&0x0f)<<3 + 0x84) << (int(u&0x70) >> 4)
	if u&0x80 != 0 {
		return int16(0x84 - t)
	}
	return int16(t - 0x84)
}

// Resample returns c at rate (Hz) by linear interpolation, after a moving
// average over the source samples that fall into one output sample when
// downsampling (a crude anti-aliasing filter, enough for speech models
// whose features stop at 8 kHz). A clip already at rate is returned as is.
func Resample(c *Clip, rate int) *Clip {
	if c.Rate == rate || len(c.Samples) == 0 || rate <= 0 {
		return c
	}
	src := c.Samples
	ratio := float64(c.Rate) / float64(rate)
	if ratio > 1 {
		w := int(math.Ceil(ratio))
		sm := make([]float32, len(src))
		var acc float64
		for i := range src {
			acc += float64(src[i])
			if i >= w {
				acc -= float64(src[i-w])
			}
			k := min(i+1, w)
			sm[i] = float32(acc / float64(k))
		}
		// The moving average delays by (w-1)/2 samples; shift it back.
		shift := (w - 1) / 2
		src = append(sm[shift:], make([]float32, shift)...)
	}
	n := int(float64(len(c.Samples)) / ratio)
	out := make([]float32, n)
	for i := range out {
		pos := float64(i) * ratio
		j := int(pos)
		f := float32(pos - float64(j))
		a := src[min(j, len(src)-1)]
		b := src[min(j+1, len(src)-1)]
		out[i] = a + (b-a)*f
	}
	return &Clip{Samples: out, Rate: rate}
}

// EncodeWAV returns c as a 16-bit PCM mono WAV file.
func EncodeWAV(c *Clip) []byte {
	n := len(c.Samples)
	b := make([]byte, 44+2*n)
	copy(b[0:], "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+2*n))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1)
	binary.LittleEndian.PutUint16(b[22:], 1)
	binary.LittleEndian.PutUint32(b[24:], uint32(c.Rate))
	binary.LittleEndian.PutUint32(b[28:], uint32(2*c.Rate))
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(2*n))
	for i, s := range c.Samples {
		v := math.Round(float64(clamp(s)) * 32767)
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(int16(v)))
	}
	return b
}

func badWAV(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrBadWAV, fmt.Sprintf(format, a...))
}
