package ratelimit

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultTotal is the total number of seats when WithTotal is not given.
const DefaultTotal = 100

// DefaultClass is the name of the single class a Limiter has when no class is declared.
const DefaultClass = "default"

// Option configures NewLimiter. Options are applied in order; defaults are
// applied after all options.
// Options are safe for concurrent use.
type Option func(*config)

type config struct {
	total    int
	classes  []Class
	policy   LevelPolicy
	adaptive *Adaptive
	clock    Clock
	rand     func() uint64
	hook     EventHook
	metrics  Metrics
	sampler  bool
}

// WithTotal sets the total number of seats shared by all lanes (1..MaxTotal;
// default DefaultTotal). With WithAdaptive it is the starting total.
func WithTotal(n int) Option { return func(c *config) { c.total = n } }

// WithClass declares a class; call it once per class. Names must be unique.
// Without any class the limiter has one Normal class named DefaultClass
// with all the seats and a queue as long as the total.
func WithClass(cl Class) Option { return func(c *config) { c.classes = append(c.classes, cl) } }

// WithClasses declares several classes (see WithClass).
func WithClasses(cls ...Class) Option {
	return func(c *config) { c.classes = append(c.classes, cls...) }
}

// WithLevelPolicy sets how the load level follows the load (see LevelPolicy).
func WithLevelPolicy(p LevelPolicy) Option { return func(c *config) { c.policy = p } }

// WithClock sets the clock (default: the system clock).
func WithClock(cl Clock) Option { return func(c *config) { c.clock = cl } }

// WithRandom sets the random source used to jitter Retry-After values. f
// must be safe for concurrent use. Default: math/rand/v2's Uint64.
func WithRandom(f func() uint64) Option { return func(c *config) { c.rand = f } }

// WithEventHook sets the hook that receives every decision and level change.
func WithEventHook(h EventHook) Option { return func(c *config) { c.hook = h } }

// WithMetrics sets the metrics sink.
func WithMetrics(m Metrics) Option { return func(c *config) { c.metrics = m } }

// withoutSampler disables the background sampling goroutine (tests drive
// sample directly).
func withoutSampler() Option { return func(c *config) { c.sampler = false } }

// Limiter admits requests through per-class lanes of seats, sheds classes
// by load level and queues the rest for a bounded time.
//
// A request holds a seat from admission until its Ticket is released. The
// hot path (TryAcquire, or Acquire when a seat is free, and Release) takes
// no mutex: seats are counted with atomic adds on per-lane words; only
// queueing takes the lane's own mutex. A background goroutine samples the
// load every LevelPolicy.Interval to move the load level (and the total,
// when adaptive); Close stops it.
//
// A Limiter is safe for concurrent use. Its zero value is not usable: call
// NewLimiter.
type Limiter struct {
	limits atomic.Pointer[limits]
	level  atomic.Int32
	closed atomic.Bool
	_      [48]byte

	poolUsed atomic.Int64
	_        [56]byte

	waiting atomic.Int64
	_       [56]byte

	clock   Clock
	rand    func() uint64
	hook    EventHook
	metrics Metrics
	policy  LevelPolicy
	classes []Class

	lanes      []*lane
	byName     map[string]*lane
	byPriority []*lane
	seats      sync.Pool

	adapt *adaptState

	done      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup

	sampleMu sync.Mutex // serialises sample
	tracker  levelTracker

	statsMu sync.Mutex

	subMu   sync.Mutex
	subs    map[uint64]func(LevelChange)
	nextSub uint64
}

