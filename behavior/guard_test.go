package behavior_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tollgate/tollgate/behavior"
)

// fakeClock hands every timer to the test, which fires it.
type fakeClock struct {
	now    time.Time
	timers chan *fakeTimer
}

type fakeTimer struct {
	d       time.Duration
	c       chan time.Time
	stopped atomic.Bool
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), timers: make(chan *fakeTimer, 4)}
}

func (c *fakeClock) Now() time.Time { return c.now }

func (c *fakeClock) NewTimer(d time.Duration) (<-chan time.Time, func() bool) {
	ft := &fakeTimer{d: d, c: make(chan time.Time, 1)}
	c.timers <- ft
	return ft.c, func() bool { return !ft.stopped.Swap(true) }
}

func (c *fakeClock) nextTimer(t *testing.T) *fakeTimer {
	t.Helper()
	select {
	case ft := <-c.timers:
		return ft
	case <-time.After(5 * time.Second):
		t.Fatal("no timer was started")
		return nil
	}
}

type eventLog struct {
	mu     sync.Mutex
	events []behavior.Event
}

func (l *eventLog) hook(_ context.Context, e behavior.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}

func (l *eventLog) types() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, e := range l.events {
		out = append(out, e.Type)
	}
	return out
}

func (l *eventLog) last() behavior.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.events[len(l.events)-1]
}

// protected is the handler behind the guard; it counts its calls.
type protected struct{ calls atomic.Int32 }

func (p *protected) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.calls.Add(1)
	res, ok := behavior.ResultFromContext(r.Context())
	if ok {
		w.Header().Set("X-Verdict", res.Verdict.String())
	}
	io.WriteString(w, "welcome "+r.PostFormValue("user"))
}

var decoy = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	io.WriteString(w, "welcome")
})

func TestGuardDeceivesBots(t *testing.T) {
	clk := newFakeClock()
	var log eventLog
	reg := behavior.NewMemorySuspects()
	next := &protected{}
	h := behavior.Guard(behavior.NewScorer(),
		behavior.WithDecoy(decoy), behavior.WithClock(clk), behavior.WithRandom(func() float64 { return 0.25 }),
		behavior.WithEventHook(log.hook), behavior.WithSuspects(reg))(next)

	r := formPost(t, url.Values{"user": {"mallory"}, "pass": {"x"}, behavior.DefaultField: {"{"}}) // forged telemetry
	r.RemoteAddr = "203.0.113.9:4711"
	w := httptest.NewRecorder()
	done := make(chan struct{})
	go func() { h.ServeHTTP(w, r); close(done) }()

	ft := clk.nextTimer(t)
	if want := 3500 * time.Millisecond; ft.d != want {
		t.Errorf("delay = %v, want %v (3 s + 0.25 × 2 s)", ft.d, want)
	}
	select {
	case <-done:
		t.Fatal("the handler answered before the delay")
	default:
	}
	ft.c <- clk.now.Add(ft.d)
	<-done

	if w.Code != http.StatusOK || w.Body.String() != "welcome" {
		t.Errorf("response = %d %q, want the decoy's 200 \"welcome\"", w.Code, w.Body.String())
	}
	if n := next.calls.Load(); n != 0 {
		t.Errorf("protected handler called %d times, want 0", n)
	}
	s, ok, err := reg.Lookup(context.Background(), "203.0.113.9", clk.now)
	if err != nil || !ok || s.Count != 1 || s.LastReason != behavior.ReasonMalformed || !s.LastSeen.Equal(clk.now) {
		t.Errorf("suspects Lookup = %+v, %v, %v; want count 1, reason malformed, seen now", s, ok, err)
	}
	if got := log.types(); strings.Join(got, ",") != behavior.EventVerdict+","+behavior.EventDeceived {
		t.Errorf("events = %v, want verdict then deceived", got)
	}
	if e := log.last(); e.Delay != ft.d || e.Key != "203.0.113.9" || e.Result.Verdict != behavior.VerdictBot || !e.Time.Equal(clk.now) {
		t.Errorf("deceived event = %+v", e)
	}
}

