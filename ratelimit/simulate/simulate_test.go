package simulate

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/ratelimit"
)

// TestOverloadShort replays the short story in virtual time in every mode
// and checks that lanes keep user logins succeeding and meet every target
// while the other modes do not protect user logins. Virtual time makes the
// figures exact, so timing figures are asserted too. Set TOLLGATE_SIM_FULL=1
// to also print the full replay in wall-clock time (about 50 s).
func TestOverloadShort(t *testing.T) {
	cfg := ShortConfig()
	var out bytes.Buffer
	WriteHeader(&out, cfg)
	results := map[Mode]*Result{}
	for _, m := range Modes {
		r, err := Run(context.Background(), cfg, m)
		if err != nil {
			t.Fatalf("Run(%s) error = %v", m, err)
		}
		WriteTable(&out, r)
		results[m] = r
	}
	t.Log("\n" + out.String())

	lanes, shared, none := results[ModeLanes], results[ModeShared], results[ModeNone]
	wantFlood := 0.8 * cfg.FloodFactor * cfg.Capacity() * cfg.Flood.Seconds()
	for m, r := range results {
		u, bg := r.Class(UserLogin), r.Class(BackgroundLogin)
		if u.FloodOffered == 0 || float64(bg.FloodOffered) < wantFlood {
			t.Fatalf("%s: offered during the flood: user %d, background %d (want >= %.0f)", m, u.FloodOffered, bg.FloodOffered, wantFlood)
		}
		if u.Admitted+u.Rejected != u.Offered || bg.Admitted+bg.Rejected != bg.Offered {
			t.Errorf("%s: admitted + rejected != offered: %+v %+v", m, u, bg)
		}
		if r.MaxStall != 0 {
			t.Errorf("%s: MaxStall = %v in virtual time, want 0", m, r.MaxStall)
		}
	}
	if missed := lanes.Missed(); missed != nil {
		t.Errorf("lanes: Missed() = %q, want every target met", missed)
	}
	lu := lanes.Class(UserLogin)
	for _, other := range []*Result{shared, none} {
		if got, lanesGot := other.Class(UserLogin).FloodSuccessRate(), lu.FloodSuccessRate(); got > lanesGot-0.3 {
			t.Errorf("%s: user-login success during the flood = %.3f, want well below lanes' %.3f", other.Mode, got, lanesGot)
		}
		if other.Missed() != nil {
			t.Errorf("%s: Missed() = %q, want nil (no targets)", other.Mode, other.Missed())
		}
	}
	if lanes.MaxLevel < 1 {
		t.Errorf("lanes: max level %d, want shedding", lanes.MaxLevel)
	}
	if bg := lanes.Class(BackgroundLogin); bg.Rejected == 0 || bg.Admitted == 0 {
		t.Errorf("lanes: background admitted %d rejected %d, want both > 0", bg.Admitted, bg.Rejected)
	}
	if lanes.Goodput <= none.Goodput {
		t.Errorf("lanes goodput %.2f, none %.2f: want lanes > none", lanes.Goodput, none.Goodput)
	}
	if none.Recovered >= 0 {
		t.Errorf("none: recovered %v after the flood, want a backlog still draining", none.Recovered)
	}
	if shared.Recovered < 0 || lanes.Recovered < 0 {
		t.Errorf("recovered: shared %v, lanes %v, want both within After", shared.Recovered, lanes.Recovered)
	}

	if os.Getenv("TOLLGATE_SIM_FULL") != "" {
		out.Reset()
		full := DefaultConfig()
		full.Realtime = true
		WriteHeader(&out, full)
		for _, m := range Modes {
			r, err := Run(context.Background(), full, m)
			if err != nil {
				t.Fatalf("full Run(%s) error = %v", m, err)
			}
			WriteTable(&out, r)
		}
		t.Log("\n" + out.String())
	}
}

// TestVirtualDeterministic runs the same config twice in every mode and
// wants byte-identical tables, and a different table for another seed.
func TestVirtualDeterministic(t *testing.T) {
	table := func(cfg Config, m Mode) string {
		t.Helper()
		r, err := Run(context.Background(), cfg, m)
		if err != nil {
			t.Fatalf("Run(%s) error = %v", m, err)
		}
		var b bytes.Buffer
		WriteTable(&b, r)
		return b.String()
	}
	cfg := ShortConfig()
	for _, m := range Modes {
		first, second := table(cfg, m), table(cfg, m)
		if first != second {
			t.Errorf("%s: two runs of the same config differ:\n%s\n%s", m, first, second)
		}
		other := cfg
		other.Seed++
		if third := table(other, m); third == first {
			t.Errorf("%s: seed %d prints the same table as seed %d:\n%s", m, other.Seed, cfg.Seed, third)
		}
	}
}

