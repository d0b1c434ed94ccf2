package stt

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/audio"
)

// cleanDigits speaks digits with one built-in voice of lang, with pauses
// between them, as a clip at rate Hz with the given number of channels: as
// easy as speech gets.
func cleanDigits(t *testing.T, lang, voice, digits string, rate, channels int) []byte {
	t.Helper()
	pack := audio.BuiltinVoices()
	silence := func(sec float64) []float32 { return make([]float32, int(sec*EngineRate)) }
	samples := silence(0.4)
	for _, d := range digits {
		b, err := fs.ReadFile(pack, fmt.Sprintf("%s/%s/%c.wav", lang, voice, d))
		if err != nil {
			t.Fatal(err)
		}
		c, err := DecodeWAV(b)
		if err != nil {
			t.Fatal(err)
		}
		c = Resample(c, EngineRate)
		samples = append(samples, c.Samples...)
		samples = append(samples, silence(0.3)...)
	}
	samples = append(samples, silence(0.4)...)
	clip := Resample(&Clip{Samples: samples, Rate: EngineRate}, rate)
	out := EncodeWAV(clip)
	if channels == 2 {
		// Interleave the same samples twice: a stereo 16-bit clip.
		data := out[44:]
		st := make([]byte, 0, 2*len(data))
		for i := 0; i+1 < len(data); i += 2 {
			st = append(st, data[i], data[i+1], data[i], data[i+1])
		}
		out = wavBytes(1, 2, rate, 16, st)
	}
	return out
}

// TestPocketSphinxReadsCleanDigits proves the adapter runs the engine and
// maps its words to digits: clean digits must come back nearly right.
func TestPocketSphinxReadsCleanDigits(t *testing.T) {
	requirePocketSphinx(t)
	ctx := context.Background()
	tests := []struct {
		lang, voice, digits string
		rate, channels      int
		minRecovered        float64
	}{
		{"en", "rms", "31415", 16000, 1, 0.8},
		{"en", "slt", "27180", 44100, 2, 0.8}, // resampled and mixed down
		{"en", "kal", "90625", 8000, 1, 0.6},
		{"ko", "m1", "31415", 16000, 1, 0.6},
	}
	recs := map[string]*PocketSphinx{}
	for _, tt := range tests {
		r := recs[tt.lang]
		if r == nil {
			var err error
			if r, err = NewPocketSphinx(tt.lang, Digits); err != nil {
				t.Fatal(err)
			}
			recs[tt.lang] = r
		}
		clip := cleanDigits(t, tt.lang, tt.voice, tt.digits, tt.rate, tt.channels)
		tr, err := r.Recognize(ctx, clip)
		if err != nil {
			t.Fatalf("%s %s: %v", r.Name(), tt.voice, err)
		}
		got := digitsOf(tr)
		if rec := Recovered(got, tt.digits); rec < tt.minRecovered {
			t.Errorf("%s on %s/%s %q at %d Hz: heard %q (%.0f%% of the digits), want ≥ %.0f%%",
				r.Name(), tt.lang, tt.voice, tt.digits, tt.rate, tr, 100*rec, 100*tt.minRecovered)
		} else {
			t.Logf("%s on %s/%s %q: heard %q", r.Name(), tt.lang, tt.voice, tt.digits, tr)
		}
		if strings.ContainsAny(tr, "abcdefghijklmnopqrstuvwxyz") {
			t.Errorf("digits grammar transcript %q holds words, want digits only", tr)
		}
	}
}

func TestPocketSphinxLanguageModel(t *testing.T) {
	requirePocketSphinx(t)
	r, err := NewPocketSphinx("en", LanguageModel)
	if err != nil {
		t.Fatal(err)
	}
	if r.Name() != "pocketsphinx:en:lm" {
		t.Errorf("Name() = %q", r.Name())
	}
	tr, err := r.Recognize(context.Background(), cleanDigits(t, "en", "rms", "4862", 16000, 1))
	if err != nil {
		t.Fatal(err)
	}
	if rec := Recovered(digitsOf(tr), "4862"); rec < 0.5 {
		t.Errorf("LM heard %q, want at least half of 4862", tr)
	}
}

func TestPocketSphinxErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "pocketsphinx_continuous")
	_, err := NewPocketSphinx("en", Digits, WithBinary(missing))
	var ni *NotInstalledError
	if !errors.As(err, &ni) || ni.Engine != "pocketsphinx" || !errors.Is(err, ErrNotInstalled) {
		t.Errorf("NewPocketSphinx(missing binary) = %v, want *NotInstalledError", err)
	}
	if _, err := NewPocketSphinx("fr", Digits); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("NewPocketSphinx(fr) = %v, want ErrInvalidOption", err)
	}
	if _, err := NewPocketSphinx("ko", LanguageModel); !errors.Is(err, ErrUnsupported) {
		t.Errorf("NewPocketSphinx(ko, LM) = %v, want ErrUnsupported", err)
	}
	requirePocketSphinx(t)
	_, err = NewPocketSphinx("en", Digits, WithModelDir(t.TempDir()))
	if !errors.As(err, &ni) || !strings.Contains(ni.Hint, "pocketsphinx-en-us") {
		t.Errorf("NewPocketSphinx(empty model dir) = %v, want *NotInstalledError with a hint", err)
	}
	r, err := NewPocketSphinx("en", Digits)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Recognize(context.Background(), []byte("not a wav")); !errors.Is(err, ErrBadWAV) {
		t.Errorf("Recognize(junk) = %v, want ErrBadWAV", err)
	}
}

// TestTimeoutAndCleanup runs a fake engine that hangs: Recognize stops it
// at the timeout and leaves no temporary files.
func TestTimeoutAndCleanup(t *testing.T) {
	requirePocketSphinx(t) // needs the model directory
	dir := t.TempDir()
	script := filepath.Join(dir, "pocketsphinx_continuous")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nexec sleep 30\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	r, err := NewPocketSphinx("en", Digits, WithBinary(script), WithTimeout(300*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = r.Recognize(context.Background(), EncodeWAV(&Clip{Rate: 16000, Samples: make([]float32, 1600)}))
	if !errors.Is(err, ErrTimeout) {
		t.Errorf("Recognize(hanging) = %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Recognize took %v after a 300ms timeout", d)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
