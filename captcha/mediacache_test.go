package captcha

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// used returns the bytes the cache counts.
func (m *mediaCache) used() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.bytes
}

// entries returns how many media the cache holds.
func (m *mediaCache) entries() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.items)
}

// has reports whether k is cached, without touching recency or expiry.
func (m *mediaCache) has(k mediaKey) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.items[k]
	return ok
}

// check fails t unless the map, the recency list, the expiry heap and the
// byte count agree and the bytes are within the bound.
func (m *mediaCache) check(t *testing.T) {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	var sum int64
	n := 0
	for e := m.lru.next; e != &m.lru; e = e.next {
		if e.next.prev != e {
			t.Fatalf("recency list broken at %v", e.key)
		}
		if m.items[e.key] != e {
			t.Fatalf("listed entry %v is not the map's", e.key)
		}
		sum += e.size
		n++
	}
	if n != len(m.items) || len(m.expiry) != n {
		t.Fatalf("%d listed, %d in the map, %d in the heap; want the same", n, len(m.items), len(m.expiry))
	}
	for i, e := range m.expiry {
		if e.index != i {
			t.Fatalf("heap entry %d has index %d", i, e.index)
		}
		if i > 0 && e.expires.Before(m.expiry[(i-1)/2].expires) {
			t.Fatalf("heap entry %d expires before its parent", i)
		}
	}
	if sum != m.bytes {
		t.Fatalf("entries sum to %d bytes, cache counts %d", sum, m.bytes)
	}
	if m.bytes > m.max {
		t.Fatalf("cache holds %d bytes, over its bound %d", m.bytes, m.max)
	}
}

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// sizeOf is what the cache counts for data cached under id.
func sizeOf(id string, data []byte, mediaType string) int64 {
	return int64(cap(data)+len(id)+len(mediaType)) + mediaEntryOverhead
}

func TestMediaCacheByteBound(t *testing.T) {
	const bound = 64 << 10
	m := newMediaCache(bound)
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5000; i++ {
		id := fmt.Sprintf("id%d", r.IntN(200))
		switch op := r.IntN(10); {
		case op < 6:
			data := make([]byte, 1+r.IntN(20<<10), 1+r.IntN(24<<10)+20<<10) // capacity counts, not length
			m.put(mediaKey{id, 1 + r.IntN(2)}, data, "audio/wav", t0.Add(time.Duration(1+r.IntN(100))*time.Second), t0)
		case op < 9:
			m.get(mediaKey{id, 1 + r.IntN(2)}, t0)
		default:
			m.drop(id)
		}
		m.check(t)
	}
	if m.entries() == 0 {
		t.Fatal("cache holds nothing after the random puts, want some media")
	}
}

func TestMediaCacheEvictsLeastRecentlyUsed(t *testing.T) {
	data := make([]byte, 1000)
	one := sizeOf("a", data, "x")
	m := newMediaCache(3 * one) // room for exactly three
	exp := t0.Add(time.Minute)
	for _, id := range []string{"a", "b", "c"} {
		m.put(mediaKey{id, 1}, data, "x", exp, t0)
	}
	if _, _, ok := m.get(mediaKey{"a", 1}, t0); !ok { // a is now the most recently used
		t.Fatal("get(a) missed with room for three")
	}
	m.put(mediaKey{"d", 1}, data, "x", exp, t0)
	m.check(t)
	for _, tc := range []struct {
		id   string
		want bool
	}{{"a", true}, {"b", false}, {"c", true}, {"d", true}} {
		if got := m.has(mediaKey{tc.id, 1}); got != tc.want {
			t.Errorf("has(%s) after putting d = %v, want %v (b was least recently used)", tc.id, got, tc.want)
		}
	}
	// A bigger entry evicts as many as it needs, oldest first.
	m.put(mediaKey{"e", 1}, make([]byte, 1500), "x", exp, t0)
	m.check(t)
	if m.has(mediaKey{"c", 1}) || m.has(mediaKey{"a", 1}) || !m.has(mediaKey{"d", 1}) || !m.has(mediaKey{"e", 1}) {
		t.Errorf("after a 1.5-slot put the cache holds c=%v a=%v d=%v e=%v, want only d and e",
			m.has(mediaKey{"c", 1}), m.has(mediaKey{"a", 1}), m.has(mediaKey{"d", 1}), m.has(mediaKey{"e", 1}))
	}
}

func TestMediaCacheOversized(t *testing.T) {
	small := make([]byte, 100)
	m := newMediaCache(4096)
	exp := t0.Add(time.Minute)
	m.put(mediaKey{"a", 1}, small, "x", exp, t0)
	m.put(mediaKey{"b", 1}, small, "x", exp, t0)
	m.put(mediaKey{"big", 1}, make([]byte, 4096), "x", exp, t0)
	m.check(t)
	if m.has(mediaKey{"big", 1}) {
		t.Error("an item larger than the whole bound was cached")
	}
	if !m.has(mediaKey{"a", 1}) || !m.has(mediaKey{"b", 1}) {
		t.Error("an uncacheable item evicted the others")
	}
	// Replacing a's media by an oversized one removes the stale entry.
	m.put(mediaKey{"a", 1}, make([]byte, 8192), "x", exp, t0)
	m.check(t)
	if m.has(mediaKey{"a", 1}) {
		t.Error("a still cached after an oversized put for it, want it gone")
	}
	// Empty media is not cached.
	m.put(mediaKey{"e", 1}, nil, "x", exp, t0)
	if m.has(mediaKey{"e", 1}) {
		t.Error("empty media cached")
	}
}

