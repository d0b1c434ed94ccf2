package aalto_test

import (
	"testing"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/behavior/internal/aalto"
)

// TestCalibration replays a third of the real human keystroke sample (when
// it is present beside the repository) and checks that the default scorer
// calls fewer than 1% of the sentences bots, at the recorded 1 ms
// resolution and rounded to 16.67 ms and 100 ms timer steps.
func TestCalibration(t *testing.T) {
	dir, ok := aalto.FindDir()
	if !ok {
		t.Skip("calibration data not present (../shared/data/keystrokes/aalto-calibration)")
	}
	sentences, err := aalto.ReadDir(dir, 3)
	if err != nil {
		t.Fatalf("ReadDir(%s) = %v", dir, err)
	}
	if len(sentences) < 300 {
		t.Fatalf("ReadDir(%s) gave %d sentences, want at least 300", dir, len(sentences))
	}
	s := behavior.NewScorer()
	for _, r := range []aalto.Replay{{Step: 1}, {Step: 50.0 / 3}, {Step: 100}} {
		st, err := aalto.Evaluate(s, sentences, r)
		if err != nil {
			t.Fatalf("Evaluate(step %v) = %v", r.Step, err)
		}
		if st.N < 300 {
			t.Fatalf("Evaluate(step %v) scored %d sentences, want at least 300", r.Step, st.N)
		}
		if rate := st.BotRate(); rate >= 0.01 {
			t.Errorf("step %v: bot rate = %.2f%% (%d of %d), want < 1%%; highest %+v", r.Step, 100*rate, st.Bot, st.N, st.Worst)
		}
		if q := aalto.Quantile(st.Scores, 0.99); q >= behavior.DefaultSuspectThreshold {
			t.Errorf("step %v: p99 score = %.3f, want < %v", r.Step, q, behavior.DefaultSuspectThreshold)
		}
		t.Logf("step %v: %d sentences, human %d, suspect %d, bot %d", r.Step, st.N, st.Human, st.Suspect, st.Bot)
	}
}

// TestReplayIsHumanShaped checks the replay itself: holds and intervals
// come from the data, so the replayed telemetry has human medians.
func TestReplayIsHumanShaped(t *testing.T) {
	dir, ok := aalto.FindDir()
	if !ok {
		t.Skip("calibration data not present")
	}
	sentences, err := aalto.ReadDir(dir, 50)
	if err != nil {
		t.Fatal(err)
	}
	tel, _ := aalto.Replay{}.Telemetry(sentences[0])
	var downs, ups int
	for _, e := range tel.Fields[0].Events {
		switch e.Type {
		case behavior.EntryKeyDown:
			downs++
		case behavior.EntryKeyUp:
			if e.Ref >= 0 {
				ups++
			}
		}
	}
	if downs != len(sentences[0].Keys) || ups < downs*9/10 {
		t.Errorf("replay of %d keys gave %d keydowns and %d paired keyups", len(sentences[0].Keys), downs, ups)
	}
}
