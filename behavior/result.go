package behavior

import (
	"fmt"
	"time"
)

// Verdict is the scorer's judgement of one submission.
type Verdict uint8

// Verdicts, from the score and the Scorer's thresholds.
const (
	// VerdictHuman: score below the suspect threshold.
	VerdictHuman Verdict = iota
	// VerdictSuspect: score at or above the suspect threshold, below the bot
	// threshold. A good moment to ask for a CAPTCHA.
	VerdictSuspect
	// VerdictBot: score at or above the bot threshold.
	VerdictBot
)

// String returns "human", "suspect" or "bot".
func (v Verdict) String() string {
	switch v {
	case VerdictHuman:
		return "human"
	case VerdictSuspect:
		return "suspect"
	case VerdictBot:
		return "bot"
	}
	return fmt.Sprintf("Verdict(%d)", uint8(v))
}

// MarshalText returns the String form.
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText parses "human", "suspect" or "bot".
func (v *Verdict) UnmarshalText(b []byte) error {
	switch string(b) {
	case "human":
		*v = VerdictHuman
	case "suspect":
		*v = VerdictSuspect
	case "bot":
		*v = VerdictBot
	default:
		return fmt.Errorf("behavior: unknown verdict %q", b)
	}
	return nil
}

// Reason is one signal that contributed to a score (a plain value).
type Reason struct {
	// Code is a stable identifier, one of the Reason* constants.
	Code string `json:"code"`
	// Weight is this reason's contribution in (0, 1]: the configured weight
	// of the code times how strongly the signal showed.
	Weight float64 `json:"weight"`
	// Detail is a human-readable explanation with the measured figures.
	Detail string `json:"detail"`
}

// Result is the outcome of scoring one submission: a plain value owned by
// the caller (each Score returns a fresh Reasons slice).
type Result struct {
	// Score in [0, 1]: 1 means certainly automated. It combines the reason
	// weights as 1 - Π(1 - weight), so several moderate signals add up.
	Score float64 `json:"score"`
	// Verdict from Score and the thresholds.
	Verdict Verdict `json:"verdict"`
	// Reasons, strongest first; empty when nothing looked automated.
	Reasons []Reason `json:"reasons"`
}

// Deceives reports whether a post scored r is deceived when deception
// starts at verdict at: its verdict is at or above at and rests on posted
// telemetry. Missing telemetry alone (ReasonNoTelemetry) is never
// deceived: a person with JavaScript off posts none, and must be asked for
// a challenge instead.
func (r Result) Deceives(at Verdict) bool {
	return r.Verdict >= at && !r.Has(ReasonNoTelemetry)
}

// Has reports whether the result has a reason with the code.
func (r Result) Has(code string) bool {
	for _, x := range r.Reasons {
		if x.Code == code {
			return true
		}
	}
	return false
}

// Submission is what the server itself knows about the form post being
// scored. The zero value means "nothing": only the telemetry is judged.
// Score only reads it, so one Submission may be shared by goroutines that
// do not modify Filled.
type Submission struct {
	// Filled maps form field names to the length of the submitted value in
	// UTF-16 code units (what JavaScript's String.length counts; see
	// Length). Each listed non-empty field must be explained by telemetry
	// events; fields not listed are judged on the telemetry alone.
	Filled map[string]int
	// Elapsed is the server's own measure of the time from serving the
	// form to receiving the post; 0 means unknown.
	Elapsed time.Duration
}

// Length returns the length of s in UTF-16 code units, as JavaScript's
// String.length counts it.
func Length(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}
