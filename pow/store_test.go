package pow

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"testing"
	"time"
)

func take(t *testing.T, s Store, nonce string, now time.Time) bool {
	t.Helper()
	live, err := s.Take(context.Background(), nonce, now)
	if err != nil {
		t.Fatalf("Take(%q) = %v", nonce, err)
	}
	return live
}

func put(t *testing.T, s Store, nonce string, exp time.Time) {
	t.Helper()
	if err := s.Put(context.Background(), nonce, exp); err != nil {
		t.Fatalf("Put(%q) = %v", nonce, err)
	}
}

func TestMemoryStoreTake(t *testing.T) {
	s := NewMemoryStore(0)
	exp := t0.Add(time.Minute)
	put(t, s, "a", exp)
	put(t, s, "b", exp)
	put(t, s, "c", exp)
	for _, tc := range []struct {
		nonce string
		now   time.Time
		want  bool
	}{
		{"a", t0, true},
		{"a", t0, false},          // spent
		{"x", t0, false},          // never stored
		{"c", exp.Add(-1), true},  // live until its expiry
		{"c", exp.Add(-1), false}, // spent
		// Time only moves forward from here: a Take at exp may also drop
		// other puzzles expired by then, in any shard.
		{"b", exp, false},    // expired at its expiry
		{"b", t0, false},     // and deleted by that Take
		{"", t0, false},      // the empty nonce is just another key
		{"a\x00", t0, false}, // no prefix matching
		{"A", t0.Add(-time.Hour), false},
	} {
		if got := take(t, s, tc.nonce, tc.now); got != tc.want {
			t.Errorf("Take(%q, %v) = %v, want %v", tc.nonce, tc.now.Sub(t0), got, tc.want)
		}
	}
	if n := s.len(); n != 0 {
		t.Errorf("len = %d after every puzzle was taken, want 0", n)
	}
	// Putting a nonce again moves its expiry.
	put(t, s, "d", exp)
	put(t, s, "d", exp.Add(time.Minute))
	if !take(t, s, "d", exp.Add(time.Second)) {
		t.Errorf("Take(d) after its expiry moved = false, want true")
	}
}

// At its cap the store evicts the puzzle closest to expiry, and of equal
// expiries the oldest.
func TestMemoryStoreEvictsSoonestToExpire(t *testing.T) {
	s := NewMemoryStore(3)
	put(t, s, "a", t0.Add(10*time.Second))
	put(t, s, "b", t0.Add(5*time.Second))
	put(t, s, "c", t0.Add(20*time.Second))
	put(t, s, "d", t0.Add(15*time.Second)) // evicts b
	put(t, s, "e", t0.Add(20*time.Second)) // evicts a
	put(t, s, "f", t0.Add(30*time.Second)) // evicts d
	put(t, s, "g", t0.Add(30*time.Second)) // evicts c, older than e
	for nonce, want := range map[string]bool{"a": false, "b": false, "c": false, "d": false, "e": true, "f": true, "g": true} {
		if got := take(t, s, nonce, t0); got != want {
			t.Errorf("Take(%s) = %v, want %v", nonce, got, want)
		}
	}
}

// A large store is sharded; its total stays at or under its cap.
func TestMemoryStoreBound(t *testing.T) {
	for _, max := range []int{1, 5, 1000, 1024, 5000} {
		s := NewMemoryStore(max)
		for k := range 3 * max {
			put(t, s, strconv.Itoa(k), t0.Add(time.Duration(k)*time.Millisecond))
		}
		if n := s.len(); n > max || n < max*9/10 {
			t.Errorf("NewMemoryStore(%d) after %d puzzles holds %d, want at most %d and about that many", max, 3*max, n, max)
		}
	}
	if s := NewMemoryStore(-5); s.shards[0].max*len(s.shards) != defaultMaxPuzzles {
		t.Errorf("NewMemoryStore(-5) holds %d, want the default %d", s.shards[0].max*len(s.shards), defaultMaxPuzzles)
	}
}

// Takes drop expired puzzles, so that the store shrinks without a sweep.
func TestMemoryStoreDropsExpired(t *testing.T) {
	s := NewMemoryStore(100)
	for k := range 50 {
		put(t, s, "old"+strconv.Itoa(k), t0.Add(time.Second))
	}
	put(t, s, "new", t0.Add(time.Hour))
	for range 25 {
		take(t, s, "absent", t0.Add(time.Minute))
	}
	if n := s.len(); n != 1 {
		t.Errorf("len = %d after 25 Takes past the expiry of 50 puzzles, want 1", n)
	}
	if !take(t, s, "new", t0.Add(time.Minute)) {
		t.Error("Take(new) = false, want true")
	}
}

// Random operations against a model: the store must agree with it and keep
// its heap and index consistent.
func TestMemoryStoreModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := NewMemoryStore(8)
	model := map[string]time.Time{}
	seq := map[string]int{}
	clock := t0
	for step := range 20000 {
		nonce := strconv.Itoa(rng.IntN(20))
		switch rng.IntN(3) {
		case 0, 1:
			exp := clock.Add(time.Duration(rng.IntN(100)) * time.Millisecond)
			if _, ok := model[nonce]; !ok && len(model) == 8 {
				// Evict as the store must: the soonest to expire, then
				// the earliest put.
				var victim string
				for n, e := range model {
					if victim == "" || e.Before(model[victim]) || e.Equal(model[victim]) && seq[n] < seq[victim] {
						victim = n
					}
				}
				delete(model, victim)
			}
			if _, ok := model[nonce]; !ok {
				seq[nonce] = step
			}
			model[nonce] = exp
			put(t, s, nonce, exp)
		case 2:
			exp, ok := model[nonce]
			want := ok && clock.Before(exp)
			delete(model, nonce)
			if got := take(t, s, nonce, clock); got != want {
				t.Fatalf("step %d: Take(%s) = %v, want %v", step, nonce, got, want)
			}
			// The store may also have dropped expired puzzles.
			sh := &s.shards[0]
			for n, e := range model {
				if _, ok := sh.live[n]; !ok && !clock.Before(e) {
					delete(model, n)
				}
			}
		}
		clock = clock.Add(time.Duration(rng.IntN(3)) * time.Millisecond)
		checkShard(t, &s.shards[0], len(model))
	}
}

func checkShard(t *testing.T, sh *memoryShard, want int) {
	t.Helper()
	if len(sh.heap) != len(sh.live) || len(sh.heap) != want {
		t.Fatalf("heap %d, map %d, model %d entries", len(sh.heap), len(sh.live), want)
	}
	for i, e := range sh.heap {
		if e.index != i || sh.live[e.nonce] != e {
			t.Fatalf("heap[%d] = %+v is not indexed", i, e)
		}
		if i > 0 && sh.less(i, (i-1)/2) {
			t.Fatalf("heap[%d] sorts before its parent", i)
		}
	}
}

// BenchmarkMemoryStoreBytes reports the heap a full store uses per puzzle.
func BenchmarkMemoryStoreBytes(b *testing.B) {
	const n = 100_000
	nonces := make([]string, n)
	for k := range nonces {
		nonces[k] = fmt.Sprintf("%022d", k) // as long as a real nonce
	}
	var perPuzzle float64
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s := NewMemoryStore(n)
		for _, nonce := range nonces {
			s.Put(context.Background(), nonce, t0)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		// Nonces of real puzzles are made for the store; these were made
		// beforehand, so add their 24 bytes.
		perPuzzle = float64(after.HeapAlloc-before.HeapAlloc)/n + 24
		runtime.KeepAlive(s)
	}
	b.ReportMetric(perPuzzle, "bytes/puzzle")
}
