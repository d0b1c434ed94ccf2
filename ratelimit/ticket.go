package ratelimit

import "sync/atomic"

// Ticket is a held seat returned by Acquire and TryAcquire. Call Release
// exactly once when the work is done; further calls (on the ticket or on
// copies of it) do nothing, and so does Release on the zero Ticket.
// Releasing is safe from any goroutine.
type Ticket struct {
	s   *seat
	gen uint64
}

// seat is the pooled state behind a Ticket. gen advances on every release,
// so a stale Ticket cannot release a seat that was reused.
type seat struct {
	gen   atomic.Uint64
	ln    *lane
	kind  seatKind
	start int64 // UnixNano of admission, only when the limit is adaptive
}

// Release gives the seat back. Only the first call on a ticket has an effect.
func (t Ticket) Release() {
	s := t.s
	if s == nil || !s.gen.CompareAndSwap(t.gen, t.gen+1) {
		return
	}
	ln, kind, start := s.ln, s.kind, s.start
	s.ln = nil
	l := ln.l
	l.seats.Put(s)
	if start != 0 {
		l.observeLatency(start)
	}
	ln.give(kind, false)
}
