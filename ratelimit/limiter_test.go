package ratelimit

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tollgate/tollgate/ratelimit/internal/fakeclock"
)

var epoch = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func newTestLimiter(t *testing.T, opts ...Option) (*Limiter, *fakeclock.Clock) {
	t.Helper()
	return newTestLimiterAt(t, epoch, opts...)
}

// newTestLimiterAt is newTestLimiter with the fake clock starting at start.
func newTestLimiterAt(t *testing.T, start time.Time, opts ...Option) (*Limiter, *fakeclock.Clock) {
	t.Helper()
	clk := fakeclock.New(start)
	l, err := NewLimiter(append([]Option{WithClock(clk), withoutSampler()}, opts...)...)
	if err != nil {
		t.Fatalf("NewLimiter() error = %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l, clk
}

func mustTry(t *testing.T, l *Limiter, class string) Ticket {
	t.Helper()
	tk, err := l.TryAcquire(class)
	if err != nil {
		t.Fatalf("TryAcquire(%q) error = %v, want nil", class, err)
	}
	return tk
}

func classStats(t *testing.T, l *Limiter, name string) ClassStats {
	t.Helper()
	for _, c := range l.Stats().Classes {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no stats for class %q", name)
	return ClassStats{}
}

func TestComputeLimits(t *testing.T) {
	tests := []struct {
		name    string
		total   int
		classes []Class
		want    []laneLimits
		pool    int64
	}{
		{"single", 10, []Class{{Name: "a"}}, []laneLimits{{10, 10, 10}}, 0},
		{"equal shares", 10, []Class{{Name: "a"}, {Name: "b"}}, []laneLimits{{5, 5, 5}, {5, 5, 5}}, 0},
		{"weighted with remainder", 10, []Class{{Name: "a", Share: 1}, {Name: "b", Share: 2}},
			[]laneLimits{{4, 4, 4}, {6, 6, 6}}, 0},
		{"lendable and borrow", 20, []Class{
			{Name: "user", Share: 2, Lendable: 0.5},
			{Name: "bg", Share: 3, Lendable: 1, Borrow: 0.5},
		}, []laneLimits{{8, 4, 8}, {12, 0, 18}}, 16},
		{"borrow capped at total", 10, []Class{{Name: "a", Lendable: 1, Borrow: 100}, {Name: "b"}},
			[]laneLimits{{5, 0, 10}, {5, 5, 5}}, 5},
		{"tiny share still gets a seat", 4, []Class{{Name: "a", Share: 1000}, {Name: "b", Share: 0.001}},
			[]laneLimits{{3, 3, 3}, {1, 1, 1}}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := computeLimits(tc.total, tc.classes)
			if err != nil {
				t.Fatalf("computeLimits() error = %v", err)
			}
			for i := range tc.want {
				if got.lanes[i] != tc.want[i] {
					t.Errorf("lane %d = %+v, want %+v", i, got.lanes[i], tc.want[i])
				}
			}
			if got.pool != tc.pool {
				t.Errorf("pool = %d, want %d", got.pool, tc.pool)
			}
		})
	}
}

func TestNewLimiterErrors(t *testing.T) {
	tests := []struct {
		name string
		opts []Option
	}{
		{"zero total after option", []Option{WithTotal(-1)}},
		{"total too large", []Option{WithTotal(MaxTotal + 1)}},
		{"fewer seats than classes", []Option{WithTotal(1), WithClasses(Class{Name: "a"}, Class{Name: "b"})}},
		{"duplicate class", []Option{WithClasses(Class{Name: "a"}, Class{Name: "a"})}},
		{"empty name", []Option{WithClass(Class{})}},
		{"lendable above 1", []Option{WithClass(Class{Name: "a", Lendable: 1.5})}},
		{"negative borrow", []Option{WithClass(Class{Name: "a", Borrow: -1})}},
		{"negative queue", []Option{WithClass(Class{Name: "a", QueueLen: -1})}},
		{"bad criticality", []Option{WithClass(Class{Name: "a", Criticality: 9})}},
		{"bad policy", []Option{WithLevelPolicy(LevelPolicy{Busy: 0.5, BusyExit: 0.9})}},
		{"bad adaptive", []Option{WithAdaptive(Adaptive{Floor: 10, Ceiling: 5})}},
	}
	for _, tc := range tests {
		l, err := NewLimiter(append(tc.opts, withoutSampler())...)
		if !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: NewLimiter() error = %v, want ErrInvalidConfig", tc.name, err)
		}
		if l != nil {
			t.Errorf("%s: NewLimiter() returned a limiter with an error", tc.name)
		}
	}
}

func TestTryAcquireRelease(t *testing.T) {
	l, _ := newTestLimiter(t, WithTotal(3))
	var tickets []Ticket
	for range 3 {
		tickets = append(tickets, mustTry(t, l, DefaultClass))
	}
	_, err := l.TryAcquire(DefaultClass)
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("TryAcquire on a full lane error = %v, want ErrBusy", err)
	}
	var re *RejectError
	if !errors.As(err, &re) || re.RetryAfter != time.Second || re.Class != DefaultClass || re.Level != LevelNormal {
		t.Errorf("rejection = %+v, want class %q, level 0, RetryAfter 1s", re, DefaultClass)
	}
	tickets[0].Release()
	tickets[0].Release() // harmless
	if got := l.Stats().InFlight; got != 2 {
		t.Fatalf("InFlight after a double release = %d, want 2", got)
	}
	// The released seat is reused; the stale ticket must not free it again.
	t4 := mustTry(t, l, DefaultClass)
	tickets[0].Release()
	if got := l.Stats().InFlight; got != 3 {
		t.Errorf("InFlight after a stale release = %d, want 3", got)
	}
	copyOf := t4
	copyOf.Release()
	t4.Release()
	Ticket{}.Release()
	if got := l.Stats().InFlight; got != 2 {
		t.Errorf("InFlight after releasing a ticket and its copy = %d, want 2", got)
	}
	if _, err := l.TryAcquire("nope"); !errors.Is(err, ErrUnknownClass) {
		t.Errorf("TryAcquire(unknown) error = %v, want ErrUnknownClass", err)
	}
	if _, err := l.Acquire(context.Background(), "nope"); !errors.Is(err, ErrUnknownClass) {
		t.Errorf("Acquire(unknown) error = %v, want ErrUnknownClass", err)
	}
	s := classStats(t, l, DefaultClass)
	if s.Admitted != 4 || s.Busy != 1 {
		t.Errorf("stats Admitted %d Busy %d, want 4 and 1", s.Admitted, s.Busy)
	}
}

