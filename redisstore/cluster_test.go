package redisstore_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/behavior/suspectstest"
	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/captcha/storetest"
	"github.com/tollgate/tollgate/ratelimit"
	"github.com/tollgate/tollgate/ratelimit/limitertest"
	"github.com/tollgate/tollgate/redisstore"
	"github.com/tollgate/tollgate/redisstore/internal/redistest"
)

// TestCluster runs the three suites against a three-node Redis Cluster:
// every script touches one key, which go-redis routes to its shard, and a
// refresh spans two slots in two steps. TestClusterKeys checks the spread
// and the round trips.
func TestCluster(t *testing.T) {
	client := redistest.ClusterClient(t, redistest.StartCluster(t, 3))
	t.Run("CaptchaStore", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) captcha.Store { return newCaptchaStore(t, client) },
			storetest.Options{Concurrency: 200})
	})
	t.Run("Limiter", func(t *testing.T) {
		limitertest.Run(t, func(t *testing.T, l ratelimit.Limit) ratelimit.KeyLimiter {
			return newLimiter(t, client, l)
		})
	})
	t.Run("Suspects", func(t *testing.T) {
		suspectstest.Run(t, func(t *testing.T) behavior.Suspects {
			s, err := redisstore.NewSuspects(client, redisstore.WithPrefix(redistest.Prefix(t)), redisstore.WithSuspectTTL(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}, suspectstest.Options{TTL: time.Hour})
	})
	// Keys of many limits and tokens spread over the nodes.
	ctx := context.Background()
	lim := newLimiter(t, client, ratelimit.Limit{Count: 1, Period: time.Minute, Burst: 1})
	for _, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		if _, err := lim.AllowN(ctx, k, time.Now(), 1); err != nil {
			t.Fatal(err)
		}
	}
	var used atomic.Int64
	err := client.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		n, err := node.DBSize(ctx).Result()
		if n > 0 {
			used.Add(1)
		}
		return err
	})
	if err != nil || used.Load() < 2 {
		t.Fatalf("masters holding keys = %d, %v; want the keys spread over at least 2 of 3", used.Load(), err)
	}
}
