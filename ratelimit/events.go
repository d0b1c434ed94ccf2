package ratelimit

import (
	"context"
	"time"
)

// Event types. They are stable strings the host may match on or log.
const (
	// EventAdmit: a request got a seat (Class, Level, Wait).
	EventAdmit = "ratelimit.admit"
	// EventQueue: a request entered its lane's queue (Class, Level).
	EventQueue = "ratelimit.queue"
	// EventReject: the limiter rejected a request (Class, Reason, Level,
	// Wait, RetryAfter).
	EventReject = "ratelimit.reject"
	// EventLevel: the load level changed (Level, PrevLevel, Utilisation, Wait
	// = the queue delay of the sample).
	EventLevel = "ratelimit.level"
	// EventTotal: the adaptive limit changed the total (Total, Wait = the
	// sampled mean latency).
	EventTotal = "ratelimit.total"
	// EventKeyLimited: the HTTP middleware denied a request by its per-key
	// limit (Key, Reason = ReasonLimited, RetryAfter).
	EventKeyLimited = "ratelimit.key_limited"
)

// Event is one decision or state change, passed to the hook set with
// WithEventHook (or WithMiddlewareEventHook). Fields that do not apply to a
// Type are zero.
//
// It is a plain value, safe for concurrent use as long as no goroutine modifies it.
type Event struct {
	// Type is one of the Event* constants.
	Type string
	// Class is the request's class name.
	Class string
	// Reason says why a request was rejected (EventReject, EventKeyLimited).
	Reason Reason
	// Level is the load level at the time of the event (for EventLevel, the new level).
	Level Level
	// PrevLevel is the level before an EventLevel.
	PrevLevel Level
	// Wait is the time the request spent queued (EventAdmit, EventReject),
	// the sampled queue delay (EventLevel) or the sampled mean latency (EventTotal).
	Wait time.Duration
	// RetryAfter is the Retry-After given to a rejected request.
	RetryAfter time.Duration
	// Utilisation is seats in use / total at an EventLevel sample.
	Utilisation float64
	// Total is the limiter's total after an EventTotal.
	Total int
	// Key is the per-key limit key of an EventKeyLimited.
	Key string
}

// EventHook receives events. It is called synchronously on the request's
// goroutine (or the limiter's sampling goroutine for EventLevel and
// EventTotal), so it must be fast and must not block; it must be safe for
// concurrent use.
type EventHook func(context.Context, Event)

// Metrics receives the counters and gauges a host exports (to Prometheus,
// slog, ...). Set it with WithMetrics. Methods are called synchronously, on
// request goroutines and on the sampling goroutine, so they must be fast,
// non-blocking and safe for concurrent use.
type Metrics interface {
	// Admitted is called once per admitted request with the time it spent
	// queued (0 when it was not queued).
	Admitted(class string, wait time.Duration)
	// Queued is called when a request enters a queue.
	Queued(class string)
	// Rejected is called once per rejected request with the reason and the
	// time it spent queued (0 when it was rejected at the door).
	Rejected(class string, reason Reason, wait time.Duration)
	// Sampled is called every sampling interval with a snapshot of the
	// gauges: seats in flight and queue lengths per class, the load level
	// and the total.
	Sampled(s Stats)
}

// LevelChange describes one change of the load level, passed to the
// functions registered with Subscribe.
//
// It is a plain value, safe for concurrent use as long as no goroutine modifies it.
type LevelChange struct {
	From, To Level
	// At is the time of the sample that changed the level.
	At time.Time
	// Utilisation and QueueDelay are that sample's measurements.
	Utilisation float64
	QueueDelay  time.Duration
}
