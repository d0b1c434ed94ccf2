package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/tollgate/tollgate/ratelimit"
	"github.com/tollgate/tollgate/redisstore"
	"github.com/tollgate/tollgate/redisstore/internal/redistest"
)

func newLimiter(t *testing.T, c redis.UniversalClient, l ratelimit.Limit, opts ...redisstore.Option) *redisstore.Limiter {
	t.Helper()
	lim, err := redisstore.NewLimiter(c, l, append([]redisstore.Option{redisstore.WithPrefix(redistest.Prefix(t))}, opts...)...)
	if err != nil {
		t.Fatalf("NewLimiter(%v) = %v", l, err)
	}
	return lim
}

// TestLimiterMatchesMemory runs random sequences of calls against the Redis
// limiter (on the caller's clock) and the in-memory one: every Decision
// must be equal.
func TestLimiterMatchesMemory(t *testing.T) {
	client := redistest.Client(t, redistest.Addr(t))
	ctx := context.Background()
	limits := []ratelimit.Limit{
		{Count: 1, Period: time.Second, Burst: 1},
		{Count: 10, Period: time.Minute, Burst: 5},
		{Count: 7, Period: time.Hour, Burst: 3},            // interval 514285714285ns
		{Count: 3, Period: time.Second, Burst: 100},        // interval 333333333ns
		{Count: 1, Period: 200 * 24 * time.Hour, Burst: 2}, // τ beyond 2^53 ns
		{Count: 1000000, Period: time.Second, Burst: 50},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, l := range limits {
		t.Run(l.String(), func(t *testing.T) {
			red := newLimiter(t, client, l, redisstore.WithCallerClock(true))
			mem, err := ratelimit.NewMemoryKeyLimiter(l)
			if err != nil {
				t.Fatal(err)
			}
			now := time.Date(2030, 1, 2, 3, 4, 5, 678901234, time.UTC)
			interval := l.Interval()
			var allowed, denied int
			maxN := min(l.Burst, 8)
			for i := range 600 {
				key := "k" + strconv.Itoa(rng.IntN(2))
				n := rng.IntN(maxN + 1)
				got, err := red.AllowN(ctx, key, now, n)
				if err != nil {
					t.Fatalf("step %d: AllowN(%s, n=%d) = %v", i, key, n, err)
				}
				want, _ := mem.AllowN(ctx, key, now, n)
				if got != want {
					t.Fatalf("step %d: AllowN(%s, %v, n=%d) = %+v, want %+v", i, key, now, n, got, want)
				}
				if got.Allowed {
					allowed++
				} else {
					denied++
				}
				// Advance by odd nanoseconds, on average half the time the
				// events take, so that the keys run out now and then.
				now = now.Add(time.Duration(rng.Int64N(int64(interval)*int64(maxN)/4 + 2)))
			}
			if allowed < 60 || denied < 60 {
				t.Fatalf("allowed %d, denied %d of 600; want both at least 60 for a meaningful comparison", allowed, denied)
			}
		})
	}
}

// TestLimiterServerClock checks GCRA on the Redis server's clock: a burst,
// then denial, then the key's expiry.
func TestLimiterServerClock(t *testing.T) {
	client := redistest.Client(t, redistest.Addr(t))
	ctx := context.Background()
	l := ratelimit.Limit{Count: 1, Period: time.Hour, Burst: 3}
	lim := newLimiter(t, client, l)
	if lim.Limit() != l {
		t.Fatalf("Limit() = %v, want %v", lim.Limit(), l)
	}
	past := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC) // ignored
	for want := 2; want >= 0; want-- {
		d, err := lim.AllowN(ctx, "ip", past, 1)
		if err != nil || !d.Allowed || d.Remaining != want || d.Limit != l {
			t.Fatalf("AllowN #%d = %+v, %v; want allowed with %d remaining", 3-want, d, err, want)
		}
	}
	d, err := lim.AllowN(ctx, "ip", past, 1)
	if err != nil || d.Allowed || d.RetryAfter <= 59*time.Minute || d.RetryAfter > time.Hour ||
		d.ResetAfter <= 3*time.Hour-time.Minute || d.ResetAfter > 3*time.Hour {
		t.Fatalf("AllowN past the burst = %+v, %v; want denied, retry after ~1h, reset after ~3h", d, err)
	}
	ttl, err := client.PTTL(ctx, lim.Keys().Limit("ip")).Result()
	if err != nil || ttl <= 3*time.Hour-time.Minute || ttl > 3*time.Hour+time.Millisecond {
		t.Fatalf("PTTL = %v, %v; want about 3h (until full burst)", ttl, err)
	}
	// n = 0 is allowed and records nothing; n > Burst never calls Redis.
	if d, err := lim.AllowN(ctx, "ip", past, 0); err != nil || !d.Allowed || d.Remaining != 0 {
		t.Fatalf("AllowN(n=0) = %+v, %v; want allowed, 0 remaining", d, err)
	}
	if _, err := lim.AllowN(ctx, "ip", past, 4); !errors.Is(err, ratelimit.ErrInvalidN) {
		t.Fatalf("AllowN(n=4) = %v, want ErrInvalidN", err)
	}
	if _, err := lim.AllowN(ctx, "ip", past, -1); !errors.Is(err, ratelimit.ErrInvalidN) {
		t.Fatalf("AllowN(n=-1) = %v, want ErrInvalidN", err)
	}
	if err := lim.Reset(ctx, "ip"); err != nil {
		t.Fatal(err)
	}
	if d, err := lim.AllowN(ctx, "ip", past, 3); err != nil || !d.Allowed || d.Remaining != 0 {
		t.Fatalf("AllowN(n=3) after Reset = %+v, %v; want allowed", d, err)
	}
	// A short limit's key expires by itself once back at full burst.
	fast := newLimiter(t, client, ratelimit.Limit{Count: 10, Period: time.Second, Burst: 1})
	if d, err := fast.AllowN(ctx, "x", past, 1); err != nil || !d.Allowed {
		t.Fatalf("AllowN = %+v, %v", d, err)
	}
	eventually(t, "key expiry", func() error {
		if n, err := client.Exists(ctx, fast.Keys().Limit("x")).Result(); err != nil || n != 0 {
			return fmt.Errorf("EXISTS = %d, %v", n, err)
		}
		return nil
	})
}

