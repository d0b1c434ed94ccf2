package ocr

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/captcha"
)

// auditFixture is 4 challenges with answers "alpha0".."alpha3".
func auditFixture(quad bool) func(ctx context.Context, i int) (*Challenge, error) {
	return func(ctx context.Context, i int) (*Challenge, error) {
		ch := &Challenge{
			Puzzle: &captcha.Puzzle{Answers: []string{"Alpha " + string(rune('0'+i))}},
			Image:  image.NewRGBA(image.Rect(0, 0, 100, 50)),
		}
		if quad {
			ch.TargetQuad = [4]image.Point{{10, 10}, {40, 10}, {40, 22}, {10, 22}}
		}
		return ch, nil
	}
}

func TestAuditorMath(t *testing.T) {
	// "good" reads challenges 0 and 1 with config A, half of the answer
	// with config B; "other" reads challenge 1 and 2; "broken" fails on
	// challenge 3.
	good := &fakeRec{name: "good", fn: func(i int, _ image.Image) ([]captcha.Candidate, error) {
		a := captcha.Candidate{Config: "A", Text: "noise"}
		if i < 2 {
			a.Text = "x ALPHA " + string(rune('0'+i)) + " y"
		}
		return []captcha.Candidate{a, {Config: "B", Text: "alp"}}, nil
	}}
	other := &fakeRec{name: "other", fn: func(i int, _ image.Image) ([]captcha.Candidate, error) {
		if i == 1 || i == 2 {
			return []captcha.Candidate{{Text: "alpha" + string(rune('0'+i))}}, nil
		}
		return []captcha.Candidate{{Text: ""}}, nil
	}}
	broken := &fakeRec{name: "broken", fn: func(i int, _ image.Image) ([]captcha.Candidate, error) {
		if i == 3 {
			return nil, errBroken
		}
		return nil, nil
	}}
	crop := &fakeRec{name: "crop", fn: func(i int, img image.Image) ([]captcha.Candidate, error) {
		if i == 3 {
			return []captcha.Candidate{{Config: "psm7", Text: "Alpha3"}}, nil
		}
		return []captcha.Candidate{{Config: "psm7", Text: "Alpha"}}, nil
	}}
	tick := time.Unix(0, 0)
	clock := func() time.Time { tick = tick.Add(10 * time.Millisecond); return tick }
	var progress []int
	a, err := NewAuditor([]captcha.Recognizer{good, other, broken},
		WithTargeted(crop), WithAuditClock(clock), WithSkipped(Skip{Engine: "legacy", Reason: "not installed"}),
		WithProgress(func(done, total int) { progress = append(progress, done) }))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := a.Run(context.Background(), 4, auditFixture(true))
	if err != nil {
		t.Fatal(err)
	}
	wantRows := []struct {
		engine, config string
		solved         int
		recovered      float64
	}{
		{"good", "A", 2, 0.5},     // 2 full reads of 4
		{"good", "B", 0, 3.0 / 6}, // "alp" is half of "alpha0"
		{"other", "", 2, 0.5},     // challenges 1 and 2
	}
	if len(rep.Rows) != len(wantRows) {
		t.Fatalf("rows = %+v, want %d rows", rep.Rows, len(wantRows))
	}
	for i, w := range wantRows {
		r := rep.Rows[i]
		if r.Engine != w.engine || r.Config != w.config || r.Solved != w.solved || r.Total != 4 ||
			math.Abs(r.Rate-float64(w.solved)/4) > 1e-9 || math.Abs(r.Recovered-w.recovered) > 1e-9 {
			t.Errorf("row %d = %+v, want %s/%s solved %d recovered %v", i, r, w.engine, w.config, w.solved, w.recovered)
		}
	}
	// Challenges 0, 1, 2 are solved by some row: best of 3/4.
	if rep.BestOf.Solved != 3 || rep.BestOf.Total != 4 || rep.BestOf.Rate != 0.75 {
		t.Errorf("BestOf = %+v, want 3/4", rep.BestOf)
	}
	if rep.TargetedChallenges != 4 || rep.TargetedBestOf.Solved != 1 || len(rep.TargetedRows) != 1 || rep.TargetedRows[0].Solved != 1 {
		t.Errorf("targeted = %d challenges, %+v, rows %+v; want 1 of 4 solved", rep.TargetedChallenges, rep.TargetedBestOf, rep.TargetedRows)
	}
	// The crop of a 30×12 box with a 4-px margin is 38×20.
	if crop.sizes[0] != image.Pt(38, 20) {
		t.Errorf("targeted recognizer saw %v, want the 38×20 crop", crop.sizes[0])
	}
	if len(rep.Engines) != 3 || rep.Engines[2].Errors != 1 || !strings.Contains(rep.Engines[2].FirstError, "broken engine") {
		t.Errorf("engines = %+v, want broken with 1 error", rep.Engines)
	}
	if rep.Engines[0].MeanTime != Millis(10*time.Millisecond) {
		t.Errorf("mean time of good = %v, want 10ms (one clock tick per call)", rep.Engines[0].MeanTime)
	}
	if rep.TimePerChallenge <= 0 {
		t.Errorf("TimePerChallenge = %v, want > 0", rep.TimePerChallenge)
	}
	if len(rep.Solves) != 5 || rep.Solves[0].Engine != "good" || rep.Solves[0].Read != "x ALPHA 0 y" || !rep.Solves[4].Targeted {
		t.Errorf("solves = %+v, want 4 whole and 1 targeted", rep.Solves)
	}
	if len(progress) != 4 || progress[3] != 4 {
		t.Errorf("progress calls = %v, want 1..4", progress)
	}
	if rep.Met() {
		t.Errorf("Met() = true with 75%% solved")
	}

	var buf bytes.Buffer
	if err := rep.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"best of all (whole image): 3/4 = 75.0%", "NOT MET", "good", "legacy: not installed",
		"Targeted attack", "#1 \"Alpha 1\" whole, 2 config(s)", "TARGET NOT MET", "1 errors (first: broken engine)"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.BestOf != rep.BestOf || len(back.Rows) != 3 || back.TimePerChallenge.String() != rep.TimePerChallenge.String() {
		t.Errorf("JSON round trip = %+v, want %+v", back, rep)
	}
}

