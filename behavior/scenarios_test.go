package behavior_test

import (
	"testing"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/behavior/internal/synth"
)

// TestScenarios scores every modelled person and automation pattern, after
// a round trip through the wire format, and checks the verdict bounds.
func TestScenarios(t *testing.T) {
	s := behavior.NewScorer()
	for _, sc := range synth.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			tel, sub := sc.Build()
			if tel != nil {
				b, err := tel.MarshalJSON()
				if err != nil {
					t.Fatalf("MarshalJSON: %v", err)
				}
				if tel, err = behavior.Decode(b); err != nil {
					t.Fatalf("Decode(%s) = %v", b, err)
				}
			}
			res := s.Score(tel, sub)
			t.Logf("%s: score %.3f %v %+v", sc.Name, res.Score, res.Verdict, res.Reasons)
			if res.Verdict < sc.Min || res.Verdict > sc.Max {
				t.Errorf("Score(%s) verdict = %v (score %.3f, reasons %+v), want %v..%v", sc.Name, res.Verdict, res.Score, res.Reasons, sc.Min, sc.Max)
			}
		})
	}
}