func TestMediaCacheReplace(t *testing.T) {
	m := newMediaCache(1 << 20)
	exp := t0.Add(time.Minute)
	m.put(mediaKey{"a", 1}, []byte("old"), "x", exp, t0)
	m.put(mediaKey{"a", 1}, []byte("new media"), "y", exp, t0)
	m.check(t)
	if data, mt, ok := m.get(mediaKey{"a", 1}, t0); !ok || string(data) != "new media" || mt != "y" {
		t.Fatalf("get(a) = %q, %q, %v; want the newer media", data, mt, ok)
	}
	if got, want := m.used(), sizeOf("a", []byte("new media"), "y"); got != want {
		t.Fatalf("used() = %d, want %d (one entry)", got, want)
	}
}

func TestMediaCacheExpiry(t *testing.T) {
	m := newMediaCache(1 << 20)
	data := []byte("media")
	// Expiries out of insertion order: the sweep must not stop at the first
	// live entry.
	m.put(mediaKey{"late", 1}, data, "x", t0.Add(time.Hour), t0)
	m.put(mediaKey{"soon", 1}, data, "x", t0.Add(time.Second), t0)
	m.put(mediaKey{"mid", 1}, data, "x", t0.Add(time.Minute), t0)
	m.put(mediaKey{"soon2", 2}, data, "x", t0.Add(2*time.Second), t0)

	if _, _, ok := m.get(mediaKey{"soon", 1}, t0.Add(time.Second)); ok {
		t.Error("get at the expiry instant hit, want a miss")
	}
	if m.has(mediaKey{"soon", 1}) {
		t.Error("an expired entry stays after a get missed it")
	}
	m.put(mediaKey{"new", 1}, data, "x", t0.Add(2*time.Hour), t0.Add(90*time.Second))
	m.check(t)
	for _, tc := range []struct {
		id   string
		want bool
	}{{"late", true}, {"mid", false}, {"soon2", false}, {"new", true}} {
		scale := 1
		if tc.id == "soon2" {
			scale = 2
		}
		if got := m.has(mediaKey{tc.id, scale}); got != tc.want {
			t.Errorf("after a put at +90s has(%s) = %v, want %v", tc.id, got, tc.want)
		}
	}
	// Media already expired is not cached.
	m.put(mediaKey{"dead", 1}, data, "x", t0, t0.Add(time.Second))
	if m.has(mediaKey{"dead", 1}) {
		t.Error("media expired on arrival was cached")
	}
}

func TestMediaCacheDrop(t *testing.T) {
	m := newMediaCache(1 << 20)
	exp := t0.Add(time.Minute)
	for _, k := range []mediaKey{{"a", 1}, {"a", 2}, {"b", 1}, {"b", 2}} {
		m.put(k, []byte("media"), "x", exp, t0)
	}
	m.drop("a")
	m.drop("never cached")
	m.check(t)
	for _, tc := range []struct {
		k    mediaKey
		want bool
	}{{mediaKey{"a", 1}, false}, {mediaKey{"a", 2}, false}, {mediaKey{"b", 1}, true}, {mediaKey{"b", 2}, true}} {
		if got := m.has(tc.k); got != tc.want {
			t.Errorf("after drop(a) has(%v) = %v, want %v", tc.k, got, tc.want)
		}
	}
}

func TestMediaCacheConcurrent(t *testing.T) {
	m := newMediaCache(32 << 10)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 7))
			for i := 0; i < 2000; i++ {
				id := fmt.Sprintf("id%d", r.IntN(64))
				now := t0.Add(time.Duration(i) * time.Millisecond)
				switch r.IntN(4) {
				case 0, 1:
					m.put(mediaKey{id, 1 + r.IntN(2)}, make([]byte, 1+r.IntN(4096)), "x", now.Add(time.Second), now)
				case 2:
					m.get(mediaKey{id, 1 + r.IntN(2)}, now)
				default:
					m.drop(id)
				}
			}
		}()
	}
	wg.Wait()
	m.check(t)
}

// fixedAnswerGenerator answers "1234" and renders small media naming the
// seed and scale.
type fixedAnswerGenerator struct{}

func (fixedAnswerGenerator) Generate(ctx context.Context, req Request) (*Puzzle, error) {
	return &Puzzle{Answers: []string{"1234"}, Prompt: "p",
		Media: fmt.Appendf(nil, "media %x scale %d", req.Seed[:4], req.Scale), MediaType: "text/plain"}, nil
}