func TestGuardPassesPeople(t *testing.T) {
	human, _ := scenario(t, "human_login")
	doc, _ := human.MarshalJSON()
	var log eventLog
	next := &protected{}
	h := behavior.Guard(behavior.NewScorer(), behavior.WithEventHook(log.hook))(next)

	w := httptest.NewRecorder()
	h.ServeHTTP(w, formPost(t, url.Values{behavior.DefaultField: {string(doc)}, "user": {strings.Repeat("a", 23)}, "pass": {strings.Repeat("b", 15)}}))
	if next.calls.Load() != 1 || w.Header().Get("X-Verdict") != "human" || w.Body.String() != "welcome "+strings.Repeat("a", 23) {
		t.Errorf("calls %d, X-Verdict %q, body %q; want the handler to run with a human Result and the parsed form",
			next.calls.Load(), w.Header().Get("X-Verdict"), w.Body.String())
	}
	if got := log.types(); len(got) != 1 || got[0] != behavior.EventVerdict {
		t.Errorf("events = %v, want one verdict", got)
	}

	// GET is not judged; a post that is not a form is refused, never
	// passed on unjudged (a handler reading r.FormValue would take its
	// credentials from the URL query).
	for _, tc := range []struct {
		r      *http.Request
		status int
	}{
		{httptest.NewRequest(http.MethodGet, "/login", nil), http.StatusOK},
		{func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/api?user=a", strings.NewReader(`{"user":"a"}`))
			r.Header.Set("Content-Type", "application/json")
			return r
		}(), http.StatusUnsupportedMediaType},
		{httptest.NewRequest(http.MethodDelete, "/login?user=a", nil), http.StatusUnsupportedMediaType},
	} {
		ran := false
		h := behavior.Guard(behavior.NewScorer())(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, judged := behavior.ResultFromContext(r.Context())
			ran = !judged
		}))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, tc.r)
		if w.Code != tc.status || ran != (tc.status == http.StatusOK) {
			t.Errorf("Guard(%s %s) = %d, handler ran unjudged %v; want %d", tc.r.Method, tc.r.Header.Get("Content-Type"), w.Code, ran, tc.status)
		}
	}
}

func TestGuardCanceledDuringDelay(t *testing.T) {
	clk := newFakeClock()
	var log eventLog
	next := &protected{}
	h := behavior.Guard(behavior.NewScorer(), behavior.WithClock(clk), behavior.WithEventHook(log.hook))(next)
	ctx, cancel := context.WithCancel(context.Background())
	r := formPost(t, url.Values{"user": {"x"}, behavior.DefaultField: {"{"}}).WithContext(ctx)
	w := httptest.NewRecorder()
	done := make(chan struct{})
	go func() { h.ServeHTTP(w, r); close(done) }()
	ft := clk.nextTimer(t)
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("handler did not return after the request was canceled")
	}
	if !ft.stopped.Load() {
		t.Errorf("timer not stopped")
	}
	if w.Body.Len() != 0 || w.Flushed || next.calls.Load() != 0 {
		t.Errorf("wrote %q (flushed %v), handler calls %d; want nothing", w.Body.String(), w.Flushed, next.calls.Load())
	}
	if e := log.last(); e.Type != behavior.EventCanceled || e.Delay != ft.d {
		t.Errorf("last event = %+v, want canceled with the delay", e)
	}
}

type failingSuspects struct{}

func (failingSuspects) Record(context.Context, string, string, time.Time) error {
	return errors.New("store down")
}

func (failingSuspects) Lookup(context.Context, string, time.Time) (behavior.Suspect, bool, error) {
	return behavior.Suspect{}, false, nil
}

