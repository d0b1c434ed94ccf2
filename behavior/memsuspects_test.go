package behavior_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/behavior/suspectstest"
)

func TestMemorySuspectsContract(t *testing.T) {
	suspectstest.Run(t, func(t *testing.T) behavior.Suspects {
		return behavior.NewMemorySuspects(behavior.WithTTL(time.Hour))
	}, suspectstest.Options{TTL: time.Hour})
}

func TestMemorySuspectsBounded(t *testing.T) {
	ctx := context.Background()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	m := behavior.NewMemorySuspects(behavior.WithMaxKeys(3), behavior.WithTTL(time.Minute))
	rec := func(k string, at time.Duration) {
		t.Helper()
		if err := m.Record(ctx, k, "r", base.Add(at)); err != nil {
			t.Fatalf("Record(%s) = %v", k, err)
		}
	}
	has := func(k string, at time.Duration) bool {
		_, ok, err := m.Lookup(ctx, k, base.Add(at))
		if err != nil {
			t.Fatalf("Lookup(%s) = %v", k, err)
		}
		return ok
	}
	rec("a", 0)
	rec("b", time.Second)
	rec("c", 2*time.Second)
	rec("a", 3*time.Second) // a is now the most recent
	rec("d", 4*time.Second) // full: evicts b, the least recently recorded
	if m.Len() != 3 {
		t.Errorf("Len() = %d, want 3", m.Len())
	}
	for k, want := range map[string]bool{"a": true, "b": false, "c": true, "d": true} {
		if got := has(k, 5*time.Second); got != want {
			t.Errorf("after eviction: Lookup(%s) ok = %v, want %v", k, got, want)
		}
	}
	// Expired keys are dropped first: at +63.5s, c (seen at 2s) has expired,
	// a (3s) and d (4s) have not.
	rec("e", 62*time.Second+500*time.Millisecond)
	for k, want := range map[string]bool{"a": true, "c": false, "d": true, "e": true} {
		if got := has(k, 62*time.Second+500*time.Millisecond); got != want {
			t.Errorf("after expiry eviction: Lookup(%s) ok = %v, want %v", k, got, want)
		}
	}
	// A flood of new keys never grows the registry past its bound.
	for i := range 1000 {
		rec(fmt.Sprintf("flood%d", i), 70*time.Second)
	}
	if m.Len() != 3 {
		t.Errorf("after a flood: Len() = %d, want 3", m.Len())
	}
}

func TestMemorySuspectsKeys(t *testing.T) {
	m := behavior.NewMemorySuspects()
	now := time.Now()
	for _, k := range []string{"", strings.Repeat("k", behavior.MaxSuspectKeyLen+1)} {
		if err := m.Record(context.Background(), k, "r", now); !errors.Is(err, behavior.ErrInvalidKey) {
			t.Errorf("Record(%d-byte key) = %v, want ErrInvalidKey", len(k), err)
		}
	}
	if err := m.Record(context.Background(), strings.Repeat("k", behavior.MaxSuspectKeyLen), "r", now); err != nil {
		t.Errorf("Record(max-length key) = %v", err)
	}
	if m.Len() != 1 {
		t.Errorf("Len() = %d, want 1", m.Len())
	}
}

func TestMemorySuspectsDefaultTTL(t *testing.T) {
	m := behavior.NewMemorySuspects(behavior.WithTTL(-1), behavior.WithMaxKeys(0))
	now := time.Now()
	_ = m.Record(context.Background(), "k", "r", now)
	if _, ok, _ := m.Lookup(context.Background(), "k", now.Add(behavior.DefaultSuspectsTTL-time.Second)); !ok {
		t.Errorf("Lookup before the default TTL: ok = false")
	}
	if _, ok, _ := m.Lookup(context.Background(), "k", now.Add(behavior.DefaultSuspectsTTL)); ok {
		t.Errorf("Lookup at the default TTL: ok = true")
	}
}

func BenchmarkMemorySuspectsRecord(b *testing.B) {
	m := behavior.NewMemorySuspects(behavior.WithMaxKeys(10000))
	now := time.Now()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			_ = m.Record(context.Background(), fmt.Sprint("k", i%20000), "r", now)
			i++
		}
	})
}
