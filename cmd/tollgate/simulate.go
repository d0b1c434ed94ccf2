package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/tollgate/tollgate/ratelimit/simulate"
)

const simulateUsage = `Usage: tollgate simulate overload [flags]

Replays the emergency-alert story against the real rate limiter: user logins
at 20% of the server's capacity throughout, background logins jumping to 20×
capacity for a while, and prints, per mode (no limiter, a single shared limit,
tollgate lanes), a table of offered/admitted/succeeded/rejected requests,
latencies, goodput, when shedding engaged and when the system recovered.
`

// runSimulate dispatches "tollgate simulate overload".
func runSimulate(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		fmt.Fprint(stdout, simulateUsage)
		fmt.Fprintln(stdout, `Run "tollgate simulate overload -h" for the flags.`)
		if len(args) == 0 {
			return usageError("simulate needs a scenario: overload")
		}
		return nil
	}
	if args[0] != "overload" {
		return usageError("unknown scenario %q (want overload)", args[0])
	}
	return simulateOverload(args[1:], stdout, stderr)
}

func simulateOverload(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("simulate overload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), simulateUsage)
		fmt.Fprintln(fs.Output(), "\nFlags:")
		fs.PrintDefaults()
	}
	def := simulate.DefaultConfig()
	short := fs.Bool("short", false, "run the short replay the tests run (about 2.5 s per mode); other flags override it")
	modes := fs.String("modes", "none,shared,lanes", "comma-separated modes to run: none, shared, lanes")
	workers := fs.Int("workers", def.Workers, "server workers (concurrency)")
	service := fs.Duration("service", def.Service, "service time of one request")
	userShare := fs.Float64("user-share", def.UserShare, "user logins as a share of capacity")
	bgShare := fs.Float64("background-share", def.BackgroundShare, "background logins before the flood, share of capacity")
	factor := fs.Float64("flood-factor", def.FloodFactor, "background logins during the flood, multiple of capacity")
	before := fs.Duration("before", def.Before, "length of the phase before the flood")
	flood := fs.Duration("flood", def.Flood, "length of the flood")
	after := fs.Duration("after", def.After, "length of the phase after the flood")
	timeout := fs.Duration("timeout", def.ClientTimeout, "client timeout")
	seed := fs.Uint64("seed", def.Seed, "seed of the arrival processes")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError("%v", err)
	}
	if fs.NArg() > 0 {
		return usageError("unexpected arguments %q", fs.Args())
	}
	cfg := def
	if *short {
		cfg = simulate.ShortConfig()
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["workers"] || !*short {
		cfg.Workers = *workers
	}
	if set["service"] || !*short {
		cfg.Service = *service
	}
	if set["user-share"] || !*short {
		cfg.UserShare = *userShare
	}
	if set["background-share"] || !*short {
		cfg.BackgroundShare = *bgShare
	}
	if set["flood-factor"] || !*short {
		cfg.FloodFactor = *factor
	}
	if set["before"] || !*short {
		cfg.Before = *before
	}
	if set["flood"] || !*short {
		cfg.Flood = *flood
	}
	if set["after"] || !*short {
		cfg.After = *after
	}
	if set["timeout"] || !*short {
		cfg.ClientTimeout = *timeout
	}
	if set["seed"] || !*short {
		cfg.Seed = *seed
	}
	var run []simulate.Mode
	for _, s := range strings.Split(*modes, ",") {
		m, err := simulate.ParseMode(strings.TrimSpace(s))
		if err != nil {
			return usageError("-modes: %v", err)
		}
		run = append(run, m)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	simulate.WriteHeader(stdout, cfg)
	for _, m := range run {
		r, err := simulate.Run(ctx, cfg, m)
		if errors.Is(err, simulate.ErrConfig) {
			return usageError("%v", err)
		}
		if err != nil {
			return err
		}
		simulate.WriteTable(stdout, r)
	}
	return nil
}
