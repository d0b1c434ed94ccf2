package simulate

import (
	"cmp"
	"container/heap"
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/tollgate/tollgate/ratelimit"
)

// Virtual time.
//
// runVirtual replays the story with the real ratelimit.Limiter driven by a
// simulated clock, vsched, given to it with ratelimit.WithClock. What the
// simulation owns (arrivals, the server and its workers, the recovery watch)
// is a list of events ordered by (time, sequence number) and handled on
// Run's goroutine. The limiter's goroutines are real: its sampling goroutine
// and, per request, the goroutine inside Acquire, which may block. They take
// turns, one at a time:
//
//   - The scheduler gives the turn to one goroutine (it starts a request's
//     Acquire, or fires the timer a goroutine waits on) and waits until that
//     goroutine gives it back: when it returns from Acquire, or when it
//     starts a timer of this clock, which the limiter does just before it
//     blocks (a queued request for its MaxWait, the sampler for its
//     interval).
//   - A turn can also wake goroutines the scheduler did not choose: a Release
//     or an arrival hands a freed seat to a queued request, a rise of the load
//     level sheds a queue. Such a request stops its timer and returns from
//     Acquire, and the scheduler waits for all of them. It knows how many
//     there are: a request blocked on a timer of this clock is either still
//     in the limiter's queue (Stats().Queued counts it) or has been woken and
//     will stop its timer. So the turn is over when the blocked requests
//     number the queued ones and every woken request has returned.
//   - Only then does virtual time move, to the next event.
//
// Woken requests finish Acquire concurrently, but what they still do commutes
// (counters; the longest wait since the last sample) and their results are
// handled in the order of arrival, so the same config gives the same result.

// virtualEpoch is the virtual time at which every virtual replay starts.
var virtualEpoch = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

// errStuck reports a turn that never ended: the limiter blocked in a way
// this clock does not know.
var errStuck = errors.New("simulate: virtual time is stuck: the limiter blocked without a timer of its clock")

// event is one entry of the virtual timeline.
type event struct {
	at       time.Time
	seq      uint64
	fn       func()
	canceled bool
}

// events is a min-heap of events by (at, seq).
type events []*event

func (h events) Len() int { return len(h) }
func (h events) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].seq < h[j].seq
}
func (h events) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *events) Push(x any)   { *h = append(*h, x.(*event)) }
func (h *events) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return e
}

// cstate is where a goroutine of the limiter stands; guarded by vsched.mu.
type cstate uint8

const (
	stRunning  cstate = iota // has the turn
	stParked                 // blocked on a timer of the clock
	stWoken                  // woken by a grant or a shed; has stopped its timer, not yet returned
	stReturned               // back from Acquire
)

// vclient is one request: its goroutine calls Acquire with ctx. The
// limiter's sampling goroutine is represented by vsched.sampler.
type vclient struct {
	id      uint64 // arrival order
	class   int
	arrival time.Time
	ctx     vctx

	state       cstate
	deadlineSet bool
	tk          ratelimit.Ticket
	err         error
}

// vctx is a request's context: its deadline is in virtual time, and the
// scheduler ends it when the deadline comes while the request waits.
type vctx struct {
	deadline time.Time

	mu      sync.Mutex
	done    chan struct{}
	expired bool
}

func (c *vctx) Deadline() (time.Time, bool) { return c.deadline, true }

func (c *vctx) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		c.done = make(chan struct{})
		if c.expired {
			close(c.done)
		}
	}
	return c.done
}

func (c *vctx) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.expired {
		return context.DeadlineExceeded
	}
	return nil
}

func (*vctx) Value(any) any { return nil }

func (c *vctx) expire() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.expired {
		c.expired = true
		if c.done != nil {
			close(c.done)
		}
	}
}

// vtimer is a timer of the clock; done is guarded by vsched.mu.
type vtimer struct {
	ch    chan time.Time
	owner *vclient
	ev    *event
	done  bool // fired or stopped
}

// vsched is the clock and the scheduler of a virtual replay. It satisfies
// ratelimit.Clock; see the comment at the top of this file. It is safe for
// concurrent use.
type vsched struct {
	mu     sync.Mutex
	cond   sync.Cond
	now    time.Time
	seq    uint64
	events events

	holder   *vclient // the goroutine whose turn it is; nil when the scheduler's own
	parked   int      // requests blocked on a timer, not woken by the scheduler
	woken    int      // requests in stWoken
	returned []*vclient
	sampler  *vclient
	closing  bool
	err      error

	waiting  bool   // settle is waiting
	progress uint64 // counts changes of turn, for the watchdog

	// queued returns the number of requests in the limiter's queues.
	queued func() int
}

func newVsched(now time.Time) *vsched {
	s := &vsched{now: now, sampler: &vclient{}}
	s.cond.L = &s.mu
	return s
}

// Now returns the virtual time.
func (s *vsched) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now
}

