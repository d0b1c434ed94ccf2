package simulate

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"github.com/tollgate/tollgate/ratelimit"
)

// limiterFor builds the admission control of a mode (nil for ModeNone).
func limiterFor(m Mode, c Config) (*ratelimit.Limiter, error) {
	switch m {
	case ModeShared:
		return ratelimit.NewLimiter(ratelimit.WithTotal(c.Workers), ratelimit.WithClass(ratelimit.Class{
			Name: "all", Criticality: ratelimit.NeverShed, QueueLen: 2 * c.Workers, MaxWait: c.ClientTimeout / 2,
		}))
	case ModeLanes:
		return ratelimit.NewLimiter(ratelimit.WithTotal(c.Workers), ratelimit.WithClasses(LaneClasses(c)...))
	}
	return nil, nil
}

// LaneClasses returns the classes ModeLanes declares: user logins never
// shed, with 40% of the seats of which half are reserved (about their usual
// load) and half lendable; background logins sheddable, with the other 60%,
// all lendable, allowed to borrow whatever is not reserved, and a short queue.
func LaneClasses(c Config) []ratelimit.Class {
	return []ratelimit.Class{
		{
			Name: UserLogin, Criticality: ratelimit.NeverShed,
			Share: 0.4, Lendable: 0.5, Borrow: 0.5,
			QueueLen: 2 * c.Workers, MaxWait: c.ClientTimeout / 2,
		},
		{
			Name: BackgroundLogin, Criticality: ratelimit.Sheddable,
			Share: 0.6, Lendable: 1, Borrow: 1,
			QueueLen: c.Workers, MaxWait: c.ClientTimeout / 8,
		},
	}
}

// classRec collects the outcomes of one class.
type classRec struct {
	mu             sync.Mutex
	offered        int
	admitted       int
	succeeded      int
	rejected       int
	floodOffered   int
	floodSucceeded int
	lat            []time.Duration // admitted: arrival to answer (or to the client's timeout)
	baseLat        []time.Duration // admitted before the flood
	floodLat       []time.Duration // admitted during the flood
	rejLat         []time.Duration // rejected: arrival to rejection
}

type phase int

const (
	phaseBefore phase = iota
	phaseFlood
	phaseAfter
)

type outcome struct {
	admitted, succeeded bool
	latency             time.Duration
}

func (r *classRec) add(ph phase, o outcome) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.offered++
	if ph == phaseFlood {
		r.floodOffered++
	}
	if !o.admitted {
		r.rejected++
		r.rejLat = append(r.rejLat, o.latency)
		return
	}
	r.admitted++
	r.lat = append(r.lat, o.latency)
	switch ph {
	case phaseBefore:
		r.baseLat = append(r.baseLat, o.latency)
	case phaseFlood:
		r.floodLat = append(r.floodLat, o.latency)
	}
	if o.succeeded {
		r.succeeded++
		if ph == phaseFlood {
			r.floodSucceeded++
		}
	}
}

