package ratelimit_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/tollgate/tollgate/ratelimit"
)

func Example() {
	l, err := ratelimit.NewLimiter(
		ratelimit.WithTotal(4),
		ratelimit.WithClass(ratelimit.Class{Name: "user-login", Criticality: ratelimit.NeverShed, Share: 1, QueueLen: 16, MaxWait: time.Second}),
		ratelimit.WithClass(ratelimit.Class{Name: "background-login", Criticality: ratelimit.Sheddable, Share: 1, Lendable: 1}),
	)
	if err != nil {
		panic(err)
	}
	defer l.Close()

	// Background logins flood: they get their own two seats, never the
	// user lane's reserved ones.
	var held []ratelimit.Ticket
	for {
		t, err := l.TryAcquire("background-login")
		if err != nil {
			fmt.Println("background:", errors.Is(err, ratelimit.ErrBusy))
			break
		}
		held = append(held, t)
	}
	t, err := l.Acquire(context.Background(), "user-login")
	fmt.Println("background seats:", len(held), "user admitted:", err == nil)
	t.Release()
	for _, t := range held {
		t.Release()
	}
	// Output:
	// background: true
	// background seats: 2 user admitted: true
}

func ExampleLimiter_Stats() {
	l, _ := ratelimit.NewLimiter(ratelimit.WithTotal(10), ratelimit.WithClasses(
		ratelimit.Class{Name: "user", Share: 2, Lendable: 0.5},
		ratelimit.Class{Name: "bg", Share: 3, Lendable: 1, Borrow: 0.5, Criticality: ratelimit.Sheddable},
	))
	defer l.Close()
	t, _ := l.TryAcquire("bg")
	defer t.Release()
	s := l.Stats()
	for _, c := range s.Classes {
		fmt.Printf("%s: nominal %d reserved %d max %d in flight %d admitted %d\n",
			c.Name, c.Nominal, c.Reserved, c.Max, c.InFlight, c.Admitted)
	}
	fmt.Println("level:", s.Level)
	// Output:
	// user: nominal 4 reserved 2 max 4 in flight 0 admitted 0
	// bg: nominal 6 reserved 0 max 9 in flight 1 admitted 1
	// level: normal
}

func ExampleGCRA() {
	l := ratelimit.Limit{Count: 1, Period: time.Second, Burst: 2}
	now := time.Unix(1_700_000_000, 0).UnixNano()
	var tat int64
	for i := range 3 {
		d, next, _ := ratelimit.GCRA(l, tat, now, 1)
		tat = next
		fmt.Printf("event %d: allowed %v remaining %d retry after %v\n", i+1, d.Allowed, d.Remaining, d.RetryAfter)
	}
	// Output:
	// event 1: allowed true remaining 1 retry after 0s
	// event 2: allowed true remaining 0 retry after 0s
	// event 3: allowed false remaining 0 retry after 1s
}

func ExampleMemoryKeyLimiter() {
	m, _ := ratelimit.NewMemoryKeyLimiter(ratelimit.Limit{Count: 5, Period: time.Minute, Burst: 3},
		ratelimit.WithMaxKeys(10_000))
	now := time.Unix(1_700_000_000, 0)
	for range 4 {
		d, _ := m.AllowN(context.Background(), "acct:alice", now, 1)
		fmt.Println(d.Allowed, d.Remaining, d.RetryAfter)
	}
	// Output:
	// true 2 0s
	// true 1 0s
	// true 0 0s
	// false 0 12s
}

func ExampleIPExtractor_ClientIP() {
	e, _ := ratelimit.NewIPExtractor(ratelimit.WithTrustedProxies("10.0.0.0/8"))
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.5:443" // our load balancer
	r.Header.Set("X-Forwarded-For", "6.6.6.6, 2001:db8:1:2::7")
	ip, _ := e.ClientIP(r)
	key, _ := e.Key(r)
	fmt.Println(ip, key)

	// Without trusted proxies the header is ignored.
	ip, _ = (&ratelimit.IPExtractor{}).ClientIP(r)
	fmt.Println(ip)
	// Output:
	// 2001:db8:1:2::7 ip:2001:db8:1:2::/64
	// 10.0.0.5
}

func ExampleLimiter_Middleware() {
	l, _ := ratelimit.NewLimiter(ratelimit.WithTotal(8), ratelimit.WithClasses(
		ratelimit.Class{Name: "login", Criticality: ratelimit.NeverShed, QueueLen: 8},
		ratelimit.Class{Name: "refresh", Criticality: ratelimit.Sheddable},
	))
	defer l.Close()
	perIP, _ := ratelimit.NewMemoryKeyLimiter(ratelimit.Limit{Count: 10, Period: time.Minute, Burst: 2})
	classify := func(r *http.Request) string {
		if r.Header.Get("X-Background") != "" {
			return "refresh"
		}
		return "login"
	}
	h := l.Middleware(classify, ratelimit.WithKeyLimit(perIP, (&ratelimit.IPExtractor{}).Key),
		ratelimit.WithPolicyName("login"))(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") }))

	for range 3 {
		r := httptest.NewRequest("POST", "/login", nil)
		r.RemoteAddr = "198.51.100.7:5000"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Printf("%d RateLimit: %s Retry-After: %q\n", w.Code, w.Header().Get("RateLimit"), w.Header().Get("Retry-After"))
	}
	// Output:
	// 200 RateLimit: "login";r=1;t=6 Retry-After: ""
	// 200 RateLimit: "login";r=0;t=12 Retry-After: ""
	// 429 RateLimit: "login";r=0;t=12 Retry-After: "6"
}
