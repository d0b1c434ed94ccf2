package limitertest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tollgate/tollgate/ratelimit"
)

// NewFunc returns a fresh limiter enforcing l. It may call t.Skip when the
// backing service is absent and t.Cleanup to release resources.
// Run calls it from one goroutine at a time.
type NewFunc func(t *testing.T, l ratelimit.Limit) ratelimit.KeyLimiter

// Run runs the suite as subtests of t. Every subtest uses its own random
// keys, so limiters sharing a store (or runs sharing a server) do not
// interfere.
//
// Contract checked, beyond GCRA arithmetic: Decision.Limit equals Limit();
// a denied call records nothing; AllowN with n = 0 is allowed and records
// nothing; AllowN with n < 0 or n > Burst returns an error matching
// ratelimit.ErrInvalidN; concurrent calls on one key never allow more than
// the burst.
func Run(t *testing.T, newLimiter NewFunc) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(*testing.T, NewFunc)
	}{
		{"BurstThenDeny", testBurstThenDeny},
		{"RetryAfterWithinInterval", testRetryAfter},
		{"DeniedRecordsNothing", testDeniedRecordsNothing},
		{"KeysIndependent", testKeysIndependent},
		{"Refill", testRefill},
		{"ZeroN", testZeroN},
		{"InvalidN", testInvalidN},
		{"ResetAfter", testResetAfter},
		{"Concurrent", testConcurrent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newLimiter) })
	}
}

// Key returns a random key with the given suffix, unique per call.
func Key(t testing.TB, suffix string) string {
	t.Helper()
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("rand.Read: %v", err)
	}
	return "limitertest:" + hex.EncodeToString(b[:]) + ":" + suffix
}

func allowN(t *testing.T, kl ratelimit.KeyLimiter, key string, n int) ratelimit.Decision {
	t.Helper()
	d, err := kl.AllowN(context.Background(), key, time.Now(), n)
	if err != nil {
		t.Fatalf("AllowN(%q, %d) error = %v, want nil", key, n, err)
	}
	if d.Limit != kl.Limit() {
		t.Errorf("AllowN(%q, %d).Limit = %v, want %v", key, n, d.Limit, kl.Limit())
	}
	return d
}

func wantAllowed(t *testing.T, d ratelimit.Decision, remaining int, what string) {
	t.Helper()
	if !d.Allowed {
		t.Fatalf("%s: Allowed = false (RetryAfter %v), want true", what, d.RetryAfter)
	}
	if d.Remaining != remaining {
		t.Errorf("%s: Remaining = %d, want %d", what, d.Remaining, remaining)
	}
	if d.RetryAfter != 0 {
		t.Errorf("%s: RetryAfter = %v, want 0 when allowed", what, d.RetryAfter)
	}
}

func wantDenied(t *testing.T, d ratelimit.Decision, what string) {
	t.Helper()
	if d.Allowed {
		t.Fatalf("%s: Allowed = true (Remaining %d), want false", what, d.Remaining)
	}
	if d.Remaining != 0 {
		t.Errorf("%s: Remaining = %d, want 0", what, d.Remaining)
	}
	iv := d.Limit.Interval()
	if d.RetryAfter <= 0 || d.RetryAfter > iv {
		t.Errorf("%s: RetryAfter = %v, want in (0, %v]", what, d.RetryAfter, iv)
	}
}

func testBurstThenDeny(t *testing.T, newLimiter NewFunc) {
	l := ratelimit.Limit{Count: 1, Period: time.Hour, Burst: 5}
	kl := newLimiter(t, l)
	if got := kl.Limit(); got != l {
		t.Fatalf("Limit() = %v, want %v", got, l)
	}
	key := Key(t, "burst")
	for i := range l.Burst {
		wantAllowed(t, allowN(t, kl, key, 1), l.Burst-1-i, fmt.Sprintf("event %d", i+1))
	}
	d := allowN(t, kl, key, 1)
	wantDenied(t, d, "event after the burst")
	if max := time.Duration(l.Burst) * l.Interval(); d.ResetAfter <= 0 || d.ResetAfter > max {
		t.Errorf("denied ResetAfter = %v, want in (0, %v]", d.ResetAfter, max)
	}
}

func testRetryAfter(t *testing.T, newLimiter NewFunc) {
	l := ratelimit.Limit{Count: 10, Period: 10 * time.Second, Burst: 2}
	kl := newLimiter(t, l)
	key := Key(t, "retry")
	allowN(t, kl, key, 2)
	d := allowN(t, kl, key, 1)
	wantDenied(t, d, "after AllowN(2)")
	// The burst was spent an instant ago, so one event is due in about one
	// interval; allow half an interval of clock difference and latency.
	if min := l.Interval() / 2; d.RetryAfter < min {
		t.Errorf("RetryAfter = %v, want >= %v", d.RetryAfter, min)
	}
}

