package ratelimit

import (
	"context"
	"fmt"
	"math"
	"time"
)

// Limit is a per-key rate: Count events per Period on average, with bursts of up to Burst events.
//
// A Limit is a plain value; Validate reports whether it can be enforced.
// With GCRA semantics a fresh key may spend Burst events at once; after that
// one event is allowed every Interval (Period/Count).
//
// It is a plain value, safe for concurrent use as long as no goroutine modifies it.
type Limit struct {
	Count  int
	Period time.Duration
	Burst  int
}

// maxTolerance bounds Burst*Interval so that GCRA arithmetic on UnixNano
// timestamps cannot overflow (about 100 years).
const maxTolerance = int64(100 * 365 * 24 * time.Hour)

// Validate reports whether l can be enforced: Count ≥ 1, Period > 0,
// Period/Count ≥ 1ns, Burst ≥ 1 and Burst*Interval at most about 100 years.
// The error wraps ErrInvalidLimit.
func (l Limit) Validate() error {
	switch {
	case l.Count < 1:
		return fmt.Errorf("%w: Count %d < 1", ErrInvalidLimit, l.Count)
	case l.Period <= 0:
		return fmt.Errorf("%w: Period %v <= 0", ErrInvalidLimit, l.Period)
	case int64(l.Period)/int64(l.Count) < 1:
		return fmt.Errorf("%w: Period/Count below 1ns", ErrInvalidLimit)
	case l.Burst < 1:
		return fmt.Errorf("%w: Burst %d < 1", ErrInvalidLimit, l.Burst)
	case int64(l.Burst) > maxTolerance/(int64(l.Period)/int64(l.Count)):
		return fmt.Errorf("%w: Burst*Period/Count too large", ErrInvalidLimit)
	}
	return nil
}

// Interval is the GCRA emission interval Period/Count, truncated to whole
// nanoseconds: the steady-state time between two allowed events.
func (l Limit) Interval() time.Duration {
	if l.Count < 1 {
		return 0
	}
	return l.Period / time.Duration(l.Count)
}

// String formats l as "Count/Period burst Burst", e.g. "10/1m0s burst 5".
func (l Limit) String() string {
	return fmt.Sprintf("%d/%v burst %d", l.Count, l.Period, l.Burst)
}

// Decision is the outcome of one per-key check.
//
// It is a plain value, safe for concurrent use as long as no goroutine modifies it.
type Decision struct {
	Allowed    bool
	Limit      Limit
	Remaining  int           // events still allowed at once after this one
	RetryAfter time.Duration // when !Allowed: how long until one event is allowed; 0 when allowed
	ResetAfter time.Duration // how long until the key is back at full burst
}

// KeyLimiter limits events per key (client address, account, ...). GCRA semantics.
//
// Implementations must be safe for concurrent use. Package limitertest holds
// the behavioural test suite every implementation must pass.
type KeyLimiter interface {
	// AllowN reports whether n events for key may happen at time now, and records them if so.
	// Implementations backed by a shared server may use the server's clock instead of now.
	AllowN(ctx context.Context, key string, now time.Time, n int) (Decision, error)
	// Limit returns the limit this limiter enforces.
	Limit() Limit
}

// GCRA is one step of the generic cell rate algorithm, the arithmetic every
// KeyLimiter in this module shares so that implementations agree exactly.
//
// tat is the key's stored theoretical arrival time in Unix nanoseconds (0 or
// any value ≤ now for a key at full burst), now is the current time in Unix
// nanoseconds and n the number of events. With T = l.Interval() and
// τ = l.Burst·T:
//
//	t0     = max(tat, now)
//	newTAT = t0 + n·T
//	allow  ⇔ newTAT − τ ≤ now
//
// When allowed, GCRA returns newTAT to store, Remaining =
// ⌊(now + τ − newTAT)/T⌋ and ResetAfter = newTAT − now. When denied, the
// returned TAT is tat unchanged (nothing is recorded), RetryAfter =
// newTAT − τ − now (the wait until these n events fit; for n = 1 until one
// event is allowed), Remaining = ⌊(now + τ − t0)/T⌋ and ResetAfter =
// t0 − now. n = 0 is always allowed and records nothing. A stored TAT may
// be dropped once it is ≤ now: that key is back at full burst.
//
// The error is ErrInvalidLimit (wrapped) for an invalid l and ErrInvalidN
// for n < 0 or n > l.Burst; the decision is then the zero Decision with Limit set.
func GCRA(l Limit, tat, now int64, n int) (Decision, int64, error) {
	if err := l.Validate(); err != nil {
		return Decision{Limit: l}, tat, err
	}
	if n < 0 || n > l.Burst {
		return Decision{Limit: l}, tat, ErrInvalidN
	}
	d, newTAT := gcra(l, int64(l.Interval()), tat, now, n)
	return d, newTAT, nil
}

// gcra is GCRA without validation; interval must be l.Interval().
func gcra(l Limit, interval, tat, now int64, n int) (Decision, int64) {
	tau := interval * int64(l.Burst)
	t0 := tat
	if t0 < now {
		t0 = now
	}
	newTAT := t0 + int64(n)*interval
	allowAt := newTAT - tau
	if allowAt <= now {
		d := Decision{
			Allowed:    true,
			Limit:      l,
			Remaining:  remaining(now+tau-newTAT, interval),
			ResetAfter: time.Duration(newTAT - now),
		}
		if n == 0 {
			return d, tat
		}
		return d, newTAT
	}
	return Decision{
		Limit:      l,
		Remaining:  remaining(now+tau-t0, interval),
		RetryAfter: time.Duration(allowAt - now),
		ResetAfter: time.Duration(t0 - now),
	}, tat
}

func remaining(slack, interval int64) int {
	if slack <= 0 {
		return 0
	}
	r := slack / interval
	if r > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(r)
}
