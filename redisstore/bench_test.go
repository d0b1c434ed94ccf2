package redisstore_test

import (
	"context"
	"errors"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/ratelimit"
	"github.com/tollgate/tollgate/redisstore"
	"github.com/tollgate/tollgate/redisstore/internal/redistest"
)

// roundTrips is a go-redis hook counting the commands sent: each command
// outside a pipeline is one round trip.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmd)
	}
}

func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		r.n.Add(1) // a pipeline is one round trip
		return next(ctx, cmds)
	}
}

// benchClient returns a client of the benchmark server with a round-trip
// counter.
func benchClient(b *testing.B) (*redis.Client, *roundTrips) {
	b.Helper()
	c := redistest.Client(b, redistest.Addr(b))
	rt := &roundTrips{}
	c.AddHook(rt)
	return c, rt
}

// run runs op b.N times, in one goroutine or spread over 64, and reports
// operations per second and round trips per operation.
func run(b *testing.B, rt *roundTrips, goroutines int, op func(i int) error) {
	b.Helper()
	b.ReportAllocs()
	rt.n.Store(0)
	b.ResetTimer()
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	for g := 0; g < goroutines; g++ {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				if err := op(i); err != nil {
					failed.Store(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	if err := failed.Load(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
	b.ReportMetric(float64(rt.n.Load())/float64(b.N), "roundtrips/op")
}

var modes = []struct {
	name       string
	goroutines int
}{{"seq", 1}, {"par64", 64}}

// BenchmarkVerify measures CaptchaStore.Attempt, the verification of one
// answer, on challenges that accept endless wrong answers.
func BenchmarkVerify(b *testing.B) {
	client, rt := benchClient(b)
	s, err := redisstore.NewCaptchaStore(client, redisstore.WithPrefix(redistest.Prefix(b)))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	now := time.Now()
	const n = 1024
	for i := range n {
		c := testChallenge("bench"+strconv.Itoa(i), now)
		c.Expires, c.MaxAttempts = now.Add(time.Hour), 1<<30
		if err := s.Put(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
	wrong := captcha.Digest{9}
	for _, m := range modes {
		b.Run(m.name, func(b *testing.B) {
			run(b, rt, m.goroutines, func(i int) error {
				_, err := s.Attempt(ctx, "bench"+strconv.Itoa(i%n), wrong, now)
				return err
			})
		})
	}
}

// BenchmarkAllow measures Limiter.AllowN for one event on many keys.
func BenchmarkAllow(b *testing.B) {
	client, rt := benchClient(b)
	lim, err := redisstore.NewLimiter(client, ratelimit.Limit{Count: 100, Period: time.Second, Burst: 100},
		redisstore.WithPrefix(redistest.Prefix(b)))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	keys := make([]string, 4096)
	for i := range keys {
		keys[i] = net.IPv4(10, 0, byte(i>>8), byte(i)).String()
	}
	if _, err := lim.AllowN(ctx, keys[0], time.Now(), 1); err != nil { // load the script
		b.Fatal(err)
	}
	for _, m := range modes {
		b.Run(m.name, func(b *testing.B) {
			run(b, rt, m.goroutines, func(i int) error {
				_, err := lim.AllowN(ctx, keys[i%len(keys)], time.Time{}, 1)
				return err
			})
		})
	}
}

// BenchmarkRecord measures Suspects.Record.
func BenchmarkRecord(b *testing.B) {
	client, rt := benchClient(b)
	s, err := redisstore.NewSuspects(client, redisstore.WithPrefix(redistest.Prefix(b)))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, m := range modes {
		b.Run(m.name, func(b *testing.B) {
			run(b, rt, m.goroutines, func(i int) error {
				return s.Record(ctx, "k"+strconv.Itoa(i%1024), "bench", time.Now())
			})
		})
	}
}

// BenchmarkToken measures the store's part of one token's life: PutToken
// when the token is issued and TakeToken when it is presented.
func BenchmarkToken(b *testing.B) {
	client, rt := benchClient(b)
	s, err := redisstore.NewCaptchaStore(client, redisstore.WithPrefix(redistest.Prefix(b)))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	now := time.Now()
	expires := now.Add(2 * time.Minute)
	for _, m := range modes {
		b.Run(m.name, func(b *testing.B) {
			run(b, rt, m.goroutines, func(i int) error {
				nonce := "t" + strconv.Itoa(i)
				if err := s.PutToken(ctx, nonce, expires); err != nil {
					return err
				}
				live, err := s.TakeToken(ctx, nonce, now)
				if err == nil && !live {
					err = errors.New("TakeToken = false for a live token")
				}
				return err
			})
		})
	}
}

// envClusterBench, set to 1, runs BenchmarkClusterCreateVerify, which starts clusters
// of up to six nodes and is too heavy for every benchmark run.
const envClusterBench = "TOLLGATE_CLUSTER_BENCH"

// BenchmarkClusterCreateVerify measures a challenge's Put and its solving
// Attempt from 64 goroutines on Redis Clusters of 1, 3 and 6 shards. It
// runs only when TOLLGATE_CLUSTER_BENCH=1.
func BenchmarkClusterCreateVerify(b *testing.B) {
	if os.Getenv(envClusterBench) != "1" {
		b.Skip("set " + envClusterBench + "=1 to start the clusters")
	}
	for _, shards := range []int{1, 3, 6} {
		client := redistest.ClusterClient(b, redistest.StartCluster(b, shards))
		rt := &roundTrips{}
		client.AddHook(rt)
		s, err := redisstore.NewCaptchaStore(client, redisstore.WithPrefix(redistest.Prefix(b)))
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		now := time.Now()
		var round atomic.Int64
		b.Run(strconv.Itoa(shards)+"shards", func(b *testing.B) {
			r := strconv.FormatInt(round.Add(1), 10) + "-"
			run(b, rt, 64, func(i int) error {
				c := testChallenge(r+strconv.Itoa(i), now)
				if err := s.Put(ctx, c); err != nil {
					return err
				}
				res, err := s.Attempt(ctx, c.ID, c.Answers[0], now)
				if err == nil && res.Match != captcha.MatchAnswer {
					err = errors.New("right answer not accepted")
				}
				return err
			})
		})
	}
}
