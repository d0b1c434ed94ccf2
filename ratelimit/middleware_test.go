package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

func serve(h http.Handler, remote string, hdr map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", "/login", nil)
	r.RemoteAddr = remote
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

var okHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })

func TestKeyMiddleware(t *testing.T) {
	l := Limit{Count: 1, Period: time.Minute, Burst: 2}
	m, err := NewMemoryKeyLimiter(l)
	if err != nil {
		t.Fatal(err)
	}
	now := epoch
	var events []Event
	h := KeyMiddleware(m, (&IPExtractor{}).Key, WithNow(func() time.Time { return now }),
		WithPolicyName("login"),
		WithMiddlewareEventHook(func(_ context.Context, e Event) { events = append(events, e) }))(okHandler)

	tests := []struct {
		status             int
		rateLimit, retryAf string
	}{
		{200, `"login";r=1;t=60`, ""},
		{200, `"login";r=0;t=120`, ""},
		{429, `"login";r=0;t=120`, "60"},
	}
	for i, tc := range tests {
		// A forged X-Forwarded-For must not give a fresh key.
		w := serve(h, "198.51.100.7:1000", map[string]string{"X-Forwarded-For": fmt.Sprint("1.1.1.", i)})
		if w.Code != tc.status {
			t.Fatalf("request %d: status = %d, want %d", i, w.Code, tc.status)
		}
		if got := w.Header().Get("RateLimit"); got != tc.rateLimit {
			t.Errorf("request %d: RateLimit = %q, want %q", i, got, tc.rateLimit)
		}
		if got := w.Header().Get("RateLimit-Policy"); got != `"login";q=2;w=120` {
			t.Errorf("request %d: RateLimit-Policy = %q, want %q", i, got, `"login";q=2;w=120`)
		}
		if got := w.Header().Get("Retry-After"); got != tc.retryAf {
			t.Errorf("request %d: Retry-After = %q, want %q", i, got, tc.retryAf)
		}
	}
	if len(events) != 1 || events[0].Type != EventKeyLimited || events[0].Key != "ip:198.51.100.7" {
		t.Errorf("events = %+v, want one key_limited for ip:198.51.100.7", events)
	}
	// Another client is not affected.
	if w := serve(h, "198.51.100.8:1000", nil); w.Code != 200 {
		t.Errorf("other client: status = %d, want 200", w.Code)
	}
	// Time passes: one interval later one more request fits.
	now = now.Add(time.Minute)
	if w := serve(h, "198.51.100.7:1000", nil); w.Code != 200 {
		t.Errorf("after one interval: status = %d, want 200", w.Code)
	}
	// Bad client address.
	if w := serve(h, "garbage", nil); w.Code != http.StatusBadRequest {
		t.Errorf("bad RemoteAddr: status = %d, want 400", w.Code)
	}
}

type failingLimiter struct{ l Limit }

func (f failingLimiter) AllowN(context.Context, string, time.Time, int) (Decision, error) {
	return Decision{}, errors.New("store down")
}
func (f failingLimiter) Limit() Limit { return f.l }

func TestKeyMiddlewareFailures(t *testing.T) {
	fl := failingLimiter{Limit{Count: 1, Period: time.Second, Burst: 1}}
	key := func(*http.Request) (string, error) { return "k", nil }
	if w := serve(KeyMiddleware(fl, key)(okHandler), "192.0.2.1:1", nil); w.Code != 503 || w.Header().Get("Retry-After") != "1" {
		t.Errorf("failing store, fail closed: status %d Retry-After %q, want 503 and 1", w.Code, w.Header().Get("Retry-After"))
	}
	if w := serve(KeyMiddleware(fl, key, WithFailOpen())(okHandler), "192.0.2.1:1", nil); w.Code != 200 {
		t.Errorf("failing store, fail open: status %d, want 200", w.Code)
	}
	skip := func(*http.Request) (string, error) { return "", nil }
	if w := serve(KeyMiddleware(fl, skip)(okHandler), "192.0.2.1:1", nil); w.Code != 200 || w.Header().Get("RateLimit") != "" {
		t.Errorf("empty key: status %d RateLimit %q, want 200 and no header", w.Code, w.Header().Get("RateLimit"))
	}
	var got error
	custom := WithErrorHandler(func(w http.ResponseWriter, r *http.Request, err error) {
		got = err
		w.WriteHeader(418)
	})
	m, _ := NewMemoryKeyLimiter(Limit{Count: 1, Period: time.Hour, Burst: 1})
	h := KeyMiddleware(m, key, custom, WithoutRateLimitHeaders())(okHandler)
	serve(h, "192.0.2.1:1", nil)
	w := serve(h, "192.0.2.1:1", nil)
	var le *LimitedError
	if w.Code != 418 || !errors.As(got, &le) || !errors.Is(got, ErrLimited) || le.Key != "k" {
		t.Errorf("custom handler: status %d err %v, want 418 with *LimitedError for key k", w.Code, got)
	}
	if w.Header().Get("RateLimit") != "" {
		t.Errorf("WithoutRateLimitHeaders: RateLimit = %q, want none", w.Header().Get("RateLimit"))
	}
}

