package audio

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/go-audio/wav"
	"github.com/tollgate/tollgate/captcha"
)

func TestGenerateDeterministic(t *testing.T) {
	a, b := newTestSynth(t), newTestSynth(t)
	ctx := context.Background()
	for _, lang := range []string{"en", "ko"} {
		for i := range 2 {
			req := captcha.Request{Seed: testSeed(i), Lang: lang}
			p1, err := a.Generate(ctx, req)
			if err != nil {
				t.Fatalf("Generate(%s, %d) error = %v", lang, i, err)
			}
			// Render something else in between so pooled buffers are dirty.
			if _, err := a.Generate(ctx, captcha.Request{Seed: testSeed(100 + i), Lang: "ko"}); err != nil {
				t.Fatal(err)
			}
			p2, err := a.Generate(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			p3, err := b.Generate(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range []*captcha.Puzzle{p2, p3} {
				if !bytes.Equal(p.Media, p1.Media) {
					t.Errorf("Generate(%s, %d) media differs between calls", lang, i)
				}
				if p.Prompt != p1.Prompt || p.Answers[0] != p1.Answers[0] || len(p.Decoys) != len(p1.Decoys) {
					t.Errorf("Generate(%s, %d) puzzle differs: %q %v vs %q %v", lang, i, p.Prompt, p.Answers, p1.Prompt, p1.Answers)
				}
			}
		}
	}
	p1, _ := a.Generate(ctx, captcha.Request{Seed: testSeed(1), Lang: "en"})
	p2, _ := a.Generate(ctx, captcha.Request{Seed: testSeed(2), Lang: "en"})
	if bytes.Equal(p1.Media, p2.Media) {
		t.Error("different seeds rendered the same media")
	}
}

func TestGenerateConcurrent(t *testing.T) {
	s := newTestSynth(t)
	ctx := context.Background()
	want := make([][]byte, 4)
	for i := range want {
		p, err := s.Generate(ctx, captcha.Request{Seed: testSeed(i), Lang: []string{"en", "ko"}[i%2]})
		if err != nil {
			t.Fatal(err)
		}
		want[i] = p.Media
	}
	var wg sync.WaitGroup
	for g := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range want {
				i := (k + g) % len(want)
				p, err := s.Generate(ctx, captcha.Request{Seed: testSeed(i), Lang: []string{"en", "ko"}[i%2]})
				if err != nil {
					t.Error(err)
					return
				}
				if !bytes.Equal(p.Media, want[i]) {
					t.Errorf("concurrent Generate(%d) differs from sequential", i)
				}
			}
		}()
	}
	wg.Wait()
}

func TestGenerateLanguages(t *testing.T) {
	s := newTestSynth(t)
	tests := []struct {
		lang, want string
	}{
		{"en", "en"},
		{"ko", "ko"},
		{"ko-KR", "ko"},
		{"KO", "ko"},
		{"en_US", "en"},
		{"fr", "en"},
		{"", "en"},
	}
	for _, tt := range tests {
		var got Event
		s2 := newTestSynth(t, WithEventHook(func(_ context.Context, e Event) { got = e }))
		p, err := s2.Generate(context.Background(), captcha.Request{Seed: testSeed(7), Lang: tt.lang})
		if err != nil {
			t.Fatalf("Generate(lang %q) error = %v", tt.lang, err)
		}
		if got.Lang != tt.want || got.RequestedLang != tt.lang {
			t.Errorf("Generate(lang %q) event lang = %q (requested %q), want %q", tt.lang, got.Lang, got.RequestedLang, tt.want)
		}
		hangul := false
		for _, r := range p.Prompt {
			if unicode.Is(unicode.Hangul, r) {
				hangul = true
			}
		}
		if hangul != (tt.want == "ko") {
			t.Errorf("Generate(lang %q) prompt = %q, want a %s prompt", tt.lang, p.Prompt, tt.want)
		}
		if want := s.pack(tt.want).prompts[got.Cue].text; p.Prompt != want {
			t.Errorf("Generate(lang %q) prompt = %q, want %q for cue %s", tt.lang, p.Prompt, want, got.Cue)
		}
	}
	if got := s.Languages(); len(got) != 2 || got[0] != "en" || got[1] != "ko" {
		t.Errorf("Languages() = %v, want [en ko]", got)
	}
}

// pack returns the loaded pack of lang.
func (s *Synth) pack(lang string) *langPack { return s.langs[lang].pack }

