package ratelimit

import "time"

// Stats is a snapshot of a Limiter for status pages and metrics. Counters
// are cumulative since the limiter was created.
//
// A Stats is a copy: safe for concurrent use as long as no goroutine modifies it.
type Stats struct {
	// At is the time of the snapshot.
	At time.Time
	// Level is the current load level.
	Level Level
	// Total is the current total number of seats (it moves when adaptive).
	Total int
	// InFlight is the number of seats held.
	InFlight int
	// Queued is the number of requests waiting.
	Queued int
	// Classes holds one entry per class, in declaration order.
	Classes []ClassStats
}

// ClassStats is one class's part of Stats.
//
// It is a plain value, safe for concurrent use as long as no goroutine modifies it.
type ClassStats struct {
	Name        string
	Criticality Criticality
	// Nominal, Reserved and Max are the lane's seat counts for the current total.
	Nominal, Reserved, Max int
	// InFlight is the number of seats the class holds; Queued the number of
	// its requests waiting.
	InFlight, Queued int
	// Shedding reports whether the current level sheds the class.
	Shedding bool
	// Admitted counts requests given a seat (including after queueing);
	// QueuedTotal counts requests that entered the queue.
	Admitted, QueuedTotal uint64
	// Shed, Busy, QueueFull, TimedOut, Canceled count rejections by reason.
	Shed, Busy, QueueFull, TimedOut, Canceled uint64
}

// Rejected is the sum of the class's rejection counters.
func (c ClassStats) Rejected() uint64 {
	return c.Shed + c.Busy + c.QueueFull + c.TimedOut + c.Canceled
}