// NewLimiter returns a Limiter configured by opts and starts its sampling
// goroutine. The error wraps ErrInvalidConfig.
func NewLimiter(opts ...Option) (*Limiter, error) {
	cfg := config{sampler: true}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.total == 0 {
		cfg.total = DefaultTotal
	}
	if len(cfg.classes) == 0 {
		cfg.classes = []Class{{Name: DefaultClass, QueueLen: cfg.total}}
	}
	if cfg.clock == nil {
		cfg.clock = systemClock{}
	}
	if cfg.rand == nil {
		cfg.rand = rand.Uint64
	}
	cfg.policy = cfg.policy.withDefaults()
	if err := cfg.policy.validate(); err != nil {
		return nil, err
	}
	if cfg.total < 1 || cfg.total > MaxTotal {
		return nil, fmt.Errorf("%w: total %d outside 1..%d", ErrInvalidConfig, cfg.total, MaxTotal)
	}
	seen := make(map[string]bool, len(cfg.classes))
	for _, c := range cfg.classes {
		if err := c.validate(); err != nil {
			return nil, err
		}
		if seen[c.Name] {
			return nil, fmt.Errorf("%w: duplicate class %q", ErrInvalidConfig, c.Name)
		}
		seen[c.Name] = true
	}
	l := &Limiter{
		clock:   cfg.clock,
		rand:    cfg.rand,
		hook:    cfg.hook,
		metrics: cfg.metrics,
		policy:  cfg.policy,
		classes: append([]Class(nil), cfg.classes...),
		byName:  make(map[string]*lane, len(cfg.classes)),
		done:    make(chan struct{}),
		subs:    make(map[uint64]func(LevelChange)),
	}
	l.tracker.p = cfg.policy
	l.seats.New = func() any { return new(seat) }
	if cfg.adaptive != nil {
		a, err := newAdaptState(*cfg.adaptive, len(cfg.classes))
		if err != nil {
			return nil, err
		}
		cfg.total = a.clamp(cfg.total)
		a.limit = float64(cfg.total)
		l.adapt = a
	}
	lim, err := computeLimits(cfg.total, l.classes)
	if err != nil {
		return nil, err
	}
	l.limits.Store(lim)
	for i, c := range l.classes {
		ln := newLane(l, i, c)
		l.lanes = append(l.lanes, ln)
		l.byName[c.Name] = ln
	}
	l.byPriority = append([]*lane(nil), l.lanes...)
	sort.SliceStable(l.byPriority, func(i, j int) bool { return l.byPriority[i].crit > l.byPriority[j].crit })
	if cfg.sampler {
		l.wg.Add(1)
		go l.run()
	}
	return l, nil
}

// Acquire waits for a seat in class's lane and returns its Ticket.
//
// A request is admitted at once when its lane has a free reserved seat, or
// a free pool seat within the lane's maximum and nobody is queued for pool
// seats. Otherwise:
//   - when the load level sheds the class, it is rejected at once with a
//     *RejectError matching ErrShed (never queued);
//   - when the class has no queue, it is rejected with ErrBusy;
//   - when the queue is full, with ErrQueueFull;
//   - when the expected wait (queue position × recent time between grants)
//     already exceeds MaxWait or the context's deadline, at once with ErrTimeout;
//   - otherwise it waits in FIFO order until a seat is handed to it, MaxWait
//     passes (ErrTimeout), the level starts shedding the class (ErrShed), the
//     context ends (ctx.Err() is returned) or the limiter is closed (ErrClosed).
//
// The error is ErrUnknownClass for a class the limiter does not have.
func (l *Limiter) Acquire(ctx context.Context, class string) (Ticket, error) {
	ln := l.byName[class]
	if ln == nil {
		return Ticket{}, ErrUnknownClass
	}
	return ln.acquire(ctx, true)
}

// TryAcquire takes a seat in class's lane if one is free now, without
// waiting. It fails with a *RejectError matching ErrShed when the load level
// sheds the class and ErrBusy otherwise; with ErrUnknownClass for a class
// the limiter does not have and ErrClosed after Close. It does not allocate.
func (l *Limiter) TryAcquire(class string) (Ticket, error) {
	ln := l.byName[class]
	if ln == nil {
		return Ticket{}, ErrUnknownClass
	}
	return ln.tryAcquire(context.Background())
}

// Level returns the current load level.
func (l *Limiter) Level() Level { return Level(l.level.Load()) }

// Total returns the current total number of seats.
func (l *Limiter) Total() int { return int(l.limits.Load().total) }

// Classes returns the declared classes in declaration order.
func (l *Limiter) Classes() []Class { return append([]Class(nil), l.classes...) }

// Subscribe registers fn to be called on every change of the load level,
// in order, on the limiter's sampling goroutine; fn must not block. The
// returned function unregisters fn.
func (l *Limiter) Subscribe(fn func(LevelChange)) (cancel func()) {
	l.subMu.Lock()
	id := l.nextSub
	l.nextSub++
	l.subs[id] = fn
	l.subMu.Unlock()
	return func() {
		l.subMu.Lock()
		delete(l.subs, id)
		l.subMu.Unlock()
	}
}

// Close stops the sampling goroutine and rejects queued and later requests
// with ErrClosed. Held tickets may still be released. Close is idempotent.
func (l *Limiter) Close() error {
	l.closeOnce.Do(func() {
		l.closed.Store(true)
		close(l.done)
	})
	l.wg.Wait()
	return nil
}

