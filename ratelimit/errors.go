package ratelimit

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors. Rejections returned by a Limiter are *RejectError values
// that match one of ErrShed, ErrBusy, ErrQueueFull or ErrTimeout with
// errors.Is; per-key denials reported by the middleware are *LimitedError
// values that match ErrLimited.
var (
	// ErrShed reports a request rejected at once because the load level sheds its class.
	ErrShed = errors.New("ratelimit: shed under load")
	// ErrBusy reports a request rejected because its lane had no free seat and
	// the call could not wait (TryAcquire, or a class without a queue).
	ErrBusy = errors.New("ratelimit: lane at capacity")
	// ErrQueueFull reports a request rejected because its lane's queue was full.
	ErrQueueFull = errors.New("ratelimit: queue full")
	// ErrTimeout reports a request that waited the class's MaxWait without a
	// seat, or was rejected at once because its expected wait already exceeded
	// MaxWait or the context's deadline.
	ErrTimeout = errors.New("ratelimit: queue wait timed out")
	// ErrLimited reports a per-key limit that denied the request.
	ErrLimited = errors.New("ratelimit: key rate limited")
	// ErrUnknownClass reports a class name the Limiter was not configured with.
	ErrUnknownClass = errors.New("ratelimit: unknown class")
	// ErrClosed reports a call on a Limiter after Close.
	ErrClosed = errors.New("ratelimit: limiter closed")
	// ErrInvalidConfig reports bad options given to NewLimiter; the returned
	// error wraps it with the detail.
	ErrInvalidConfig = errors.New("ratelimit: invalid configuration")
	// ErrInvalidLimit reports a Limit that fails Limit.Validate.
	ErrInvalidLimit = errors.New("ratelimit: invalid limit")
	// ErrInvalidN reports an AllowN call with n < 0 or n > Burst: such a
	// request can never be allowed.
	ErrInvalidN = errors.New("ratelimit: n outside 0..burst")
	// ErrNoClientAddr reports a request whose client address cannot be
	// determined (bad RemoteAddr, or a malformed forwarding header written by
	// a trusted proxy).
	ErrNoClientAddr = errors.New("ratelimit: cannot determine client address")
)

// Reason names why a request was rejected. The values are stable strings
// suitable for metric labels.
// Reason values are immutable and safe for concurrent use.
type Reason string

// Rejection reasons.
const (
	ReasonShed      Reason = "shed"       // load shedding (ErrShed)
	ReasonBusy      Reason = "busy"       // no free seat, could not wait (ErrBusy)
	ReasonQueueFull Reason = "queue_full" // queue full (ErrQueueFull)
	ReasonTimeout   Reason = "timeout"    // queue wait too long (ErrTimeout)
	ReasonCanceled  Reason = "canceled"   // the caller's context ended while queued
	ReasonClosed    Reason = "closed"     // the limiter was closed (ErrClosed)
	ReasonLimited   Reason = "limited"    // per-key limit (ErrLimited)
)

// sentinel returns the sentinel error matching r.
func (r Reason) sentinel() error {
	switch r {
	case ReasonShed:
		return ErrShed
	case ReasonBusy:
		return ErrBusy
	case ReasonQueueFull:
		return ErrQueueFull
	case ReasonTimeout:
		return ErrTimeout
	case ReasonClosed:
		return ErrClosed
	case ReasonLimited:
		return ErrLimited
	}
	return nil
}

// RejectError is the error a Limiter returns when it rejects a request. It
// matches the sentinel of its Reason with errors.Is (ErrShed, ErrBusy,
// ErrQueueFull, ErrTimeout). RejectError values are preallocated and shared:
// treat them as read-only. They are safe for concurrent use.
type RejectError struct {
	// Class is the name of the request's class.
	Class string
	// Reason says why the request was rejected.
	Reason Reason
	// Level is the load level when the request was rejected.
	Level Level
	// RetryAfter is the jittered time the client should wait before retrying;
	// it grows with Level (see RetryAfterRange) and is a whole number of seconds.
	RetryAfter time.Duration

	msg string
}

// Error implements error.
func (e *RejectError) Error() string {
	if e.msg != "" {
		return e.msg
	}
	return rejectMessage(e.Class, e.Reason, e.Level, e.RetryAfter)
}

// Is reports whether target is the sentinel error of e.Reason.
func (e *RejectError) Is(target error) bool {
	s := e.Reason.sentinel()
	return s != nil && s == target
}

func rejectMessage(class string, r Reason, lv Level, retry time.Duration) string {
	return fmt.Sprintf("%v: class %q at load level %d (retry after %v)", r.sentinel(), class, int(lv), retry)
}

// LimitedError is the error the HTTP middleware passes to its error handler
// when a per-key limit denies a request. It matches ErrLimited.
//
// It is safe for concurrent use once returned.
type LimitedError struct {
	// Key is the limited key (for example an IP or account key).
	Key string
	// Decision is the denying decision; Decision.RetryAfter says when to retry.
	Decision Decision
}

// Error implements error.
func (e *LimitedError) Error() string {
	return fmt.Sprintf("%v: retry after %v", ErrLimited, e.Decision.RetryAfter)
}

// Is reports whether target is ErrLimited.
func (e *LimitedError) Is(target error) bool { return target == ErrLimited }

// RetryAfterOf returns how long the client should wait before retrying after
// err, when err is a *RejectError or *LimitedError (possibly wrapped).
func RetryAfterOf(err error) (time.Duration, bool) {
	var re *RejectError
	if errors.As(err, &re) {
		return re.RetryAfter, true
	}
	var le *LimitedError
	if errors.As(err, &le) {
		return le.Decision.RetryAfter, true
	}
	return 0, false
}
