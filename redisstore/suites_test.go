package redisstore_test

import (
	"testing"
	"time"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/behavior/suspectstest"
	"github.com/tollgate/tollgate/ratelimit"
	"github.com/tollgate/tollgate/ratelimit/limitertest"
	"github.com/tollgate/tollgate/redisstore"
	"github.com/tollgate/tollgate/redisstore/internal/redistest"
)

// TestLimiterSuite runs the behavioural suite of ratelimit.KeyLimiter, which
// the in-memory limiter passes too, on the server's clock and on the
// caller's.
func TestLimiterSuite(t *testing.T) {
	client := redistest.Client(t, redistest.Addr(t))
	for _, mode := range []struct {
		name string
		opts []redisstore.Option
	}{
		{"ServerClock", nil},
		{"CallerClock", []redisstore.Option{redisstore.WithCallerClock(true)}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			limitertest.Run(t, func(t *testing.T, l ratelimit.Limit) ratelimit.KeyLimiter {
				return newLimiter(t, client, l, mode.opts...)
			})
		})
	}
}

// TestSuspectsSuite runs the behavioural suite of behavior.Suspects, which
// behavior.MemorySuspects passes too.
func TestSuspectsSuite(t *testing.T) {
	client := redistest.Client(t, redistest.Addr(t))
	suspectstest.Run(t, func(t *testing.T) behavior.Suspects {
		s, err := redisstore.NewSuspects(client, redisstore.WithPrefix(redistest.Prefix(t)),
			redisstore.WithSuspectTTL(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, suspectstest.Options{TTL: time.Hour, Goroutines: 32, PerGoroutine: 25})
}
