package audio

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/tollgate/tollgate/audio/internal/wavio"
	"github.com/tollgate/tollgate/captcha"
)

// toneCache memoises toneWAV: tests build the same pack many times.
var toneCache sync.Map

// toneWAV returns a WAV file at rate Hz holding a harmonic tone with
// fundamental f0 and a smooth envelope, seconds long.
func toneWAV(rate int, f0, seconds float64) []byte {
	key := fmt.Sprint(rate, f0, seconds)
	if b, ok := toneCache.Load(key); ok {
		return b.([]byte)
	}
	n := int(seconds * float64(rate))
	pcm := make([]int16, n)
	for i := range pcm {
		tt := float64(i) / float64(rate)
		var v float64
		for h := 1.0; h <= 6; h++ {
			v += math.Sin(2*math.Pi*f0*h*tt) / h
		}
		env := math.Sin(math.Pi * float64(i) / float64(n))
		pcm[i] = int16(8000 * v * env)
	}
	b := wavio.AppendPCM16(nil, pcm, rate)
	toneCache.Store(key, b)
	return b
}

// testPack returns a small voice pack for language "ja" with three voices
// and the prompts for the low and woman cues.
func testPack() fstest.MapFS {
	m := fstest.MapFS{
		"ja/pack.json": {Data: []byte(`{
  "voices": [
    {"name": "hana", "traits": ["woman"], "pitch": 220},
    {"name": "taro", "traits": ["man"]},
    {"name": "jiro", "traits": ["man"], "pitch": 140}
  ],
  "prompts": {
    "low": "低い声の数字を入力してください。",
    "woman": "女性の声の数字を入力してください。"
  }
}`)},
		"README.md":          {Data: []byte("not a language")},
		"ja/prompts/low.wav": {Data: toneWAV(16000, 200, 1.5)},
	}
	m["ja/prompts/woman.wav"] = &fstest.MapFile{Data: toneWAV(16000, 200, 1.2)}
	for name, f0 := range map[string]float64{"hana": 220, "taro": 110, "jiro": 140} {
		for d := range 10 {
			m[fmt.Sprintf("ja/%s/%d.wav", name, d)] = &fstest.MapFile{Data: toneWAV(16000, f0*(1+0.01*float64(d)), 0.3+0.02*float64(d))}
		}
	}
	return m
}

func TestVoicePack(t *testing.T) {
	m := testPack()
	for d := range 10 { // exercise resampling
		m[fmt.Sprintf("ja/hana/%d.wav", d)] = &fstest.MapFile{Data: toneWAV(22050, 220*(1+0.01*float64(d)), 0.3+0.02*float64(d))}
	}
	s := newTestSynth(t, WithVoicePack(m))
	if got := strings.Join(s.Languages(), ","); got != "en,ja,ko" {
		t.Errorf("Languages() = %s, want en,ja,ko", got)
	}
	p := s.pack("ja")
	if got := p.voices[1].pitch; math.Abs(got-115) > 5 { // median digit is 110·1.045 Hz
		t.Errorf("estimated pitch of taro = %.1f Hz, want about 115", got)
	}
	if got := fmt.Sprint(p.cues); got != "[low woman]" {
		t.Errorf("ja cues = %s, want [low woman]", got)
	}
	if n := len(p.voices[0].digits[0]); n < 16000*29/100 || n > 16000*31/100 {
		t.Errorf("resampled digit has %d samples, want about 4800", n)
	}
	for i := range 4 {
		pz, err := s.Generate(context.Background(), captcha.Request{Seed: testSeed(i), Lang: "ja-JP"})
		if err != nil {
			t.Fatalf("Generate(ja) error = %v", err)
		}
		if !strings.Contains(pz.Prompt, "入力してください") {
			t.Errorf("Generate(ja) prompt = %q", pz.Prompt)
		}
	}

	only := newTestSynth(t, WithoutBuiltinVoices(), WithVoicePack(testPack()))
	if got := strings.Join(only.Languages(), ","); got != "ja" {
		t.Errorf("WithoutBuiltinVoices: Languages() = %s, want ja", got)
	}
	if lang, _ := only.resolve("en"); lang != "ja" {
		t.Errorf("resolve(en) without en = %s, want ja", lang)
	}

	// A pack language replaces the built-in one.
	en := fstest.MapFS{}
	for k, v := range testPack() {
		en[strings.Replace(k, "ja/", "en/", 1)] = v
	}
	r := newTestSynth(t, WithVoicePack(en))
	if _, ls := r.resolve("en"); ls.pack.voices[0].name != "hana" {
		t.Errorf("en pack not replaced: first voice %s", ls.pack.voices[0].name)
	}

	if _, err := New(WithVoicePack(testPack()), WithCues(CueBeep)); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("New(ja pack, beep only) error = %v, want ErrInvalidOption", err)
	}
}