// NewTimer starts a timer for the goroutine whose turn it is, which is about
// to block on it: the turn goes back to the scheduler.
func (s *vsched) NewTimer(d time.Duration) (<-chan time.Time, func() bool) {
	ch := make(chan time.Time, 1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if d <= 0 {
		ch <- s.now
		return ch, func() bool { return false }
	}
	c := s.holder
	if c == nil || s.closing {
		if !s.closing {
			s.failLocked(errors.New("simulate: the limiter started a timer out of turn"))
		}
		return ch, func() bool { return false } // never fires: closing the limiter ends the wait
	}
	t := &vtimer{ch: ch, owner: c}
	t.ev = s.atLocked(s.now.Add(d), func() { s.fire(t) })
	c.state = stParked
	if c != s.sampler {
		s.parked++
		if !c.deadlineSet {
			c.deadlineSet = true
			s.atLocked(c.ctx.deadline, func() { s.expire(c) })
		}
	}
	s.holder = nil
	s.progress++
	s.cond.Broadcast()
	return ch, func() bool { return s.stop(t) }
}

// fire gives the turn to t's goroutine by firing t.
func (s *vsched) fire(t *vtimer) {
	s.mu.Lock()
	if t.done {
		s.mu.Unlock()
		return
	}
	t.done = true
	c := t.owner
	if c != s.sampler {
		s.parked--
	}
	c.state = stRunning
	s.holder = c
	s.progress++
	now := s.now
	s.mu.Unlock()
	t.ch <- now
}

// stop stops t. A parked request that stops its timer was woken by a
// grant or a shed.
func (s *vsched) stop(t *vtimer) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.done {
		return false
	}
	t.done = true
	t.ev.canceled = true
	c := t.owner
	if s.closing || c.state != stParked {
		return true
	}
	if c == s.sampler {
		s.failLocked(errors.New("simulate: the limiter's sampler woke without its timer"))
		return true
	}
	c.state = stWoken
	s.parked--
	s.woken++
	s.progress++
	s.cond.Broadcast()
	return true
}

// expire ends c's context at its deadline if c is still waiting then.
func (s *vsched) expire(c *vclient) {
	s.mu.Lock()
	if c.state != stParked {
		s.mu.Unlock()
		return
	}
	c.state = stRunning
	s.parked--
	s.holder = c
	s.progress++
	s.mu.Unlock()
	c.ctx.expire()
}

// begin gives the turn to c, whose goroutine the caller starts next.
func (s *vsched) begin(c *vclient) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.state = stRunning
	s.holder = c
	s.progress++
}

// back records that c returned from Acquire.
func (s *vsched) back(c *vclient, tk ratelimit.Ticket, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.tk, c.err = tk, err
	switch {
	case c.state == stWoken:
		s.woken--
	case s.holder == c:
		s.holder = nil
	}
	c.state = stReturned
	s.returned = append(s.returned, c)
	s.progress++
	s.cond.Broadcast()
}

// settle waits until the turn is over (see the top of this file) and returns
// the requests that came back from Acquire meanwhile, in arrival order.
func (s *vsched) settle() ([]*vclient, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.err == nil {
		if s.holder == nil && s.woken == 0 {
			if s.parked == 0 {
				break
			}
			s.mu.Unlock()
			q := s.queued() // the limiter reads the clock: not under s.mu
			s.mu.Lock()
			if s.holder == nil && s.woken == 0 {
				if s.parked == q {
					break
				}
				if s.parked < q {
					s.failLocked(errors.New("simulate: the limiter queues requests that do not wait on its clock"))
					break
				}
			}
		}
		s.waiting = true
		s.cond.Wait()
		s.waiting = false
	}
	if s.err != nil {
		return nil, s.err
	}
	done := s.returned
	s.returned = nil
	slices.SortFunc(done, func(a, b *vclient) int { return cmp.Compare(a.id, b.id) })
	return done, nil
}

// failLocked records the first error of the run and wakes settle; s.mu is held.
func (s *vsched) failLocked(err error) {
	if s.err == nil {
		s.err = err
	}
	s.cond.Broadcast()
}

// watchdog fails the run when settle has waited for limit without any
// change of turn, checking every tick, until stop is closed.
func (s *vsched) watchdog(stop <-chan struct{}, tick, limit time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	var last uint64
	var since time.Duration
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		s.mu.Lock()
		if s.waiting && s.progress == last {
			since += tick
			if since >= limit {
				s.failLocked(errStuck)
			}
		} else {
			last, since = s.progress, 0
		}
		s.mu.Unlock()
	}
}

// at schedules fn at virtual time t (not before now) and returns its event.
func (s *vsched) at(t time.Time, fn func()) *event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.atLocked(t, fn)
}

func (s *vsched) atLocked(t time.Time, fn func()) *event {
	if t.Before(s.now) {
		t = s.now
	}
	s.seq++
	e := &event{at: t, seq: s.seq, fn: fn}
	heap.Push(&s.events, e)
	return e
}

// next removes the next live event not after horizon, moves the clock to
// it and returns it; nil when there is none.
func (s *vsched) next(horizon time.Time) *event {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.events) > 0 {
		e := s.events[0]
		if e.at.After(horizon) {
			return nil
		}
		heap.Pop(&s.events)
		if e.canceled {
			continue
		}
		s.now = e.at
		return e
	}
	return nil
}

// close marks the run as over: from now on timers neither fire nor count.
func (s *vsched) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closing = true
}