// TestReservedShareUnderFlood floods one class from many goroutines while
// another checks, again and again, that all its reserved seats can be held.
func TestReservedShareUnderFlood(t *testing.T) {
	l, _ := newTestLimiter(t, WithTotal(12), WithClasses(
		Class{Name: "user", Share: 1, Lendable: 0.5, QueueLen: 8},
		Class{Name: "bg", Share: 2, Lendable: 1, Borrow: 2, QueueLen: 64, MaxWait: time.Hour},
	))
	reserved := classStats(t, l, "user").Reserved
	if reserved != 2 {
		t.Fatalf("user reserved = %d, want 2", reserved)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				tk, err := l.TryAcquire("bg")
				if err == nil {
					time.Sleep(10 * time.Microsecond)
					tk.Release()
				}
			}
		}()
	}
	deadline := time.Now().Add(300 * time.Millisecond)
	rounds := 0
	for time.Now().Before(deadline) {
		var held []Ticket
		for i := range reserved {
			tk, err := l.TryAcquire("user")
			if err != nil {
				close(stop)
				wg.Wait()
				t.Fatalf("round %d: user seat %d of %d reserved: %v", rounds, i+1, reserved, err)
			}
			held = append(held, tk)
		}
		for _, tk := range held {
			tk.Release()
		}
		rounds++
	}
	close(stop)
	wg.Wait()
	if bg := classStats(t, l, "bg"); bg.Admitted == 0 {
		t.Errorf("bg admitted nothing during the flood")
	}
}