func TestVoicePackErrors(t *testing.T) {
	manifest := func(s string) func(fstest.MapFS) {
		return func(m fstest.MapFS) { m["ja/pack.json"] = &fstest.MapFile{Data: []byte(s)} }
	}
	tests := []struct {
		name   string
		edit   func(fstest.MapFS)
		path   string
		substr string
	}{
		{"empty", func(m fstest.MapFS) {
			for k := range m {
				delete(m, k)
			}
		}, ".", "no <lang>/pack.json"},
		{"missing digit", func(m fstest.MapFS) { delete(m, "ja/taro/7.wav") }, "ja/taro/7.wav", "not exist"},
		{"bad json", manifest(`{"voices": [`), "ja/pack.json", "unexpected EOF"},
		{"unknown field", manifest(`{"voice": []}`), "ja/pack.json", "unknown field"},
		{"one voice", manifest(`{"voices": [{"name": "hana"}], "prompts": {"low": "x"}}`), "ja/pack.json", "1 voices"},
		{"bad name", manifest(`{"voices": [{"name": "Hana"}, {"name": "taro"}]}`), "ja/pack.json", "bad or duplicate"},
		{"duplicate", manifest(`{"voices": [{"name": "taro"}, {"name": "taro"}]}`), "ja/pack.json", "bad or duplicate"},
		{"unknown trait", manifest(`{"voices": [{"name": "hana", "traits": ["girl"]}, {"name": "taro"}]}`), "ja/pack.json", "unknown trait"},
		{"both traits", manifest(`{"voices": [{"name": "hana", "traits": ["woman", "man"]}, {"name": "taro"}]}`), "ja/pack.json", "both"},
		{"pitch", manifest(`{"voices": [{"name": "hana", "pitch": 900}, {"name": "taro"}]}`), "ja/pack.json", "pitch"},
		{"unknown cue", manifest(`{"voices": [{"name": "hana"}, {"name": "taro"}], "prompts": {"loud": "x"}}`), "ja/pack.json", "unknown prompt cue"},
		{"empty text", manifest(`{"voices": [{"name": "hana"}, {"name": "taro"}], "prompts": {"low": ""}}`), "ja/pack.json", "text"},
		{"no cue", manifest(`{"voices": [{"name": "hana"}, {"name": "taro"}], "prompts": {"woman": "x"}}`), "ja/pack.json", "no usable cue"},
		{"all decoy-only", manifest(`{"voices": [{"name": "hana", "decoyOnly": true}, {"name": "taro", "decoyOnly": true}], "prompts": {"low": "x"}}`), "ja/pack.json", "no usable cue"},
		{"missing prompt", func(m fstest.MapFS) { delete(m, "ja/prompts/low.wav") }, "ja/prompts/low.wav", "not exist"},
		{"long digit", func(m fstest.MapFS) { m["ja/hana/3.wav"] = &fstest.MapFile{Data: toneWAV(16000, 220, 2)} }, "ja/hana/3.wav", "long"},
		{"long prompt", func(m fstest.MapFS) { m["ja/prompts/low.wav"] = &fstest.MapFile{Data: toneWAV(16000, 220, 5)} }, "ja/prompts/low.wav", "long"},
		{"silent", func(m fstest.MapFS) {
			m["ja/hana/3.wav"] = &fstest.MapFile{Data: wavio.AppendPCM16(nil, make([]int16, 8000), 16000)}
		}, "ja/hana/3.wav", "silent"},
		{"not wav", func(m fstest.MapFS) { m["ja/hana/3.wav"] = &fstest.MapFile{Data: []byte("ID3 mp3")} }, "ja/hana/3.wav", "RIFF"},
		{"low rate", func(m fstest.MapFS) { m["ja/hana/3.wav"] = &fstest.MapFile{Data: toneWAV(6000, 220, 0.5)} }, "ja/hana/3.wav", "sample rate"},
		{"huge file", func(m fstest.MapFS) {
			m["ja/hana/3.wav"] = &fstest.MapFile{Data: make([]byte, maxPackFileBytes+1)}
		}, "ja/hana/3.wav", "bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := testPack()
			tt.edit(m)
			_, err := New(WithVoicePack(m))
			var pe *PackError
			if !errors.As(err, &pe) {
				t.Fatalf("New() error = %v, want *PackError", err)
			}
			if pe.Path != tt.path || !strings.Contains(err.Error(), tt.substr) || !strings.HasPrefix(err.Error(), "audio: ") {
				t.Errorf("New() error = %q (path %q), want path %q and %q", err, pe.Path, tt.path, tt.substr)
			}
		})
	}
}

func TestBuiltinVoices(t *testing.T) {
	fsys := BuiltinVoices()
	var total int64
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			total += info.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total > 2<<20 {
		t.Errorf("embedded voices take %d bytes, want under 2 MiB", total)
	}
	packs, err := builtinPacks()
	if err != nil {
		t.Fatalf("builtin packs: %v", err)
	}
	for lang, want := range map[string]int{"en": 4, "ko": 3} {
		p := packs[lang]
		if p == nil {
			t.Fatalf("no built-in %s pack", lang)
		}
		if len(p.voices) < want {
			t.Errorf("%s: %d voices, want at least %d", lang, len(p.voices), want)
		}
		var women, men int
		for _, v := range p.voices {
			if v.woman {
				women++
			}
			if v.man {
				men++
			}
		}
		if women < 2 || men < 2 {
			t.Errorf("%s: %d women and %d men, want at least 2 of each", lang, women, men)
		}
		if len(p.cues) != len(Cues()) {
			t.Errorf("%s: cues %v, want all of %v", lang, p.cues, Cues())
		}
	}
	names := map[string]bool{}
	for _, v := range packs["en"].voices {
		names[v.name] = true
	}
	for _, n := range []string{"slt", "rms", "awb", "kal"} {
		if !names[n] {
			t.Errorf("built-in en pack lacks flite voice %s", n)
		}
	}
}