func TestLimiterMiddleware(t *testing.T) {
	l, _ := newTestLimiter(t, WithTotal(2), WithClasses(
		Class{Name: "user", Criticality: NeverShed},
		Class{Name: "bg", Criticality: Sheddable},
	))
	m, _ := NewMemoryKeyLimiter(Limit{Count: 1, Period: time.Hour, Burst: 3})
	var inFlight int
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inFlight = l.Stats().InFlight
		w.WriteHeader(204)
	})
	classify := func(r *http.Request) string { return r.Header.Get("X-Class") }
	h := l.Middleware(classify, WithKeyLimit(m, (&IPExtractor{}).Key))(inner)

	w := serve(h, "192.0.2.1:1", map[string]string{"X-Class": "user"})
	if w.Code != 204 || inFlight != 1 || l.Stats().InFlight != 0 {
		t.Errorf("admitted request: status %d, seats in handler %d, after %d; want 204, 1, 0", w.Code, inFlight, l.Stats().InFlight)
	}
	if w.Header().Get("RateLimit") != `"default";r=2;t=3600` {
		t.Errorf("RateLimit = %q", w.Header().Get("RateLimit"))
	}
	if w := serve(h, "192.0.2.1:1", map[string]string{"X-Class": "nope"}); w.Code != 500 {
		t.Errorf("unknown class: status %d, want 500", w.Code)
	}

	// Shed: level high enough to shed bg, its only seat held.
	hold := mustTry(t, l, "bg")
	defer hold.Release()
	l.level.Store(int32(LevelCritical))
	w = serve(h, "192.0.2.2:1", map[string]string{"X-Class": "bg"})
	ra, _ := strconv.Atoi(w.Header().Get("Retry-After"))
	if w.Code != 503 || ra < 16 || ra > 32 {
		t.Errorf("shed request: status %d Retry-After %d, want 503 with 16..32", w.Code, ra)
	}
	// Per-key limit checked first: 429 even for a class that would pass.
	for range 3 {
		serve(h, "192.0.2.3:1", map[string]string{"X-Class": "user"})
	}
	if w := serve(h, "192.0.2.3:1", map[string]string{"X-Class": "user"}); w.Code != 429 {
		t.Errorf("over the per-key limit: status %d, want 429", w.Code)
	}
}

func TestSetRateLimitHeaders(t *testing.T) {
	h := http.Header{}
	d := Decision{Allowed: true, Limit: Limit{Count: 3, Period: time.Second, Burst: 5}, Remaining: 4, ResetAfter: 333 * time.Millisecond}
	SetRateLimitHeaders(h, `we"ird\name`, d)
	if got, want := h.Get("RateLimit-Policy"), `"we\"ird\\name";q=5;w=2`; got != want {
		t.Errorf("RateLimit-Policy = %s, want %s", got, want)
	}
	if got, want := h.Get("RateLimit"), `"we\"ird\\name";r=4;t=1`; got != want {
		t.Errorf("RateLimit = %s, want %s", got, want)
	}
	SetRetryAfter(h, 1500*time.Millisecond)
	if got := h.Get("Retry-After"); got != "2" {
		t.Errorf("Retry-After for 1.5s = %s, want 2", got)
	}
	SetRetryAfter(h, 0)
	if got := h.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After for 0 = %s, want 1", got)
	}
}
