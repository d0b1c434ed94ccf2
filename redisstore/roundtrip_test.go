package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/ratelimit"
	"github.com/tollgate/tollgate/redisstore"
	"github.com/tollgate/tollgate/redisstore/internal/redistest"
)

// TestOneRoundTrip checks that each call is exactly one command once the
// scripts are loaded, and two (EVALSHA, then EVAL) on a server that lost
// them.
func TestOneRoundTrip(t *testing.T) {
	client := redistest.Client(t, redistest.Addr(t))
	rt := &roundTrips{}
	client.AddHook(rt)
	ctx := context.Background()
	prefix := redisstore.WithPrefix(redistest.Prefix(t))
	store, err := redisstore.NewCaptchaStore(client, prefix)
	if err != nil {
		t.Fatal(err)
	}
	lim, err := redisstore.NewLimiter(client, ratelimit.Limit{Count: 10, Period: time.Second, Burst: 10}, prefix)
	if err != nil {
		t.Fatal(err)
	}
	sus, err := redisstore.NewSuspects(client, prefix)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := client.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	type op struct {
		name     string
		scripted bool
		fn       func(id string) error
	}
	ops := []op{
		{"Put", true, func(id string) error { return store.Put(ctx, testChallenge(id, now)) }},
		{"Get", true, func(id string) error { _, err := store.Get(ctx, id, now); return err }},
		{"Attempt", true, func(id string) error { _, err := store.Attempt(ctx, id, captcha.Digest{9}, now); return err }},
		{"Refresh", true, func(id string) error { return store.Refresh(ctx, id, testChallenge(id+"next", now), 9, now) }},
		{"PutToken", false, func(id string) error { return store.PutToken(ctx, id, now.Add(time.Minute)) }},
		{"TakeToken", false, func(id string) error { _, err := store.TakeToken(ctx, id, now); return err }},
		{"AllowN", true, func(id string) error { _, err := lim.AllowN(ctx, id, now, 1); return err }},
		{"Record", true, func(id string) error { return sus.Record(ctx, id, "r", now) }},
		{"Lookup", false, func(id string) error { _, _, err := sus.Lookup(ctx, id, now); return err }},
	}
	for _, loaded := range []bool{false, true} {
		id := "cold"
		if loaded {
			id = "warm"
		}
		for _, o := range ops {
			want := int64(1)
			if o.scripted && !loaded {
				want = 2 // EVALSHA answered NOSCRIPT, then EVAL
			}
			rt.n.Store(0)
			if err := o.fn(id); err != nil {
				t.Fatalf("%s = %v", o.name, err)
			}
			if got := rt.n.Load(); got != want {
				t.Errorf("%s (scripts loaded: %v) sent %d commands, want %d", o.name, loaded, got, want)
			}
		}
	}
}
