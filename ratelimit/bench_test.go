package ratelimit_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/tollgate/tollgate/ratelimit"
)

// The admission benchmarks compare, in one run, taking and giving back a
// seat with the Limiter, with a plain buffered-channel semaphore and with
// golang.org/x/time/rate's Allow (a rate check, the other common door
// guard). Serial and b.RunParallel variants.

func benchLimiter(b *testing.B, total int) *ratelimit.Limiter {
	b.Helper()
	l, err := ratelimit.NewLimiter(ratelimit.WithTotal(total), ratelimit.WithClasses(
		ratelimit.Class{Name: "user", Criticality: ratelimit.NeverShed, Share: 1, Lendable: 0.5, QueueLen: 64},
		ratelimit.Class{Name: "bg", Criticality: ratelimit.Sheddable, Share: 3, Lendable: 1, Borrow: 0.5},
	))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	return l
}

func BenchmarkAdmission(b *testing.B) {
	b.Run("tollgate/serial", func(b *testing.B) {
		l := benchLimiter(b, 1024)
		b.ReportAllocs()
		for b.Loop() {
			t, err := l.TryAcquire("user")
			if err != nil {
				b.Fatal(err)
			}
			t.Release()
		}
	})
	b.Run("tollgate/parallel", func(b *testing.B) {
		l := benchLimiter(b, 1024)
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				t, err := l.TryAcquire("user")
				if err != nil {
					b.Error(err)
					return
				}
				t.Release()
			}
		})
	})
	b.Run("chansem/serial", func(b *testing.B) {
		sem := make(chan struct{}, 1024)
		b.ReportAllocs()
		for b.Loop() {
			select {
			case sem <- struct{}{}:
			default:
				b.Fatal("full")
			}
			<-sem
		}
	})
	b.Run("chansem/parallel", func(b *testing.B) {
		sem := make(chan struct{}, 1024)
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				select {
				case sem <- struct{}{}:
				default:
					b.Error("full")
					return
				}
				<-sem
			}
		})
	})
	b.Run("xrate/serial", func(b *testing.B) {
		lim := rate.NewLimiter(1e12, 1e9)
		b.ReportAllocs()
		for b.Loop() {
			if !lim.Allow() {
				b.Fatal("denied")
			}
		}
	})
	b.Run("xrate/parallel", func(b *testing.B) {
		lim := rate.NewLimiter(1e12, 1e9)
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if !lim.Allow() {
					b.Error("denied")
					return
				}
			}
		})
	})
}

// BenchmarkReject measures the reject path: a full lane (busy) and a shed
// class. Both must not allocate.
func BenchmarkReject(b *testing.B) {
	full := func(b *testing.B) *ratelimit.Limiter {
		l, err := ratelimit.NewLimiter(ratelimit.WithTotal(1),
			ratelimit.WithClass(ratelimit.Class{Name: "bg", Criticality: ratelimit.Sheddable}))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { l.Close() })
		if _, err := l.TryAcquire("bg"); err != nil {
			b.Fatal(err)
		}
		return l
	}
	b.Run("busy/serial", func(b *testing.B) {
		l := full(b)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := l.TryAcquire("bg"); err == nil {
				b.Fatal("admitted")
			}
		}
	})
	b.Run("busy/parallel", func(b *testing.B) {
		l := full(b)
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := l.TryAcquire("bg"); err == nil {
					b.Error("admitted")
					return
				}
			}
		})
	})
	b.Run("acquire-queue-full/serial", func(b *testing.B) {
		l, err := ratelimit.NewLimiter(ratelimit.WithTotal(1),
			ratelimit.WithClass(ratelimit.Class{Name: "q", Criticality: ratelimit.NeverShed, QueueLen: 1, MaxWait: time.Hour}))
		if err != nil {
			b.Fatal(err)
		}
		defer l.Close()
		hold, _ := l.TryAcquire("q")
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { // the one request the queue holds
			defer close(done)
			if t, err := l.Acquire(ctx, "q"); err == nil {
				t.Release()
			}
		}()
		for l.Stats().Queued != 1 {
			time.Sleep(time.Millisecond)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := l.Acquire(ctx, "q"); !errors.Is(err, ratelimit.ErrQueueFull) {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		cancel()
		<-done
		hold.Release()
	})
}

func benchKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("ip:198.51.%d.%d", i/256, i%256)
	}
	return keys
}

// xrateMap is the usual per-key use of golang.org/x/time/rate: a map of
// limiters under one mutex.
type xrateMap struct {
	mu sync.Mutex
	m  map[string]*rate.Limiter
}

func (x *xrateMap) allow(key string) bool {
	x.mu.Lock()
	l, ok := x.m[key]
	if !ok {
		l = rate.NewLimiter(1e9, 1e9)
		x.m[key] = l
	}
	x.mu.Unlock()
	return l.Allow()
}

// BenchmarkKeyAllow measures one per-key check on existing keys.
func BenchmarkKeyAllow(b *testing.B) {
	keys := benchKeys(1024)
	lim := ratelimit.Limit{Count: 1_000_000_000, Period: time.Second, Burst: 1_000_000}
	newMem := func(b *testing.B) *ratelimit.MemoryKeyLimiter {
		m, err := ratelimit.NewMemoryKeyLimiter(lim)
		if err != nil {
			b.Fatal(err)
		}
		for _, k := range keys {
			m.Allow(k, time.Now())
		}
		return m
	}
	b.Run("memory/serial", func(b *testing.B) {
		m := newMem(b)
		ctx := context.Background()
		now := time.Now()
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			m.AllowN(ctx, keys[i&1023], now, 1)
			i++
		}
	})
	b.Run("memory/parallel", func(b *testing.B) {
		m := newMem(b)
		ctx := context.Background()
		now := time.Now()
		b.ReportAllocs()
		var seq atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			i := int(seq.Add(1)) * 337 // goroutines walk the keys out of step
			for pb.Next() {
				m.AllowN(ctx, keys[i&1023], now, 1)
				i += 7
			}
		})
	})
	b.Run("xrate-map/serial", func(b *testing.B) {
		x := &xrateMap{m: map[string]*rate.Limiter{}}
		for _, k := range keys {
			x.allow(k)
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			x.allow(keys[i&1023])
			i++
		}
	})
	b.Run("xrate-map/parallel", func(b *testing.B) {
		x := &xrateMap{m: map[string]*rate.Limiter{}}
		for _, k := range keys {
			x.allow(k)
		}
		b.ReportAllocs()
		var seq atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			i := int(seq.Add(1)) * 337
			for pb.Next() {
				x.allow(keys[i&1023])
				i += 7
			}
		})
	})
}
