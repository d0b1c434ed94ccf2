package ratelimit

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestLevelRaw(t *testing.T) {
	p := DefaultLevelPolicy()
	ms := time.Millisecond
	tests := []struct {
		util  float64
		delay time.Duration
		exit  bool
		want  Level
	}{
		{0.5, 0, false, LevelNormal},
		{0.95, 0, false, LevelElevated},
		{0.9, 0, false, LevelNormal},
		{0.9, 0, true, LevelElevated},
		{0.9, 20 * ms, false, LevelElevated},
		{0.9, 100 * ms, false, LevelHigh},
		{1, 499 * ms, false, LevelHigh},
		{1, 500 * ms, false, LevelCritical},
		{0.85, 250 * ms, true, LevelCritical},
		{0.85, 249 * ms, true, LevelHigh},
		{0.5, time.Second, false, LevelNormal}, // seats free: queue delay alone does not shed
		{0.84, time.Second, true, LevelNormal},
	}
	for _, tc := range tests {
		if got := p.raw(tc.util, tc.delay, tc.exit); got != tc.want {
			t.Errorf("raw(util %v, delay %v, exit %v) = %v, want %v", tc.util, tc.delay, tc.exit, got, tc.want)
		}
	}
}

func TestLevelHysteresis(t *testing.T) {
	p := LevelPolicy{RiseAfter: 2, FallAfter: time.Second}.withDefaults()
	ms := time.Millisecond
	type sample struct {
		util  float64
		delay time.Duration
		want  Level
	}
	tests := []struct {
		name    string
		samples []sample
	}{
		{"one busy sample does not rise", []sample{{1, 0, 0}, {0.5, 0, 0}, {1, 0, 0}, {0.5, 0, 0}}},
		{"two busy samples rise", []sample{{1, 0, 0}, {1, 0, 1}}},
		{"jump straight to the raw level", []sample{{1, 600 * ms, 0}, {1, 600 * ms, 3}}},
		{"stays while between exit and entry thresholds", []sample{
			{1, 0, 0}, {1, 0, 1}, {0.9, 0, 1}, {0.9, 0, 1}, {0.9, 0, 1}, {0.9, 0, 1}, {0.9, 0, 1}, {0.9, 0, 1},
			{0.9, 0, 1}, {0.9, 0, 1}, {0.9, 0, 1}, {0.9, 0, 1}, {0.9, 0, 1}, {0.9, 0, 1}, {0.9, 0, 1}, {0.9, 0, 1},
			{0.9, 0, 1}, {0.9, 0, 1}, {0.9, 0, 1}, {0.9, 0, 1}, {0.9, 0, 1}, {0.9, 0, 1}, {0.9, 0, 1}, {0.9, 0, 1},
		}},
		{"flapping input does not flap", []sample{
			{1, 0, 0}, {1, 0, 1}, {0.5, 0, 1}, {1, 0, 1}, {0.5, 0, 1}, {1, 0, 1}, {0.5, 0, 1}, {1, 0, 1},
			{0.5, 0, 1}, {1, 0, 1}, {0.5, 0, 1}, {1, 0, 1}, {0.5, 0, 1}, {1, 0, 1}, {0.5, 0, 1}, {1, 0, 1},
			{0.5, 0, 1}, {1, 0, 1}, {0.5, 0, 1}, {1, 0, 1}, {0.5, 0, 1}, {1, 0, 1}, {0.5, 0, 1}, {1, 0, 1},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := levelTracker{p: p}
			now := epoch
			for i, s := range tc.samples {
				if got := tr.observe(now, s.util, s.delay); got != s.want {
					t.Fatalf("sample %d (util %v, delay %v): level = %v, want %v", i, s.util, s.delay, got, s.want)
				}
				now = now.Add(p.Interval)
			}
		})
	}
}

func TestLevelFallsAfterHold(t *testing.T) {
	p := LevelPolicy{RiseAfter: 1, FallAfter: time.Second}.withDefaults()
	tr := levelTracker{p: p}
	now := epoch
	if got := tr.observe(now, 1, 600*time.Millisecond); got != LevelCritical {
		t.Fatalf("level = %v, want critical", got)
	}
	// Quiet from now on: the level holds for FallAfter, then drops to the
	// exit level in one step.
	for step := time.Duration(0); step < time.Second; step += p.Interval {
		if got := tr.observe(now.Add(step+p.Interval), 0.1, 0); got != LevelCritical {
			t.Fatalf("%v into the quiet period: level = %v, want critical", step+p.Interval, got)
		}
	}
	if got := tr.observe(now.Add(time.Second+p.Interval), 0.1, 0); got != LevelNormal {
		t.Errorf("after FallAfter: level = %v, want normal", got)
	}
}