// TestLanesNeverExceedLimits runs many goroutines per class through
// Acquire and checks the seats each class and all classes hold.
func TestLanesNeverExceedLimits(t *testing.T) {
	l, err := NewLimiter(WithTotal(10), WithClasses(
		Class{Name: "a", Share: 1, QueueLen: 4, MaxWait: 50 * time.Millisecond},
		Class{Name: "b", Share: 1, Lendable: 1, Borrow: 1, QueueLen: 4, MaxWait: 50 * time.Millisecond},
		Class{Name: "c", Share: 2, Lendable: 0.5, Borrow: 0.5, QueueLen: 4, MaxWait: 50 * time.Millisecond, Criticality: Sheddable},
	))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	lim := l.limits.Load()
	var held [3]atomic.Int64
	var total atomic.Int64
	var peak [3]atomic.Int64
	var peakTotal atomic.Int64
	var peakPool atomic.Int64
	names := []string{"a", "b", "c"}
	bump := func(p *atomic.Int64, v int64) {
		for o := p.Load(); v > o && !p.CompareAndSwap(o, v); o = p.Load() {
		}
	}
	var wg sync.WaitGroup
	for i, name := range names {
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 150 {
					tk, err := l.Acquire(context.Background(), name)
					if err != nil {
						continue
					}
					bump(&peak[i], held[i].Add(1))
					bump(&peakTotal, total.Add(1))
					pool := int64(0)
					for j := range held {
						pool += max(0, held[j].Load()-lim.lanes[j].reserved)
					}
					bump(&peakPool, pool)
					time.Sleep(50 * time.Microsecond)
					held[i].Add(-1)
					total.Add(-1)
					tk.Release()
				}
			}()
		}
	}
	wg.Wait()
	for i := range names {
		if got, max := peak[i].Load(), lim.lanes[i].max; got > max || got == 0 {
			t.Errorf("class %s peak seats = %d, want 1..%d", names[i], got, max)
		}
	}
	if got := peakTotal.Load(); got > lim.total {
		t.Errorf("peak seats over all classes = %d, want <= %d", got, lim.total)
	}
	// The pool estimate is racy in the safe direction only when seats are
	// counted before they are released, which they are.
	if got := peakPool.Load(); got > lim.pool {
		t.Errorf("peak pool seats = %d, want <= %d", got, lim.pool)
	}
	if s := l.Stats(); s.InFlight != 0 || s.Queued != 0 || l.poolUsed.Load() != 0 {
		t.Errorf("after the run InFlight %d Queued %d pool %d, want all 0", s.InFlight, s.Queued, l.poolUsed.Load())
	}
}

func acquireAsync(l *Limiter, ctx context.Context, class string) chan acquireResult {
	ch := make(chan acquireResult, 1)
	go func() {
		tk, err := l.Acquire(ctx, class)
		ch <- acquireResult{tk, err}
	}()
	return ch
}

type acquireResult struct {
	t   Ticket
	err error
}

