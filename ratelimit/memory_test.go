package ratelimit_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/tollgate/tollgate/ratelimit"
	"github.com/tollgate/tollgate/ratelimit/limitertest"
)

func TestMemoryKeyLimiterSuite(t *testing.T) {
	limitertest.Run(t, func(t *testing.T, l ratelimit.Limit) ratelimit.KeyLimiter {
		m, err := ratelimit.NewMemoryKeyLimiter(l)
		if err != nil {
			t.Fatalf("NewMemoryKeyLimiter(%v) error = %v", l, err)
		}
		return m
	})
}

func newMemory(t *testing.T, l ratelimit.Limit, opts ...ratelimit.MemoryOption) *ratelimit.MemoryKeyLimiter {
	t.Helper()
	m, err := ratelimit.NewMemoryKeyLimiter(l, opts...)
	if err != nil {
		t.Fatalf("NewMemoryKeyLimiter(%v) error = %v", l, err)
	}
	return m
}

func TestMemoryKeyLimiterMatchesGCRA(t *testing.T) {
	l := ratelimit.Limit{Count: 5, Period: time.Second, Burst: 3}
	m := newMemory(t, l)
	base := time.Unix(1_700_000_000, 0)
	var tat int64
	steps := []time.Duration{0, 0, 0, 0, 100 * time.Millisecond, 200 * time.Millisecond, 200 * time.Millisecond, 900 * time.Millisecond, 2 * time.Second}
	for i, off := range steps {
		now := base.Add(off)
		got, err := m.AllowN(context.Background(), "k", now, 1)
		if err != nil {
			t.Fatalf("AllowN error = %v", err)
		}
		want, next, _ := ratelimit.GCRA(l, tat, now.UnixNano(), 1)
		tat = next
		if got != want {
			t.Errorf("step %d at +%v: AllowN = %+v, want %+v", i, off, got, want)
		}
	}
}

func TestMemoryKeyLimiterExpiry(t *testing.T) {
	l := ratelimit.Limit{Count: 1, Period: time.Second, Burst: 2}
	m := newMemory(t, l, ratelimit.WithSweepInterval(time.Hour))
	now := time.Unix(1_700_000_000, 0)
	for i := range 10 {
		m.Allow(fmt.Sprint("k", i), now)
	}
	if got := m.Len(); got != 10 {
		t.Fatalf("Len() = %d, want 10", got)
	}
	if got := m.Sweep(now.Add(999 * time.Millisecond)); got != 0 {
		t.Errorf("Sweep before expiry removed %d, want 0", got)
	}
	if got := m.Sweep(now.Add(time.Second)); got != 10 {
		t.Errorf("Sweep at expiry removed %d, want 10", got)
	}
	if got := m.Len(); got != 0 {
		t.Errorf("Len() after sweep = %d, want 0", got)
	}
	// An expired key behaves like a fresh one.
	if d := m.Allow("k0", now.Add(time.Hour)); !d.Allowed || d.Remaining != 1 {
		t.Errorf("Allow after expiry = %+v, want allowed with Remaining 1", d)
	}
}

func TestMemoryKeyLimiterAutoSweep(t *testing.T) {
	l := ratelimit.Limit{Count: 1, Period: time.Second, Burst: 1}
	m := newMemory(t, l, ratelimit.WithShards(1), ratelimit.WithSweepInterval(10*time.Second))
	now := time.Unix(1_700_000_000, 0)
	for i := range 100 {
		m.Allow(fmt.Sprint("k", i), now)
	}
	m.Allow("late", now.Add(11*time.Second))
	if got := m.Len(); got != 1 {
		t.Errorf("Len() after the sweep interval = %d, want 1", got)
	}
}

func TestMemoryKeyLimiterBoundedUnderFlood(t *testing.T) {
	l := ratelimit.Limit{Count: 1, Period: time.Hour, Burst: 3}
	const maxKeys = 4096
	m := newMemory(t, l, ratelimit.WithMaxKeys(maxKeys), ratelimit.WithShards(16))
	now := time.Unix(1_700_000_000, 0)

	// A brute-forcing key spends its whole burst before the flood.
	for range 3 {
		m.Allow("victim", now)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const flood = 200_000
	for i := range flood {
		m.Allow(fmt.Sprintf("flood-%d", i), now)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if got := m.Len(); got > m.MaxKeys() || m.MaxKeys() != maxKeys {
		t.Errorf("after %d distinct keys Len() = %d, MaxKeys() = %d, want <= %d", flood, got, m.MaxKeys(), maxKeys)
	}
	growth := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	if growth > 8<<20 {
		t.Errorf("heap grew by %d bytes under a flood of distinct keys, want < 8 MiB", growth)
	}
	// Evictions pick the earliest TAT, so single-event flood keys go before
	// the key that spent its whole burst.
	if d := m.Allow("victim", now); d.Allowed {
		t.Errorf("victim key was evicted by the flood: Allow = %+v, want denied", d)
	}
}

func TestMemoryKeyLimiterOptions(t *testing.T) {
	l := ratelimit.Limit{Count: 1, Period: time.Second, Burst: 1}
	tests := []struct {
		name string
		opt  ratelimit.MemoryOption
	}{
		{"negative max keys", ratelimit.WithMaxKeys(-1)},
		{"zero shards after default", ratelimit.WithShards(-3)},
		{"too many shards", ratelimit.WithShards(1 << 20)},
		{"negative sweep", ratelimit.WithSweepInterval(-time.Second)},
	}
	for _, tc := range tests {
		if _, err := ratelimit.NewMemoryKeyLimiter(l, tc.opt); !errors.Is(err, ratelimit.ErrInvalidConfig) {
			t.Errorf("%s: error = %v, want ErrInvalidConfig", tc.name, err)
		}
	}
	if _, err := ratelimit.NewMemoryKeyLimiter(ratelimit.Limit{}); !errors.Is(err, ratelimit.ErrInvalidLimit) {
		t.Errorf("zero Limit: error = %v, want ErrInvalidLimit", err)
	}
	m := newMemory(t, l, ratelimit.WithShards(3))
	m.Allow("a", time.Unix(0, 0))
	m.Reset("a")
	if m.Len() != 0 {
		t.Errorf("Len() after Reset = %d, want 0", m.Len())
	}
}
