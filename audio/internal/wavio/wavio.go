// Package wavio reads the WAV files of voice packs and writes the 16-bit PCM
// WAV clips of audio challenges.
//
// Decode accepts the common RIFF/WAVE encodings a voice pack may use: linear
// PCM of 8, 16, 24 or 32 bits, 32-bit IEEE float and 8-bit G.711 µ-law, with
// any number of channels (mixed down to mono). AppendPCM16 writes the
// canonical 44-byte header that github.com/go-audio/wav's Encoder writes,
// followed by the samples, without per-sample allocations.
package wavio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/tollgate/tollgate/audio/internal/dsp"
)

// MaxSamples bounds the number of frames Decode accepts (one minute at
// 48 kHz), so a corrupt or hostile file cannot make it allocate without
// limit.
const MaxSamples = 48000 * 60

// ErrFormat is wrapped by every Decode error about the file's contents.
var ErrFormat = errors.New("wav: bad file")

// WAVE format tags.
const (
	formatPCM        = 1
	formatFloat      = 3
	formatMuLaw      = 7
	formatExtensible = 0xFFFE
)

// Sound is a decoded mono sound.
type Sound struct {
	// Samples are the mono samples in [-1, 1].
	Samples []float32
	// Rate is the sample rate in Hz.
	Rate int
}

func formatErr(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, a...))
}

// Decode parses a RIFF/WAVE file held in b. Unknown chunks are skipped.
func Decode(b []byte) (Sound, error) {
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return Sound{}, formatErr("not a RIFF/WAVE file")
	}
	var (
		haveFmt              bool
		tag, chans, bits     int
		rate                 int
		data                 []byte
		haveData             bool
		le                   = binary.LittleEndian
		p                    = 12
		blockAlign, wantBits int
	)
	for p+8 <= len(b) {
		id := string(b[p : p+4])
		size := int64(le.Uint32(b[p+4 : p+8]))
		p += 8
		end := int64(p) + size
		if end > int64(len(b)) {
			if id != "data" {
				return Sound{}, formatErr("chunk %q overruns the file", id)
			}
			end = int64(len(b)) // tolerate a truncated data chunk
		}
		body := b[p:int(end)]
		switch id {
		case "fmt ":
			if len(body) < 16 {
				return Sound{}, formatErr("fmt chunk too short")
			}
			tag = int(le.Uint16(body[0:2]))
			chans = int(le.Uint16(body[2:4]))
			rate = int(le.Uint32(body[4:8]))
			blockAlign = int(le.Uint16(body[12:14]))
			bits = int(le.Uint16(body[14:16]))
			if tag == formatExtensible {
				if len(body) < 40 {
					return Sound{}, formatErr("extensible fmt chunk too short")
				}
				tag = int(le.Uint16(body[24:26]))
			}
			haveFmt = true
		case "data":
			data = body
			haveData = true
		}
		p = int(end)
		if end%2 == 1 && p < len(b) { // chunks are word aligned
			p++
		}
	}
	if !haveFmt {
		return Sound{}, formatErr("no fmt chunk")
	}
	if !haveData {
		return Sound{}, formatErr("no data chunk")
	}
	if chans < 1 || chans > 8 {
		return Sound{}, formatErr("%d channels", chans)
	}
	if rate < 4000 || rate > 192000 {
		return Sound{}, formatErr("sample rate %d Hz", rate)
	}
	switch tag {
	case formatPCM:
		if bits != 8 && bits != 16 && bits != 24 && bits != 32 {
			return Sound{}, formatErr("%d-bit PCM", bits)
		}
		wantBits = bits
	case formatFloat:
		if bits != 32 {
			return Sound{}, formatErr("%d-bit float", bits)
		}
		wantBits = 32
	case formatMuLaw:
		if bits != 8 {
			return Sound{}, formatErr("%d-bit µ-law", bits)
		}
		wantBits = 8
	default:
		return Sound{}, formatErr("unsupported format tag %d", tag)
	}
	frame := chans * wantBits / 8
	if blockAlign != 0 && blockAlign != frame {
		return Sound{}, formatErr("block align %d, want %d", blockAlign, frame)
	}
	n := len(data) / frame
	if n > MaxSamples {
		return Sound{}, formatErr("%d frames, more than %d", n, MaxSamples)
	}
	out := make([]float32, n)
	bps := wantBits / 8
	inv := 1 / float32(chans)
	for i := range out {
		var acc float32
		for c := 0; c < chans; c++ {
			s := data[i*frame+c*bps:]
			acc += sample(s, tag, wantBits)
		}
		out[i] = acc * inv
	}
	return Sound{Samples: out, Rate: rate}, nil
}

// sample decodes one sample at the start of s.
func sample(s []byte, tag, bits int) float32 {
	le := binary.LittleEndian
	switch {
	case tag == formatMuLaw:
		return float32(dsp.MuLawDecode(s[0])) / 32768
	case tag == formatFloat:
		v := math.Float32frombits(le.Uint32(s))
		if v != v || v > 1 || v < -1 { // NaN or out of range
			if v > 1 {
				return 1
			}
			if v < -1 {
				return -1
			}
			return 0
		}
		return v
	case bits == 8:
		return float32(int(s[0])-128) / 128
	case bits == 16:
		return float32(int16(le.Uint16(s))) / 32768
	case bits == 24:
		v := int32(uint32(s[0])<<8|uint32(s[1])<<16|uint32(s[2])<<24) >> 8
		return float32(v) / (1 << 23)
	default:
		return float32(int32(le.Uint32(s))) / (1 << 31)
	}
}

// HeaderSize is the size of the header AppendPCM16 writes.
const HeaderSize = 44

// AppendPCM16 appends a mono 16-bit PCM WAV file holding samples at rate Hz
// to dst and returns the extended slice. The header is byte-for-byte the one
// github.com/go-audio/wav's Encoder writes for the same format.
func AppendPCM16(dst []byte, samples []int16, rate int) []byte {
	le := binary.LittleEndian
	dataLen := uint32(2 * len(samples))
	dst = append(dst, "RIFF"...)
	dst = le.AppendUint32(dst, 36+dataLen)
	dst = append(dst, "WAVEfmt "...)
	dst = le.AppendUint32(dst, 16)
	dst = le.AppendUint16(dst, formatPCM)
	dst = le.AppendUint16(dst, 1) // channels
	dst = le.AppendUint32(dst, uint32(rate))
	dst = le.AppendUint32(dst, uint32(rate*2)) // bytes per second
	dst = le.AppendUint16(dst, 2)              // block align
	dst = le.AppendUint16(dst, 16)             // bits per sample
	dst = append(dst, "data"...)
	dst = le.AppendUint32(dst, dataLen)
	start := len(dst)
	dst = append(dst, make([]byte, dataLen)...)
	out := dst[start:]
	for i, s := range samples {
		le.PutUint16(out[2*i:], uint16(s))
	}
	return dst
}
