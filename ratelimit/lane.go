package ratelimit

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// A lane's hot counters are packed in one 64-bit word so that taking and
// releasing a reserved seat is a single atomic add:
//
//	bits  0..20  seats held (reserved + pool)
//	bits 21..41  reserved seats held
//	bits 42..63  admissions, wrapping (folded into 64-bit totals by Stats and
//	             the sampler)
const (
	fieldBits = 21
	fieldMask = 1<<fieldBits - 1
	resShift  = fieldBits
	admShift  = 2 * fieldBits
	admBits   = 64 - admShift
	admMask   = 1<<admBits - 1

	oneTotal uint64 = 1
	oneRes   uint64 = 1 << resShift
	oneAdm   uint64 = 1 << admShift

	addSeat     = oneTotal | oneRes | oneAdm
	subSeat     = ^(addSeat - 1)
	subRes      = ^(oneRes - 1)
	subAdm      = ^(oneAdm - 1)
	subTotalAdm = ^((oneTotal | oneAdm) - 1)
	subTotalRes = ^((oneTotal | oneRes) - 1)
	subTotal    = ^(oneTotal - 1)
)

// MaxTotal is the largest total number of seats a Limiter supports.
const MaxTotal = 1 << 20

type seatKind uint8

const (
	seatReserved seatKind = iota + 1
	seatPool
)

// rejection reasons that have preallocated errors, in table order.
var tableReasons = [...]Reason{ReasonShed, ReasonBusy, ReasonQueueFull, ReasonTimeout}

const (
	rShed = iota
	rBusy
	rQueueFull
	rTimeout
)

// waiter is one queued Acquire. Fields after ready are guarded by lane.mu.
type waiter struct {
	prev, next *waiter
	enq        time.Time
	ready      chan struct{}
	granted    bool
	shed       bool
	kind       seatKind
}

// lane is the runtime state of one class.
type lane struct {
	word atomic.Uint64
	_    [56]byte

	waiters     atomic.Int64 // live queued requests
	sampledWait atomic.Int64 // longest queue wait seen since the last sample, ns
	lastGrant   atomic.Int64 // UnixNano of the last grant to a waiter
	grantGap    atomic.Int64 // EWMA of the time between grants while backlogged, ns
	shed        atomic.Uint64
	busy        atomic.Uint64
	queueFull   atomic.Uint64
	timedOut    atomic.Uint64
	canceled    atomic.Uint64
	queuedTotal atomic.Uint64
	_           [8]byte

	l       *Limiter
	idx     int
	class   Class
	crit    Criticality
	maxWait time.Duration // configured

	mu     sync.Mutex
	head   *waiter
	tail   *waiter
	queued int

	errs [len(tableReasons)][maxLevel + 1][]*RejectError

	// guarded by Limiter.statsMu
	admBase int64
	admLast uint64
}

func newLane(l *Limiter, idx int, c Class) *lane {
	ln := &lane{l: l, idx: idx, class: c, crit: c.Criticality.normalize(), maxWait: c.MaxWait}
	if ln.maxWait == 0 {
		ln.maxWait = DefaultMaxWait
	}
	for r, reason := range tableReasons {
		for lv := LevelNormal; lv <= maxLevel; lv++ {
			lo, hi := RetryAfterRange(lv)
			for s := lo; s <= hi; s += time.Second {
				ln.errs[r][lv] = append(ln.errs[r][lv], &RejectError{
					Class: c.Name, Reason: reason, Level: lv, RetryAfter: s,
					msg: rejectMessage(c.Name, reason, lv, s),
				})
			}
		}
	}
	return ln
}

// take tries to hold one seat without waiting. Unless fromQueue, it first
// lets queued requests take the pool seats they can use, so that queued
// requests get freed pool seats before newcomers.
func (ln *lane) take(fromQueue bool) (seatKind, bool) {
	l := ln.l
	lim := l.limits.Load()
	ll := &lim.lanes[ln.idx]
	if int64(ln.word.Load()&fieldMask) >= ll.max {
		return 0, false // full: fail without writing the shared word
	}
	w := ln.word.Add(addSeat)
	if int64(w&fieldMask) > ll.max {
		ln.word.Add(subSeat)
		return 0, false
	}
	if int64(w>>resShift&fieldMask) <= ll.reserved {
		return seatReserved, true
	}
	ln.word.Add(subRes)
	if !fromQueue && l.waiting.Load() > 0 {
		// Queued requests come first: hand them the pool seats they can
		// use, then take one that is left (one their lanes' maxima keep
		// them from using), if any.
		l.dispatch()
	}
	if l.poolUsed.Add(1) > lim.pool {
		l.poolUsed.Add(-1)
		ln.word.Add(subTotalAdm)
		return 0, false
	}
	return seatPool, true
}

