package simulate

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// Targets are the goals of the design for ModeLanes.
var Targets = struct {
	UserSuccess   float64       // user-login success during the flood, at least
	UserP99Ratio  float64       // user-login p99 during the flood / before it, at most
	Goodput       float64       // share of capacity doing useful work during the flood, at least
	ShedEngaged   time.Duration // from the flood's start, at most
	RejectLatency time.Duration // p99 latency of a rejection, below
}{0.999, 2, 0.9, time.Second, time.Millisecond}

// ClassResult is the outcome of one class in one run.
//
// It is a plain value, safe for concurrent use as long as no goroutine modifies it.
type ClassResult struct {
	Name string
	// Offered requests arrived; Admitted got past admission control (all of
	// them in ModeNone); Succeeded were answered within the client timeout;
	// Rejected were turned away by admission control.
	Offered, Admitted, Succeeded, Rejected int
	// FloodOffered and FloodSucceeded count requests that arrived during the flood.
	FloodOffered, FloodSucceeded int
	// P50, P99 and P999 are latency percentiles of admitted requests, from
	// arrival to answer; a request whose client gave up counts as the client
	// timeout.
	P50, P99, P999 time.Duration
	// BaseP99 and FloodP99 are the p99 of admitted requests that arrived
	// before and during the flood.
	BaseP99, FloodP99 time.Duration
	// RejectP50 and RejectP99 are latency percentiles of rejections.
	RejectP50, RejectP99 time.Duration
}

// SuccessRate is Succeeded/Offered (1 when nothing was offered).
func (c ClassResult) SuccessRate() float64 { return rate(c.Succeeded, c.Offered) }

// FloodSuccessRate is FloodSucceeded/FloodOffered.
func (c ClassResult) FloodSuccessRate() float64 { return rate(c.FloodSucceeded, c.FloodOffered) }

func rate(n, d int) float64 {
	if d == 0 {
		return 1
	}
	return float64(n) / float64(d)
}

// Result is the outcome of one run.
//
// It is a plain value, safe for concurrent use as long as no goroutine modifies it.
type Result struct {
	Mode   Mode
	Config Config
	// Classes holds user-login then background-login.
	Classes []ClassResult
	// Goodput is the worker time spent on requests that succeeded and
	// started during the flood, as a share of the capacity (Workers × Flood).
	Goodput float64
	// ShedEngaged is the time from the flood's start until the load level
	// first rose (shedding began); -1 when it never did or the mode does not
	// shed (only ModeLanes does).
	ShedEngaged time.Duration
	// MaxLevel is the highest load level reached.
	MaxLevel int
	// Recovered is the time from the flood's end until nothing waited and
	// the load level was normal again; -1 when not within After.
	Recovered time.Duration
	// Elapsed is the wall-clock time of the run.
	Elapsed time.Duration
	// MaxStall is the longest delay of the load generator beyond its 1ms
	// tick: how long the process went without being scheduled. Stalls of
	// more than a few milliseconds mean the machine was too busy for the
	// latency figures to describe the limiter. It is 0 in virtual time.
	MaxStall time.Duration
}

// target is one goal of Targets as checked against a result.
type target struct {
	name string // how Missed names it
	text string // the goal, as the table prints it
	met  bool
}

// targets checks r against Targets; nil for modes other than ModeLanes.
func (r *Result) targets() []target {
	if r.Mode != ModeLanes {
		return nil
	}
	t := Targets
	u, bg := r.Class(UserLogin), r.Class(BackgroundLogin)
	ratio := u.floodRatio()
	return []target{
		{"user success", fmt.Sprintf("user success ≥ %.1f%%", 100*t.UserSuccess), u.FloodSuccessRate() >= t.UserSuccess},
		{"user p99", fmt.Sprintf("user p99 ≤ %.0f×", t.UserP99Ratio), ratio > 0 && ratio <= t.UserP99Ratio},
		{"goodput", fmt.Sprintf("goodput ≥ %.0f%%", 100*t.Goodput), r.Goodput >= t.Goodput},
		{"shedding", fmt.Sprintf("shedding ≤ %v", t.ShedEngaged), r.ShedEngaged >= 0 && r.ShedEngaged <= t.ShedEngaged},
		{"rejection p99", fmt.Sprintf("rejection p99 < %v", t.RejectLatency), bg.RejectP99 < t.RejectLatency},
	}
}

// Missed returns the names of the Targets r misses, in the order the table
// prints them: "user success", "user p99", "goodput", "shedding" and
// "rejection p99". It returns nil when r meets them all, and for the modes
// other than ModeLanes, which have no targets.
func (r *Result) Missed() []string {
	var missed []string
	for _, t := range r.targets() {
		if !t.met {
			missed = append(missed, t.name)
		}
	}
	return missed
}

// floodRatio is FloodP99/BaseP99, 0 without a base.
func (c ClassResult) floodRatio() float64 {
	if c.BaseP99 <= 0 {
		return 0
	}
	return float64(c.FloodP99) / float64(c.BaseP99)
}

// Class returns the result of the named class.
func (r *Result) Class(name string) ClassResult {
	for _, c := range r.Classes {
		if c.Name == name {
			return c
		}
	}
	return ClassResult{Name: name}
}

