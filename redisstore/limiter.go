package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/tollgate/tollgate/ratelimit"
)

// gcraScript is one GCRA step on the Redis server's clock. KEYS[1] holds
// the key's theoretical arrival time (TAT) as decimal Unix nanoseconds, and
// expires when the TAT passes (a key at full burst needs no state). ARGV:
// n·interval as seconds and nanoseconds, tolerance (Burst·interval) as
// seconds and nanoseconds, n, and optionally now as seconds and
// nanoseconds and a margin in milliseconds added to the key's time to live
// (WithCallerClock). Times are (seconds, nanoseconds) pairs, which
// Lua numbers hold exactly where Unix nanoseconds would lose precision.
// Reply: {allowed, old TAT s, old TAT ns, now s, now ns}; the caller
// recomputes the Decision from the TAT and now with ratelimit.GCRA, the
// arithmetic every KeyLimiter shares.
var gcraScript = newScript(`
local now_s, now_n, extra = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8] or '0')
if not now_s then
  local t = redis.call('TIME')
  now_s, now_n = tonumber(t[1]), tonumber(t[2]) * 1000
end
local tat_s, tat_n = 0, 0
local v = redis.call('GET', KEYS[1])
if v then
  local l = #v
  if l > 9 then
    tat_s, tat_n = tonumber(string.sub(v, 1, l - 9)), tonumber(string.sub(v, l - 8))
  else
    tat_n = tonumber(v)
  end
  if not tat_s or not tat_n then return redis.error_reply('redisstore: bad TAT') end
end
local t0_s, t0_n = tat_s, tat_n
if t0_s < now_s or (t0_s == now_s and t0_n < now_n) then t0_s, t0_n = now_s, now_n end
local new_s, new_n = t0_s + tonumber(ARGV[1]), t0_n + tonumber(ARGV[2])
if new_n >= 1000000000 then new_s, new_n = new_s + 1, new_n - 1000000000 end
local lim_s, lim_n = now_s + tonumber(ARGV[3]), now_n + tonumber(ARGV[4])
if lim_n >= 1000000000 then lim_s, lim_n = lim_s + 1, lim_n - 1000000000 end
local allowed = 0
if new_s < lim_s or (new_s == lim_s and new_n <= lim_n) then
  allowed = 1
  if tonumber(ARGV[5]) > 0 then
    local ms = (new_s - now_s) * 1000 + math.ceil((new_n - now_n) / 1000000) + extra
    if ms < 1 then ms = 1 end
    redis.call('SET', KEYS[1], string.format('%d%09d', new_s, new_n), 'PX', ms)
  end
end
return {allowed, tat_s, tat_n, now_s, now_n}
`)

// Limiter is a ratelimit.KeyLimiter in Redis, shared by every server that
// uses the same Redis and prefix: a key's events count across all of them.
//
// Each AllowN is one GCRA step in one Lua script (EVALSHA: one round trip),
// on the Redis server's clock (the TIME command), so the clocks of the
// application servers do not matter and the now argument is ignored
// (unless WithCallerClock(true) is given, for tests with a fake clock). Its
// results are those of ratelimit.GCRA, the arithmetic the in-memory
// limiter uses. A key holds one value that expires when the key is back at
// full burst; each call touches that one key, so Redis Cluster spreads keys
// freely (no hash tag is needed).
//
// When Redis fails, AllowN returns a denying Decision and the error (fail
// closed, the default). With WithFailOpen(true) it returns an allowing
// Decision (Remaining, RetryAfter and ResetAfter zero) and a nil error, and
// emits EventFailOpen; the events it let through are not recorded anywhere.
// A context ended by the caller is returned as an error in both modes.
//
// A Limiter is safe for concurrent use. Create one with NewLimiter; the
// zero value is not usable.
type Limiter struct {
	base
	limit    ratelimit.Limit
	interval int64
}

var _ ratelimit.KeyLimiter = (*Limiter)(nil)

