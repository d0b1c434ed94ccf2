package captcha

import (
	"context"
	"runtime"
	"testing"
	"time"
)

// clipBytes is the size of one rendered audio challenge (about 300 KB).
const clipBytes = 300 << 10

// clipGenerator renders audio-sized media: clipBytes, the first bytes taken
// from the seed so that every challenge's clip differs.
type clipGenerator struct{}

func (clipGenerator) Generate(ctx context.Context, req Request) (*Puzzle, error) {
	media := make([]byte, clipBytes)
	copy(media, req.Seed[:])
	media[len(media)-1] = byte(req.Scale)
	return &Puzzle{Answers: []string{"1234"}, Prompt: "type the digits you hear", Media: media, MediaType: "audio/wav"}, nil
}

// liveHeap returns the bytes of live heap objects after a full collection.
func liveHeap() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// TestMediaCacheFlood creates audio challenges far beyond the media cache's
// bound, fetching the 2x rendering of every other one, and checks that the
// cache's bytes never exceed the bound and that the live heap levels off at
// the bound plus a margin instead of growing with the flood.
func TestMediaCacheFlood(t *testing.T) {
	const (
		n      = 400     // 400 × 300 KB ≈ 117 MiB created, ~176 MiB with the 2x fetches
		margin = 8 << 20 // store records, map slack, the clip in flight, GC noise
	)
	clock := &floodClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	s, err := New(WithGenerator(KindAudio, clipGenerator{}), WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	bound := s.media.max
	if bound != defaultMediaCacheBytes {
		t.Fatalf("default media cache bound = %d, want %d", bound, defaultMediaCacheBytes)
	}
	ctx := context.Background()
	base := liveHeap()
	var peak int64
	for i := 0; i < n; i++ {
		iss, err := s.Create(ctx, "", "en")
		if err != nil {
			t.Fatalf("Create #%d = %v", i, err)
		}
		if i%2 == 0 {
			if _, _, err := s.Media(ctx, iss.ID, 2); err != nil {
				t.Fatalf("Media(#%d, 2) = %v", i, err)
			}
		}
		if got := s.media.used(); got > bound {
			t.Fatalf("after %d creations the media cache holds %d bytes, over its bound %d", i+1, got, bound)
		}
		if (i+1)%50 == 0 {
			growth := liveHeap() - base
			peak = max(peak, growth)
			t.Logf("after %3d challenges (%6.1f MiB rendered): cache %5.1f MiB in %3d entries, live heap +%5.1f MiB",
				i+1, float64((i+1+(i+2)/2)*clipBytes)/(1<<20), mib(s.media.used()), s.media.entries(), mib(growth))
			if growth > bound+margin {
				t.Fatalf("after %d challenges the live heap grew by %.1f MiB, over the cache bound %.1f MiB + %.1f MiB margin",
					i+1, mib(growth), mib(bound), mib(margin))
			}
		}
	}
	t.Logf("peak live heap growth %.1f MiB for a %.1f MiB cache bound", mib(peak), mib(bound))

	// Once the challenges have expired, the next put sweeps their media.
	clock.now = clock.now.Add(time.Hour)
	if _, err := s.Create(ctx, "", "en"); err != nil {
		t.Fatal(err)
	}
	if got, want := s.media.entries(), 1; got != want {
		t.Fatalf("after expiry the cache holds %d entries, want %d (the new challenge's)", got, want)
	}
	growth := liveHeap() - base
	runtime.KeepAlive(s) // else the collector frees the whole Service and the heap proves nothing
	t.Logf("after expiry: cache %.1f MiB in %d entries, live heap +%.1f MiB", mib(s.media.used()), s.media.entries(), mib(growth))
	if growth > clipBytes+margin {
		t.Fatalf("after expiry the live heap is still %.1f MiB over the start, want the cache's memory back", mib(growth))
	}
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

// floodClock is a clock the test moves by hand; the flood runs on one
// goroutine.
type floodClock struct{ now time.Time }

func (c *floodClock) Now() time.Time { return c.now }
