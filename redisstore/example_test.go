package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/tollgate/tollgate/ratelimit"
	"github.com/tollgate/tollgate/redisstore"
)

// Example wires the three stores to one Redis. It needs a server, so it is
// compiled but not run.
func Example() {
	client := redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs:                 []string{"localhost:6379"}, // several addresses for Cluster; MasterName for Sentinel
		ContextTimeoutEnabled: true,                       // required: calls honour context deadlines
	})
	defer client.Close()

	hook := func(_ context.Context, e redisstore.Event) {
		if e.Err != nil {
			fmt.Println(e.Type, e.Store, e.Op, e.Err)
		}
	}
	// Challenges and tokens: fail closed, the default.
	challenges, err := redisstore.NewCaptchaStore(client, redisstore.WithEventHook(hook))
	if err != nil {
		panic(err)
	}
	// Per-address limits: keep serving when Redis is down.
	perIP, err := redisstore.NewLimiter(client, ratelimit.Limit{Count: 30, Period: time.Minute, Burst: 10},
		redisstore.WithFailOpen(true), redisstore.WithTimeout(50*time.Millisecond), redisstore.WithEventHook(hook))
	if err != nil {
		panic(err)
	}
	suspects, err := redisstore.NewSuspects(client, redisstore.WithSuspectTTL(6*time.Hour))
	if err != nil {
		panic(err)
	}
	_, _, _ = challenges, perIP, suspects // pass them to the captcha Service, ratelimit middleware, behavior guard

	d, err := perIP.AllowN(context.Background(), "203.0.113.7", time.Now(), 1)
	fmt.Println(d.Allowed, d.Remaining, err)
}

// ExampleKeys shows where the stores keep their data, for redis-cli.
func ExampleKeys() {
	k := redisstore.Keys{Prefix: redisstore.DefaultPrefix}
	fmt.Println(k.Challenge("q2Xh5Z8wT1mA0bC3dE4fGg"))
	fmt.Println(k.Token("n0nce"))
	fmt.Println(k.Limit("203.0.113.7"))
	fmt.Println(k.Suspect("203.0.113.7"))
	// Output:
	// tollgate:captcha:c:q2Xh5Z8wT1mA0bC3dE4fGg
	// tollgate:captcha:t:n0nce
	// tollgate:rl:203.0.113.7
	// tollgate:sus:203.0.113.7
}

// ExampleWithFailOpen shows a Limiter that lets requests through while
// Redis cannot be reached (here nothing listens on the port), and reports
// the failure to its event hook.
func ExampleWithFailOpen() {
	client := redis.NewClient(&redis.Options{
		Addr:                  "127.0.0.1:1", // nothing listens here
		ContextTimeoutEnabled: true,
		DialerRetries:         1,
	})
	defer client.Close()
	lim, err := redisstore.NewLimiter(client, ratelimit.Limit{Count: 1, Period: time.Minute, Burst: 1},
		redisstore.WithFailOpen(true),
		redisstore.WithEventHook(func(_ context.Context, e redisstore.Event) {
			fmt.Println("event:", e.Type, e.Store, e.Op, e.Key)
		}))
	if err != nil {
		panic(err)
	}
	d, err := lim.AllowN(context.Background(), "203.0.113.7", time.Now(), 1)
	fmt.Println("allowed:", d.Allowed, "error:", err)
	// Output:
	// event: redisstore.fail_open ratelimit allow tollgate:rl:203.0.113.7
	// allowed: true error: <nil>
}

// ExampleNewCaptchaStore shows the one requirement on the client: context
// deadlines must reach its sockets.
func ExampleNewCaptchaStore() {
	client := redis.NewClient(&redis.Options{Addr: "localhost:6379"}) // ContextTimeoutEnabled missing
	defer client.Close()
	_, err := redisstore.NewCaptchaStore(client)
	fmt.Println(errors.Is(err, redisstore.ErrContextTimeoutDisabled))
	// Output:
	// true
}