// TestLimiterConcurrent checks that concurrent checks of one key, from
// several clients as from several servers, allow exactly the burst.
func TestLimiterConcurrent(t *testing.T) {
	addr := redistest.Addr(t)
	ctx := context.Background()
	l := ratelimit.Limit{Count: 1, Period: time.Hour, Burst: 50}
	prefix := redisstore.WithPrefix(redistest.Prefix(t))
	var lims []*redisstore.Limiter
	for range 4 {
		lim, err := redisstore.NewLimiter(redistest.Client(t, addr), l, prefix)
		if err != nil {
			t.Fatal(err)
		}
		lims = append(lims, lim)
	}
	var allowed, denied atomic.Int64
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Go(func() {
			d, err := lims[i%4].AllowN(ctx, "shared", time.Now(), 1)
			switch {
			case err != nil:
				t.Errorf("AllowN = %v", err)
			case d.Allowed:
				allowed.Add(1)
			default:
				denied.Add(1)
			}
		})
	}
	wg.Wait()
	if allowed.Load() != 50 || denied.Load() != 150 {
		t.Fatalf("200 concurrent checks, burst 50: allowed %d, denied %d; want 50, 150", allowed.Load(), denied.Load())
	}
}

func TestNewLimiterErrors(t *testing.T) {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", ContextTimeoutEnabled: true})
	defer client.Close()
	if _, err := redisstore.NewLimiter(client, ratelimit.Limit{Count: 0, Period: time.Second, Burst: 1}); !errors.Is(err, ratelimit.ErrInvalidLimit) {
		t.Errorf("NewLimiter(Count 0) = %v, want ErrInvalidLimit", err)
	}
	if _, err := redisstore.NewLimiter(nil, ratelimit.Limit{Count: 1, Period: time.Second, Burst: 1}); !errors.Is(err, redisstore.ErrNilClient) {
		t.Errorf("NewLimiter(nil client) = %v, want ErrNilClient", err)
	}
}
