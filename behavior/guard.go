package behavior

import (
	"context"
	"math/rand/v2"
	"net"
	"net/http"
	"time"

	"github.com/tollgate/tollgate/internal/intake"
)

// Clock is the time source of a Guard and of Deceive: Now stamps events and
// Suspects records, NewTimer paces the decoy delay. Implementations must be
// safe for concurrent use.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// NewTimer returns a channel that receives once d has passed, and a
	// function that stops the timer (as time.Timer.Stop).
	NewTimer(d time.Duration) (c <-chan time.Time, stop func() bool)
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) NewTimer(d time.Duration) (<-chan time.Time, func() bool) {
	t := time.NewTimer(d)
	return t.C, t.Stop
}

// Event is what a Guard or Deceive reports to the hook set with
// WithEventHook. It is a plain value passed to one hook call; the hook may
// keep it.
type Event struct {
	// Type is one of the Event* constants.
	Type string
	// Time is when it happened, from the Clock.
	Time time.Time
	// Key is the client key (WithKeyFunc), "" when none was derived.
	Key string
	// Result is the scoring result (EventVerdict, EventDeceived,
	// EventCanceled).
	Result Result
	// Delay is the decoy delay (EventDeceived, EventCanceled).
	Delay time.Duration
	// Err is the error (EventError).
	Err error
}

// Event types reported to the hook. The strings are stable.
const (
	// EventVerdict: a form post was scored; Result holds the outcome.
	EventVerdict = "behavior.verdict"
	// EventDeceived: a decoy response was sent after Delay.
	EventDeceived = "behavior.deceived"
	// EventCanceled: the request was canceled (client gone) during the
	// decoy delay; no response was written.
	EventCanceled = "behavior.deceive_canceled"
	// EventError: the form could not be parsed (the request was refused),
	// or Suspects.Record failed.
	EventError = "behavior.error"
)

// Default decoy delay bounds.
const (
	DefaultMinDelay = 3 * time.Second
	DefaultMaxDelay = 5 * time.Second
)

type guardConfig struct {
	decoy            http.Handler
	minDelay         time.Duration
	maxDelay         time.Duration
	random           func() float64
	clock            Clock
	hook             func(context.Context, Event)
	suspects         Suspects
	key              func(*http.Request) string
	elapsed          func(*http.Request) time.Duration
	deceiveAt        Verdict
	delaySet, keySet bool
}

// GuardOption configures Guard and Deceive.
type GuardOption func(*guardConfig)

// WithDecoy sets the handler that answers requests judged bots, after the
// delay. The default answers 403 with the body "Forbidden". A decoy that
// looks like the protected handler's normal answer (a fake success, or the
// usual "wrong password" page) tells the bot the least.
func WithDecoy(h http.Handler) GuardOption { return func(c *guardConfig) { c.decoy = h } }

// WithDelay sets the bounds of the random decoy delay (default 3 s to 5 s).
// Negative values count as 0; max below min is raised to min.
func WithDelay(minDelay, maxDelay time.Duration) GuardOption {
	return func(c *guardConfig) {
		c.minDelay, c.maxDelay, c.delaySet = max(minDelay, 0), max(maxDelay, 0), true
	}
}

// WithRandom sets the source of randomness for the delay: a function
// returning values in [0, 1), safe for concurrent use. The default is
// math/rand/v2's Float64.
func WithRandom(f func() float64) GuardOption { return func(c *guardConfig) { c.random = f } }

// WithClock sets the clock (default: the system clock and time.NewTimer).
func WithClock(clk Clock) GuardOption { return func(c *guardConfig) { c.clock = clk } }

// WithEventHook sets a function called with each Event; it runs on the
// request's goroutine and must be safe for concurrent use.
func WithEventHook(f func(context.Context, Event)) GuardOption {
	return func(c *guardConfig) { c.hook = f }
}

// WithSuspects makes the Guard record every bot verdict in reg under the
// request's key (see WithKeyFunc), with the strongest reason code.
func WithSuspects(reg Suspects) GuardOption { return func(c *guardConfig) { c.suspects = reg } }

// WithKeyFunc sets how the Guard derives a client key from a request, for
// Suspects and events. The default is the host part of r.RemoteAddr; behind
// a proxy, pass a function that reads the trusted forwarded address.
// Returning "" skips recording.
func WithKeyFunc(f func(*http.Request) string) GuardOption {
	return func(c *guardConfig) { c.key, c.keySet = f, true }
}

// WithElapsed sets a function that returns the server's own time from
// serving the form to this post (for example from a signed timestamp in the
// form), passed to the scorer as Submission.Elapsed. Default: unknown.
func WithElapsed(f func(*http.Request) time.Duration) GuardOption {
	return func(c *guardConfig) { c.elapsed = f }
}

// WithDeceiveAt sets the lowest verdict answered with the decoy (default
// VerdictBot). VerdictSuspect deceives suspects too; VerdictHuman is raised
// to VerdictSuspect.
func WithDeceiveAt(v Verdict) GuardOption {
	return func(c *guardConfig) { c.deceiveAt = max(v, VerdictSuspect) }
}

func newGuardConfig(opts []GuardOption) guardConfig {
	c := guardConfig{deceiveAt: VerdictBot}
	for _, o := range opts {
		o(&c)
	}
	if c.decoy == nil {
		c.decoy = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "Forbidden", http.StatusForbidden)
		})
	}
	if !c.delaySet {
		c.minDelay, c.maxDelay = DefaultMinDelay, DefaultMaxDelay
	}
	c.maxDelay = max(c.maxDelay, c.minDelay)
	if c.random == nil {
		c.random = rand.Float64
	}
	if c.clock == nil {
		c.clock = realClock{}
	}
	if !c.keySet {
		c.key = RemoteHost
	}
	if c.key == nil {
		c.key = func(*http.Request) string { return "" }
	}
	return c
}

