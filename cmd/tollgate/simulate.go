package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/tollgate/tollgate/ratelimit/simulate"
)

const simulateUsage = `Usage: tollgate simulate overload [flags]

Replays the emergency-alert story against the real rate limiter: user logins
at 20% of the server's capacity throughout, background logins jumping to 20×
capacity for a while, and prints, per mode (no limiter, a single shared limit,
tollgate lanes), a table of offered/admitted/succeeded/rejected requests,
latencies, goodput, when shedding engaged and when the system recovered, then
checks the lanes mode against the design's targets.

The story runs in virtual time: the real limiter (lanes, queues, load-level
sampler, shedding) driven by a simulated clock and scheduler, so the same
flags print the same table on any machine, in a second or two. -realtime
replays it in wall-clock time instead (16 s per mode with the default flags);
its latencies then include how busy the machine is.

Exit status: 0 when every target is met, 1 when the lanes mode misses one,
2 for a flag error.
`

// overloadFlags are the flags of "tollgate simulate overload".
type overloadFlags struct {
	fs                                     *flag.FlagSet
	short, realtime                        *bool
	modes                                  *string
	workers                                *int
	service, before, flood, after, timeout *time.Duration
	userShare, bgShare, factor             *float64
	seed                                   *uint64
}

func newOverloadFlags() *overloadFlags {
	fs := flag.NewFlagSet("simulate overload", flag.ContinueOnError)
	def := simulate.DefaultConfig()
	f := &overloadFlags{
		fs:       fs,
		short:    fs.Bool("short", false, "replay the short story (10 workers, a 2.5 s story per mode); other flags override it"),
		realtime: fs.Bool("realtime", false, "replay in wall-clock time with real goroutines and sleeps, not in virtual time"),
		modes:    fs.String("modes", "none,shared,lanes", "comma-separated modes to run: none, shared, lanes"),
		workers:  fs.Int("workers", def.Workers, "server workers (concurrency), 2..10000"),
		service:  fs.Duration("service", def.Service, "service time of one request, 1ms..1m"),
		userShare: fs.Float64("user-share", def.UserShare,
			"user logins as a share of capacity, in (0, 1]"),
		bgShare: fs.Float64("background-share", def.BackgroundShare,
			"background logins before the flood, share of capacity, in (0, 1]"),
		factor:  fs.Float64("flood-factor", def.FloodFactor, "background logins during the flood, multiple of capacity, in (0, 100]"),
		before:  fs.Duration("before", def.Before, "length of the phase before the flood (> 0)"),
		flood:   fs.Duration("flood", def.Flood, "length of the flood (> 0)"),
		after:   fs.Duration("after", def.After, "length of the phase after the flood (> 0)"),
		timeout: fs.Duration("timeout", def.ClientTimeout, "client timeout, at least the service time"),
		seed:    fs.Uint64("seed", def.Seed, "seed of the arrival processes"),
	}
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), simulateUsage)
		fmt.Fprintln(fs.Output(), "\nFlags:")
		fs.PrintDefaults()
	}
	return f
}

// config returns the replay the flags ask for: the full story, or with
// -short the short one, with the flags that were set applied over it.
func (f *overloadFlags) config() simulate.Config {
	cfg := simulate.DefaultConfig()
	if *f.short {
		cfg = simulate.ShortConfig()
	}
	f.fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "workers":
			cfg.Workers = *f.workers
		case "service":
			cfg.Service = *f.service
		case "user-share":
			cfg.UserShare = *f.userShare
		case "background-share":
			cfg.BackgroundShare = *f.bgShare
		case "flood-factor":
			cfg.FloodFactor = *f.factor
		case "before":
			cfg.Before = *f.before
		case "flood":
			cfg.Flood = *f.flood
		case "after":
			cfg.After = *f.after
		case "timeout":
			cfg.ClientTimeout = *f.timeout
		case "seed":
			cfg.Seed = *f.seed
		}
	})
	cfg.Realtime = *f.realtime
	return cfg
}

func simulateHelp(w io.Writer) {
	f := newOverloadFlags()
	f.fs.SetOutput(w)
	f.fs.Usage()
}

// runSimulate dispatches "tollgate simulate overload".
func runSimulate(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	switch {
	case len(args) == 0:
		return usageError("needs a scenario: overload")
	case isHelpFlag(args[0]):
		simulateHelp(stdout)
		return flag.ErrHelp
	case args[0] != "overload":
		return usageError("unknown scenario %q (want overload)", args[0])
	}
	return simulateOverload(args[1:], stdout, stderr)
}

func simulateOverload(args []string, stdout, stderr io.Writer) error {
	f := newOverloadFlags()
	if err := parseFlags(f.fs, args, stdout); err != nil {
		return err
	}
	if f.fs.NArg() > 0 {
		return usageError("unexpected arguments %q", f.fs.Args())
	}
	var modes []simulate.Mode
	for _, s := range strings.Split(*f.modes, ",") {
		m, err := simulate.ParseMode(strings.TrimSpace(s))
		if err != nil {
			return usageError("-modes: %s", strings.TrimPrefix(err.Error(), simulate.ErrConfig.Error()+": "))
		}
		modes = append(modes, m)
	}
	cfg := f.config()
	if err := cfg.Validate(); err != nil {
		return usageError("%s", strings.TrimPrefix(err.Error(), "simulate: "))
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	p := newProgress(stderr)
	story := cfg.Before + cfg.Flood + cfg.After
	simulate.WriteHeader(stdout, cfg)
	var missed []string
	for _, m := range modes {
		if p != nil {
			cfg.Progress = func(d time.Duration) {
				p.show(false, "tollgate simulate: mode %s, %v of the %v story replayed", m, d.Truncate(100*time.Millisecond), story)
			}
		}
		r, err := simulate.Run(ctx, cfg, m)
		p.clear()
		if err != nil {
			return err
		}
		simulate.WriteTable(stdout, r)
		if ms := r.Missed(); ms != nil {
			why := fmt.Sprintf("%s missed %s", m, strings.Join(ms, ", "))
			if cfg.Realtime {
				why += fmt.Sprintf(" (wall-clock replay; the harness stalled up to %v)", r.MaxStall.Round(time.Millisecond))
			}
			missed = append(missed, why)
		}
	}
	if missed != nil {
		return fmt.Errorf("%w: %s", errTargetMissed, strings.Join(missed, "; "))
	}
	return nil
}
