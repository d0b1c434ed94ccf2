package ratelimit

import (
	"testing"
	"time"
)

func TestAdaptiveNext(t *testing.T) {
	newState := func() *adaptState {
		a, err := newAdaptState(Adaptive{Floor: 10, Ceiling: 200}, 1)
		if err != nil {
			t.Fatal(err)
		}
		a.limit = 50
		return a
	}
	ms := float64(time.Millisecond)

	a := newState()
	for range 200 {
		a.next(10*ms, int(a.limit))
	}
	if a.limit != 200 {
		t.Errorf("steady latency, saturated: limit = %v, want the ceiling 200", a.limit)
	}

	a = newState()
	for range 50 {
		a.next(10*ms, int(a.limit))
	}
	grown := a.limit
	for range 200 {
		a.next(100*ms, int(a.limit))
	}
	if a.limit >= grown || a.limit > 20 {
		t.Errorf("latency ×10: limit = %v (was %v), want it to fall towards the floor", a.limit, grown)
	}
	for range 500 {
		a.next(100*ms, int(a.limit))
	}
	if a.limit < 10 {
		t.Errorf("limit = %v below the floor 10", a.limit)
	}

	a = newState()
	for range 100 {
		a.next(10*ms, 5)
	}
	if a.limit != 50 {
		t.Errorf("app-limited (5 of 50 in use): limit = %v, want unchanged 50", a.limit)
	}
}

func TestAdaptiveLimiter(t *testing.T) {
	l, clk := newTestLimiter(t, WithTotal(20), WithAdaptive(Adaptive{Floor: 4, Ceiling: 40, MinSamples: 4, Smoothing: 1}),
		WithClasses(Class{Name: "a", Lendable: 1}, Class{Name: "b", Lendable: 1, Borrow: 1}))
	if got := l.Total(); got != 20 {
		t.Fatalf("Total() = %d, want 20", got)
	}
	// Every seat of b is held for the given latency, released, and taken
	// again before the sample, as under saturation.
	var held []Ticket
	fill := func() {
		for {
			tk, err := l.TryAcquire("b")
			if err != nil {
				return
			}
			held = append(held, tk)
		}
	}
	step := func(latency time.Duration) {
		fill()
		clk.Advance(latency)
		for _, tk := range held {
			tk.Release()
		}
		held = held[:0]
		fill()
		l.sample(clk.Now())
	}
	for range 3 {
		step(10 * time.Millisecond)
	}
	if got := l.Total(); got <= 20 {
		t.Errorf("after saturated samples at steady latency Total() = %d, want > 20", got)
	}
	for range 10 {
		step(200 * time.Millisecond)
	}
	if got := l.Total(); got > 10 {
		t.Errorf("after latency ×20 Total() = %d, want it near the floor 4", got)
	}
	for _, tk := range held {
		tk.Release()
	}
	s := l.Stats()
	sum := 0
	for _, c := range s.Classes {
		sum += c.Nominal
	}
	if sum != s.Total {
		t.Errorf("lane nominal seats sum to %d, want the total %d", sum, s.Total)
	}
}
