package ratelimit

import (
	"context"
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"testing"
	"time"
)

// TestMemoryTableModel drives the open-addressing tables with random
// allows, resets and sweeps and compares every decision with a plain map
// running the same GCRA arithmetic.
func TestMemoryTableModel(t *testing.T) {
	l := Limit{Count: 3, Period: time.Second, Burst: 2}
	m, err := NewMemoryKeyLimiter(l, WithShards(2), WithMaxKeys(1<<20), WithSweepInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	model := map[string]int64{}
	rng := rand.New(rand.NewPCG(1, 2))
	now := epoch.UnixNano()
	for step := range 50_000 {
		now += int64(rng.IntN(int(50 * time.Millisecond)))
		key := fmt.Sprint("k", rng.IntN(300))
		switch op := rng.IntN(100); {
		case op < 2:
			m.Reset(key)
			delete(model, key)
		case op < 3:
			m.Sweep(time.Unix(0, now))
			for k, v := range model {
				if v <= now {
					delete(model, k)
				}
			}
		default:
			n := rng.IntN(l.Burst + 1)
			got, _ := m.AllowN(context.Background(), key, time.Unix(0, now), n)
			want, tat := gcra(l, int64(l.Interval()), model[key], now, n)
			if want.Allowed && tat != model[key] {
				model[key] = tat
			}
			if got != want {
				t.Fatalf("step %d: AllowN(%s, %d) = %+v, want %+v", step, key, n, got, want)
			}
		}
		if step%1000 == 0 {
			if got := m.Len(); got != len(model) {
				t.Fatalf("step %d: Len() = %d, model has %d", step, got, len(model))
			}
		}
	}
}

func TestMemoryEvictsEarliestTAT(t *testing.T) {
	l := Limit{Count: 1, Period: time.Second, Burst: 4}
	m, err := NewMemoryKeyLimiter(l, WithShards(1), WithMaxKeys(8))
	if err != nil {
		t.Fatal(err)
	}
	now := epoch
	for i := range 8 {
		// key i has spent i+1 events: TAT now+(i+1)s.
		m.AllowN(context.Background(), fmt.Sprint("k", i), now, min(i+1, 4))
	}
	m.Allow("new", now)
	if got := m.Len(); got != 8 {
		t.Fatalf("Len() = %d, want 8", got)
	}
	// k0 had the earliest TAT among all 8 (every key is sampled), so it went.
	s := &m.shards[0]
	h := func(k string) int { return s.find(hashTag(m, k), k) }
	if h("k0") >= 0 {
		t.Errorf("k0 (earliest TAT) still present after eviction")
	}
	for i := 1; i < 8; i++ {
		if h(fmt.Sprint("k", i)) < 0 {
			t.Errorf("k%d evicted, want only k0 evicted", i)
		}
	}
}

func hashTag(m *MemoryKeyLimiter, key string) uint64 {
	return maphash.String(m.seed, key) | tagBit
}
