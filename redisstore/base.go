package redisstore

import (
	"context"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// base is what every store shares: the client, the configuration and the
// failure bookkeeping behind EventRecovered.
type base struct {
	client   redis.UniversalClient
	cfg      config
	keys     Keys
	name     string
	failures atomic.Int64
}

// init validates the arguments of a constructor and sets b up.
func (b *base) init(client redis.UniversalClient, name string, opts []Option) error {
	isNil, ctxTimeout := inspect(client)
	if isNil {
		return ErrNilClient
	}
	cfg := newConfig(opts)
	if strings.ContainsAny(cfg.prefix, "{}") {
		return ErrInvalidPrefix
	}
	if !ctxTimeout {
		return ErrContextTimeoutDisabled
	}
	b.client, b.cfg, b.keys, b.name = client, cfg, Keys{Prefix: cfg.prefix}, name
	return nil
}

// inspect reports whether client is nil (also a typed nil of go-redis's
// clients) and whether it honours context deadlines on its sockets.
// Clients of other types are trusted to honour them.
func inspect(client redis.UniversalClient) (isNil, ctxTimeout bool) {
	switch c := client.(type) {
	case nil:
		return true, false
	case *redis.Client:
		return c == nil, c != nil && c.Options().ContextTimeoutEnabled
	case *redis.ClusterClient:
		return c == nil, c != nil && c.Options().ContextTimeoutEnabled
	case *redis.Ring:
		return c == nil, c != nil && c.Options().ContextTimeoutEnabled
	}
	return false, true
}

// context returns ctx bounded by the per-call timeout.
func (b *base) context(ctx context.Context) (context.Context, context.CancelFunc) {
	if b.cfg.timeout > 0 {
		return context.WithTimeout(ctx, b.cfg.timeout)
	}
	return ctx, func() {}
}

// observe records the outcome of one call to Redis and emits its events.
// A nil err marks a success. failOpen says whether the store let the
// request through despite err.
func (b *base) observe(ctx context.Context, op, key string, start time.Time, err error, failOpen bool) {
	if err == nil {
		if b.failures.Load() == 0 {
			return
		}
		if n := b.failures.Swap(0); n > 0 {
			b.emit(ctx, Event{Type: EventRecovered, Store: b.name, Op: op, Key: key, Failures: n, Duration: time.Since(start)})
		}
		return
	}
	b.failures.Add(1)
	typ := EventError
	if failOpen {
		typ = EventFailOpen
	}
	b.emit(ctx, Event{Type: typ, Store: b.name, Op: op, Key: key, Err: err, Duration: time.Since(start)})
}

func (b *base) emit(ctx context.Context, e Event) {
	if b.cfg.hook != nil {
		b.cfg.hook(ctx, e)
	}
}

// ttl returns d plus the margin, in whole milliseconds rounded up and at
// least one, as Redis's PX and PEXPIRE want.
func (b *base) ttl(d time.Duration) int64 {
	const maxTTL = 100 * 365 * 24 * time.Hour // keeps the sum below from overflowing
	d = min(max(d, 0), maxTTL) + min(b.cfg.ttlMargin, maxTTL)
	ms := int64((d + time.Millisecond - 1) / time.Millisecond)
	return max(ms, 1)
}