// TestServiceDropsMedia checks that the media of a challenge that is
// solved, used up, refreshed or expired leaves the cache at once, at both
// scales, while a live challenge's media stays.
func TestServiceDropsMedia(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		end  func(t *testing.T, s *Service, clock *floodClock, id string)
	}{
		{"solved", func(t *testing.T, s *Service, clock *floodClock, id string) {
			if _, err := s.Verify(ctx, id, "1234"); err != nil {
				t.Fatalf("Verify(right) = %v", err)
			}
		}},
		{"last attempt", func(t *testing.T, s *Service, clock *floodClock, id string) {
			for i := 1; i <= 3; i++ {
				_, err := s.Verify(ctx, id, "wrong")
				if i < 3 {
					if !errors.Is(err, ErrWrongAnswer) || !s.media.has(mediaKey{id, 1}) {
						t.Fatalf("Verify(wrong) #%d = %v, cached %v; want ErrWrongAnswer and the media kept",
							i, err, s.media.has(mediaKey{id, 1}))
					}
				} else if !errors.Is(err, ErrTooManyAttempts) {
					t.Fatalf("Verify(wrong) #3 = %v, want ErrTooManyAttempts", err)
				}
			}
		}},
		{"used up by Fail", func(t *testing.T, s *Service, clock *floodClock, id string) {
			for i := 1; i <= 3; i++ {
				err := s.Fail(ctx, Proof{ID: id, Answer: "1234"}, "")
				if want := i == 3; errors.Is(err, ErrTooManyAttempts) != want {
					t.Fatalf("Fail #%d = %v, want ErrTooManyAttempts only on the last attempt", i, err)
				}
			}
		}},
		{"refreshed", func(t *testing.T, s *Service, clock *floodClock, id string) {
			next, err := s.Refresh(ctx, id, "", "en")
			if err != nil {
				t.Fatalf("Refresh = %v", err)
			}
			if !s.media.has(mediaKey{next.ID, 1}) {
				t.Fatal("the new challenge's media is not cached after Refresh")
			}
		}},
		{"expired, then verified", func(t *testing.T, s *Service, clock *floodClock, id string) {
			clock.now = clock.now.Add(3 * time.Minute)
			if _, err := s.Verify(ctx, id, "1234"); !errors.Is(err, ErrExpired) {
				t.Fatalf("Verify(after expiry) = %v, want ErrExpired", err)
			}
		}},
		{"expired, then fetched", func(t *testing.T, s *Service, clock *floodClock, id string) {
			clock.now = clock.now.Add(3 * time.Minute)
			if _, _, err := s.Media(ctx, id, 1); !errors.Is(err, ErrExpired) {
				t.Fatalf("Media(after expiry) = %v, want ErrExpired", err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := &floodClock{now: t0}
			s, err := New(WithGenerator(KindImage, fixedAnswerGenerator{}), WithClock(clock))
			if err != nil {
				t.Fatal(err)
			}
			iss, err := s.Create(ctx, "", "en")
			if err != nil {
				t.Fatal(err)
			}
			other, err := s.Create(ctx, "", "en")
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.Media(ctx, iss.ID, 2); err != nil {
				t.Fatal(err)
			}
			if !s.media.has(mediaKey{iss.ID, 1}) || !s.media.has(mediaKey{iss.ID, 2}) {
				t.Fatal("a live challenge's media is not cached at both scales")
			}
			tc.end(t, s, clock, iss.ID)
			for _, scale := range []int{1, 2} {
				if s.media.has(mediaKey{iss.ID, scale}) {
					t.Errorf("%s: media at scale %d still cached, want it dropped", tc.name, scale)
				}
			}
			if !s.media.has(mediaKey{other.ID, 1}) {
				t.Errorf("%s: another challenge's media was dropped", tc.name)
			}
			s.media.check(t)
		})
	}
}

// BenchmarkMediaCache measures a put of an audio-sized clip that evicts
// the least recently used, followed by a get, in a full cache.
func BenchmarkMediaCache(b *testing.B) {
	m := newMediaCache(defaultMediaCacheBytes)
	clip := make([]byte, clipBytes)
	const ids = 1024
	keys := make([]mediaKey, ids)
	for i := range keys {
		keys[i] = mediaKey{fmt.Sprintf("%022d", i), 1}
	}
	exp := t0.Add(time.Hour)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := keys[i%ids]
		m.put(k, clip, "audio/wav", exp, t0)
		if _, _, ok := m.get(k, t0); !ok {
			b.Fatal("get after put missed")
		}
	}
}

// BenchmarkMediaCacheGet measures a hit.
func BenchmarkMediaCacheGet(b *testing.B) {
	m := newMediaCache(defaultMediaCacheBytes)
	k := mediaKey{"0123456789012345678901", 1}
	m.put(k, make([]byte, 10<<10), "image/png", t0.Add(time.Hour), t0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, ok := m.get(k, t0); !ok {
			b.Fatal("miss")
		}
	}
}
