package ratelimit

import (
	"errors"
	"net/http"
	"time"
)

// ErrorHandler writes the response for a request the middleware rejects.
// It is called from many goroutines at once and must be safe for concurrent use.
type ErrorHandler func(w http.ResponseWriter, r *http.Request, err error)

// MiddlewareOption configures Limiter.Middleware and KeyMiddleware.
// Options are safe for concurrent use.
type MiddlewareOption func(*mwConfig)

type mwConfig struct {
	onError  ErrorHandler
	kl       KeyLimiter
	key      KeyFunc
	policy   string
	headers  bool
	failOpen bool
	now      func() time.Time
	hook     EventHook
}

// WithErrorHandler replaces DefaultErrorHandler.
func WithErrorHandler(h ErrorHandler) MiddlewareOption {
	return func(c *mwConfig) { c.onError = h }
}

// WithKeyLimit adds a per-key limit to Limiter.Middleware, checked before
// the request takes a seat: the key function names the key (for example
// (*IPExtractor).Key) and kl limits it.
func WithKeyLimit(kl KeyLimiter, key KeyFunc) MiddlewareOption {
	return func(c *mwConfig) { c.kl, c.key = kl, key }
}

// WithPolicyName sets the policy identifier of the RateLimit fields
// (default DefaultPolicyName).
func WithPolicyName(name string) MiddlewareOption { return func(c *mwConfig) { c.policy = name } }

// WithoutRateLimitHeaders stops the middleware from setting the RateLimit
// and RateLimit-Policy fields (Retry-After is still set on rejections).
func WithoutRateLimitHeaders() MiddlewareOption { return func(c *mwConfig) { c.headers = false } }

// WithFailOpen lets requests through when the KeyLimiter fails (for example
// a shared store is unreachable). By default such requests are rejected
// with the store's error (503 by DefaultErrorHandler).
func WithFailOpen() MiddlewareOption { return func(c *mwConfig) { c.failOpen = true } }

// WithNow sets the time source passed to KeyLimiter.AllowN (default
// time.Now; Limiter.Middleware uses the limiter's clock).
func WithNow(now func() time.Time) MiddlewareOption { return func(c *mwConfig) { c.now = now } }

// WithMiddlewareEventHook sets the hook that receives EventKeyLimited from
// KeyMiddleware (Limiter.Middleware uses the limiter's hook).
func WithMiddlewareEventHook(h EventHook) MiddlewareOption {
	return func(c *mwConfig) { c.hook = h }
}

func newMWConfig(opts []MiddlewareOption) mwConfig {
	c := mwConfig{headers: true}
	for _, o := range opts {
		o(&c)
	}
	if c.onError == nil {
		c.onError = DefaultErrorHandler
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c
}

// checkKey runs the per-key limit; it reports whether the request may go on
// and otherwise has written the response.
func (c *mwConfig) checkKey(w http.ResponseWriter, r *http.Request) bool {
	if c.kl == nil || c.key == nil {
		return true
	}
	key, err := c.key(r)
	if err != nil {
		c.onError(w, r, err)
		return false
	}
	if key == "" {
		return true
	}
	d, err := c.kl.AllowN(r.Context(), key, c.now(), 1)
	if err != nil {
		if c.failOpen {
			return true
		}
		c.onError(w, r, err)
		return false
	}
	if c.headers {
		SetRateLimitHeaders(w.Header(), c.policy, d)
	}
	if d.Allowed {
		return true
	}
	if c.hook != nil {
		c.hook(r.Context(), Event{Type: EventKeyLimited, Reason: ReasonLimited, Key: key, RetryAfter: d.RetryAfter})
	}
	c.onError(w, r, &LimitedError{Key: key, Decision: d})
	return false
}

// KeyMiddleware returns HTTP middleware that limits requests per key with
// kl. The key function names each request's key; an empty key skips the
// limit. Allowed responses carry the RateLimit and RateLimit-Policy fields;
// denied requests go to the error handler with a *LimitedError
// (DefaultErrorHandler: 429 with Retry-After). Key function errors and
// KeyLimiter errors also go to the error handler (see WithFailOpen).
func KeyMiddleware(kl KeyLimiter, key KeyFunc, opts ...MiddlewareOption) func(http.Handler) http.Handler {
	c := newMWConfig(opts)
	c.kl, c.key = kl, key
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if c.checkKey(w, r) {
				next.ServeHTTP(w, r)
			}
		})
	}
}

// Middleware returns HTTP middleware that admits each request through the
// lane of the class classify names, holding the seat while next serves the
// request. With WithKeyLimit the per-key limit is checked first. Rejected
// requests go to the error handler (DefaultErrorHandler: 503 with
// Retry-After for a *RejectError, 429 for a per-key denial).
func (l *Limiter) Middleware(classify func(*http.Request) string, opts ...MiddlewareOption) func(http.Handler) http.Handler {
	c := newMWConfig(append([]MiddlewareOption{WithNow(l.clock.Now), WithMiddlewareEventHook(l.hook)}, opts...))
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !c.checkKey(w, r) {
				return
			}
			t, err := l.Acquire(r.Context(), classify(r))
			if err != nil {
				c.onError(w, r, err)
				return
			}
			defer t.Release()
			next.ServeHTTP(w, r)
		})
	}
}

// DefaultErrorHandler answers rejected requests with a short text/plain
// body:
//   - *RejectError (shed, busy, queue full, timeout) and ErrClosed: 503
//     Service Unavailable with Retry-After;
//   - *LimitedError: 429 Too Many Requests with Retry-After (the RateLimit
//     fields are already set);
//   - ErrNoClientAddr: 400 Bad Request;
//   - ErrUnknownClass (a classifier bug): 500 Internal Server Error;
//   - anything else (the request's context ending, ErrClosed, a failing
//     KeyLimiter): 503 with Retry-After: 1.
func DefaultErrorHandler(w http.ResponseWriter, r *http.Request, err error) {
	h := w.Header()
	status := http.StatusServiceUnavailable
	var re *RejectError
	var le *LimitedError
	switch {
	case errors.As(err, &re):
		SetRetryAfter(h, re.RetryAfter)
	case errors.As(err, &le):
		status = http.StatusTooManyRequests
		SetRetryAfter(h, le.Decision.RetryAfter)
	case errors.Is(err, ErrNoClientAddr):
		status = http.StatusBadRequest
	case errors.Is(err, ErrUnknownClass):
		status = http.StatusInternalServerError
	default:
		SetRetryAfter(h, time.Second)
	}
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(http.StatusText(status) + "\n"))
}