func waitQueued(t *testing.T, l *Limiter, class string, n int) {
	t.Helper()
	ln := l.byName[class]
	for i := 0; ln.waiters.Load() != int64(n); i++ {
		if i > 5000 {
			t.Fatalf("class %q has %d waiters, want %d", class, ln.waiters.Load(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func recv(t *testing.T, ch chan acquireResult) acquireResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("Acquire did not return")
	}
	return acquireResult{}
}

func TestQueueFIFOAndFull(t *testing.T) {
	l, _ := newTestLimiter(t, WithTotal(1), WithClass(Class{Name: "q", QueueLen: 2, MaxWait: time.Minute}))
	ctx := context.Background()
	hold := mustTry(t, l, "q")
	a := acquireAsync(l, ctx, "q")
	waitQueued(t, l, "q", 1)
	b := acquireAsync(l, ctx, "q")
	waitQueued(t, l, "q", 2)
	if _, err := l.Acquire(ctx, "q"); !errors.Is(err, ErrQueueFull) {
		t.Fatalf("Acquire with a full queue error = %v, want ErrQueueFull", err)
	}
	if _, err := l.TryAcquire("q"); !errors.Is(err, ErrBusy) {
		t.Fatalf("TryAcquire while others wait error = %v, want ErrBusy", err)
	}
	hold.Release()
	ra := recv(t, a)
	if ra.err != nil {
		t.Fatalf("first waiter error = %v", ra.err)
	}
	select {
	case <-b:
		t.Fatal("second waiter admitted before the first released")
	case <-time.After(20 * time.Millisecond):
	}
	ra.t.Release()
	rb := recv(t, b)
	if rb.err != nil {
		t.Fatalf("second waiter error = %v", rb.err)
	}
	rb.t.Release()
	s := classStats(t, l, "q")
	if s.Admitted != 3 || s.QueueFull != 1 || s.QueuedTotal != 2 || s.InFlight != 0 {
		t.Errorf("stats = %+v, want Admitted 3, QueueFull 1, QueuedTotal 2, InFlight 0", s)
	}
}

func TestQueueTimeout(t *testing.T) {
	l, clk := newTestLimiter(t, WithTotal(1), WithClass(Class{Name: "q", QueueLen: 4, MaxWait: 2 * time.Second}))
	hold := mustTry(t, l, "q")
	defer hold.Release()
	ch := acquireAsync(l, context.Background(), "q")
	clk.WaitTimers(1)
	clk.Advance(time.Second)
	select {
	case r := <-ch:
		t.Fatalf("Acquire returned after half its MaxWait: %v", r.err)
	case <-time.After(20 * time.Millisecond):
	}
	clk.Advance(time.Second)
	r := recv(t, ch)
	var re *RejectError
	if !errors.Is(r.err, ErrTimeout) || !errors.As(r.err, &re) || re.RetryAfter != time.Second {
		t.Fatalf("Acquire error = %v, want ErrTimeout with RetryAfter 1s", r.err)
	}
	if s := classStats(t, l, "q"); s.TimedOut != 1 || s.Queued != 0 {
		t.Errorf("stats TimedOut %d Queued %d, want 1 and 0", s.TimedOut, s.Queued)
	}
}

func TestExpectedWaitRejectsAtOnce(t *testing.T) {
	// The deadlines below are real contexts', which the limiter reads on
	// its fake clock. The clock starts a day ahead of the real one, so the
	// deadlines are 500 ms and 1 s away for the limiter and cannot pass in
	// real time while the test runs. (With the fixed epoch they were in
	// the real past once the real clock passed it, and the test failed.)
	l, clk := newTestLimiterAt(t, time.Now().Add(24*time.Hour), WithTotal(1), WithClass(Class{Name: "q", QueueLen: 8, MaxWait: 10 * time.Second}))
	hold := mustTry(t, l, "q")
	defer hold.Release()
	ln := l.byName["q"]
	ln.grantGap.Store(int64(300 * time.Millisecond))
	ln.lastGrant.Store(clk.Now().UnixNano())
	first := acquireAsync(l, context.Background(), "q")
	waitQueued(t, l, "q", 1)

	// One request ahead: expected wait 2 × 300ms = 600ms.
	ctx, cancel := context.WithDeadline(context.Background(), clk.Now().Add(500*time.Millisecond))
	defer cancel()
	if _, err := l.Acquire(ctx, "q"); !errors.Is(err, ErrTimeout) {
		t.Errorf("Acquire with a 500ms deadline and a 600ms expected wait: error = %v, want ErrTimeout at once", err)
	}
	ctx2, cancel2 := context.WithDeadline(context.Background(), clk.Now().Add(time.Second))
	defer cancel2()
	second := acquireAsync(l, ctx2, "q")
	waitQueued(t, l, "q", 2)
	hold.Release()
	r := recv(t, first)
	if r.err != nil {
		t.Fatalf("first waiter error = %v", r.err)
	}
	r.t.Release()
	if r := recv(t, second); r.err != nil {
		t.Errorf("second waiter (deadline above its expected wait) error = %v", r.err)
	} else {
		r.t.Release()
	}
}

func TestAcquireContext(t *testing.T) {
	l, _ := newTestLimiter(t, WithTotal(1), WithClass(Class{Name: "q", QueueLen: 4, MaxWait: time.Hour}))
	hold := mustTry(t, l, "q")
	ctx, cancel := context.WithCancel(context.Background())
	ch := acquireAsync(l, ctx, "q")
	waitQueued(t, l, "q", 1)
	cancel()
	if r := recv(t, ch); !errors.Is(r.err, context.Canceled) {
		t.Errorf("Acquire after cancel error = %v, want context.Canceled", r.err)
	}
	if _, err := l.Acquire(ctx, "q"); !errors.Is(err, context.Canceled) {
		t.Errorf("Acquire with a done context error = %v, want context.Canceled", err)
	}
	if s := classStats(t, l, "q"); s.Canceled != 2 || s.Queued != 0 {
		t.Errorf("stats Canceled %d Queued %d, want 2 and 0", s.Canceled, s.Queued)
	}
	hold.Release()
	if s := l.Stats(); s.InFlight != 0 {
		t.Errorf("InFlight = %d, want 0", s.InFlight)
	}
}

func TestClose(t *testing.T) {
	l, _ := newTestLimiter(t, WithTotal(1), WithClass(Class{Name: "q", QueueLen: 4, MaxWait: time.Hour}))
	hold := mustTry(t, l, "q")
	ch := acquireAsync(l, context.Background(), "q")
	waitQueued(t, l, "q", 1)
	l.Close()
	if r := recv(t, ch); !errors.Is(r.err, ErrClosed) {
		t.Errorf("queued Acquire after Close error = %v, want ErrClosed", r.err)
	}
	if _, err := l.TryAcquire("q"); !errors.Is(err, ErrClosed) {
		t.Errorf("TryAcquire after Close error = %v, want ErrClosed", err)
	}
	hold.Release()
	if err := l.Close(); err != nil {
		t.Errorf("second Close() = %v", err)
	}
}

// TestQueuedGetPoolSeatsFirst checks that a freed pool seat goes to a
// queued request rather than to a newcomer of another class.
func TestQueuedGetPoolSeatsFirst(t *testing.T) {
	l, _ := newTestLimiter(t, WithTotal(4), WithClasses(
		Class{Name: "user", Share: 1, Lendable: 1, QueueLen: 4, MaxWait: time.Hour, Criticality: NeverShed},
		Class{Name: "bg", Share: 1, Lendable: 1, Borrow: 1, Criticality: Sheddable},
	))
	var bg []Ticket
	for range 4 {
		bg = append(bg, mustTry(t, l, "bg"))
	}
	ch := acquireAsync(l, context.Background(), "user")
	waitQueued(t, l, "user", 1)
	bg[0].Release()
	r := recv(t, ch)
	if r.err != nil {
		t.Fatalf("queued user error = %v", r.err)
	}
	defer r.t.Release()
	if _, err := l.TryAcquire("bg"); !errors.Is(err, ErrBusy) {
		t.Errorf("bg TryAcquire with every seat held: %v, want ErrBusy", err)
	}
	for _, tk := range bg[1:] {
		tk.Release()
	}
}

func TestMetricsAndEvents(t *testing.T) {
	var mu sync.Mutex
	var events []Event
	m := &recordingMetrics{}
	l, _ := newTestLimiter(t, WithTotal(1), WithClass(Class{Name: "q", QueueLen: 1, MaxWait: time.Hour}),
		WithMetrics(m),
		WithEventHook(func(_ context.Context, e Event) {
			mu.Lock()
			events = append(events, e)
			mu.Unlock()
		}))
	tk := mustTry(t, l, "q")
	ch := acquireAsync(l, context.Background(), "q")
	waitQueued(t, l, "q", 1)
	l.TryAcquire("q")
	tk.Release()
	r := recv(t, ch)
	r.t.Release()
	l.sample(epoch)
	mu.Lock()
	defer mu.Unlock()
	var types []string
	for _, e := range events {
		types = append(types, e.Type)
	}
	want := []string{EventAdmit, EventQueue, EventReject, EventAdmit}
	if len(types) != len(want) {
		t.Fatalf("event types = %v, want %v", types, want)
	}
	for i := range want {
		if types[i] != want[i] {
			t.Fatalf("event types = %v, want %v", types, want)
		}
	}
	if e := events[2]; e.Reason != ReasonBusy || e.Class != "q" || e.RetryAfter != time.Second {
		t.Errorf("reject event = %+v, want busy, class q, RetryAfter 1s", e)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.admitted != 2 || m.queued != 1 || m.rejected[ReasonBusy] != 1 || m.samples != 1 {
		t.Errorf("metrics admitted %d queued %d rejected %v samples %d, want 2 1 busy:1 1",
			m.admitted, m.queued, m.rejected, m.samples)
	}
}

type recordingMetrics struct {
	mu       sync.Mutex
	admitted int
	queued   int
	rejected map[Reason]int
	samples  int
}

func (m *recordingMetrics) Admitted(string, time.Duration) {
	m.mu.Lock()
	m.admitted++
	m.mu.Unlock()
}

func (m *recordingMetrics) Queued(string) {
	m.mu.Lock()
	m.queued++
	m.mu.Unlock()
}

func (m *recordingMetrics) Rejected(_ string, r Reason, _ time.Duration) {
	m.mu.Lock()
	if m.rejected == nil {
		m.rejected = map[Reason]int{}
	}
	m.rejected[r]++
	m.mu.Unlock()
}

func (m *recordingMetrics) Sampled(Stats) {
	m.mu.Lock()
	m.samples++
	m.mu.Unlock()
}

func TestBackgroundSampler(t *testing.T) {
	clk := fakeclock.New(epoch)
	l, err := NewLimiter(WithClock(clk), WithTotal(2),
		WithClasses(Class{Name: "bg", Criticality: Sheddable}, Class{Name: "user", Criticality: NeverShed}))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	changes := make(chan LevelChange, 4)
	cancel := l.Subscribe(func(c LevelChange) { changes <- c })
	defer cancel()
	a := mustTry(t, l, "bg")
	b := mustTry(t, l, "user")
	for range 2 { // RiseAfter samples at 100% utilisation
		clk.WaitTimers(1)
		clk.Advance(DefaultLevelPolicy().Interval)
	}
	select {
	case c := <-changes:
		if c.From != LevelNormal || c.To != LevelElevated || c.Utilisation != 1 {
			t.Errorf("level change = %+v, want normal -> elevated at utilisation 1", c)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no level change after two busy samples")
	}
	if got := l.Level(); got != LevelElevated {
		t.Errorf("Level() = %v, want elevated", got)
	}
	a.Release()
	b.Release()
}

// TestPoolSeatNotBlockedByStuckWaiters checks that a request queued in a
// lane at its maximum does not keep other lanes from free pool seats.
func TestPoolSeatNotBlockedByStuckWaiters(t *testing.T) {
	l, _ := newTestLimiter(t, WithTotal(4), WithClasses(
		Class{Name: "a", Share: 1, Lendable: 1, QueueLen: 4, MaxWait: time.Hour}, // max 2
		Class{Name: "b", Share: 1, Lendable: 1},
	))
	a1, a2 := mustTry(t, l, "a"), mustTry(t, l, "a")
	ch := acquireAsync(l, context.Background(), "a") // stuck: lane a is at its max
	waitQueued(t, l, "a", 1)
	b1 := mustTry(t, l, "b") // free pool seats must still go to b
	b2 := mustTry(t, l, "b")
	if _, err := l.TryAcquire("b"); !errors.Is(err, ErrBusy) {
		t.Errorf("TryAcquire(b) with every seat held = %v, want ErrBusy", err)
	}
	a1.Release()
	r := recv(t, ch)
	if r.err != nil {
		t.Fatalf("queued a error = %v", r.err)
	}
	for _, tk := range []Ticket{r.t, a2, b1, b2} {
		tk.Release()
	}
}