func TestGuardOptions(t *testing.T) {
	t.Run("deceive suspects", func(t *testing.T) {
		clk := newFakeClock()
		next := &protected{}
		s := behavior.NewScorer(behavior.WithWeight(behavior.ReasonMalformed, 0.6))
		h := behavior.Guard(s, behavior.WithClock(clk), behavior.WithDeceiveAt(behavior.VerdictSuspect),
			behavior.WithDelay(time.Second, time.Second))(next)
		w := httptest.NewRecorder()
		done := make(chan struct{})
		go func() {
			h.ServeHTTP(w, formPost(t, url.Values{"user": {"x"}, behavior.DefaultField: {"{"}}))
			close(done)
		}()
		ft := clk.nextTimer(t)
		if ft.d != time.Second {
			t.Errorf("delay = %v, want 1s", ft.d)
		}
		ft.c <- clk.now
		<-done
		if w.Code != http.StatusForbidden || next.calls.Load() != 0 {
			t.Errorf("default decoy = %d, handler calls %d; want 403 and none", w.Code, next.calls.Load())
		}
	})
	t.Run("suspects error and custom key", func(t *testing.T) {
		clk := newFakeClock()
		var log eventLog
		h := behavior.Guard(behavior.NewScorer(), behavior.WithClock(clk), behavior.WithEventHook(log.hook),
			behavior.WithSuspects(failingSuspects{}),
			behavior.WithKeyFunc(func(r *http.Request) string { return r.Header.Get("X-Client") }))(&protected{})
		r := formPost(t, url.Values{"user": {"x"}, behavior.DefaultField: {"{"}})
		r.Header.Set("X-Client", "c1")
		done := make(chan struct{})
		go func() { h.ServeHTTP(httptest.NewRecorder(), r); close(done) }()
		clk.nextTimer(t).c <- clk.now
		<-done
		got := log.types()
		if strings.Join(got, ",") != "behavior.verdict,behavior.error,behavior.deceived" {
			t.Errorf("events = %v, want verdict, error, deceived", got)
		}
		if e := log.events[1]; e.Err == nil || e.Key != "c1" {
			t.Errorf("error event = %+v", e)
		}
	})
	t.Run("elapsed", func(t *testing.T) {
		human, _ := scenario(t, "human_login")
		doc, _ := human.MarshalJSON()
		var log eventLog
		h := behavior.Guard(behavior.NewScorer(), behavior.WithEventHook(log.hook), behavior.WithDeceiveAt(behavior.VerdictBot),
			behavior.WithElapsed(func(*http.Request) time.Duration { return time.Second }))(&protected{})
		h.ServeHTTP(httptest.NewRecorder(), formPost(t, url.Values{behavior.DefaultField: {string(doc)}}))
		if e := log.events[0]; !e.Result.Has(behavior.ReasonClockMismatch) {
			t.Errorf("verdict %+v lacks clock_mismatch", e.Result)
		}
	})
	// Input that cannot be parsed is refused before any check, never
	// passed on unscored: issue 14's "POST /login?%zz" with a multipart
	// body used to reach the handler.
	for _, tc := range []struct {
		name, target, ct, body string
		status                 int
	}{
		{"broken multipart", "/", "multipart/form-data; boundary=zz", "x", 400},
		{"bad query, multipart body", "/login?%zz", "multipart/form-data; boundary=zz",
			"--zz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--zz--\r\n", 400},
		{"bad escape in body", "/login", "application/x-www-form-urlencoded", "a=%zz", 400},
		{"too large", "/login", "application/x-www-form-urlencoded", "a=" + strings.Repeat("x", behavior.MaxFormBytes), 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log eventLog
			next := &protected{}
			h := behavior.Guard(behavior.NewScorer(), behavior.WithEventHook(log.hook))(next)
			r := httptest.NewRequest(http.MethodPost, tc.target, strings.NewReader(tc.body))
			r.Header.Set("Content-Type", tc.ct)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if next.calls.Load() != 0 || w.Code != tc.status || len(log.types()) != 1 || log.types()[0] != behavior.EventError {
				t.Errorf("Guard(%s) = %d, handler calls %d, events %v; want %d, 0 calls, one error event",
					tc.name, w.Code, next.calls.Load(), log.types(), tc.status)
			}
		})
	}
}

func TestDeceiveRealClock(t *testing.T) {
	var log eventLog
	h := behavior.Deceive(behavior.WithDecoy(decoy), behavior.WithDelay(2*time.Millisecond, 4*time.Millisecond), behavior.WithEventHook(log.hook))
	w := httptest.NewRecorder()
	start := time.Now()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", nil))
	if time.Since(start) < 2*time.Millisecond || w.Body.String() != "welcome" {
		t.Errorf("Deceive answered %q after %v, want the decoy after ≥ 2ms", w.Body.String(), time.Since(start))
	}
	if e := log.last(); e.Type != behavior.EventDeceived || e.Delay < 2*time.Millisecond || e.Delay > 4*time.Millisecond {
		t.Errorf("event = %+v", e)
	}
}

func TestRemoteHost(t *testing.T) {
	for _, tc := range []struct{ addr, want string }{
		{"192.0.2.1:1234", "192.0.2.1"}, {"[2001:db8::1]:80", "2001:db8::1"}, {"pipe", "pipe"},
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = tc.addr
		if got := behavior.RemoteHost(r); got != tc.want {
			t.Errorf("RemoteHost(%q) = %q, want %q", tc.addr, got, tc.want)
		}
	}
}

// TestGuardNeverDeceivesMissingTelemetry: a post with no telemetry (a
// person with JavaScript off) scores bot but reaches the handler, with
// the Result in its context, to be asked for a CAPTCHA; never the decoy.
func TestGuardNeverDeceivesMissingTelemetry(t *testing.T) {
	var got behavior.Result
	h := behavior.Guard(behavior.NewScorer(), behavior.WithDelay(0, 0))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = behavior.ResultFromContext(r.Context())
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, formPost(t, url.Values{"user": {"kim"}, "pass": {"x"}}))
	if got.Verdict != behavior.VerdictBot || !got.Has(behavior.ReasonNoTelemetry) {
		t.Fatalf("handler saw %+v (status %d), want the bot verdict for no_telemetry, not the decoy", got, w.Code)
	}
	if got.Deceives(behavior.VerdictBot) {
		t.Error("Result.Deceives(bot) = true for missing telemetry alone, want false")
	}
}
