package redisstore

import (
	"context"
	"time"
)

// Option configures one store (CaptchaStore, Limiter or Suspects). Each
// store takes its own options, so the failure mode, the timeout and the
// hook can differ per store.
type Option func(*config)

// config is the unexported result of the options. Defaults are applied after
// the options by newConfig.
type config struct {
	prefix      string
	failOpen    bool
	timeout     time.Duration
	ttlMargin   time.Duration
	hook        func(context.Context, Event)
	suspectTTL  time.Duration
	marginSet   bool
	callerClock bool
}

// Defaults of the options.
const (
	// DefaultPrefix starts every key the stores write.
	DefaultPrefix = "tollgate:"
	// DefaultTimeout bounds each call to Redis when the context has no
	// earlier deadline.
	DefaultTimeout = time.Second
	// DefaultTTLMargin is added to every key's time to live so that small
	// clock differences between servers never make Redis drop a key that a
	// caller still considers live.
	DefaultTTLMargin = 30 * time.Second
	// DefaultSuspectTTL is how long Suspects remembers a key after its last
	// record.
	DefaultSuspectTTL = 24 * time.Hour
)

// WithPrefix sets the prefix of every key (default DefaultPrefix, also for
// the empty string). It must
// not contain '{' or '}', which Redis Cluster reads as a hash tag; the
// constructors return ErrInvalidPrefix otherwise. Give each deployment that
// shares a Redis its own prefix.
func WithPrefix(prefix string) Option { return func(c *config) { c.prefix = prefix } }

// WithFailOpen chooses what a store does when Redis fails (unreachable,
// timed out, or replying with an error). The default, fail closed, returns
// the error to the caller, who denies. Fail open lets the request through
// and reports the failure only through the event hook (an Event of type
// EventFailOpen):
//   - Limiter.AllowN returns an allowing Decision and a nil error;
//   - Suspects.Record drops the record and Lookup reports "not a suspect";
//   - CaptchaStore.TakeToken reports the token live: while Redis is down,
//     every authentic unexpired token is accepted, as often as it is
//     presented (replay is possible until Redis answers again). Put, Get,
//     Attempt, Refresh and PutToken always fail closed: without the stored
//     challenge there is nothing to verify, and a token that was never
//     stored would be refused once Redis is back. The root Gate keeps its
//     proof-of-work puzzles as tokens, so they replay the same way.
//
// Fail open covers failures of Redis only: a context ended by the caller is
// an error in both modes.
func WithFailOpen(open bool) Option { return func(c *config) { c.failOpen = open } }

// WithTimeout bounds each call to Redis (default DefaultTimeout). The
// context's own deadline applies too, whichever is earlier. Zero or a
// negative duration leaves only the context's deadline (and the client's
// read and write timeouts).
func WithTimeout(d time.Duration) Option {
	return func(c *config) {
		if d <= 0 {
			d = -1
		}
		c.timeout = d
	}
}

// WithTTLMargin sets how much longer than needed keys live in Redis
// (default DefaultTTLMargin; negative counts as zero). Expiry decisions use
// the times the callers pass; Redis's own expiry only frees memory.
func WithTTLMargin(d time.Duration) Option {
	return func(c *config) {
		c.ttlMargin, c.marginSet = max(d, 0), true
	}
}

// WithSuspectTTL sets how long Suspects remembers a key after its last
// record (default DefaultSuspectTTL). Other stores ignore it.
func WithSuspectTTL(d time.Duration) Option { return func(c *config) { c.suspectTTL = d } }

// WithCallerClock makes Limiter.AllowN judge by the now its caller passes
// instead of the Redis server's clock (the default). That suits tests with
// a fake clock, or deployments whose servers' clocks are closely
// synchronised; keys then live WithTTLMargin longer than needed, as in the
// other stores. Other stores ignore it: they always use the callers' times.
func WithCallerClock(on bool) Option { return func(c *config) { c.callerClock = on } }

// WithEventHook sets a function called with every Event a store emits
// (failures, fail-open decisions, recovery). It is called synchronously,
// from the goroutine of the call, and must be safe for concurrent use.
func WithEventHook(hook func(context.Context, Event)) Option {
	return func(c *config) { c.hook = hook }
}

// newConfig applies opts and then the defaults.
func newConfig(opts []Option) config {
	var c config
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.prefix == "" {
		c.prefix = DefaultPrefix
	}
	if !c.marginSet {
		c.ttlMargin = DefaultTTLMargin
	}
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	if c.suspectTTL <= 0 {
		c.suspectTTL = DefaultSuspectTTL
	}
	return c
}
