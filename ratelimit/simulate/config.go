package simulate

import (
	"errors"
	"fmt"
	"time"
)

// Mode selects the admission control in front of the server.
// Mode values are immutable and safe for concurrent use.
type Mode string

// The modes.
const (
	// ModeNone sends every request straight to the server.
	ModeNone Mode = "none"
	// ModeShared puts one shared limit of Workers seats, with a FIFO queue,
	// in front of the server: a class-blind concurrency limiter.
	ModeShared Mode = "shared"
	// ModeLanes puts a ratelimit.Limiter with one lane per class and load
	// shedding in front of the server.
	ModeLanes Mode = "lanes"
)

// Modes lists the modes in the order the table prints them.
var Modes = []Mode{ModeNone, ModeShared, ModeLanes}

// Describe returns a one-line description of m.
func (m Mode) Describe() string {
	switch m {
	case ModeNone:
		return "no limiter"
	case ModeShared:
		return "single shared limit"
	case ModeLanes:
		return "tollgate lanes + load shedding"
	}
	return string(m)
}

// ParseMode parses "none", "shared" or "lanes".
func ParseMode(s string) (Mode, error) {
	for _, m := range Modes {
		if string(m) == s {
			return m, nil
		}
	}
	return "", fmt.Errorf("%w: unknown mode %q (want none, shared or lanes)", ErrConfig, s)
}

// Class names used in the results.
const (
	UserLogin       = "user-login"
	BackgroundLogin = "background-login"
)

// ErrConfig reports an invalid Config; errors from Run wrap it.
var ErrConfig = errors.New("simulate: invalid config")

// Config describes one replay of the story. Zero fields take the values of
// DefaultConfig (Realtime, Seed and Progress excepted: their zero values mean
// virtual time, seed 0 and no progress reports).
//
// A Config is safe for concurrent use as long as no goroutine modifies it;
// Progress, when set, is called from one goroutine at a time.
type Config struct {
	// Workers is the server's concurrency.
	Workers int
	// Service is the time one request occupies a worker.
	Service time.Duration
	// UserShare is the rate of user logins as a share of the capacity C.
	UserShare float64
	// BackgroundShare is the rate of background logins before the flood,
	// as a share of C.
	BackgroundShare float64
	// FloodFactor is the rate of background logins during the flood, as a
	// multiple of C.
	FloodFactor float64
	// Before, Flood and After are the lengths of the three phases.
	Before, Flood, After time.Duration
	// ClientTimeout is how long a client waits for an answer.
	ClientTimeout time.Duration
	// Seed seeds the arrival processes.
	Seed uint64
	// Realtime replays the story in wall-clock time, with a goroutine per
	// request and per worker and real sleeps; its figures then depend on
	// how busy the machine is. By default the story runs in virtual time:
	// the same limiter, driven by a simulated clock, so that the same
	// Config always gives the same Result, in a fraction of the story's
	// length.
	Realtime bool
	// Progress, when not nil, is called now and then during Run with how
	// much of the story (Before+Flood+After) has been replayed. It must
	// return quickly.
	Progress func(replayed time.Duration)
}

// DefaultConfig is the full replay: capacity 1600 requests/s (40 workers ×
// 25ms), user logins at 20% of it, a 20× background flood for 8 s: a 16 s
// story per mode.
func DefaultConfig() Config {
	return Config{
		Workers:         40,
		Service:         25 * time.Millisecond,
		UserShare:       0.2,
		BackgroundShare: 0.1,
		FloodFactor:     20,
		Before:          3 * time.Second,
		Flood:           8 * time.Second,
		After:           5 * time.Second,
		ClientTimeout:   time.Second,
		Seed:            1,
	}
}

// ShortConfig is the replay the tests run: capacity 500 requests/s (10
// workers × 20ms), the same shares and factor, a 0.8 s flood: a 2.5 s story
// per mode.
func ShortConfig() Config {
	return Config{
		Workers:         10,
		Service:         20 * time.Millisecond,
		UserShare:       0.2,
		BackgroundShare: 0.1,
		FloodFactor:     20,
		Before:          300 * time.Millisecond,
		Flood:           800 * time.Millisecond,
		After:           1400 * time.Millisecond,
		ClientTimeout:   400 * time.Millisecond,
		Seed:            1,
	}
}

// withDefaults fills zero fields from DefaultConfig.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Workers == 0 {
		c.Workers = d.Workers
	}
	if c.Service == 0 {
		c.Service = d.Service
	}
	if c.UserShare == 0 {
		c.UserShare = d.UserShare
	}
	if c.BackgroundShare == 0 {
		c.BackgroundShare = d.BackgroundShare
	}
	if c.FloodFactor == 0 {
		c.FloodFactor = d.FloodFactor
	}
	if c.Before == 0 {
		c.Before = d.Before
	}
	if c.Flood == 0 {
		c.Flood = d.Flood
	}
	if c.After == 0 {
		c.After = d.After
	}
	if c.ClientTimeout == 0 {
		c.ClientTimeout = d.ClientTimeout
	}
	return c
}

// Validate reports the first field of c outside its range, with an error
// wrapping ErrConfig. It checks c as given, so a zero field is an error: Run
// replaces zero fields with DefaultConfig's values before it validates, and a
// caller that takes the fields from a person (like the tollgate command)
// validates first, to refuse a zero they typed rather than replace it.
func (c Config) Validate() error {
	switch {
	case c.Workers < 2 || c.Workers > 10_000:
		return fmt.Errorf("%w: workers %d outside 2..10000", ErrConfig, c.Workers)
	case c.Service < time.Millisecond || c.Service > time.Minute:
		return fmt.Errorf("%w: service %v outside 1ms..1m", ErrConfig, c.Service)
	case !(c.UserShare > 0 && c.UserShare <= 1):
		return fmt.Errorf("%w: user share %v outside (0, 1]", ErrConfig, c.UserShare)
	case !(c.BackgroundShare > 0 && c.BackgroundShare <= 1):
		return fmt.Errorf("%w: background share %v outside (0, 1]", ErrConfig, c.BackgroundShare)
	case !(c.FloodFactor > 0 && c.FloodFactor <= 100):
		return fmt.Errorf("%w: flood factor %v outside (0, 100]", ErrConfig, c.FloodFactor)
	case c.Before <= 0 || c.Flood <= 0 || c.After <= 0 || c.Before+c.Flood+c.After > time.Hour:
		return fmt.Errorf("%w: phases %v / %v / %v: each must be positive, together at most 1h", ErrConfig, c.Before, c.Flood, c.After)
	case c.ClientTimeout < c.Service || c.ClientTimeout > time.Hour:
		return fmt.Errorf("%w: client timeout %v outside the service time %v..1h", ErrConfig, c.ClientTimeout, c.Service)
	case c.Capacity()*c.FloodFactor > 200_000:
		return fmt.Errorf("%w: flood of %.0f requests/s is more than this replay can generate", ErrConfig, c.Capacity()*c.FloodFactor)
	}
	return nil
}

// Capacity returns C, the server's capacity in requests per second.
func (c Config) Capacity() float64 { return float64(c.Workers) / c.Service.Seconds() }
