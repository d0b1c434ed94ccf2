package redisstore_test

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/ratelimit"
	"github.com/tollgate/tollgate/redisstore"
	"github.com/tollgate/tollgate/redisstore/internal/redistest"
)

// events collects the events a store emits.
type events struct {
	mu   sync.Mutex
	list []redisstore.Event
}

func (e *events) hook(_ context.Context, ev redisstore.Event) {
	e.mu.Lock()
	e.list = append(e.list, ev)
	e.mu.Unlock()
}

// count returns how many events of type typ were emitted.
func (e *events) count(typ string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, ev := range e.list {
		if ev.Type == typ {
			n++
		}
	}
	return n
}

// persistent starts a server that keeps its data across Stop and Restart
// (an append-only file synced on every write), so that a test can check
// what was counted before, during and after an outage.
func persistent(t *testing.T) *redistest.Server {
	t.Helper()
	return redistest.Start(t, "--appendonly", "yes", "--appendfsync", "always")
}

// faultClient returns a client with short timeouts and the goroutine count
// before it was created.
func faultClient(t *testing.T, addr string) (*redis.Client, int) {
	t.Helper()
	before := runtime.NumGoroutine()
	opt := redistest.Options(addr)
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = 200*time.Millisecond, 300*time.Millisecond, 300*time.Millisecond
	opt.PoolSize = 8
	opt.DialerRetries = 1
	return redis.NewClient(opt), before
}