func (r *classRec) result(name string) ClassResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := ClassResult{
		Name: name, Offered: r.offered, Admitted: r.admitted, Succeeded: r.succeeded, Rejected: r.rejected,
		FloodOffered: r.floodOffered, FloodSucceeded: r.floodSucceeded,
	}
	c.P50, c.P99, c.P999 = percentile(r.lat, 0.5), percentile(r.lat, 0.99), percentile(r.lat, 0.999)
	c.BaseP99, c.FloodP99 = percentile(r.baseLat, 0.99), percentile(r.floodLat, 0.99)
	c.RejectP50, c.RejectP99 = percentile(r.rejLat, 0.5), percentile(r.rejLat, 0.99)
	return c
}

// percentile returns the q-quantile (nearest rank) of d, 0 for no data. It sorts d.
func percentile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	i := int(float64(q*float64(len(d)))+0.999999) - 1 // float64(): no fused multiply-add, same rank everywhere
	return d[min(max(i, 0), len(d)-1)]
}

func fmtDur(d time.Duration) string {
	switch {
	case d <= 0:
		return "-"
	case d < time.Millisecond:
		return fmt.Sprintf("%.0fµs", float64(d)/float64(time.Microsecond))
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%.0fms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}

// fmtLat formats a latency percentile of n requests: 0 is "0" when there
// were requests (a rejection at the door takes no virtual time), "-" when
// there were none.
func fmtLat(d time.Duration, n int) string {
	if d == 0 && n > 0 {
		return "0"
	}
	return fmtDur(d)
}

func mark(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

// WriteHeader prints the scenario of cfg.
func WriteHeader(w io.Writer, cfg Config) {
	cfg = cfg.withDefaults()
	c := cfg.Capacity()
	fmt.Fprintf(w, "server: %d workers × %v = capacity C %.0f req/s; client timeout %v\n", cfg.Workers, cfg.Service, c, cfg.ClientTimeout)
	fmt.Fprintf(w, "load: user logins %.0f req/s (%.0f%% of C) throughout; background logins %.0f req/s, then %.0f req/s (%.0f× C) for %v, then none; phases %v / %v / %v\n",
		cfg.UserShare*c, 100*cfg.UserShare, cfg.BackgroundShare*c, cfg.FloodFactor*c, cfg.FloodFactor, cfg.Flood, cfg.Before, cfg.Flood, cfg.After)
}

// WriteTable prints r as a table followed by the flood figures and, for
// ModeLanes, the targets.
func WriteTable(w io.Writer, r *Result) {
	fmt.Fprintf(w, "\nmode %s (%s)\n", r.Mode, r.Mode.Describe())
	fmt.Fprintf(w, "%-17s %8s %8s %9s %8s %8s %8s %8s %8s %8s %8s\n",
		"class", "offered", "admitted", "succeeded", "rejected", "success", "p50", "p99", "p99.9", "rej p50", "rej p99")
	for _, c := range r.Classes {
		fmt.Fprintf(w, "%-17s %8d %8d %9d %8d %7.2f%% %8s %8s %8s %8s %8s\n",
			c.Name, c.Offered, c.Admitted, c.Succeeded, c.Rejected, 100*c.SuccessRate(),
			fmtLat(c.P50, c.Admitted), fmtLat(c.P99, c.Admitted), fmtLat(c.P999, c.Admitted),
			fmtLat(c.RejectP50, c.Rejected), fmtLat(c.RejectP99, c.Rejected))
	}
	u := r.Class(UserLogin)
	fmt.Fprintf(w, "user-login during the flood: success %.2f%% (%d/%d), p99 %s vs %s before it (%.2f×)\n",
		100*u.FloodSuccessRate(), u.FloodSucceeded, u.FloodOffered, fmtDur(u.FloodP99), fmtDur(u.BaseP99), u.floodRatio())
	fmt.Fprintf(w, "goodput during the flood: %.1f%% of C\n", 100*r.Goodput)
	switch {
	case r.Mode != ModeLanes:
		fmt.Fprintf(w, "shedding engaged: n/a (this mode does not shed)\n")
	case r.ShedEngaged >= 0:
		fmt.Fprintf(w, "shedding engaged: %s after the flood started (max level %d)\n", fmtDur(r.ShedEngaged), r.MaxLevel)
	default:
		fmt.Fprintf(w, "shedding engaged: never\n")
	}
	if r.Recovered >= 0 {
		fmt.Fprintf(w, "recovered: %s after the flood ended\n", fmtDur(r.Recovered))
	} else {
		fmt.Fprintf(w, "recovered: not within %v after the flood ended\n", r.Config.After)
	}
	if r.Config.Realtime {
		fmt.Fprintf(w, "harness: wall-clock time, longest scheduling stall %s\n", fmtDur(r.MaxStall))
	} else {
		fmt.Fprintf(w, "harness: virtual time, seed %d (the same flags print the same table)\n", r.Config.Seed)
	}
	if ts := r.targets(); ts != nil {
		fmt.Fprint(w, "targets:")
		for i, t := range ts {
			sep := ";"
			if i == 0 {
				sep = ""
			}
			fmt.Fprintf(w, "%s %s %s", sep, t.text, mark(t.met))
		}
		fmt.Fprintln(w)
	}
}