func TestGenerateWAV(t *testing.T) {
	s := newTestSynth(t)
	for _, lang := range []string{"en", "ko"} {
		var ev Event
		s := newTestSynth(t, WithEventHook(func(_ context.Context, e Event) { ev = e }))
		p, err := s.Generate(context.Background(), captcha.Request{Seed: testSeed(3), Lang: lang})
		if err != nil {
			t.Fatal(err)
		}
		if p.MediaType != "audio/wav" {
			t.Errorf("MediaType = %q, want audio/wav", p.MediaType)
		}
		d := wav.NewDecoder(bytes.NewReader(p.Media))
		if !d.IsValidFile() {
			t.Fatalf("%s: go-audio/wav says the WAV is invalid", lang)
		}
		buf, err := d.FullPCMBuffer()
		if err != nil {
			t.Fatalf("%s: FullPCMBuffer() error = %v", lang, err)
		}
		if d.SampleRate != 16000 || d.BitDepth != 16 || d.NumChans != 1 || d.WavAudioFormat != 1 {
			t.Errorf("%s: format = %d Hz %d-bit %d ch tag %d, want 16000 Hz 16-bit mono PCM", lang, d.SampleRate, d.BitDepth, d.NumChans, d.WavAudioFormat)
		}
		frames := buf.NumFrames()
		dur := time.Duration(frames) * time.Second / 16000
		if dur < 8*time.Second || dur > 12*time.Second {
			t.Errorf("%s: clip lasts %v, want 8–12 s", lang, dur)
		}
		if dur != ev.Duration {
			t.Errorf("%s: clip lasts %v, event says %v", lang, dur, ev.Duration)
		}
		if len(p.Media) != 44+2*frames {
			t.Errorf("%s: len(Media) = %d, want %d", lang, len(p.Media), 44+2*frames)
		}
		peak := 0
		for _, v := range buf.Data {
			peak = max(peak, v, -v)
		}
		if peak < 28000 || peak > 29500 {
			t.Errorf("%s: peak sample = %d, want about -1 dBFS (29163)", lang, peak)
		}
		if ev.Type != EventGenerated || ev.Cue == "" || ev.Digits != len(p.Answers[0]) || ev.DecoyVoices < 1 {
			t.Errorf("%s: event = %+v", lang, ev)
		}
	}
	_ = s
}

func TestClipLengthBounds(t *testing.T) {
	for _, opts := range [][]Option{nil, {WithDigits(8, 8), WithDecoyVoices(3)}, {WithDigits(3, 3), WithDecoyVoices(1)}} {
		s := newTestSynth(t, opts...)
		for _, lang := range []string{"en", "ko"} {
			for i := range 150 {
				j := planJob(t, s, testSeed(i), lang)
				if j.n < 8*sampleRate || j.n > 12*sampleRate {
					t.Fatalf("%s seed %d (%d digits, cue %s): clip is %.2f s, want 8–12 s", lang, i, len(j.seqs[0]), j.cue, float64(j.n)/sampleRate)
				}
				end := 0
				for _, e := range j.events {
					if e.start < 0 {
						t.Fatalf("%s seed %d: event starts at %d", lang, i, e.start)
					}
					end = max(end, e.start+e.length)
				}
				if end > j.n {
					t.Fatalf("%s seed %d: events end at %d after the clip's %d samples", lang, i, end, j.n)
				}
			}
		}
	}
}

func TestGenerateContextCanceled(t *testing.T) {
	s := newTestSynth(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Generate(ctx, captcha.Request{Lang: "en"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Generate(canceled ctx) error = %v, want context.Canceled", err)
	}
}

func TestGenerateAnswersAndDecoys(t *testing.T) {
	s := newTestSynth(t)
	for i := range 8 {
		lang := []string{"en", "ko"}[i%2]
		p, err := s.Generate(context.Background(), captcha.Request{Seed: testSeed(i), Lang: lang})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Answers) != 1 || len(p.Answers[0]) < 5 || len(p.Answers[0]) > 6 {
			t.Fatalf("Answers = %v, want one answer of 5–6 digits", p.Answers)
		}
		if len(p.Decoys) < 2 {
			t.Fatalf("Decoys = %v, want at least a decoy voice and the transcript", p.Decoys)
		}
		if err := Check(p, p.Answers[0]); err != nil {
			t.Errorf("Check(answer) = %v, want nil", err)
		}
		for _, d := range p.Decoys {
			if d == p.Answers[0] {
				t.Errorf("decoy %q equals the answer", d)
			}
			if err := Check(p, d); !errors.Is(err, ErrDecoyAnswer) {
				t.Errorf("Check(decoy %q) = %v, want ErrDecoyAnswer", d, err)
			}
		}
	}
}

func TestNewOptions(t *testing.T) {
	bad := [][]Option{
		{WithDigits(2, 5)},
		{WithDigits(5, 9)},
		{WithDigits(6, 5)},
		{WithDecoyVoices(0)},
		{WithDecoyVoices(4)},
		{WithCues()},
		{WithCues("loud")},
		{WithoutBuiltinVoices()},
	}
	for _, opts := range bad {
		if _, err := New(opts...); !errors.Is(err, ErrInvalidOption) {
			t.Errorf("New(%d bad options) error = %v, want ErrInvalidOption", len(opts), err)
		}
	}

	s := newTestSynth(t, WithCues(CueBeep), WithDigits(4, 4), WithDecoyVoices(1))
	for i := range 5 {
		j := planJob(t, s, testSeed(i), "en")
		if j.cue != CueBeep || len(j.seqs[0]) != 4 || len(j.voices) != 2 {
			t.Errorf("seed %d: cue %s, %d digits, %d voices; want beep, 4, 2", i, j.cue, len(j.seqs[0]), len(j.voices))
		}
	}
}
