package captcha

import "time"

// Clock tells the time. Tests inject a fake one; the default is the system
// clock.
type Clock interface {
	Now() time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Event is one decision of the Service, for the host's logs and metrics.
// Field names are stable; the root package tollgate maps them to log/slog
// attributes of the same names.
type Event struct {
	// Type is one of: "challenge.issued", "challenge.refreshed",
	// "challenge.solved", "challenge.failed", "token.verified",
	// "token.rejected", "pool.discarded", "pool.miss".
	Type string
	// Time is when it happened, by the Service's clock.
	Time time.Time
	// ChallengeID, Screen, Kind and Lang describe the challenge involved,
	// when there is one.
	ChallengeID string
	Screen      string
	Kind        Kind
	Lang        string
	// AttemptsLeft is set on "challenge.failed" for a wrong answer.
	AttemptsLeft int
	// Reason is the error of a failure ("captcha: wrong answer", ...), or
	// why the pool discarded a challenge.
	Reason string
	// Decoy is set when a failed answer matched a decoy.
	Decoy bool
	// Duration is the time spent: rendering, for challenge.rendered (in the
	// pool or on request); rendering and vetting, for pool events.
	Duration time.Duration
}