// TestMissedTarget makes lanes miss a target with the config alone: user
// logins at 60% of the capacity are more than their lane's seats and what
// it may borrow.
func TestMissedTarget(t *testing.T) {
	cfg := ShortConfig()
	cfg.UserShare = 0.6
	r, err := Run(context.Background(), cfg, ModeLanes)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Missed(); !slices.Contains(got, "user success") {
		t.Errorf("Missed() = %q, want it to contain \"user success\"", got)
	}
	var b bytes.Buffer
	WriteTable(&b, r)
	if !strings.Contains(b.String(), "user success ≥ 99.9% MISSED") {
		t.Errorf("table does not mark the missed target:\n%s", b.String())
	}
}

// TestRealtimeShort replays a short story in wall-clock time in lanes mode.
// Its figures depend on the machine, so only its accounting is checked.
func TestRealtimeShort(t *testing.T) {
	cfg := ShortConfig()
	cfg.Realtime = true
	cfg.Before, cfg.Flood, cfg.After = 200*time.Millisecond, 300*time.Millisecond, 200*time.Millisecond
	var progress []time.Duration
	cfg.Progress = func(d time.Duration) { progress = append(progress, d) }
	r, err := Run(context.Background(), cfg, ModeLanes)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Classes {
		if c.Offered == 0 || c.Admitted+c.Rejected != c.Offered || c.Succeeded > c.Admitted {
			t.Errorf("%s: offered %d admitted %d rejected %d succeeded %d", c.Name, c.Offered, c.Admitted, c.Rejected, c.Succeeded)
		}
	}
	if r.Elapsed < cfg.Before+cfg.Flood+cfg.After {
		t.Errorf("Elapsed = %v, want at least the story's %v", r.Elapsed, cfg.Before+cfg.Flood+cfg.After)
	}
	if len(progress) == 0 || progress[len(progress)-1] != cfg.Before+cfg.Flood+cfg.After {
		t.Errorf("progress reports end at %v, want the whole story", progress[len(progress)-1:])
	}
	var b bytes.Buffer
	WriteTable(&b, r)
	if !strings.Contains(b.String(), "harness: wall-clock time, longest scheduling stall") {
		t.Errorf("table lacks the harness line:\n%s", b.String())
	}
}

// TestVirtualProgress checks that a virtual replay reports its progress in
// story time, up to the whole story.
func TestVirtualProgress(t *testing.T) {
	cfg := ShortConfig()
	var progress []time.Duration
	cfg.Progress = func(d time.Duration) { progress = append(progress, d) }
	if _, err := Run(context.Background(), cfg, ModeLanes); err != nil {
		t.Fatal(err)
	}
	story := cfg.Before + cfg.Flood + cfg.After
	if len(progress) < 10 || progress[len(progress)-1] != story || !slices.IsSorted(progress) {
		t.Errorf("progress = %v, want at least 10 rising reports ending at %v", progress, story)
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*Config)
	}{
		{"one worker", func(c *Config) { c.Workers = 1 }},
		{"negative share", func(c *Config) { c.UserShare = -1 }},
		{"share above 1", func(c *Config) { c.BackgroundShare = 1.5 }},
		{"timeout below service", func(c *Config) { c.ClientTimeout = time.Millisecond; c.Service = 5 * time.Millisecond }},
		{"flood too large", func(c *Config) { c.Workers = 5000; c.Service = time.Millisecond; c.FloodFactor = 50 }},
		{"negative flood", func(c *Config) { c.Flood = -time.Second }},
		{"story too long", func(c *Config) { c.After = 2 * time.Hour }},
	}
	for _, tc := range tests {
		cfg := ShortConfig()
		tc.mod(&cfg)
		if _, err := Run(context.Background(), cfg, ModeLanes); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: Run error = %v, want ErrConfig", tc.name, err)
		}
		if err := cfg.Validate(); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: Validate() = %v, want ErrConfig", tc.name, err)
		}
	}
	if _, err := Run(context.Background(), ShortConfig(), "bogus"); !errors.Is(err, ErrConfig) {
		t.Errorf("bad mode: Run error = %v, want ErrConfig", err)
	}
	if _, err := ParseMode("lanes"); err != nil {
		t.Errorf("ParseMode(lanes) error = %v", err)
	}
	// Validate checks a config as given: zero fields, which Run replaces
	// with the defaults, are errors.
	for _, cfg := range []Config{ShortConfig(), DefaultConfig()} {
		if err := cfg.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v, want nil", cfg, err)
		}
	}
	zeros := map[string]func(*Config){
		"workers":          func(c *Config) { c.Workers = 0 },
		"service":          func(c *Config) { c.Service = 0 },
		"user share":       func(c *Config) { c.UserShare = 0 },
		"background share": func(c *Config) { c.BackgroundShare = 0 },
		"flood factor":     func(c *Config) { c.FloodFactor = 0 },
		"phases":           func(c *Config) { c.Before = 0 },
		"client timeout":   func(c *Config) { c.ClientTimeout = 0 },
	}
	for want, mod := range zeros {
		cfg := DefaultConfig()
		mod(&cfg)
		if err := cfg.Validate(); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() with zero %s = %v, want an ErrConfig naming it", want, err)
		}
	}
}