// checkNoLeak closes client and checks that the goroutines it and the
// stores started are gone.
func checkNoLeak(t *testing.T, client *redis.Client, before int) {
	t.Helper()
	if err := client.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= before+2 {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("goroutines after Close = %d, want at most %d (before + 2)\n%s", n, before+2, buf)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// eventually retries fn until it returns nil or 5 s pass.
func eventually(t *testing.T, what string, fn func() error) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := fn()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still failing after 5s: %v", what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestCaptchaStoreOutage stops Redis in the middle of verifications and
// starts it again.
func TestCaptchaStoreOutage(t *testing.T) {
	srv := persistent(t)
	client, before := faultClient(t, srv.Addr())
	var closedEv, openEv events
	prefix := redistest.Prefix(t)
	closed, err := redisstore.NewCaptchaStore(client, redisstore.WithPrefix(prefix),
		redisstore.WithTimeout(500*time.Millisecond), redisstore.WithEventHook(closedEv.hook))
	if err != nil {
		t.Fatal(err)
	}
	open, err := redisstore.NewCaptchaStore(client, redisstore.WithPrefix(prefix),
		redisstore.WithFailOpen(true), redisstore.WithEventHook(openEv.hook))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := time.Now()
	c := testChallenge("outage", now)
	c.MaxAttempts = 10
	if err := closed.Put(ctx, c); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := closed.Attempt(ctx, c.ID, captcha.Digest{9}, now); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"taken-before", "live-before"} {
		if err := closed.PutToken(ctx, n, now.Add(time.Minute)); err != nil {
			t.Fatalf("PutToken(%s) = %v", n, err)
		}
	}
	if live, err := closed.TakeToken(ctx, "taken-before", now); !live || err != nil {
		t.Fatalf("TakeToken = %v, %v; want true, nil", live, err)
	}

	srv.Stop()
	for i := range 5 {
		start := time.Now()
		res, err := closed.Attempt(ctx, c.ID, c.Answers[0], now)
		if err == nil || isCaptchaOutcome(err) || res.Match == captcha.MatchAnswer {
			t.Fatalf("Attempt #%d with Redis down = %+v, %v; want a store failure", i, res, err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("Attempt with Redis down took %v, want about the timeout", d)
		}
		if _, err := closed.Get(ctx, c.ID, now); err == nil || isCaptchaOutcome(err) {
			t.Fatalf("Get with Redis down = %v, want a store failure", err)
		}
		if err := closed.Refresh(ctx, c.ID, testChallenge("next", now), 3, now); err == nil || isCaptchaOutcome(err) {
			t.Fatalf("Refresh with Redis down = %v, want a store failure", err)
		}
		if live, err := closed.TakeToken(ctx, "live-before", now); live || err == nil {
			t.Fatalf("fail-closed TakeToken with Redis down = %v, %v; want false and an error", live, err)
		}
		if err := closed.PutToken(ctx, "during", now.Add(time.Minute)); err == nil {
			t.Fatal("fail-closed PutToken with Redis down = nil, want an error")
		}
		// Failing open accepts the token, again and again: the replay
		// that WithFailOpen documents.
		if live, err := open.TakeToken(ctx, "live-before", now); !live || err != nil {
			t.Fatalf("fail-open TakeToken with Redis down = %v, %v; want true, nil", live, err)
		}
		if err := open.PutToken(ctx, "during", now.Add(time.Minute)); err == nil {
			t.Fatal("fail-open PutToken with Redis down = nil, want an error (issuing fails closed)")
		}
	}
	// A context deadline shorter than the store's timeout is honoured.
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	start := time.Now()
	_, err = closed.Attempt(short, c.ID, c.Answers[0], now)
	cancel()
	if err == nil || time.Since(start) > time.Second {
		t.Fatalf("Attempt with a 50ms deadline = %v after %v; want an error within the deadline", err, time.Since(start))
	}
	// A caller's ended context is an error even when failing open.
	cctx, ccancel := context.WithCancel(ctx)
	ccancel()
	if live, err := open.TakeToken(cctx, "live-before", now); live || err == nil {
		t.Fatalf("fail-open TakeToken with a cancelled context = %v, %v; want false and an error", live, err)
	}
	if n := closedEv.count(redisstore.EventError); n < 26 {
		t.Errorf("fail-closed store emitted %d error events, want at least 26", n)
	}
	if n := openEv.count(redisstore.EventFailOpen); n != 5 {
		t.Errorf("fail-open store emitted %d fail-open events, want 5", n)
	}
	if n := openEv.count(redisstore.EventError); n != 6 {
		t.Errorf("fail-open store emitted %d error events, want 6 (PutToken and the cancelled take)", n)
	}

	srv.Restart()
	// The store recovers by itself; the failed calls counted nothing.
	eventually(t, "Get after restart", func() error {
		got, err := closed.Get(ctx, c.ID, now)
		if err == nil && got.Attempts != 2 {
			t.Fatalf("Attempts after the outage = %d, want 2 (failed calls must not count)", got.Attempts)
		}
		return err
	})
	res, err := closed.Attempt(ctx, c.ID, captcha.Digest{9}, now)
	if err != nil || res.AttemptsLeft != 7 {
		t.Fatalf("Attempt after restart = %+v, %v; want 7 left", res, err)
	}
	if live, err := closed.TakeToken(ctx, "taken-before", now); live || err != nil {
		t.Fatalf("TakeToken(token taken before the outage) = %v, %v; want false, nil", live, err)
	}
	// The outage's fail-open takes never reached Redis: the token is still
	// live, once.
	if live, err := closed.TakeToken(ctx, "live-before", now); !live || err != nil {
		t.Fatalf("TakeToken(token put before the outage) = %v, %v; want true, nil", live, err)
	}
	if live, err := closed.TakeToken(ctx, "live-before", now); live || err != nil {
		t.Fatalf("TakeToken(token put before the outage, again) = %v, %v; want false, nil", live, err)
	}
	if n := closedEv.count(redisstore.EventRecovered); n != 1 {
		t.Errorf("recovered events = %d, want 1", n)
	}
	if res, err := closed.Attempt(ctx, c.ID, c.Answers[0], now); err != nil || res.Match != captcha.MatchAnswer {
		t.Fatalf("Attempt(answer) after restart = %+v, %v", res, err)
	}
	checkNoLeak(t, client, before)
}

// TestCaptchaStoreLostReply cuts the connection after Redis ran an attempt
// but before its reply arrived. go-redis would retry such a command; the
// store must not, or the attempt would count twice.
func TestCaptchaStoreLostReply(t *testing.T) {
	srv := redistest.Start(t)
	proxy := redistest.NewProxy(t, srv.Addr())
	direct := redistest.Client(t, srv.Addr())
	viaProxy := redistest.Client(t, proxy.Addr())
	prefix := redistest.Prefix(t)
	s, err := redisstore.NewCaptchaStore(viaProxy, redisstore.WithPrefix(prefix))
	if err != nil {
		t.Fatal(err)
	}
	check, err := redisstore.NewCaptchaStore(direct, redisstore.WithPrefix(prefix))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := time.Now()
	c := testChallenge("lost", now)
	c.MaxAttempts = 10
	if err := s.Put(ctx, c); err != nil {
		t.Fatal(err)
	}
	// Warm up: one connection in the pool, the script loaded.
	if _, err := s.Attempt(ctx, c.ID, captcha.Digest{9}, now); err != nil {
		t.Fatal(err)
	}
	proxy.DropReplies(1)
	if _, err := s.Attempt(ctx, c.ID, captcha.Digest{9}, now); err == nil {
		t.Fatal("Attempt with its reply lost = nil error, want a failure")
	}
	got, err := check.Get(ctx, c.ID, now)
	if err != nil || got.Attempts != 2 {
		t.Fatalf("Attempts after a lost reply = %d, %v; want 2 (ran once, never retried)", got.Attempts, err)
	}
	if err := viaProxy.Ping(ctx).Err(); err != nil { // a fresh connection in the pool
		t.Fatal(err)
	}
	if err := check.PutToken(ctx, "nonce", now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	proxy.DropReplies(1)
	if live, err := s.TakeToken(ctx, "nonce", now); err == nil {
		t.Fatalf("TakeToken with its reply lost = %v, nil; want a failure", live)
	}
	// The take ran once: the token is gone, and its holder solves again.
	if live, err := check.TakeToken(ctx, "nonce", now); live || err != nil {
		t.Fatalf("TakeToken after a lost reply = %v, %v; want false (taken once)", live, err)
	}
	if res, err := s.Attempt(ctx, c.ID, captcha.Digest{9}, now); err != nil || res.AttemptsLeft != 7 {
		t.Fatalf("Attempt after the lost replies = %+v, %v; want 7 left", res, err)
	}
}

// TestLimiterOutage stops Redis in the middle of rate limiting, with one
// limiter failing open and one failing closed, and starts it again.
func TestLimiterOutage(t *testing.T) {
	srv := persistent(t)
	client, before := faultClient(t, srv.Addr())
	var openEv, closedEv events
	prefix := redisstore.WithPrefix(redistest.Prefix(t))
	l := ratelimit.Limit{Count: 1, Period: time.Hour, Burst: 5}
	open, err := redisstore.NewLimiter(client, l, prefix, redisstore.WithFailOpen(true),
		redisstore.WithTimeout(500*time.Millisecond), redisstore.WithEventHook(openEv.hook))
	if err != nil {
		t.Fatal(err)
	}
	closed, err := redisstore.NewLimiter(client, l, prefix, redisstore.WithEventHook(closedEv.hook))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for want := 4; want >= 3; want-- {
		if d, err := open.AllowN(ctx, "k", time.Now(), 1); err != nil || !d.Allowed || d.Remaining != want {
			t.Fatalf("AllowN before the outage = %+v, %v; want %d remaining", d, err, want)
		}
	}

	srv.Stop()
	for i := range 10 {
		d, err := open.AllowN(ctx, "k", time.Now(), 1)
		if err != nil || !d.Allowed || d.Limit != l {
			t.Fatalf("fail-open AllowN #%d with Redis down = %+v, %v; want allowed, nil", i, d, err)
		}
		d, err = closed.AllowN(ctx, "k", time.Now(), 1)
		if err == nil || d.Allowed || d.Limit != l {
			t.Fatalf("fail-closed AllowN #%d with Redis down = %+v, %v; want denied and an error", i, d, err)
		}
	}
	// A caller's ended context is an error even when failing open.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if d, err := open.AllowN(cctx, "k", time.Now(), 1); err == nil || d.Allowed {
		t.Fatalf("fail-open AllowN with a cancelled context = %+v, %v; want denied and an error", d, err)
	}
	if n := openEv.count(redisstore.EventFailOpen); n != 10 {
		t.Errorf("fail-open events = %d, want 10", n)
	}
	if n := closedEv.count(redisstore.EventError); n != 10 {
		t.Errorf("error events = %d, want 10", n)
	}

	srv.Restart()
	eventually(t, "AllowN after restart", func() error {
		_, err := closed.AllowN(ctx, "other", time.Now(), 0)
		return err
	})
	// Only the two events allowed by Redis were counted.
	for want := 2; want >= 0; want-- {
		if d, err := open.AllowN(ctx, "k", time.Now(), 1); err != nil || !d.Allowed || d.Remaining != want {
			t.Fatalf("AllowN after the outage = %+v, %v; want %d remaining (fail-open events not counted)", d, err, want)
		}
	}
	if d, err := open.AllowN(ctx, "k", time.Now(), 1); err != nil || d.Allowed {
		t.Fatalf("AllowN past the burst after the outage = %+v, %v; want denied", d, err)
	}
	if n := openEv.count(redisstore.EventRecovered) + closedEv.count(redisstore.EventRecovered); n != 2 {
		t.Errorf("recovered events = %d, want 2 (one per limiter)", n)
	}
	checkNoLeak(t, client, before)
}

// TestSuspectsOutage stops Redis in the middle of recording suspects and
// starts it again.
func TestSuspectsOutage(t *testing.T) {
	srv := persistent(t)
	client, before := faultClient(t, srv.Addr())
	prefix := redisstore.WithPrefix(redistest.Prefix(t))
	closed, err := redisstore.NewSuspects(client, prefix, redisstore.WithTimeout(500*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	var openEv events
	open, err := redisstore.NewSuspects(client, prefix, redisstore.WithFailOpen(true), redisstore.WithEventHook(openEv.hook))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := time.Now()
	for range 3 {
		if err := closed.Record(ctx, "1.2.3.4", "fast", now); err != nil {
			t.Fatal(err)
		}
	}

	srv.Stop()
	for range 4 {
		if err := closed.Record(ctx, "1.2.3.4", "fast", now); err == nil {
			t.Fatal("fail-closed Record with Redis down = nil, want an error")
		}
		if _, ok, err := closed.Lookup(ctx, "1.2.3.4", now); ok || err == nil {
			t.Fatalf("fail-closed Lookup with Redis down = %v, %v; want false and an error", ok, err)
		}
		if err := open.Record(ctx, "1.2.3.4", "fast", now); err != nil {
			t.Fatalf("fail-open Record with Redis down = %v, want nil", err)
		}
		if _, ok, err := open.Lookup(ctx, "1.2.3.4", now); ok || err != nil {
			t.Fatalf("fail-open Lookup with Redis down = %v, %v; want false, nil", ok, err)
		}
	}
	if n := openEv.count(redisstore.EventFailOpen); n != 8 {
		t.Errorf("fail-open events = %d, want 8", n)
	}

	srv.Restart()
	eventually(t, "Lookup after restart", func() error {
		s, ok, err := closed.Lookup(ctx, "1.2.3.4", now)
		if err == nil && (!ok || s.Count != 3) {
			t.Fatalf("Lookup after the outage = %+v, %v; want Count 3 (failed records not counted)", s, ok)
		}
		return err
	})
	if err := open.Record(ctx, "1.2.3.4", "slow", now); err != nil {
		t.Fatal(err)
	}
	if s, ok, err := open.Lookup(ctx, "1.2.3.4", now); err != nil || !ok || s.Count != 4 || s.LastReason != "slow" {
		t.Fatalf("Lookup = %+v, %v, %v; want Count 4, reason slow", s, ok, err)
	}
	checkNoLeak(t, client, before)
}

// TestLostRepliesNotRetried cuts connections after Redis ran a limiter
// check or a suspect record: the store reports a failure and never runs
// the command a second time.
func TestLostRepliesNotRetried(t *testing.T) {
	srv := redistest.Start(t)
	proxy := redistest.NewProxy(t, srv.Addr())
	viaProxy := redistest.Client(t, proxy.Addr())
	direct := redistest.Client(t, srv.Addr())
	prefix := redisstore.WithPrefix(redistest.Prefix(t))
	ctx := context.Background()
	l := ratelimit.Limit{Count: 1, Period: time.Hour, Burst: 10}
	lim, err := redisstore.NewLimiter(viaProxy, l, prefix)
	if err != nil {
		t.Fatal(err)
	}
	check, err := redisstore.NewLimiter(direct, l, prefix)
	if err != nil {
		t.Fatal(err)
	}
	sus, err := redisstore.NewSuspects(viaProxy, prefix)
	if err != nil {
		t.Fatal(err)
	}
	susCheck, err := redisstore.NewSuspects(direct, prefix)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	// Warm up: scripts loaded, a connection in the pool.
	if _, err := lim.AllowN(ctx, "k", now, 1); err != nil {
		t.Fatal(err)
	}
	if err := sus.Record(ctx, "s", "r", now); err != nil {
		t.Fatal(err)
	}
	proxy.DropReplies(1)
	if _, err := lim.AllowN(ctx, "k", now, 1); err == nil {
		t.Fatal("AllowN with its reply lost = nil error, want a failure")
	}
	if err := viaProxy.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	proxy.DropReplies(1)
	if err := sus.Record(ctx, "s", "r", now); err == nil {
		t.Fatal("Record with its reply lost = nil, want a failure")
	}
	if d, err := check.AllowN(ctx, "k", now, 0); err != nil || d.Remaining != 8 {
		t.Fatalf("Remaining after a lost reply = %+v, %v; want 8 (counted once, never retried)", d, err)
	}
	if s, ok, err := susCheck.Lookup(ctx, "s", now); err != nil || !ok || s.Count != 2 {
		t.Fatalf("Count after a lost reply = %+v, %v, %v; want 2", s, ok, err)
	}
}

// TestSlowRedis pauses Redis (CLIENT PAUSE): calls end at the context
// deadline or the store's timeout, whichever is earlier, and fail open or
// closed as configured.
func TestSlowRedis(t *testing.T) {
	srv := redistest.Start(t)
	client, before := faultClient(t, srv.Addr())
	admin := redistest.Client(t, srv.Addr())
	prefix := redisstore.WithPrefix(redistest.Prefix(t))
	ctx := context.Background()
	l := ratelimit.Limit{Count: 1, Period: time.Hour, Burst: 5}
	open, err := redisstore.NewLimiter(client, l, prefix, redisstore.WithFailOpen(true), redisstore.WithTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	store, err := redisstore.NewCaptchaStore(client, prefix, redisstore.WithTimeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := store.Put(ctx, testChallenge("slow", now)); err != nil {
		t.Fatal(err)
	}
	if err := admin.Do(ctx, "client", "pause", 1500).Err(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	d, err := open.AllowN(ctx, "k", now, 1)
	if took := time.Since(start); err != nil || !d.Allowed || took > time.Second {
		t.Fatalf("fail-open AllowN on a paused Redis = %+v, %v after %v; want allowed within the 100ms timeout", d, err, took)
	}
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err = store.Attempt(short, "slow", captcha.Digest{9}, now)
	if took := time.Since(start); err == nil || isCaptchaOutcome(err) || took > time.Second {
		t.Fatalf("Attempt on a paused Redis with a 100ms deadline = %v after %v; want a failure within the deadline", err, took)
	}
	if err := admin.Do(ctx, "client", "unpause").Err(); err != nil {
		t.Fatal(err)
	}
	// The timed-out attempt may have run once the pause ended, but never
	// more than once.
	eventually(t, "Get after unpause", func() error {
		c, err := store.Get(ctx, "slow", now)
		if err == nil && c.Attempts > 1 {
			t.Fatalf("Attempts after one timed-out attempt = %d, want at most 1", c.Attempts)
		}
		return err
	})
	checkNoLeak(t, client, before)
}
