package ratelimit

import "time"

// Clock is the time source of a Limiter. Tests inject a fake clock with
// WithClock; nil means the system clock. Implementations must be safe for
// concurrent use.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// NewTimer returns a channel that receives once after d, and a function
	// that stops the timer, like time.NewTimer's C and Stop.
	NewTimer(d time.Duration) (<-chan time.Time, func() bool)
}

// systemClock is the real clock.
type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) NewTimer(d time.Duration) (<-chan time.Time, func() bool) {
	t := time.NewTimer(d)
	return t.C, t.Stop
}
