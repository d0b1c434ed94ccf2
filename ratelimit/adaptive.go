package ratelimit

import (
	"context"
	"fmt"
	"math"
	"sync/atomic"
	"time"
)

// Adaptive configures the optional adaptive total (off by default): a
// gradient limit driven by the observed latency, the time from admission to
// Release. Every sampling interval with at least MinSamples releases, the
// limiter compares the interval's mean latency (short) with a slow moving
// average (long):
//
//	gradient = clamp(Tolerance·long/short, 0.5, 1)
//	next     = total·gradient + √total
//	total    = clamp(total·(1−Smoothing) + next·Smoothing, Floor, Ceiling)
//
// so the total creeps up while latency holds and shrinks (by up to half per
// step, smoothed) when latency grows beyond Tolerance times its long-run
// value. While fewer than half the seats are in use the total is left alone
// (the load, not the server, is the limit). Lane seats are recomputed from
// the new total; held tickets stay valid.
//
// The zero value of an optional field means its default.
//
// It is a plain value, safe for concurrent use as long as no goroutine modifies it.
type Adaptive struct {
	// Floor and Ceiling bound the total; required, with the number of
	// classes ≤ Floor ≤ Ceiling ≤ MaxTotal.
	Floor, Ceiling int
	// Tolerance is how much latency may grow before the total shrinks; default 1.5.
	Tolerance float64
	// Smoothing weighs each new estimate (0..1]; default 0.2.
	Smoothing float64
	// LongWindow is the number of samples the long average spans; default 600.
	LongWindow int
	// MinSamples is the number of releases a sample needs to count; default 10.
	MinSamples int
}

// WithAdaptive turns on the adaptive total (see Adaptive). WithTotal is then
// the starting total, clamped to [Floor, Ceiling].
func WithAdaptive(a Adaptive) Option { return func(c *config) { c.adaptive = &a } }

type adaptState struct {
	cfg   Adaptive
	limit float64 // sampler-owned
	long  float64 // sampler-owned, ns
	sum   atomic.Int64
	count atomic.Int64
}

func newAdaptState(a Adaptive, classes int) (*adaptState, error) {
	if a.Tolerance == 0 {
		a.Tolerance = 1.5
	}
	if a.Smoothing == 0 {
		a.Smoothing = 0.2
	}
	if a.LongWindow == 0 {
		a.LongWindow = 600
	}
	if a.MinSamples == 0 {
		a.MinSamples = 10
	}
	switch {
	case a.Floor < classes || a.Floor < 1 || a.Ceiling < a.Floor || a.Ceiling > MaxTotal:
		return nil, fmt.Errorf("%w: adaptive floor %d and ceiling %d must satisfy %d <= floor <= ceiling <= %d",
			ErrInvalidConfig, a.Floor, a.Ceiling, max(classes, 1), MaxTotal)
	case a.Tolerance < 1 || math.IsNaN(a.Tolerance) || math.IsInf(a.Tolerance, 0):
		return nil, fmt.Errorf("%w: adaptive tolerance %v < 1", ErrInvalidConfig, a.Tolerance)
	case a.Smoothing <= 0 || a.Smoothing > 1 || math.IsNaN(a.Smoothing):
		return nil, fmt.Errorf("%w: adaptive smoothing %v outside (0, 1]", ErrInvalidConfig, a.Smoothing)
	case a.LongWindow < 1 || a.MinSamples < 1:
		return nil, fmt.Errorf("%w: adaptive window %d and min samples %d must be >= 1", ErrInvalidConfig, a.LongWindow, a.MinSamples)
	}
	return &adaptState{cfg: a}, nil
}

func (a *adaptState) clamp(n int) int {
	return min(max(n, a.cfg.Floor), a.cfg.Ceiling)
}

// next feeds one sample's mean latency (ns) and the seats in use, and
// returns the new (fractional) total.
func (a *adaptState) next(short float64, inFlight int) float64 {
	if short <= 0 {
		return a.limit
	}
	if a.long == 0 {
		a.long = short
	} else {
		a.long += (short - a.long) / float64(a.cfg.LongWindow)
	}
	if a.long > 2*short {
		// Latency dropped well below the long average: let it catch up.
		a.long *= 0.95
	}
	if 2*float64(inFlight) < math.Round(a.limit) {
		return a.limit
	}
	g := min(max(a.cfg.Tolerance*a.long/short, 0.5), 1)
	nl := a.limit*g + math.Sqrt(a.limit)
	nl = a.limit*(1-a.cfg.Smoothing) + nl*a.cfg.Smoothing
	a.limit = min(max(nl, float64(a.cfg.Floor)), float64(a.cfg.Ceiling))
	return a.limit
}

// observeLatency records one admission-to-release latency.
func (l *Limiter) observeLatency(start int64) {
	d := l.clock.Now().UnixNano() - start
	if d < 0 {
		d = 0
	}
	l.adapt.sum.Add(d)
	l.adapt.count.Add(1)
}

// adaptStep moves the total; called by sample with l.sampleMu held.
func (l *Limiter) adaptStep(inFlight int) {
	a := l.adapt
	n := a.count.Swap(0)
	sum := a.sum.Swap(0)
	if n < int64(a.cfg.MinSamples) {
		a.count.Add(n)
		a.sum.Add(sum)
		return
	}
	short := float64(sum) / float64(n)
	total := int(math.Round(a.next(short, inFlight)))
	if total == l.Total() {
		return
	}
	lim, err := computeLimits(total, l.classes)
	if err != nil {
		return // cannot happen: Floor >= number of classes
	}
	l.limits.Store(lim)
	if l.hook != nil {
		l.hook(context.Background(), Event{Type: EventTotal, Total: total, Level: l.Level(), Wait: time.Duration(short)})
	}
	// A larger total may free seats for queued requests.
	l.dispatch()
}