// give releases a seat taken by take; uncount also takes back the admission.
func (ln *lane) give(kind seatKind, uncount bool) {
	var sub uint64
	if kind == seatReserved {
		sub = subTotalRes
	} else {
		sub = subTotal
	}
	if uncount {
		sub += subAdm
	}
	ln.word.Add(sub)
	if kind == seatPool {
		ln.l.poolUsed.Add(-1)
	}
	if ln.l.waiting.Load() > 0 {
		ln.l.dispatch()
	}
}

// inFlight returns the seats held (including transient attempts).
func (ln *lane) inFlight() int { return int(ln.word.Load() & fieldMask) }

// tryAcquire takes a seat only if one is free now: it never queues.
func (ln *lane) tryAcquire(ctx context.Context) (Ticket, error) { return ln.acquire(ctx, false) }

// acquire takes a seat, queueing for one (when wait is set and the class
// has a queue) under the admission rules.
func (ln *lane) acquire(ctx context.Context, wait bool) (Ticket, error) {
	l := ln.l
	if l.closed.Load() {
		return Ticket{}, ErrClosed
	}
	if ln.waiters.Load() == 0 {
		if kind, ok := ln.take(false); ok {
			return ln.admit(ctx, kind, 0), nil
		}
	}
	lv := l.Level()
	switch {
	case lv.Sheds(ln.crit):
		return Ticket{}, ln.reject(ctx, rShed, lv, 0)
	case !wait || ln.class.QueueLen == 0:
		return Ticket{}, ln.reject(ctx, rBusy, lv, 0)
	}
	if err := ctx.Err(); err != nil {
		ln.cancel(ctx, 0)
		return Ticket{}, err
	}
	now := l.clock.Now()
	budget := ln.maxWait
	if dl, ok := ctx.Deadline(); ok {
		if left := dl.Sub(now); left < budget {
			budget = left
		}
	}
	ln.mu.Lock()
	if ln.queued >= ln.class.QueueLen {
		ln.mu.Unlock()
		return Ticket{}, ln.reject(ctx, rQueueFull, lv, 0)
	}
	if est := ln.expectedWait(now, ln.queued); est > budget {
		ln.mu.Unlock()
		return Ticket{}, ln.reject(ctx, rTimeout, lv, 0)
	}
	w := &waiter{enq: now, ready: make(chan struct{})}
	ln.push(w)
	ln.mu.Unlock()
	ln.queuedTotal.Add(1)
	if l.metrics != nil {
		l.metrics.Queued(ln.class.Name)
	}
	if l.hook != nil {
		l.hook(ctx, Event{Type: EventQueue, Class: ln.class.Name, Level: lv})
	}
	// A seat may have been freed between the failed take and the push.
	l.dispatch()

	timer, stop := l.clock.NewTimer(ln.maxWait)
	select {
	case <-w.ready:
	case <-timer:
	case <-ctx.Done():
	case <-l.done:
	}
	stop()
	return ln.finishWait(ctx, w)
}

// finishWait settles a waiter whose wait ended for any reason.
func (ln *lane) finishWait(ctx context.Context, w *waiter) (Ticket, error) {
	l := ln.l
	ln.mu.Lock()
	granted, shed, kind := w.granted, w.shed, w.kind
	if !granted && !shed {
		ln.unlink(w)
	}
	ln.mu.Unlock()
	wait := l.clock.Now().Sub(w.enq)
	ln.noteWait(wait)
	lv := l.Level()
	switch {
	case granted && ctx.Err() == nil:
		return ln.admit(ctx, kind, wait), nil
	case granted:
		ln.give(kind, true)
		ln.cancel(ctx, wait)
		return Ticket{}, ctx.Err()
	case shed:
		return Ticket{}, ln.reject(ctx, rShed, lv, wait)
	case l.closed.Load():
		return Ticket{}, ErrClosed
	case ctx.Err() != nil:
		ln.cancel(ctx, wait)
		return Ticket{}, ctx.Err()
	}
	return Ticket{}, ln.reject(ctx, rTimeout, lv, wait)
}

// expectedWait estimates the wait of a request with ahead requests queued
// before it from the recent rate of grants; 0 when unknown. ln.mu is held.
func (ln *lane) expectedWait(now time.Time, ahead int) time.Duration {
	if ahead == 0 {
		return 0
	}
	gap := ln.grantGap.Load()
	if gap <= 0 || now.UnixNano()-ln.lastGrant.Load() > int64(10*time.Second) {
		return 0
	}
	return time.Duration(gap * int64(ahead+1))
}