// NewLimiter returns a Limiter enforcing l on client, which may be a single
// node, Sentinel (failover) or Cluster client with ContextTimeoutEnabled
// set. The error wraps ratelimit.ErrInvalidLimit when l is invalid (see
// ratelimit.Limit.Validate).
func NewLimiter(client redis.UniversalClient, l ratelimit.Limit, opts ...Option) (*Limiter, error) {
	if err := l.Validate(); err != nil {
		return nil, fmt.Errorf("redisstore: %w", err)
	}
	lim := &Limiter{limit: l, interval: int64(l.Interval())}
	if err := lim.init(client, "ratelimit", opts); err != nil {
		return nil, err
	}
	return lim, nil
}

// Limit returns the limit the Limiter enforces.
func (l *Limiter) Limit() ratelimit.Limit { return l.limit }

// Keys returns the key naming of the Limiter.
func (l *Limiter) Keys() Keys { return l.keys }

// AllowN reports whether n events for key may happen now, by the Redis
// server's clock, and records them if so. now is used only with
// WithCallerClock(true). n outside
// 0..Burst returns ratelimit.ErrInvalidN without calling Redis; n = 0 is
// always allowed and records nothing.
func (l *Limiter) AllowN(ctx context.Context, key string, now time.Time, n int) (ratelimit.Decision, error) {
	if n < 0 || n > l.limit.Burst {
		return ratelimit.Decision{Limit: l.limit}, ratelimit.ErrInvalidN
	}
	parent := ctx
	ctx, cancel := l.context(ctx)
	defer cancel()
	rkey := l.keys.Limit(key)
	inc := time.Duration(int64(n) * l.interval)
	tau := time.Duration(int64(l.limit.Burst) * l.interval)
	start := time.Now()
	args := []any{int64(inc / time.Second), int64(inc % time.Second), int64(tau / time.Second), int64(tau % time.Second), n}
	if l.cfg.callerClock {
		args = append(args, now.Unix(), now.Nanosecond(), l.cfg.ttlMargin.Milliseconds())
	}
	reply, err := gcraScript.run(ctx, l.client, []string{rkey}, args...).Int64Slice()
	var d ratelimit.Decision
	if err == nil {
		d, err = l.decide(reply, n)
	}
	open := err != nil && l.cfg.failOpen && parent.Err() == nil
	l.observe(ctx, "allow", rkey, start, err, open)
	switch {
	case open:
		return ratelimit.Decision{Allowed: true, Limit: l.limit}, nil
	case err != nil:
		return ratelimit.Decision{Limit: l.limit}, fmt.Errorf("redisstore: ratelimit allow: %w", err)
	}
	return d, nil
}

// decide turns the script's reply into the Decision of ratelimit.GCRA.
func (l *Limiter) decide(reply []int64, n int) (ratelimit.Decision, error) {
	if len(reply) != 5 {
		return ratelimit.Decision{}, fmt.Errorf("%w: GCRA reply %v", ErrCorrupt, reply)
	}
	tat := reply[1]*int64(time.Second) + reply[2]
	now := reply[3]*int64(time.Second) + reply[4]
	d, _, err := ratelimit.GCRA(l.limit, tat, now, n)
	if err != nil {
		return ratelimit.Decision{}, err
	}
	if d.Allowed != (reply[0] == 1) {
		return ratelimit.Decision{}, fmt.Errorf("%w: GCRA in Redis and in Go disagree on %v", ErrCorrupt, reply)
	}
	return d, nil
}

// Reset forgets key, putting it back at full burst.
func (l *Limiter) Reset(ctx context.Context, key string) error {
	ctx, cancel := l.context(ctx)
	defer cancel()
	rkey := l.keys.Limit(key)
	start := time.Now()
	err := do(ctx, l.client, "del", rkey).Err()
	l.observe(ctx, "reset", rkey, start, err, false)
	if err != nil {
		return fmt.Errorf("redisstore: ratelimit reset: %w", err)
	}
	return nil
}