func TestAuditorPasses(t *testing.T) {
	blind := &fakeRec{name: "blind", cands: []captcha.Candidate{{Text: "nothing"}}}
	a, _ := NewAuditor([]captcha.Recognizer{blind}, WithTargeted(blind))
	rep, err := a.Run(context.Background(), 4, auditFixture(false))
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Met() || rep.BestOf.Solved != 0 || rep.TargetedChallenges != 0 {
		t.Errorf("report = %+v, want met, nothing solved, no targeted challenges", rep)
	}
	var buf bytes.Buffer
	rep.WriteTable(&buf)
	if !strings.Contains(buf.String(), "all targets met") || strings.Contains(buf.String(), "Targeted attack") {
		t.Errorf("table:\n%s", buf.String())
	}
}

func TestAuditorErrors(t *testing.T) {
	blind := &fakeRec{name: "blind"}
	if _, err := NewAuditor(nil); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("NewAuditor(nil) = %v, want ErrInvalidOption", err)
	}
	if _, err := NewAuditor([]captcha.Recognizer{blind}, WithTargets(2, 0)); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("NewAuditor(target 2) = %v, want ErrInvalidOption", err)
	}
	a, _ := NewAuditor([]captcha.Recognizer{blind})
	if _, err := a.Run(context.Background(), 0, auditFixture(false)); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("Run(0) = %v, want ErrInvalidOption", err)
	}
	boom := errors.New("render failed")
	_, err := a.Run(context.Background(), 3, func(context.Context, int) (*Challenge, error) { return nil, boom })
	if !errors.Is(err, boom) {
		t.Errorf("Run(failing source) = %v, want it wrapped", err)
	}
	_, err = a.Run(context.Background(), 1, func(context.Context, int) (*Challenge, error) {
		return &Challenge{Puzzle: &captcha.Puzzle{Media: []byte("junk")}}, nil
	})
	if !errors.Is(err, ErrUndecodable) {
		t.Errorf("Run(undecodable) = %v, want ErrUndecodable", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cancelled := &fakeRec{name: "c", fn: func(int, image.Image) ([]captcha.Candidate, error) { return nil, context.Canceled }}
	a2, _ := NewAuditor([]captcha.Recognizer{cancelled})
	if _, err := a2.Run(ctx, 2, auditFixture(false)); !errors.Is(err, context.Canceled) {
		t.Errorf("Run(cancelled) = %v, want context.Canceled", err)
	}
}

func TestWilsonUpper(t *testing.T) {
	tests := []struct {
		k, n int
		want float64
	}{
		{0, 200, 0.0188},
		{2, 200, 0.0357},
		{0, 20, 0.1611},
		{20, 20, 1},
		{0, 0, 1},
	}
	for _, tt := range tests {
		if got := WilsonUpper(tt.k, tt.n); math.Abs(got-tt.want) > 5e-4 {
			t.Errorf("WilsonUpper(%d, %d) = %.4f, want %.4f", tt.k, tt.n, got, tt.want)
		}
	}
}
