package redistest

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Flood writes about size bytes of filler under prefix, in 64 KiB values
// sent 16 to a pipeline, so that a server with a maxmemory limit must evict
// keys. Each filler key gets the time to live ttl (none when ttl is 0): a
// long ttl makes volatile-ttl evict every shorter-lived key first. It
// returns how many keys the server evicted while flooding (INFO stats
// evicted_keys) and fails t when a write is refused.
func Flood(t testing.TB, c *redis.Client, prefix string, size int, ttl time.Duration) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	before := EvictedKeys(t, c)
	value := strings.Repeat("x", 64<<10)
	const batch = 16
	for i := 0; i*len(value) < size; {
		p := c.Pipeline()
		for j := 0; j < batch && i*len(value) < size; j++ {
			p.Set(ctx, prefix+"flood:"+strconv.Itoa(i), value, ttl)
			i++
		}
		if _, err := p.Exec(ctx); err != nil {
			t.Fatalf("redistest: flooding: %v", err)
		}
	}
	return EvictedKeys(t, c) - before
}

// EvictedKeys returns the server's count of keys evicted for maxmemory
// (INFO stats evicted_keys).
func EvictedKeys(t testing.TB, c *redis.Client) int64 {
	t.Helper()
	info, err := c.Info(context.Background(), "stats").Result()
	if err != nil {
		t.Fatalf("redistest: INFO stats: %v", err)
	}
	for line := range strings.SplitSeq(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "evicted_keys:"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatalf("redistest: INFO evicted_keys %q: %v", v, err)
			}
			return n
		}
	}
	t.Fatalf("redistest: INFO stats has no evicted_keys: %q", info)
	return 0
}