// RemoteHost returns the host part of r.RemoteAddr (the whole of it when it
// has no port): the Guard's default client key.
func RemoteHost(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

func (c *guardConfig) emit(ctx context.Context, e Event) {
	if c.hook != nil {
		e.Time = c.clock.Now()
		c.hook(ctx, e)
	}
}

func (c *guardConfig) delay() time.Duration {
	f := c.random()
	if !(f >= 0 && f < 1) {
		f = 0
	}
	return c.minDelay + time.Duration(f*float64(c.maxDelay-c.minDelay))
}

// deceive waits the random delay, parked on a timer and the request's
// context, then serves the decoy. It returns without writing anything if
// the request is canceled first.
func (c *guardConfig) deceive(w http.ResponseWriter, r *http.Request, key string, res Result) {
	d := c.delay()
	ch, stop := c.clock.NewTimer(d)
	select {
	case <-ch:
	case <-r.Context().Done():
		stop()
		c.emit(r.Context(), Event{Type: EventCanceled, Key: key, Result: res, Delay: d})
		return
	}
	c.decoy.ServeHTTP(w, r)
	c.emit(r.Context(), Event{Type: EventDeceived, Key: key, Result: res, Delay: d})
}

// Deceive returns a handler that answers every request with the decoy
// (WithDecoy) after a random delay (WithDelay, WithRandom, WithClock),
// reporting EventDeceived or EventCanceled to the hook; other options are
// ignored. Use it when the host scores requests itself:
//
//	if res.Verdict == behavior.VerdictBot { deceive.ServeHTTP(w, r); return }
//
// While waiting, the request's goroutine is parked on a timer and the
// request context, nothing else; if the client goes away the handler
// returns at once without writing. The handler is safe for concurrent use.
func Deceive(opts ...GuardOption) http.Handler {
	c := newGuardConfig(opts)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.deceive(w, r, c.key(r), Result{})
	})
}

type resultKey struct{}

// NewContext returns a copy of ctx carrying the Result, for
// ResultFromContext: Guard stores it so, and so does a host (or the root
// tollgate package) that scores requests itself.
func NewContext(ctx context.Context, r Result) context.Context {
	return context.WithValue(ctx, resultKey{}, r)
}

// ResultFromContext returns the Result a Guard stored in the request
// context, and whether there was one (only form posts are scored).
func ResultFromContext(ctx context.Context) (Result, bool) {
	r, ok := ctx.Value(resultKey{}).(Result)
	return r, ok
}

// Guard returns middleware that scores form posts with s and answers those
// judged bots with a decoy, without calling the protected handler.
//
// For each request but GET and HEAD it calls s.ScoreRequest (which parses
// the form: the handler finds it in r.PostForm), reports EventVerdict, and
// then:
//   - at or above the deceive verdict (default VerdictBot, see
//     WithDeceiveAt), on posted telemetry (Result.Deceives: a post with no
//     telemetry at all is never deceived, since a person with JavaScript
//     off sends none): records the key in Suspects (WithSuspects), waits a
//     random delay (default 3–5 s) parked on a timer and the request
//     context, and serves the decoy (WithDecoy); the protected handler is
//     not called;
//   - otherwise: calls next with the Result in the request context (see
//     ResultFromContext), so the handler can, say, ask a suspect, or a
//     post without telemetry, for a CAPTCHA.
//
// GET and HEAD go to next untouched. A request whose URL query or body
// cannot be parsed, or whose body is not a form (see ScoreRequest), is
// answered 400 (413 when over MaxFormBytes, 415 when not a form) with
// EventError and never reaches next: client input that
// cannot be parsed is no reason to skip the check. Each deceived request
// holds its connection and a parked goroutine for the delay: put an
// admission limit (package ratelimit) in front of the Guard to bound how
// many wait at once. The middleware is safe for concurrent use.
func Guard(s *Scorer, opts ...GuardOption) func(http.Handler) http.Handler {
	c := newGuardConfig(opts)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !isChecked(r) {
				next.ServeHTTP(w, r)
				return
			}
			ctx := r.Context()
			var elapsed time.Duration
			if c.elapsed != nil {
				elapsed = c.elapsed(r)
			}
			key := c.key(r)
			res, err := s.ScoreRequest(r, elapsed)
			if err != nil {
				c.emit(ctx, Event{Type: EventError, Key: key, Err: err})
				status := intake.Status(err)
				http.Error(w, http.StatusText(status), status)
				return
			}
			c.emit(ctx, Event{Type: EventVerdict, Key: key, Result: res})
			if res.Deceives(c.deceiveAt) {
				if c.suspects != nil && key != "" {
					reason := ""
					if len(res.Reasons) > 0 {
						reason = res.Reasons[0].Code
					}
					if err := c.suspects.Record(ctx, key, reason, c.clock.Now()); err != nil {
						c.emit(ctx, Event{Type: EventError, Key: key, Err: err})
					}
				}
				c.deceive(w, r, key, res)
				return
			}
			next.ServeHTTP(w, r.WithContext(NewContext(ctx, res)))
		})
	}
}

// isChecked reports whether Guard scores a request: every method but GET
// and HEAD, whatever its body (one that is not a form is refused).
func isChecked(r *http.Request) bool {
	return r.Method != http.MethodGet && r.Method != http.MethodHead
}
