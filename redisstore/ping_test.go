package redisstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/ratelimit"
	"github.com/tollgate/tollgate/redisstore"
	"github.com/tollgate/tollgate/redisstore/internal/redistest"
)

// TestPing: every store answers a probe while Redis runs and reports the
// outage after it stops, without an event: a probe is not a store call.
func TestPing(t *testing.T) {
	srv := redistest.Start(t)
	client, before := faultClient(t, srv.Addr())
	var ev events
	hook := redisstore.WithEventHook(ev.hook)
	cs, err := redisstore.NewCaptchaStore(client, hook, redisstore.WithTimeout(500*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	sus, err := redisstore.NewSuspects(client, hook)
	if err != nil {
		t.Fatal(err)
	}
	lim, err := redisstore.NewLimiter(client, ratelimit.Limit{Count: 5, Period: time.Minute, Burst: 5}, hook)
	if err != nil {
		t.Fatal(err)
	}
	stores := []struct {
		name string
		p    interface{ Ping(context.Context) error }
	}{{"captcha", cs}, {"suspects", sus}, {"ratelimit", lim}}
	ctx := context.Background()
	for _, s := range stores {
		if err := s.p.Ping(ctx); err != nil {
			t.Errorf("%s Ping with Redis up = %v, want nil", s.name, err)
		}
	}
	srv.Stop()
	for _, s := range stores {
		err := s.p.Ping(ctx)
		if want := "redisstore: " + s.name + " ping: "; err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s Ping with Redis down = %v, want an error starting %q", s.name, err, want)
		}
	}
	ev.mu.Lock()
	n := len(ev.list)
	ev.mu.Unlock()
	if n != 0 {
		t.Errorf("probes emitted %d events, want none", n)
	}
	checkNoLeak(t, client, before)
}
