// Package suspectstest checks that an implementation of behavior.Suspects
// keeps the interface's contract. Every implementation runs the same suite:
//
//	func TestSuspects(t *testing.T) {
//		suspectstest.Run(t, func(t *testing.T) behavior.Suspects {
//			return behavior.NewMemorySuspects(behavior.WithTTL(time.Hour))
//		}, suspectstest.Options{TTL: time.Hour})
//	}
//
// The suite passes times explicitly, based on time.Now() with small
// offsets (the TTL checks add up to Options.TTL and a second), so an
// implementation must judge expiry by the now it is given, not only by its
// own clock. Times are compared to the millisecond.
package suspectstest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tollgate/tollgate/behavior"
)

// Options tell Run what to expect of the implementation (a plain value).
type Options struct {
	// TTL is the expiry the implementation under test was created with.
	// When 0, the expiry checks are skipped.
	TTL time.Duration
	// Goroutines and PerGoroutine size the concurrency check (defaults 8
	// and 25): each goroutine records one key PerGoroutine times.
	Goroutines, PerGoroutine int
}

// Run runs the suite. newSuspects is called once per subtest and must
// return an empty registry (for shared backends, use keys unique to t or
// flush before returning); it may register cleanups on t.
func Run(t *testing.T, newSuspects func(t *testing.T) behavior.Suspects, o Options) {
	t.Helper()
	if o.Goroutines <= 0 {
		o.Goroutines = 8
	}
	if o.PerGoroutine <= 0 {
		o.PerGoroutine = 25
	}
	tests := []struct {
		name string
		f    func(*testing.T, behavior.Suspects, Options)
	}{
		{"UnknownKey", testUnknownKey},
		{"RecordThenLookup", testRecordThenLookup},
		{"Counts", testCounts},
		{"KeysIndependent", testKeysIndependent},
		{"LastSeenNeverBackwards", testLastSeenNeverBackwards},
		{"EmptyKey", testEmptyKey},
		{"Expiry", testExpiry},
		{"RecordAfterExpiryStartsAfresh", testRecordAfterExpiry},
		{"Concurrent", testConcurrent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if o.TTL <= 0 && (tc.name == "Expiry" || tc.name == "RecordAfterExpiryStartsAfresh") {
				t.Skip("Options.TTL is 0")
			}
			tc.f(t, newSuspects(t), o)
		})
	}
}

func key(t *testing.T, suffix string) string {
	return fmt.Sprintf("suspectstest/%s/%d/%s", t.Name(), time.Now().UnixNano(), suffix)
}

func sameTime(a, b time.Time) bool {
	d := a.Sub(b)
	return d > -time.Millisecond && d < time.Millisecond
}

func record(t *testing.T, s behavior.Suspects, k, reason string, now time.Time) {
	t.Helper()
	if err := s.Record(context.Background(), k, reason, now); err != nil {
		t.Fatalf("Record(%q, %q) = %v, want nil", k, reason, err)
	}
}

func lookup(t *testing.T, s behavior.Suspects, k string, now time.Time) (behavior.Suspect, bool) {
	t.Helper()
	got, ok, err := s.Lookup(context.Background(), k, now)
	if err != nil {
		t.Fatalf("Lookup(%q) error = %v, want nil", k, err)
	}
	return got, ok
}

func want(t *testing.T, got behavior.Suspect, k string, count int, first, last time.Time, reason string) {
	t.Helper()
	if got.Key != k {
		t.Errorf("Key = %q, want %q", got.Key, k)
	}
	if got.Count != count {
		t.Errorf("Count = %d, want %d", got.Count, count)
	}
	if !sameTime(got.FirstSeen, first) {
		t.Errorf("FirstSeen = %v, want %v", got.FirstSeen, first)
	}
	if !sameTime(got.LastSeen, last) {
		t.Errorf("LastSeen = %v, want %v", got.LastSeen, last)
	}
	if got.LastReason != reason {
		t.Errorf("LastReason = %q, want %q", got.LastReason, reason)
	}
}

func testUnknownKey(t *testing.T, s behavior.Suspects, _ Options) {
	if got, ok := lookup(t, s, key(t, "never"), time.Now()); ok {
		t.Errorf("Lookup(unknown) = %+v, true; want ok false", got)
	}
}

func testRecordThenLookup(t *testing.T, s behavior.Suspects, _ Options) {
	k, now := key(t, "a"), time.Now()
	record(t, s, k, "no_events", now)
	got, ok := lookup(t, s, k, now.Add(time.Second))
	if !ok {
		t.Fatalf("Lookup after Record: ok = false, want true")
	}
	want(t, got, k, 1, now, now, "no_events")
}