// Run replays the story once in mode m and returns its result. It takes
// cfg.Before+cfg.Flood+cfg.After of wall-clock time, plus the time the last
// clients wait; ctx ends it early with ctx.Err(). Zero fields of cfg take
// DefaultConfig's values; invalid ones give an error wrapping ErrConfig.
// Run collects garbage first so that earlier runs do not disturb this one.
func Run(ctx context.Context, cfg Config, m Mode) (*Result, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if _, err := ParseMode(string(m)); err != nil {
		return nil, err
	}
	lim, err := limiterFor(m, cfg)
	if err != nil {
		return nil, err
	}
	if lim != nil {
		defer lim.Close()
	}

	runtime.GC() // start from a clean heap: earlier runs leave garbage behind
	start := time.Now()
	floodStart := start.Add(cfg.Before)
	floodEnd := floodStart.Add(cfg.Flood)
	end := floodEnd.Add(cfg.After)
	phaseAt := func(t time.Time) phase {
		switch {
		case t.Before(floodStart):
			return phaseBefore
		case t.Before(floodEnd):
			return phaseFlood
		}
		return phaseAfter
	}

	var goodMu sync.Mutex
	var goodWork time.Duration
	srv := newServer(cfg.Workers, cfg.Service, func(j *job) {
		if j.end.Sub(j.arrival) > cfg.ClientTimeout {
			return // wasted: the client had given up
		}
		// Credit the part of the work done during the flood.
		from, to := j.start, j.end
		if from.Before(floodStart) {
			from = floodStart
		}
		if to.After(floodEnd) {
			to = floodEnd
		}
		if to.After(from) {
			goodMu.Lock()
			goodWork += to.Sub(from)
			goodMu.Unlock()
		}
	})

	res := &Result{Mode: m, Config: cfg, ShedEngaged: -1, Recovered: -1}
	var levelMu sync.Mutex
	var changes []ratelimit.LevelChange
	if m == ModeLanes {
		cancel := lim.Subscribe(func(c ratelimit.LevelChange) {
			levelMu.Lock()
			changes = append(changes, c)
			levelMu.Unlock()
		})
		defer cancel()
	}

	recs := []*classRec{{}, {}}
	names := []string{UserLogin, BackgroundLogin}
	limClass := func(i int) string {
		if m == ModeShared {
			return "all"
		}
		return names[i]
	}
	var clients sync.WaitGroup
	client := func(i int, arrival time.Time) {
		defer clients.Done()
		ph := phaseAt(arrival)
		deadline := arrival.Add(cfg.ClientTimeout)
		j := &job{arrival: arrival, done: make(chan struct{})}
		if lim == nil {
			srv.submit(j)
			t := time.NewTimer(time.Until(deadline))
			defer t.Stop()
			select {
			case <-j.done:
				lat := j.end.Sub(arrival)
				recs[i].add(ph, outcome{admitted: true, succeeded: lat <= cfg.ClientTimeout, latency: lat})
			case <-t.C:
				recs[i].add(ph, outcome{admitted: true, latency: cfg.ClientTimeout})
			case <-ctx.Done():
			}
			return
		}
		actx, cancel := context.WithDeadline(ctx, deadline)
		defer cancel()
		t0 := time.Now()
		tk, err := lim.Acquire(actx, limClass(i))
		if err != nil {
			recs[i].add(ph, outcome{latency: time.Since(t0)})
			return
		}
		srv.submit(j)
		select {
		case <-j.done:
		case <-ctx.Done():
			tk.Release()
			return
		}
		tk.Release()
		lat := j.end.Sub(arrival)
		if lat > cfg.ClientTimeout {
			lat = cfg.ClientTimeout
		}
		recs[i].add(ph, outcome{admitted: true, succeeded: j.end.Sub(arrival) <= cfg.ClientTimeout, latency: lat})
	}

	capacity := cfg.Capacity()
	rates := [][3]float64{ // per class, per phase, requests per second
		{cfg.UserShare * capacity, cfg.UserShare * capacity, cfg.UserShare * capacity},
		{cfg.BackgroundShare * capacity, cfg.FloodFactor * capacity, 0},
	}
	bounds := [...]time.Time{start, floodStart, floodEnd, end}
	// expected returns the mean number of arrivals of class i in [from, to),
	// integrating the rate across phase boundaries.
	expected := func(i int, from, to time.Time) float64 {
		sum := 0.0
		for p := range 3 {
			a, b := bounds[p], bounds[p+1]
			if from.After(a) {
				a = from
			}
			if to.Before(b) {
				b = to
			}
			if b.After(a) {
				sum += rates[i][p] * b.Sub(a).Seconds()
			}
		}
		return sum
	}
	var stallMu sync.Mutex
	var maxStall time.Duration
	var gens sync.WaitGroup
	for i := range recs {
		gens.Add(1)
		go func() {
			defer gens.Done()
			rng := rand.New(rand.NewPCG(cfg.Seed, uint64(i)))
			last := start
			for {
				time.Sleep(time.Millisecond)
				now := time.Now()
				if ctx.Err() != nil {
					return
				}
				if gap := now.Sub(last) - time.Millisecond; gap > 0 {
					stallMu.Lock()
					maxStall = max(maxStall, gap)
					stallMu.Unlock()
				}
				if now.After(end) {
					now = end
				}
				n := poisson(rng, expected(i, last, now))
				for range n {
					clients.Add(1)
					go client(i, now)
				}
				if !now.Before(end) {
					return
				}
				last = now
			}
		}()
	}

	// Recovery: the first moment after the flood when nothing waits (server
	// backlog, limiter queues) and, with lanes, the load level is back to
	// normal (background logins are no longer shed).
	var watch sync.WaitGroup
	watch.Add(1)
	go func() {
		defer watch.Done()
		for {
			time.Sleep(5 * time.Millisecond)
			now := time.Now()
			if !now.Before(end) || ctx.Err() != nil {
				return
			}
			if now.Before(floodEnd) {
				continue
			}
			normal := srv.waiting() == 0
			if lim != nil {
				s := lim.Stats()
				normal = normal && s.Queued == 0
				if m == ModeLanes {
					normal = normal && s.Level == ratelimit.LevelNormal
				}
			}
			if normal {
				res.Recovered = now.Sub(floodEnd)
				return
			}
		}
	}()

	gens.Wait()
	watch.Wait()
	clients.Wait()
	srv.stop()
	if lim != nil {
		lim.Close() // no more level changes after this
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	levelMu.Lock()
	res.ShedEngaged, res.MaxLevel = engaged(changes, floodStart)
	levelMu.Unlock()
	res.MaxStall = maxStall
	res.Goodput = float64(goodWork) / float64(time.Duration(cfg.Workers)*cfg.Flood)
	for i, r := range recs {
		res.Classes = append(res.Classes, r.result(names[i]))
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// engaged returns when shedding engaged relative to floodStart (0 when the
// level was already raised then, -1 when never) and the highest level.
func engaged(changes []ratelimit.LevelChange, floodStart time.Time) (time.Duration, int) {
	at := time.Duration(-1)
	level, top := ratelimit.LevelNormal, 0
	for _, c := range changes {
		top = max(top, int(c.To))
		if c.At.Before(floodStart) {
			level = c.To
			continue
		}
		if at < 0 && level > ratelimit.LevelNormal {
			at = 0
		}
		if at < 0 && c.To > ratelimit.LevelNormal {
			at = c.At.Sub(floodStart)
		}
	}
	if at < 0 && level > ratelimit.LevelNormal {
		at = 0
	}
	return at, top
}

// poisson draws a Poisson variate with the given mean (normal approximation
// above 30).
func poisson(r *rand.Rand, mean float64) int {
	if mean <= 0 {
		return 0
	}
	if mean > 30 {
		return max(0, int(math.Round(mean+math.Sqrt(mean)*r.NormFloat64())))
	}
	limit := math.Exp(-mean)
	k, p := 0, r.Float64()
	for p > limit {
		k++
		p *= r.Float64()
	}
	return k
}
