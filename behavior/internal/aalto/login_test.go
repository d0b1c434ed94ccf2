package aalto_test

import (
	"testing"

	"github.com/tollgate/tollgate"
	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/behavior/internal/aalto"
)

// login replays two sentences as one login session: the first typed into
// "email", the second, a moment later, into "password", then the submit.
func login(r aalto.Replay, a, b aalto.Sentence) (*behavior.Telemetry, behavior.Submission) {
	ta, _ := r.Telemetry(a)
	tb, _ := r.Telemetry(b)
	email, password := ta.Fields[0], tb.Fields[0]
	email.Name, password.Name = "email", "password"
	// Shift the second field to start 400 ms after the first one's blur.
	shift := email.Events[len(email.Events)-1].T + 400 - password.Events[0].T
	evs := append([]behavior.Entry(nil), password.Events...)
	for i := range evs {
		evs[i].T += shift
	}
	password.Events = evs
	t := &behavior.Telemetry{Version: ta.Version, Step: ta.Step, Load: ta.Load, Fields: []behavior.Field{email, password}, Submit: tb.Submit}
	t.Submit.T += shift
	return t, behavior.Submission{Filled: map[string]int{"email": email.FinalLen, "password": password.FinalLen}}
}

// TestManagedModeLetsPeopleThrough replays the real human keystrokes as
// login sessions through the Gate's own scorer and the managed mode's risk
// decision (with the widget's proof of work done): at least 98 % of
// sessions pass with no puzzle and none is deceived, at the recorded 1 ms
// resolution and at 16.67 ms and 100 ms timer steps.
func TestManagedModeLetsPeopleThrough(t *testing.T) {
	dir, ok := aalto.FindDir()
	if !ok {
		t.Skip("calibration data not present (../shared/data/keystrokes/aalto-calibration)")
	}
	sentences, err := aalto.ReadDir(dir, 1)
	if err != nil {
		t.Fatalf("ReadDir(%s) = %v", dir, err)
	}
	g, err := tollgate.New(tollgate.WithoutPool(), tollgate.WithAudioGenerator(nil), tollgate.WithExpectedFields("email", "password"))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	s := g.Scorer()
	for _, r := range []aalto.Replay{{Step: 1}, {Step: 50.0 / 3}, {Step: 100}} {
		n, passed, deceived := 0, 0, 0
		reasons := map[string]int{}
		for i := 0; i+1 < len(sentences); i += 2 {
			a, b := sentences[i], sentences[i+1]
			if len(a.Keys) < 2 || len(b.Keys) < 2 {
				continue
			}
			tel, sub := login(r, a, b)
			doc, err := tel.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if tel, err = behavior.Decode(doc); err != nil {
				t.Fatalf("Decode(replayed login) = %v", err)
			}
			res := s.Score(tel, sub)
			untyped := false
			for _, code := range []string{behavior.ReasonUntrustedEvents, behavior.ReasonBareInsert, behavior.ReasonValueWithoutInput,
				behavior.ReasonNoEvents, behavior.ReasonNoTrustedInput} {
				untyped = untyped || res.Has(code)
			}
			d := tollgate.Decide(tollgate.Signals{Telemetry: true, Verdict: res.Verdict, Score: res.Score, Untyped: untyped, Work: true}, tollgate.RiskPolicy{})
			n++
			switch d.Outcome {
			case tollgate.Pass:
				passed++
			case tollgate.Deceive:
				deceived++
			}
			for _, x := range res.Reasons {
				if d.Outcome != tollgate.Pass {
					reasons[x.Code]++
				}
			}
		}
		if n < 500 {
			t.Fatalf("step %v: replayed %d login sessions, want at least 150", r.Step, n)
		}
		share := float64(passed) / float64(n)
		t.Logf("step %v ms: %d login sessions, %.1f%% passed with no puzzle, %d deceived; reasons of the others %v", r.Step, n, 100*share, deceived, reasons)
		if share < 0.98 || deceived != 0 {
			t.Errorf("step %v: %.1f%% of %d sessions passed with no puzzle and %d were deceived, want ≥ 98%% and 0", r.Step, 100*share, n, deceived)
		}
	}
}
