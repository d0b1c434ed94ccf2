package stt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/audio"
	"github.com/tollgate/tollgate/captcha"
)

func TestVetter(t *testing.T) {
	p := &captcha.Puzzle{Answers: []string{"04655"}, Decoys: []string{"43275"}, Media: []byte("RIFF"), MediaType: "audio/wav"}
	hears := &fakeRec{name: "hears", fn: func(int) (string, error) { return "prompt\n0 4 6 5 5", nil }}
	deaf := &fakeRec{name: "deaf", fn: func(int) (string, error) { return "4 3 2 7 5", nil }}
	broken := &fakeRec{name: "broken", fn: func(int) (string, error) { return "", errBroken }}
	var events []Event
	hook := WithEventHook(func(_ context.Context, e Event) { events = append(events, e) })

	v, err := NewVetter([]audio.Recognizer{deaf, hears, broken}, hook)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := v.Vet(context.Background(), captcha.KindAudio, p); ok || err != nil {
		t.Errorf("Vet(heard) = %v, %v, want false, nil", ok, err)
	}
	if broken.calls != 0 || len(events) != 1 || events[0].Type != "stt.heard" || events[0].Recognizer != "hears" {
		t.Errorf("after a hit: broken ran %d times, events %+v", broken.calls, events)
	}
	events = nil
	v, _ = NewVetter([]audio.Recognizer{deaf}, hook)
	if ok, err := v.Vet(context.Background(), captcha.KindAudio, p); !ok || err != nil {
		t.Errorf("Vet(decoy only) = %v, %v, want true, nil", ok, err)
	}
	if len(events) != 1 || events[0].Type != "stt.passed" {
		t.Errorf("events = %+v, want stt.passed", events)
	}
	v, _ = NewVetter([]audio.Recognizer{broken}, hook)
	if ok, err := v.Vet(context.Background(), captcha.KindAudio, p); ok || !errors.Is(err, errBroken) {
		t.Errorf("Vet(broken) = %v, %v, want false, errBroken", ok, err)
	}
	img := &captcha.Puzzle{Answers: []string{"x"}, MediaType: "image/png"}
	if ok, err := v.Vet(context.Background(), captcha.KindImage, img); !ok || err != nil {
		t.Errorf("Vet(image) = %v, %v, want true, nil (not judged)", ok, err)
	}
	if _, err := NewVetter(nil); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("NewVetter(nil) = %v, want ErrInvalidOption", err)
	}
}

func TestAuditorMath(t *testing.T) {
	// Clips i = 0..3 with answer "1111i" and decoy "2222i".
	next := func(ctx context.Context, i int) (*captcha.Puzzle, error) {
		d := string(rune('0' + i))
		return &captcha.Puzzle{Answers: []string{"1111" + d}, Decoys: []string{"2222" + d}, MediaType: "audio/wav"}, nil
	}
	// a: clip 0 exact in one utterance after the prompt; clip 1 the decoy;
	// clip 2 the answer hidden among other digits; clip 3 nothing.
	a := &fakeRec{name: "a", fn: func(i int) (string, error) {
		switch i {
		case 0:
			return "9 9\n1 1 1 1 0", nil
		case 1:
			return "2 2 2 2 1", nil
		case 2:
			return "3 1 1 1 1 2 3", nil
		}
		return "", nil
	}}
	b := &fakeRec{name: "b", fn: func(i int) (string, error) {
		if i == 3 {
			return "", errBroken
		}
		return "1 1 1 1 3", nil // the answer of clip 3 only
	}}
	tick := time.Unix(0, 0)
	au, err := NewAuditor([]audio.Recognizer{a, b}, WithAuditClock(func() time.Time { tick = tick.Add(time.Second); return tick }),
		WithSkipped(Skip{Engine: "pocketsphinx:ko:lm", Reason: "no model"}))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := au.Run(context.Background(), 4, next)
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		solved, decoys int
		recovered      float64
	}
	// Recovered per clip: a reads 1 (clip 0: "9911110" holds 11110),
	// 0.2 (clip 1: only the last 1 of 22221), 1 (clip 2), 0; b reads
	// 11113, 0.8 of each answer but clip 3, where it fails.
	wants := map[string]want{
		"a/all":        {0, 1, (1 + 0.2 + 1 + 0) / 4},
		"a/skip-first": {1, 0, 1.0 / 4},
		"a/utterance":  {1, 1, (1 + 0.2 + 1 + 0) / 4},
		"b/all":        {0, 0, (0.8 + 0.8 + 0.8 + 0) / 4},
		"b/skip-first": {0, 0, 0},
		"b/utterance":  {0, 0, (0.8 + 0.8 + 0.8 + 0) / 4},
	}
	if len(rep.Rows) != 6 {
		t.Fatalf("rows = %+v, want 6", rep.Rows)
	}
	for _, r := range rep.Rows {
		w := wants[r.Engine+"/"+r.Strategy]
		if r.Solved != w.solved || r.Decoys != w.decoys || r.Total != 4 || math.Abs(r.Recovered-w.recovered) > 1e-9 {
			t.Errorf("row %s/%s = %+v, want %+v", r.Engine, r.Strategy, r, w)
		}
	}
	if rep.BestOf.Solved != 1 || rep.DecoyBestOf.Solved != 1 {
		t.Errorf("best of = %+v, decoys = %+v, want 1 and 1", rep.BestOf, rep.DecoyBestOf)
	}
	if rep.Engines[0].Contains != 2 || rep.Engines[1].Errors != 1 || rep.Engines[1].Contains != 0 {
		t.Errorf("engines = %+v, want a containing 2 answers, b 1 error", rep.Engines)
	}
	if rep.Engines[0].MeanTime != Millis(time.Second) {
		t.Errorf("mean time = %v, want 1s", rep.Engines[0].MeanTime)
	}
	if rep.Met() {
		t.Errorf("Met() = true with 1/4 solved")
	}
	var buf bytes.Buffer
	rep.WriteTable(&buf)
	for _, s := range []string{"best of all: 1/4 = 25.0%", "NOT MET", "a decoy given by any row: 1/4", "pocketsphinx:ko:lm: no model",
		"#0 11110 by a skip-first", "1 errors (first: broken engine)", "Decoy answers given"} {
		if !strings.Contains(buf.String(), s) {
			t.Errorf("table lacks %q:\n%s", s, buf.String())
		}
	}
	js, _ := json.Marshal(rep)
	var back Report
	if err := json.Unmarshal(js, &back); err != nil || back.BestOf != rep.BestOf || len(back.Rows) != 6 {
		t.Errorf("JSON round trip = %+v, %v", back, err)
	}
}

func TestAuditorErrors(t *testing.T) {
	if _, err := NewAuditor(nil); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("NewAuditor(nil) = %v", err)
	}
	r := &fakeRec{name: "r", fn: func(int) (string, error) { return "", context.Canceled }}
	a, _ := NewAuditor([]audio.Recognizer{r})
	if _, err := a.Run(context.Background(), -1, nil); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("Run(-1) = %v", err)
	}
	boom := errors.New("synth failed")
	if _, err := a.Run(context.Background(), 1, func(context.Context, int) (*captcha.Puzzle, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("Run(failing source) = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := a.Run(ctx, 1, func(context.Context, int) (*captcha.Puzzle, error) { return &captcha.Puzzle{}, nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run(cancelled) = %v", err)
	}
}