func testCounts(t *testing.T, s behavior.Suspects, _ Options) {
	k, base := key(t, "a"), time.Now()
	for i := range 5 {
		record(t, s, k, fmt.Sprintf("reason%d", i), base.Add(time.Duration(i)*time.Second))
	}
	got, ok := lookup(t, s, k, base.Add(5*time.Second))
	if !ok {
		t.Fatalf("Lookup: ok = false, want true")
	}
	want(t, got, k, 5, base, base.Add(4*time.Second), "reason4")
}

func testKeysIndependent(t *testing.T, s behavior.Suspects, _ Options) {
	a, b, now := key(t, "a"), key(t, "b"), time.Now()
	record(t, s, a, "x", now)
	record(t, s, a, "x", now.Add(time.Millisecond*10))
	record(t, s, b, "y", now.Add(time.Millisecond*20))
	ga, _ := lookup(t, s, a, now.Add(time.Second))
	gb, _ := lookup(t, s, b, now.Add(time.Second))
	want(t, ga, a, 2, now, now.Add(10*time.Millisecond), "x")
	want(t, gb, b, 1, now.Add(20*time.Millisecond), now.Add(20*time.Millisecond), "y")
}

func testLastSeenNeverBackwards(t *testing.T, s behavior.Suspects, _ Options) {
	k, now := key(t, "a"), time.Now()
	record(t, s, k, "late", now.Add(2*time.Second))
	record(t, s, k, "early", now.Add(time.Second))
	got, ok := lookup(t, s, k, now.Add(3*time.Second))
	if !ok {
		t.Fatalf("Lookup: ok = false, want true")
	}
	if got.Count != 2 {
		t.Errorf("Count = %d, want 2", got.Count)
	}
	if !sameTime(got.LastSeen, now.Add(2*time.Second)) {
		t.Errorf("LastSeen = %v, want %v (never backwards)", got.LastSeen, now.Add(2*time.Second))
	}
}

func testEmptyKey(t *testing.T, s behavior.Suspects, _ Options) {
	now := time.Now()
	if err := s.Record(context.Background(), "", "x", now); err == nil {
		t.Errorf(`Record("") = nil, want an error`)
	}
	if got, ok := lookup(t, s, "", now); ok {
		t.Errorf(`Lookup("") = %+v, true; want ok false`, got)
	}
}

func testExpiry(t *testing.T, s behavior.Suspects, o Options) {
	k, now := key(t, "a"), time.Now()
	record(t, s, k, "x", now)
	if _, ok := lookup(t, s, k, now.Add(o.TTL/2)); !ok {
		t.Errorf("Lookup at LastSeen+TTL/2: ok = false, want true")
	}
	if got, ok := lookup(t, s, k, now.Add(o.TTL+time.Second)); ok {
		t.Errorf("Lookup at LastSeen+TTL+1s = %+v, true; want ok false (expired)", got)
	}
	// A Record extends the life: expiry counts from the last one.
	record(t, s, k, "y", now.Add(o.TTL/2))
	if _, ok := lookup(t, s, k, now.Add(o.TTL)); !ok {
		t.Errorf("Lookup at first Record+TTL after a later Record: ok = false, want true")
	}
}

func testRecordAfterExpiry(t *testing.T, s behavior.Suspects, o Options) {
	k, now := key(t, "a"), time.Now()
	record(t, s, k, "x", now)
	record(t, s, k, "x", now.Add(time.Millisecond))
	later := now.Add(o.TTL + time.Second)
	record(t, s, k, "fresh", later)
	got, ok := lookup(t, s, k, later)
	if !ok {
		t.Fatalf("Lookup after a fresh Record: ok = false, want true")
	}
	want(t, got, k, 1, later, later, "fresh")
}

func testConcurrent(t *testing.T, s behavior.Suspects, o Options) {
	k, now := key(t, "a"), time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, o.Goroutines*o.PerGoroutine)
	for g := range o.Goroutines {
		wg.Go(func() {
			for i := range o.PerGoroutine {
				at := now.Add(time.Duration(g*o.PerGoroutine+i) * time.Millisecond)
				if err := s.Record(context.Background(), k, "c", at); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent Record: %v", err)
	}
	total := o.Goroutines * o.PerGoroutine
	got, ok := lookup(t, s, k, now.Add(time.Duration(total)*time.Millisecond))
	if !ok {
		t.Fatalf("Lookup: ok = false, want true")
	}
	want(t, got, k, total, now, now.Add(time.Duration(total-1)*time.Millisecond), "c")
}