func TestRunCanceled(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	cfg := ShortConfig()
	cfg.Realtime = true
	if _, err := Run(ctx, cfg, ModeLanes); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("realtime Run with a short context error = %v, want DeadlineExceeded", err)
	}
	canceled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	for _, m := range Modes {
		if _, err := Run(canceled, ShortConfig(), m); !errors.Is(err, context.Canceled) {
			t.Errorf("virtual Run(%s) with a canceled context error = %v, want Canceled", m, err)
		}
	}
}

func TestPercentileAndPoisson(t *testing.T) {
	d := []time.Duration{5, 1, 4, 2, 3, 6, 7, 8, 9, 10}
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 5}, {0.99, 10}, {0.1, 1}, {0, 1}} {
		if got := percentile(d, tc.q); got != tc.want {
			t.Errorf("percentile(1..10, %v) = %v, want %v", tc.q, got, tc.want)
		}
	}
	if got := percentile(nil, 0.5); got != 0 {
		t.Errorf("percentile(nil) = %v, want 0", got)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for _, mean := range []float64{0.2, 5, 200} {
		sum := 0
		const n = 20000
		for range n {
			sum += poisson(rng, mean)
		}
		if got := float64(sum) / n; got < mean*0.95 || got > mean*1.05 {
			t.Errorf("mean of poisson(%v) = %.3f, want within 5%%", mean, got)
		}
	}
}

func TestWriteTable(t *testing.T) {
	r := &Result{Mode: ModeLanes, Config: ShortConfig(), Goodput: 0.95, ShedEngaged: 80 * time.Millisecond, MaxLevel: 1, Recovered: time.Second,
		Classes: []ClassResult{
			{Name: UserLogin, Offered: 1000, Admitted: 1000, Succeeded: 1000, FloodOffered: 500, FloodSucceeded: 500,
				P50: 20 * time.Millisecond, P99: 25 * time.Millisecond, BaseP99: 22 * time.Millisecond, FloodP99: 30 * time.Millisecond},
			{Name: BackgroundLogin, Offered: 20000, Admitted: 500, Succeeded: 500, Rejected: 19500, P50: 20 * time.Millisecond, P99: 25 * time.Millisecond, RejectP99: 3 * time.Microsecond},
		}}
	var b bytes.Buffer
	WriteTable(&b, r)
	for _, want := range []string{"user-login", "100.00%", "goodput during the flood: 95.0% of C", "80ms after the flood started",
		"p99 30ms vs 22ms before it (1.36×)", "targets: user success ≥ 99.9% met; user p99 ≤ 2× met; goodput ≥ 90% met; shedding ≤ 1s met; rejection p99 < 1ms met\n",
		"harness: virtual time, seed 1 (the same flags print the same table)",
		"   19500    2.50%     20ms     25ms        0        0      3µs\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
	if got := r.Missed(); got != nil {
		t.Errorf("Missed() = %q, want nil", got)
	}
	r.Goodput, r.ShedEngaged = 0.5, -1
	if got, want := r.Missed(), []string{"goodput", "shedding"}; !slices.Equal(got, want) {
		t.Errorf("Missed() with goodput 0.5 and no shedding = %q, want %q", got, want)
	}
	r.Mode = ModeShared
	if got := r.Missed(); got != nil {
		t.Errorf("Missed() of ModeShared = %q, want nil (no targets)", got)
	}
}

func TestEngaged(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	ch := func(ms int, to ratelimit.Level) ratelimit.LevelChange {
		return ratelimit.LevelChange{At: t0.Add(time.Duration(ms) * time.Millisecond), To: to}
	}
	tests := []struct {
		name    string
		changes []ratelimit.LevelChange
		want    time.Duration
		top     int
	}{
		{"never", nil, -1, 0},
		{"after the start", []ratelimit.LevelChange{ch(80, 1), ch(300, 2)}, 80 * time.Millisecond, 2},
		{"raised before, still raised", []ratelimit.LevelChange{ch(-200, 1), ch(500, 0)}, 0, 1},
		{"raised and lowered before", []ratelimit.LevelChange{ch(-900, 1), ch(-100, 0), ch(120, 1)}, 120 * time.Millisecond, 1},
		{"raised before, nothing after", []ratelimit.LevelChange{ch(-50, 3)}, 0, 3},
	}
	for _, tc := range tests {
		got, top := engaged(tc.changes, t0)
		if got != tc.want || top != tc.top {
			t.Errorf("%s: engaged() = %v, %d, want %v, %d", tc.name, got, top, tc.want, tc.top)
		}
	}
}
