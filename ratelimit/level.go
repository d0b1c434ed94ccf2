package ratelimit

import (
	"fmt"
	"time"
)

// Level is the limiter's load level, from LevelNormal to LevelCritical.
// Level values are immutable and safe for concurrent use.
type Level int

// The load levels. At level L every class whose criticality is at most L is
// shed, except NeverShed classes.
const (
	LevelNormal   Level = 0 // nothing is shed
	LevelElevated Level = 1 // Sheddable classes are shed
	LevelHigh     Level = 2 // Sheddable and Normal classes are shed
	LevelCritical Level = 3 // everything but NeverShed classes is shed
	maxLevel            = LevelCritical
)

// String returns "normal", "elevated", "high" or "critical".
func (lv Level) String() string {
	switch lv {
	case LevelNormal:
		return "normal"
	case LevelElevated:
		return "elevated"
	case LevelHigh:
		return "high"
	case LevelCritical:
		return "critical"
	}
	return fmt.Sprintf("Level(%d)", int(lv))
}

// Sheds reports whether a class of criticality c is shed at level lv.
func (lv Level) Sheds(c Criticality) bool {
	c = c.normalize()
	return c != NeverShed && int(c) <= int(lv)
}

// RetryAfterRange returns the range [lo, hi] (whole seconds) from which the
// Retry-After of a rejection at level lv is drawn uniformly: 1–1 s at
// LevelNormal, 1–2 s at LevelElevated, 4–8 s at LevelHigh and 16–32 s at
// LevelCritical.
func RetryAfterRange(lv Level) (lo, hi time.Duration) {
	switch {
	case lv <= LevelNormal:
		return time.Second, time.Second
	case lv == LevelElevated:
		return time.Second, 2 * time.Second
	case lv == LevelHigh:
		return 4 * time.Second, 8 * time.Second
	}
	return 16 * time.Second, 32 * time.Second
}

// LevelPolicy says how the load level follows the load. Every sampling
// Interval the limiter measures the utilisation (seats in use / total) and
// the queue delay (the longest time a request has been or was waiting in any
// queue since the last sample). The raw level is
//
//	max( 1 if utilisation ≥ Busy,
//	     i if queue delay ≥ QueueDelay[i-1] and utilisation ≥ BusyExit, for i = 1..3 )
//
// (While a tenth or more of the seats are free, a queue is held up by its
// own lane's maximum and shedding other classes would not help it.)
// The level rises to the raw level once the raw level has been above it for
// RiseAfter consecutive samples. It falls when the exit level (the same
// formula with the thresholds BusyExit and QueueDelay·ExitRatio) has stayed
// below it for FallAfter, to that exit level. The two thresholds and the
// hold times are the hysteresis that keeps the level from flapping.
//
// The zero value of every field means its default.
//
// It is a plain value, safe for concurrent use as long as no goroutine modifies it.
type LevelPolicy struct {
	// Interval between samples; default 50ms.
	Interval time.Duration
	// Busy is the utilisation that enters LevelElevated; default 0.95.
	Busy float64
	// BusyExit is the utilisation below which LevelElevated may be left;
	// default 0.85. It must not exceed Busy.
	BusyExit float64
	// QueueDelay are the queue delays that enter levels 1, 2 and 3; default
	// 20ms, 100ms and 500ms. They must not decrease.
	QueueDelay [3]time.Duration
	// ExitRatio scales QueueDelay into the exit thresholds; default 0.5.
	ExitRatio float64
	// RiseAfter is how many consecutive samples must ask for a higher level;
	// default 2.
	RiseAfter int
	// FallAfter is how long the exit level must stay lower before the level
	// falls; default 1s.
	FallAfter time.Duration
}

// DefaultLevelPolicy returns the policy used when none is given.
func DefaultLevelPolicy() LevelPolicy {
	return LevelPolicy{}.withDefaults()
}

