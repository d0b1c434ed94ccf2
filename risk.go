package tollgate

import (
	"time"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/ratelimit"
)

// Mode says when a protected route shows a CAPTCHA (see WithMode).
type Mode int

const (
	// ModeManaged shows a puzzle only when the evidence says "maybe a bot"
	// (see Decide): a person with a normal browser signs in with no
	// puzzle, after the widget's invisible proof of work. The default.
	ModeManaged Mode = iota
	// ModeAlways requires a solved challenge on every post.
	ModeAlways
	// ModeNever never shows a puzzle: scores, limits and deception only.
	ModeNever
)

// String returns "managed", "always" or "never".
func (m Mode) String() string {
	switch m {
	case ModeAlways:
		return "always"
	case ModeNever:
		return "never"
	}
	return "managed"
}

// Outcome is what Decide makes of a post without a solved challenge.
type Outcome int

const (
	// Pass: the post reaches the protected handler with no puzzle.
	Pass Outcome = iota
	// Challenge: the post must come again with a solved challenge.
	Challenge
	// Deceive: the post has positive bot evidence; it is answered as a
	// challenge would be, and recorded as a suspect.
	Deceive
)

// String returns "pass", "challenge" or "deceive".
func (o Outcome) String() string {
	switch o {
	case Challenge:
		return "challenge"
	case Deceive:
		return "deceive"
	}
	return "pass"
}

// Signals is the evidence about one protected post that Decide weighs.
// It is a plain value.
type Signals struct {
	// Telemetry is set when the post carried a behavior telemetry document
	// (well-formed or not); Verdict and Score are the Scorer's.
	Telemetry bool
	Verdict   behavior.Verdict
	Score     float64
	// Untyped: the telemetry shows values set by script or inserted with
	// no key behind them, or posted values it does not account for
	// (behavior.ReasonUntrustedEvents, ReasonBareInsert,
	// ReasonValueWithoutInput, ReasonNoEvents, ReasonNoTrustedInput,
	// ReasonLengthMismatch): an automated fill, replayed telemetry, or a
	// password-manager extension. The browser's own autofill is not counted.
	Untyped bool
	// Suspect: the client's network is in the suspects registry.
	Suspect bool
	// NetworkFailures and AccountFailures: the client's network, or the
	// posted account, failed checks often lately (RiskPolicy.Failures).
	NetworkFailures, AccountFailures bool
	// BusyNetwork: the client's network used most of its per-address
	// budget (RiskPolicy.BusyShare).
	BusyNetwork bool
	// Level is the limiter's load level.
	Level ratelimit.Level
	// Work: the post carried a valid, unspent proof of work.
	Work bool
}

// Reasons Decide gives, in Decision.Reasons (see Decision).
const (
	riskBot             = "bot"              // the behavior verdict is at or above the deceive verdict
	riskNoTelemetry     = "no_telemetry"     // no telemetry: JavaScript off, or a script
	riskSuspectVerdict  = "suspect_verdict"  // the behavior verdict is suspect
	riskUntyped         = "untyped"          // values set by script or inserted without keys
	riskSuspectNetwork  = "suspect_network"  // the network is in the suspects registry
	riskNetworkFailures = "network_failures" // many failed checks from the network
	riskAccountFailures = "account_failures" // many failed checks for the account
	riskBusyNetwork     = "busy_network"     // many posts from the network
	riskLoad            = "load"             // the load level is at or above RiskPolicy.ChallengeLevel
	riskNoWork          = "no_work"          // no valid proof of work
)

// Decision is Decide's outcome with the reasons behind it, strongest
// first (empty for Pass): "bot", "no_telemetry", "suspect_verdict",
// "untyped", "suspect_network", "network_failures", "account_failures",
// "busy_network", "load", "no_work" (one per Signals field that fired).
// They are stable strings, reported in the tollgate.challenged event.
type Decision struct {
	Outcome Outcome
	Reasons []string
}

// RiskPolicy holds the thresholds of the managed mode's risk decision.
// The zero value means the defaults; see each field.
type RiskPolicy struct {
	// DeceiveAt is the lowest verdict, on a post that carried telemetry,
	// that is deceived (default behavior.VerdictBot; see WithDeceiveAt).
	// Missing telemetry alone is never deceived: it means Challenge.
	DeceiveAt behavior.Verdict
	// ChallengeLevel is the load level at which every post is
	// challenged (default ratelimit.LevelCritical).
	ChallengeLevel ratelimit.Level
	// Failures is the budget of failed checks per network and per
	// account before their posts are challenged (default 5 per 10
	// minutes, bursts of 5).
	Failures ratelimit.Limit
	// BusyShare is the share of the per-address burst a network may use
	// before its posts are challenged (default 0.5).
	BusyShare float64
}

// Decide is the managed mode's risk decision for a post without a solved
// challenge: Deceive for positive bot evidence (a telemetry verdict at or
// above p.DeceiveAt), else Challenge when any signal says "maybe a bot"
// (no telemetry, a suspect verdict, an untyped fill, a suspect network, many failures, a
// busy network, the load level at p.ChallengeLevel or above, no proof of
// work), else Pass. Zero fields of p mean their defaults. It is a pure
// function of its arguments.
func Decide(s Signals, p RiskPolicy) Decision {
	p = p.withDefaults()
	if s.Telemetry && s.Verdict >= p.DeceiveAt {
		return Decision{Outcome: Deceive, Reasons: []string{riskBot}}
	}
	var reasons []string
	add := func(on bool, reason string) {
		if on {
			reasons = append(reasons, reason)
		}
	}
	add(!s.Telemetry, riskNoTelemetry)
	add(s.Telemetry && s.Verdict >= behavior.VerdictSuspect, riskSuspectVerdict)
	add(s.Telemetry && s.Untyped, riskUntyped)
	add(s.Suspect, riskSuspectNetwork)
	add(s.NetworkFailures, riskNetworkFailures)
	add(s.AccountFailures, riskAccountFailures)
	add(s.BusyNetwork, riskBusyNetwork)
	add(s.Level >= p.ChallengeLevel, riskLoad)
	add(!s.Work, riskNoWork)
	if len(reasons) > 0 {
		return Decision{Outcome: Challenge, Reasons: reasons}
	}
	return Decision{Outcome: Pass}
}

// withDefaults returns p with its zero fields set to the defaults.
func (p RiskPolicy) withDefaults() RiskPolicy {
	if p.DeceiveAt < behavior.VerdictSuspect {
		p.DeceiveAt = behavior.VerdictBot
	}
	if p.ChallengeLevel <= ratelimit.LevelNormal {
		p.ChallengeLevel = ratelimit.LevelCritical
	}
	if p.Failures == (ratelimit.Limit{}) {
		p.Failures = ratelimit.Limit{Count: 5, Period: 10 * time.Minute, Burst: 5}
	}
	if p.BusyShare <= 0 || p.BusyShare > 1 {
		p.BusyShare = 0.5
	}
	return p
}