func testDeniedRecordsNothing(t *testing.T, newLimiter NewFunc) {
	l := ratelimit.Limit{Count: 1, Period: time.Hour, Burst: 3}
	kl := newLimiter(t, l)
	key := Key(t, "denied")
	wantAllowed(t, allowN(t, kl, key, 2), 1, "AllowN(2)")
	d := allowN(t, kl, key, 2)
	if d.Allowed {
		t.Fatalf("second AllowN(2): Allowed = true, want false")
	}
	if d.Remaining != 1 {
		t.Errorf("second AllowN(2): Remaining = %d, want 1", d.Remaining)
	}
	if d.RetryAfter <= 0 || d.RetryAfter > l.Interval() {
		t.Errorf("second AllowN(2): RetryAfter = %v, want in (0, %v]", d.RetryAfter, l.Interval())
	}
	wantAllowed(t, allowN(t, kl, key, 1), 0, "AllowN(1) after the denial")
	wantDenied(t, allowN(t, kl, key, 1), "AllowN(1) with nothing left")
}

func testKeysIndependent(t *testing.T, newLimiter NewFunc) {
	l := ratelimit.Limit{Count: 1, Period: time.Hour, Burst: 2}
	kl := newLimiter(t, l)
	a, b := Key(t, "a"), Key(t, "b")
	allowN(t, kl, a, 2)
	wantDenied(t, allowN(t, kl, a, 1), "key a after its burst")
	wantAllowed(t, allowN(t, kl, b, 1), 1, "key b")
}

func testRefill(t *testing.T, newLimiter NewFunc) {
	l := ratelimit.Limit{Count: 20, Period: time.Second, Burst: 1} // one every 50ms
	kl := newLimiter(t, l)
	key := Key(t, "refill")
	wantAllowed(t, allowN(t, kl, key, 1), 0, "first event")
	d := allowN(t, kl, key, 1)
	wantDenied(t, d, "second event at once")
	time.Sleep(d.RetryAfter + 25*time.Millisecond)
	wantAllowed(t, allowN(t, kl, key, 1), 0, "event after RetryAfter")
}

func testZeroN(t *testing.T, newLimiter NewFunc) {
	l := ratelimit.Limit{Count: 1, Period: time.Hour, Burst: 2}
	kl := newLimiter(t, l)
	key := Key(t, "zero")
	wantAllowed(t, allowN(t, kl, key, 0), 2, "AllowN(0) on a fresh key")
	wantAllowed(t, allowN(t, kl, key, 2), 0, "AllowN(2) after AllowN(0)")
	d := allowN(t, kl, key, 0)
	if !d.Allowed || d.Remaining != 0 {
		t.Errorf("AllowN(0) with nothing left = Allowed %v Remaining %d, want true 0", d.Allowed, d.Remaining)
	}
}

func testInvalidN(t *testing.T, newLimiter NewFunc) {
	l := ratelimit.Limit{Count: 1, Period: time.Hour, Burst: 2}
	kl := newLimiter(t, l)
	key := Key(t, "invalid")
	for _, n := range []int{-1, l.Burst + 1} {
		d, err := kl.AllowN(context.Background(), key, time.Now(), n)
		if !errors.Is(err, ratelimit.ErrInvalidN) {
			t.Errorf("AllowN(%d) error = %v, want ErrInvalidN", n, err)
		}
		if d.Allowed {
			t.Errorf("AllowN(%d).Allowed = true, want false", n)
		}
	}
	wantAllowed(t, allowN(t, kl, key, 2), 0, "AllowN(burst) after invalid calls")
}

func testResetAfter(t *testing.T, newLimiter NewFunc) {
	l := ratelimit.Limit{Count: 1, Period: time.Minute, Burst: 4}
	kl := newLimiter(t, l)
	key := Key(t, "reset")
	slack := 5 * time.Second
	for i := 1; i <= 3; i++ {
		d := allowN(t, kl, key, 1)
		want := time.Duration(i) * l.Interval()
		if d.ResetAfter > want || d.ResetAfter < want-slack {
			t.Errorf("after %d events ResetAfter = %v, want about %v", i, d.ResetAfter, want)
		}
	}
}

func testConcurrent(t *testing.T, newLimiter NewFunc) {
	l := ratelimit.Limit{Count: 1, Period: time.Hour, Burst: 50}
	kl := newLimiter(t, l)
	key := Key(t, "concurrent")
	var allowed atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				d, err := kl.AllowN(context.Background(), key, time.Now(), 1)
				if err != nil {
					errs <- err
					return
				}
				if d.Allowed {
					allowed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("AllowN error = %v", err)
	}
	if got := allowed.Load(); got != int64(l.Burst) {
		t.Errorf("160 concurrent events on one key: allowed %d, want exactly %d", got, l.Burst)
	}
}