func TestLevelSheds(t *testing.T) {
	tests := []struct {
		lv   Level
		c    Criticality
		want bool
	}{
		{LevelNormal, Sheddable, false},
		{LevelElevated, Sheddable, true},
		{LevelElevated, Normal, false},
		{LevelElevated, 0, false},
		{LevelHigh, 0, true},
		{LevelHigh, Important, false},
		{LevelCritical, Important, true},
		{LevelCritical, NeverShed, false},
	}
	for _, tc := range tests {
		if got := tc.lv.Sheds(tc.c); got != tc.want {
			t.Errorf("%v.Sheds(%v) = %v, want %v", tc.lv, tc.c, got, tc.want)
		}
	}
}

func TestRetryAfterByLevel(t *testing.T) {
	for lv := LevelNormal; lv <= LevelCritical; lv++ {
		lo, hi := RetryAfterRange(lv)
		for _, r := range []struct {
			rand uint64
			want time.Duration
		}{{0, lo}, {uint64(hi-lo) / uint64(time.Second), hi}} {
			l, _ := newTestLimiter(t, WithTotal(1), WithRandom(func() uint64 { return r.rand }),
				WithClass(Class{Name: "bg", Criticality: Sheddable}))
			l.level.Store(int32(lv))
			hold := mustTry(t, l, "bg")
			_, err := l.TryAcquire("bg")
			hold.Release()
			got, ok := RetryAfterOf(err)
			if !ok || got != r.want {
				t.Errorf("level %v, rand %d: RetryAfter = %v (%v), want %v", lv, r.rand, got, err, r.want)
			}
			wantErr := ErrBusy
			if lv.Sheds(Sheddable) {
				wantErr = ErrShed
			}
			if !errors.Is(err, wantErr) {
				t.Errorf("level %v: error = %v, want %v", lv, err, wantErr)
			}
		}
	}
	lo, hi := RetryAfterRange(LevelCritical)
	if lo != 16*time.Second || hi != 32*time.Second {
		t.Errorf("RetryAfterRange(critical) = %v, %v, want 16s, 32s", lo, hi)
	}
}

// TestShedding drives the level with sample and checks what each class gets.
func TestShedding(t *testing.T) {
	l, clk := newTestLimiter(t, WithTotal(4), WithClasses(
		Class{Name: "bg", Share: 1, Lendable: 1, Criticality: Sheddable, QueueLen: 8, MaxWait: time.Hour},
		Class{Name: "user", Share: 1, Criticality: NeverShed, QueueLen: 8, MaxWait: time.Hour},
	))
	var held []Ticket
	for range 2 {
		held = append(held, mustTry(t, l, "bg"), mustTry(t, l, "user"))
	}
	queuedBG := acquireAsync(l, context.Background(), "bg")
	queuedUser := acquireAsync(l, context.Background(), "user")
	waitQueued(t, l, "bg", 1)
	waitQueued(t, l, "user", 1)
	now := clk.Now()
	l.sample(now)
	l.sample(now.Add(50 * time.Millisecond))
	if got := l.Level(); got != LevelElevated {
		t.Fatalf("Level() at full utilisation = %v, want elevated", got)
	}
	// The queued bg request is shed when the level starts shedding bg.
	if r := recv(t, queuedBG); !errors.Is(r.err, ErrShed) {
		t.Errorf("queued bg request error = %v, want ErrShed", r.err)
	}
	// New bg requests are rejected at once, never queued.
	start := time.Now()
	_, err := l.Acquire(context.Background(), "bg")
	if !errors.Is(err, ErrShed) || time.Since(start) > time.Second {
		t.Errorf("bg Acquire at elevated level: %v after %v, want ErrShed at once", err, time.Since(start))
	}
	if s := classStats(t, l, "bg"); s.Shed != 2 || !s.Shedding || s.QueuedTotal != 1 {
		t.Errorf("bg stats = %+v, want Shed 2, Shedding, QueuedTotal 1", s)
	}
	// The never-shed class still queues and gets the next seat of its lane.
	held[1].Release()
	r := recv(t, queuedUser)
	if r.err != nil {
		t.Fatalf("queued user request error = %v", r.err)
	}
	r.t.Release()
	// A shed class is still admitted while a seat is free and nobody waits.
	held[0].Release()
	tk, err := l.TryAcquire("bg")
	if err != nil {
		t.Errorf("bg TryAcquire with a free seat at elevated level: %v, want a seat", err)
	}
	tk.Release()
	held[2].Release()
	held[3].Release()
}
