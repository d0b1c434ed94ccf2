package ratelimit

import (
	"fmt"
	"math"
	"time"
)

// Criticality says how important a class is when the limiter must shed load.
// The zero value means Normal.
// Criticality values are immutable and safe for concurrent use.
type Criticality int

// The four criticalities, from "shed first" to "never shed". A class is shed
// at load level L when its criticality is at most L (see Level.Sheds).
const (
	// Sheddable classes are deferrable work (background refresh, prefetch,
	// automatic re-logins) and are shed first, from LevelElevated.
	Sheddable Criticality = 1
	// Normal classes are shed from LevelHigh.
	Normal Criticality = 2
	// Important classes are shed only at LevelCritical.
	Important Criticality = 3
	// NeverShed classes are never shed: they are bounded only by their lane.
	NeverShed Criticality = 4
)

func (c Criticality) normalize() Criticality {
	if c == 0 {
		return Normal
	}
	return c
}

// String returns "sheddable", "normal", "important" or "never-shed".
func (c Criticality) String() string {
	switch c.normalize() {
	case Sheddable:
		return "sheddable"
	case Normal:
		return "normal"
	case Important:
		return "important"
	case NeverShed:
		return "never-shed"
	}
	return fmt.Sprintf("Criticality(%d)", int(c))
}

// DefaultMaxWait is the queue wait used for a class with a queue and a zero MaxWait.
const DefaultMaxWait = time.Second

// Class declares one request class and its lane. A Class is a plain value.
//
// The lane's seats come from the limiter's total: Nominal = the class's
// Share of the total (every class gets at least one seat; the sum of the
// nominal seats is the total). Of those, round(Nominal·Lendable) seats are
// lendable and the rest are reserved: no other class can ever hold a
// reserved seat, whatever its load. Lendable seats of all classes form a
// shared pool; a lane holds reserved seats first and pool seats after that,
// up to Nominal + ceil(Nominal·Borrow) seats in total. A lent seat comes
// back when its holder releases it, and queued requests get freed pool seats
// before new arrivals.
type Class struct {
	// Name identifies the class in Acquire, TryAcquire, Stats and events.
	Name string
	// Criticality decides at which load level the class is shed; zero means Normal.
	Criticality Criticality
	// Share is the class's relative weight in the total; zero means 1.
	Share float64
	// Lendable is the fraction (0..1) of the class's nominal seats that idle
	// lanes may lend to others. Zero reserves every seat.
	Lendable float64
	// Borrow is how many seats beyond its nominal ones the lane may hold, as
	// a fraction of the nominal seats (0 = none, 1 = up to twice its
	// nominal). Borrowed seats come from the pool.
	Borrow float64
	// QueueLen is how many requests may wait for a seat in Acquire; zero
	// means requests never wait (Acquire behaves like TryAcquire).
	QueueLen int
	// MaxWait bounds how long a request waits in the queue; zero means
	// DefaultMaxWait.
	MaxWait time.Duration
}

func (c Class) validate() error {
	switch {
	case c.Name == "":
		return fmt.Errorf("%w: class with empty name", ErrInvalidConfig)
	case c.Criticality < 0 || c.Criticality > NeverShed:
		return fmt.Errorf("%w: class %q: criticality %d outside 1..4", ErrInvalidConfig, c.Name, c.Criticality)
	case c.Share < 0 || math.IsNaN(c.Share) || math.IsInf(c.Share, 0):
		return fmt.Errorf("%w: class %q: share %v", ErrInvalidConfig, c.Name, c.Share)
	case c.Lendable < 0 || c.Lendable > 1 || math.IsNaN(c.Lendable):
		return fmt.Errorf("%w: class %q: lendable %v outside 0..1", ErrInvalidConfig, c.Name, c.Lendable)
	case c.Borrow < 0 || math.IsNaN(c.Borrow):
		return fmt.Errorf("%w: class %q: borrow %v < 0", ErrInvalidConfig, c.Name, c.Borrow)
	case c.QueueLen < 0:
		return fmt.Errorf("%w: class %q: queue length %d < 0", ErrInvalidConfig, c.Name, c.QueueLen)
	case c.MaxWait < 0:
		return fmt.Errorf("%w: class %q: max wait %v < 0", ErrInvalidConfig, c.Name, c.MaxWait)
	}
	return nil
}

// laneLimits are the seat counts of one lane for a given total.
type laneLimits struct {
	nominal, reserved, max int64
}

// limits are the seat counts of all lanes for one total. They are immutable
// once published.
type limits struct {
	total int64
	pool  int64
	lanes []laneLimits
}

// computeLimits splits total among classes: one seat each, the rest by share
// with the largest-remainder method.
func computeLimits(total int, classes []Class) (*limits, error) {
	n := len(classes)
	if total < n {
		return nil, fmt.Errorf("%w: total %d below the number of classes %d", ErrInvalidConfig, total, n)
	}
	shares := make([]float64, n)
	sum := 0.0
	for i, c := range classes {
		s := c.Share
		if s == 0 {
			s = 1
		}
		shares[i] = s
		sum += s
	}
	lim := &limits{total: int64(total), lanes: make([]laneLimits, n)}
	rest := total - n
	given := 0
	frac := make([]float64, n)
	for i := range classes {
		exact := float64(rest) * shares[i] / sum
		whole := int(math.Floor(exact))
		lim.lanes[i].nominal = int64(1 + whole)
		frac[i] = exact - float64(whole)
		given += whole
	}
	for left := rest - given; left > 0; left-- {
		best := 0
		for i := range frac {
			if frac[i] > frac[best] {
				best = i
			}
		}
		lim.lanes[best].nominal++
		frac[best] = -1
	}
	reserved := int64(0)
	for i, c := range classes {
		ll := &lim.lanes[i]
		lend := int64(math.Round(float64(ll.nominal) * c.Lendable))
		ll.reserved = ll.nominal - lend
		borrow := math.Ceil(float64(ll.nominal) * c.Borrow)
		if borrow > float64(total) {
			borrow = float64(total)
		}
		ll.max = ll.nominal + int64(borrow)
		if ll.max > int64(total) {
			ll.max = int64(total)
		}
		reserved += ll.reserved
	}
	lim.pool = int64(total) - reserved
	return lim, nil
}