func (p LevelPolicy) withDefaults() LevelPolicy {
	if p.Interval == 0 {
		p.Interval = 50 * time.Millisecond
	}
	if p.Busy == 0 {
		p.Busy = 0.95
	}
	if p.BusyExit == 0 {
		p.BusyExit = 0.85
		if p.BusyExit > p.Busy {
			p.BusyExit = p.Busy
		}
	}
	if p.QueueDelay == [3]time.Duration{} {
		p.QueueDelay = [3]time.Duration{20 * time.Millisecond, 100 * time.Millisecond, 500 * time.Millisecond}
	}
	if p.ExitRatio == 0 {
		p.ExitRatio = 0.5
	}
	if p.RiseAfter == 0 {
		p.RiseAfter = 2
	}
	if p.FallAfter == 0 {
		p.FallAfter = time.Second
	}
	return p
}

func (p LevelPolicy) validate() error {
	switch {
	case p.Interval < time.Millisecond:
		return fmt.Errorf("%w: level interval %v < 1ms", ErrInvalidConfig, p.Interval)
	case p.Busy <= 0 || p.BusyExit <= 0 || p.BusyExit > p.Busy:
		return fmt.Errorf("%w: need 0 < BusyExit %v <= Busy %v", ErrInvalidConfig, p.BusyExit, p.Busy)
	case p.QueueDelay[0] <= 0 || p.QueueDelay[1] < p.QueueDelay[0] || p.QueueDelay[2] < p.QueueDelay[1]:
		return fmt.Errorf("%w: queue delays %v must be positive and not decrease", ErrInvalidConfig, p.QueueDelay)
	case p.ExitRatio <= 0 || p.ExitRatio > 1:
		return fmt.Errorf("%w: exit ratio %v outside (0, 1]", ErrInvalidConfig, p.ExitRatio)
	case p.RiseAfter < 1:
		return fmt.Errorf("%w: rise after %d < 1", ErrInvalidConfig, p.RiseAfter)
	case p.FallAfter < 0:
		return fmt.Errorf("%w: fall after %v < 0", ErrInvalidConfig, p.FallAfter)
	}
	return nil
}

// raw returns the level asked for by one sample; exit selects the exit thresholds.
func (p LevelPolicy) raw(util float64, delay time.Duration, exit bool) Level {
	busy, ratio := p.Busy, 1.0
	if exit {
		busy, ratio = p.BusyExit, p.ExitRatio
	}
	lv := LevelNormal
	if util >= busy {
		lv = LevelElevated
	}
	if util < p.BusyExit {
		// Seats are free: a queue is then held up by its own lane's
		// maximum, and shedding other classes would not shorten it.
		return lv
	}
	for i := len(p.QueueDelay) - 1; i >= 0; i-- {
		if float64(delay) >= float64(p.QueueDelay[i])*ratio {
			if l := Level(i + 1); l > lv {
				lv = l
			}
			break
		}
	}
	return lv
}

// levelTracker applies a LevelPolicy's hysteresis to a stream of samples.
// It is not safe for concurrent use.
type levelTracker struct {
	p          LevelPolicy
	level      Level
	rises      int
	belowSince time.Time
}

// observe feeds one sample and returns the new level.
func (t *levelTracker) observe(now time.Time, util float64, delay time.Duration) Level {
	if raw := t.p.raw(util, delay, false); raw > t.level {
		t.rises++
		if t.rises >= t.p.RiseAfter {
			t.level, t.rises, t.belowSince = raw, 0, time.Time{}
		}
		return t.level
	}
	t.rises = 0
	exit := t.p.raw(util, delay, true)
	if exit >= t.level {
		t.belowSince = time.Time{}
		return t.level
	}
	if t.belowSince.IsZero() {
		t.belowSince = now
	}
	if now.Sub(t.belowSince) >= t.p.FallAfter {
		t.level, t.belowSince = exit, time.Time{}
	}
	return t.level
}
