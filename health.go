package tollgate

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/ratelimit"
)

// Pinger is implemented by stores whose backend can be probed, such as
// package redisstore's (a PING to Redis). Health probes every store of the
// Gate that implements it; in-memory stores have nothing to probe.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Health is what Gate.Health found. It is a plain value, safe to copy and
// to read from many goroutines.
type Health struct {
	// Stores lists the Gate's stores that implement Pinger, each with the
	// error of its probe (nil when it answered).
	Stores []StoreHealth
	// Level is the limiter's load level (LevelNormal without a limiter).
	// A high level is reported, not judged: the lanes are there to keep
	// the server answering under load, and taking a loaded server out of a
	// load balancer would only push its load onto the others.
	Level ratelimit.Level
	// Pool is the challenge pool's counters; Pool.Ready is how many
	// challenges wait rendered (all zero without a pool). An empty pool
	// is reported, not judged: challenges are then rendered on request.
	Pool captcha.PoolStats
}

// StoreHealth is one probed store. It is a plain value.
type StoreHealth struct {
	// Name says which store it is: "captcha" (the captcha Service's
	// Store), "suspects", or the per-key limit "limit:ip",
	// "limit:account", "limit:challenge", "limit:failures".
	Name string
	// Err is the probe's error, nil when the store answered.
	Err error
}

// Health probes the Gate's stores (every one that implements Pinger, all
// at once, each within ctx and its own timeout) and reports them with the
// load level and the pool. The error is nil when the Gate can serve, and
// otherwise joins one error per store that did not answer ("tollgate:
// store captcha: ..."): with its store out of reach the Gate refuses
// verifications and rate-limited requests (or, with fail-open stores,
// lets them through unchecked), so a host's health endpoint should then
// report unhealthy. Health is safe for concurrent use; it calls no hook
// and logs nothing.
func (g *Gate) Health(ctx context.Context) (Health, error) {
	var h Health
	if g.limiter != nil {
		h.Level = g.limiter.Level()
	}
	if g.svc != nil {
		h.Pool = g.svc.PoolStats()
	}
	type probe struct {
		name string
		p    Pinger
	}
	var probes []probe
	add := func(name string, s any) {
		if p, ok := s.(Pinger); ok && p != nil {
			probes = append(probes, probe{name, p})
		}
	}
	if g.svc != nil {
		add("captcha", g.svc.Store())
	}
	add("suspects", g.suspects)
	add("limit:ip", g.ipLimit)
	add("limit:account", g.acctLimit)
	add("limit:challenge", g.chLimit)
	add("limit:failures", g.failures)
	h.Stores = make([]StoreHealth, len(probes))
	var wg sync.WaitGroup
	for i, pr := range probes {
		h.Stores[i].Name = pr.name
		wg.Go(func() { h.Stores[i].Err = pr.p.Ping(ctx) })
	}
	wg.Wait()
	var errs []error
	for _, s := range h.Stores {
		if s.Err != nil {
			errs = append(errs, fmt.Errorf("tollgate: store %s: %w", s.Name, s.Err))
		}
	}
	return h, errors.Join(errs...)
}