// Stats returns a snapshot of the limiter.
func (l *Limiter) Stats() Stats {
	now := l.clock.Now()
	lim := l.limits.Load()
	lv := l.Level()
	s := Stats{At: now, Level: lv, Total: int(lim.total), Classes: make([]ClassStats, len(l.lanes))}
	l.statsMu.Lock()
	defer l.statsMu.Unlock()
	for i, ln := range l.lanes {
		ll := lim.lanes[i]
		_, queued := ln.queueAge(now)
		cs := ClassStats{
			Name:        ln.class.Name,
			Criticality: ln.crit,
			Nominal:     int(ll.nominal),
			Reserved:    int(ll.reserved),
			Max:         int(ll.max),
			InFlight:    ln.inFlight(),
			Queued:      queued,
			Shedding:    lv.Sheds(ln.crit),
			Admitted:    ln.foldAdmitted(),
			QueuedTotal: ln.queuedTotal.Load(),
			Shed:        ln.shed.Load(),
			Busy:        ln.busy.Load(),
			QueueFull:   ln.queueFull.Load(),
			TimedOut:    ln.timedOut.Load(),
			Canceled:    ln.canceled.Load(),
		}
		s.InFlight += cs.InFlight
		s.Queued += cs.Queued
		s.Classes[i] = cs
	}
	return s
}

// foldAdmitted adds the admissions counted in the lane word since the last
// fold to the 64-bit total and returns it; l.statsMu is held.
func (ln *lane) foldAdmitted() uint64 {
	cur := ln.word.Load() >> admShift
	d := int64((cur - ln.admLast) & admMask)
	if d >= 1<<(admBits-1) {
		d -= 1 << admBits // a transient, undone attempt
	}
	ln.admLast = cur
	ln.admBase += d
	if ln.admBase < 0 {
		return 0
	}
	return uint64(ln.admBase)
}

// dispatch hands freed seats to queued requests, most critical lanes first.
func (l *Limiter) dispatch() {
	for _, ln := range l.byPriority {
		if ln.waiters.Load() > 0 {
			ln.grantQueued()
		}
	}
}

// run is the sampling goroutine.
func (l *Limiter) run() {
	defer l.wg.Done()
	for {
		c, stop := l.clock.NewTimer(l.policy.Interval)
		select {
		case <-l.done:
			stop()
			return
		case now := <-c:
			_ = now
			l.sample(l.clock.Now())
		}
	}
}

// sample measures the load, moves the level and the adaptive total, and
// reports gauges.
func (l *Limiter) sample(now time.Time) {
	l.sampleMu.Lock()
	defer l.sampleMu.Unlock()
	lim := l.limits.Load()
	inFlight := 0
	var delay time.Duration
	for _, ln := range l.lanes {
		inFlight += ln.inFlight()
		d := time.Duration(ln.sampledWait.Swap(0))
		if age, _ := ln.queueAge(now); age > d {
			d = age
		}
		if d > delay {
			delay = d
		}
	}
	l.statsMu.Lock()
	for _, ln := range l.lanes {
		ln.foldAdmitted()
	}
	l.statsMu.Unlock()
	util := float64(inFlight) / float64(lim.total)
	prev := l.Level()
	lv := l.tracker.observe(now, util, delay)
	if lv != prev {
		l.level.Store(int32(lv))
		if lv > prev {
			for _, ln := range l.lanes {
				if lv.Sheds(ln.crit) && !prev.Sheds(ln.crit) {
					ln.shedQueued()
				}
			}
		}
		ch := LevelChange{From: prev, To: lv, At: now, Utilisation: util, QueueDelay: delay}
		l.subMu.Lock()
		fns := make([]func(LevelChange), 0, len(l.subs))
		ids := make([]uint64, 0, len(l.subs))
		for id := range l.subs {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for _, id := range ids {
			fns = append(fns, l.subs[id])
		}
		l.subMu.Unlock()
		for _, fn := range fns {
			fn(ch)
		}
		if l.hook != nil {
			l.hook(context.Background(), Event{Type: EventLevel, Level: lv, PrevLevel: prev, Utilisation: util, Wait: delay})
		}
	}
	if l.adapt != nil {
		l.adaptStep(inFlight)
	}
	if l.metrics != nil {
		l.metrics.Sampled(l.Stats())
	}
}
