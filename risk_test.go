package tollgate

import (
	"reflect"
	"testing"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/ratelimit"
)

func TestDecide(t *testing.T) {
	p := RiskPolicy{}.withDefaults()
	person := Signals{Telemetry: true, Verdict: behavior.VerdictHuman, Work: true}
	with := func(f func(*Signals)) Signals {
		s := person
		f(&s)
		return s
	}
	tests := []struct {
		name string
		s    Signals
		want Decision
	}{
		{"person", person, Decision{Outcome: Pass}},
		{"bot verdict", with(func(s *Signals) { s.Verdict = behavior.VerdictBot }), Decision{Deceive, []string{riskBot}}},
		{"bot verdict beats every other signal", with(func(s *Signals) { s.Verdict, s.Work, s.Suspect = behavior.VerdictBot, false, true }),
			Decision{Deceive, []string{riskBot}}},
		// Missing telemetry alone is never deceived: JavaScript may be off.
		{"no telemetry", with(func(s *Signals) { s.Telemetry, s.Verdict, s.Work = false, behavior.VerdictBot, false }),
			Decision{Challenge, []string{riskNoTelemetry, riskNoWork}}},
		{"suspect verdict", with(func(s *Signals) { s.Verdict = behavior.VerdictSuspect }), Decision{Challenge, []string{riskSuspectVerdict}}},
		{"untyped fill", with(func(s *Signals) { s.Untyped = true }), Decision{Challenge, []string{riskUntyped}}},
		{"suspect network", with(func(s *Signals) { s.Suspect = true }), Decision{Challenge, []string{riskSuspectNetwork}}},
		{"network failures", with(func(s *Signals) { s.NetworkFailures = true }), Decision{Challenge, []string{riskNetworkFailures}}},
		{"account failures", with(func(s *Signals) { s.AccountFailures = true }), Decision{Challenge, []string{riskAccountFailures}}},
		{"busy network", with(func(s *Signals) { s.BusyNetwork = true }), Decision{Challenge, []string{riskBusyNetwork}}},
		{"high load", with(func(s *Signals) { s.Level = ratelimit.LevelHigh }), Decision{Outcome: Pass}},
		{"critical load", with(func(s *Signals) { s.Level = ratelimit.LevelCritical }), Decision{Challenge, []string{riskLoad}}},
		{"no work", with(func(s *Signals) { s.Work = false }), Decision{Challenge, []string{riskNoWork}}},
	}
	for _, tt := range tests {
		if got := Decide(tt.s, p); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Decide(%s) = %+v, want %+v", tt.name, got, tt.want)
		}
	}
	// Deceiving suspects too is the host's choice.
	strict := RiskPolicy{DeceiveAt: behavior.VerdictSuspect}.withDefaults()
	if got := Decide(with(func(s *Signals) { s.Verdict = behavior.VerdictSuspect }), strict); got.Outcome != Deceive {
		t.Errorf("Decide(suspect, DeceiveAt suspect) = %+v, want Deceive", got)
	}
	lenient := RiskPolicy{ChallengeLevel: ratelimit.LevelHigh}.withDefaults()
	if got := Decide(with(func(s *Signals) { s.Level = ratelimit.LevelHigh }), lenient); got.Outcome != Challenge {
		t.Errorf("Decide(high load, ChallengeLevel high) = %+v, want Challenge", got)
	}
}

func BenchmarkDecide(b *testing.B) {
	p := RiskPolicy{}.withDefaults()
	s := Signals{Telemetry: true, Verdict: behavior.VerdictHuman, Work: true}
	b.ReportAllocs()
	for b.Loop() {
		if Decide(s, p).Outcome != Pass {
			b.Fatal("not a pass")
		}
	}
}
