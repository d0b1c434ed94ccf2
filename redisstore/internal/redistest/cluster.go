package redistest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// StartCluster starts a Redis Cluster of n master nodes (n ≥ 1, no
// replicas) on free loopback ports, splits the 16384 hash slots between
// them, waits until the cluster is up and returns the nodes' addresses.
// The nodes stop when t ends. Without a redis-server binary, it calls
// Unavailable.
func StartCluster(t testing.TB, n int) []string {
	t.Helper()
	addrs := make([]string, n)
	for i := range addrs {
		addrs[i] = Start(t, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
			"--cluster-node-timeout", "2000").Addr()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	nodes := make([]*redis.Client, n)
	for i, a := range addrs {
		nodes[i] = redis.NewClient(&redis.Options{Addr: a})
		defer nodes[i].Close()
	}
	const slots = 16384
	for i, c := range nodes {
		lo, hi := i*slots/n, (i+1)*slots/n-1
		if err := c.Do(ctx, "cluster", "addslotsrange", lo, hi).Err(); err != nil {
			t.Fatalf("redistest: CLUSTER ADDSLOTSRANGE %d %d on %s: %v", lo, hi, addrs[i], err)
		}
	}
	for _, a := range addrs[1:] {
		host, port, _ := strings.Cut(a, ":")
		p, _ := strconv.Atoi(port)
		if err := nodes[0].Do(ctx, "cluster", "meet", host, p).Err(); err != nil {
			t.Fatalf("redistest: CLUSTER MEET %s: %v", a, err)
		}
	}
	for i, c := range nodes {
		for {
			info, err := c.ClusterInfo(ctx).Result()
			if err == nil && strings.Contains(info, "cluster_state:ok") && strings.Contains(info, fmt.Sprintf("cluster_known_nodes:%d\r", n)) {
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("redistest: cluster node %s not ready: %v %q", addrs[i], err, info)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return addrs
}

// ClusterClient returns a cluster client of addrs, configured as
// redisstore wants it (ContextTimeoutEnabled), closed when t ends.
func ClusterClient(t testing.TB, addrs []string) *redis.ClusterClient {
	t.Helper()
	c := redis.NewClusterClient(&redis.ClusterOptions{
		Addrs:                 addrs,
		ContextTimeoutEnabled: true,
		DialTimeout:           time.Second,
		ReadTimeout:           2 * time.Second,
		WriteTimeout:          2 * time.Second,
		PoolSize:              64,
	})
	t.Cleanup(func() { _ = c.Close() })
	return c
}