func (ln *lane) noteWait(d time.Duration) {
	for {
		old := ln.sampledWait.Load()
		if int64(d) <= old || ln.sampledWait.CompareAndSwap(old, int64(d)) {
			return
		}
	}
}

// push appends w to the queue; ln.mu is held.
func (ln *lane) push(w *waiter) {
	w.prev = ln.tail
	if ln.tail != nil {
		ln.tail.next = w
	} else {
		ln.head = w
	}
	ln.tail = w
	ln.queued++
	ln.waiters.Add(1)
	ln.l.waiting.Add(1)
}

// unlink removes w from the queue; ln.mu is held.
func (ln *lane) unlink(w *waiter) {
	if w.prev != nil {
		w.prev.next = w.next
	} else {
		ln.head = w.next
	}
	if w.next != nil {
		w.next.prev = w.prev
	} else {
		ln.tail = w.prev
	}
	w.prev, w.next = nil, nil
	ln.queued--
	ln.waiters.Add(-1)
	ln.l.waiting.Add(-1)
}

// grantQueued hands free seats to queued requests in order; it returns
// after the first request that cannot get a seat.
func (ln *lane) grantQueued() {
	ln.mu.Lock()
	var now int64
	for w := ln.head; w != nil; w = ln.head {
		kind, ok := ln.take(true)
		if !ok {
			break
		}
		ln.unlink(w)
		w.granted, w.kind = true, kind
		if now == 0 {
			now = ln.l.clock.Now().UnixNano()
		}
		prev := ln.lastGrant.Swap(now)
		if prev != 0 && w.enq.UnixNano() <= prev {
			// w waited through the previous grant: the lane was backlogged.
			d := now - prev
			if g := ln.grantGap.Load(); g != 0 {
				d = g + (d-g)/8
			}
			ln.grantGap.Store(d)
		}
		close(w.ready)
	}
	ln.mu.Unlock()
}

// shedQueued rejects every queued request of the lane (the level now sheds
// its class).
func (ln *lane) shedQueued() {
	ln.mu.Lock()
	for w := ln.head; w != nil; w = ln.head {
		ln.unlink(w)
		w.shed = true
		close(w.ready)
	}
	ln.mu.Unlock()
}

// queueAge returns how long the oldest queued request has waited.
func (ln *lane) queueAge(now time.Time) (time.Duration, int) {
	ln.mu.Lock()
	defer ln.mu.Unlock()
	if ln.head == nil {
		return 0, 0
	}
	return now.Sub(ln.head.enq), ln.queued
}

func (ln *lane) admit(ctx context.Context, kind seatKind, wait time.Duration) Ticket {
	l := ln.l
	s := l.seats.Get().(*seat)
	s.ln, s.kind, s.start = ln, kind, 0
	if l.adapt != nil {
		s.start = l.clock.Now().UnixNano()
	}
	if l.metrics != nil {
		l.metrics.Admitted(ln.class.Name, wait)
	}
	if l.hook != nil {
		l.hook(ctx, Event{Type: EventAdmit, Class: ln.class.Name, Level: l.Level(), Wait: wait})
	}
	return Ticket{s: s, gen: s.gen.Load()}
}

// reject counts a rejection and returns its preallocated error.
func (ln *lane) reject(ctx context.Context, r int, lv Level, wait time.Duration) error {
	switch r {
	case rShed:
		ln.shed.Add(1)
	case rBusy:
		ln.busy.Add(1)
	case rQueueFull:
		ln.queueFull.Add(1)
	case rTimeout:
		ln.timedOut.Add(1)
	}
	if lv > maxLevel {
		lv = maxLevel
	}
	errs := ln.errs[r][lv]
	e := errs[0]
	if len(errs) > 1 {
		e = errs[ln.l.rand()%uint64(len(errs))]
	}
	if m := ln.l.metrics; m != nil {
		m.Rejected(ln.class.Name, e.Reason, wait)
	}
	if h := ln.l.hook; h != nil {
		h(ctx, Event{Type: EventReject, Class: ln.class.Name, Reason: e.Reason, Level: lv, Wait: wait, RetryAfter: e.RetryAfter})
	}
	return e
}

func (ln *lane) cancel(ctx context.Context, wait time.Duration) {
	ln.canceled.Add(1)
	if m := ln.l.metrics; m != nil {
		m.Rejected(ln.class.Name, ReasonCanceled, wait)
	}
	if h := ln.l.hook; h != nil {
		h(ctx, Event{Type: EventReject, Class: ln.class.Name, Reason: ReasonCanceled, Level: ln.l.Level(), Wait: wait})
	}
}
