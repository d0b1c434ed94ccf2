package simulate

import (
	"context"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/tollgate/tollgate/ratelimit"
)

// Run replays the story once in mode m and returns its result; ctx ends it
// early with ctx.Err(). Zero fields of cfg take DefaultConfig's values;
// invalid ones give an error wrapping ErrConfig.
//
// By default the replay runs in virtual time (see the package
// documentation): it takes as long as the computer needs to push the
// requests through the limiter, about a second per mode for DefaultConfig,
// and the same cfg always gives the same Result. With cfg.Realtime it takes
// cfg.Before+cfg.Flood+cfg.After of wall-clock time, plus the time the last
// clients wait.
func Run(ctx context.Context, cfg Config, m Mode) (*Result, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if _, err := ParseMode(string(m)); err != nil {
		return nil, err
	}
	if cfg.Realtime {
		return runRealtime(ctx, cfg, m)
	}
	return runVirtual(ctx, cfg, m)
}

// limiterFor builds the admission control of a mode (nil for ModeNone).
func limiterFor(m Mode, c Config, opts ...ratelimit.Option) (*ratelimit.Limiter, error) {
	switch m {
	case ModeShared:
		return ratelimit.NewLimiter(append([]ratelimit.Option{ratelimit.WithTotal(c.Workers), ratelimit.WithClass(ratelimit.Class{
			Name: "all", Criticality: ratelimit.NeverShed, QueueLen: 2 * c.Workers, MaxWait: c.ClientTimeout / 2,
		})}, opts...)...)
	case ModeLanes:
		return ratelimit.NewLimiter(append([]ratelimit.Option{ratelimit.WithTotal(c.Workers), ratelimit.WithClasses(LaneClasses(c)...)}, opts...)...)
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

// story is what both replays share: the phases, the arrival rates and the
// records of one run.
type story struct {
	cfg                              Config
	mode                             Mode
	start, floodStart, floodEnd, end time.Time
	rates                            [2][3]float64 // per class, per phase, requests per second
	recs                             [2]*classRec

	goodMu   sync.Mutex
	goodWork time.Duration

	levelMu sync.Mutex
	changes []ratelimit.LevelChange
}

// classNames are the classes in the order of story.recs.
var classNames = [2]string{UserLogin, BackgroundLogin}

func newStory(cfg Config, m Mode, start time.Time) *story {
	s := &story{cfg: cfg, mode: m, start: start, recs: [2]*classRec{{}, {}}}
	s.floodStart = start.Add(cfg.Before)
	s.floodEnd = s.floodStart.Add(cfg.Flood)
	s.end = s.floodEnd.Add(cfg.After)
	c := cfg.Capacity()
	s.rates = [2][3]float64{
		{cfg.UserShare * c, cfg.UserShare * c, cfg.UserShare * c},
		{cfg.BackgroundShare * c, cfg.FloodFactor * c, 0},
	}
	return s
}

// limClass is the limiter class of story class i.
func (s *story) limClass(i int) string {
	if s.mode == ModeShared {
		return "all"
	}
	return classNames[i]
}

func (s *story) phaseAt(t time.Time) phase {
	switch {
	case t.Before(s.floodStart):
		return phaseBefore
	case t.Before(s.floodEnd):
		return phaseFlood
	}
	return phaseAfter
}

// expected returns the mean number of arrivals of class i in [from, to),
// integrating the rate across phase boundaries.
func (s *story) expected(i int, from, to time.Time) float64 {
	bounds := [...]time.Time{s.start, s.floodStart, s.floodEnd, s.end}
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
			// float64() rounds the product: without a fused
			// multiply-add, every platform draws the same arrivals.
			sum += float64(s.rates[i][p] * b.Sub(a).Seconds())
		}
	}
	return sum
}

// served credits the goodput with the part of a finished request's work
// that was done during the flood, unless its client had given up.
func (s *story) served(arrival, start, end time.Time) {
	if end.Sub(arrival) > s.cfg.ClientTimeout {
		return // wasted: the client had given up
	}
	from, to := start, end
	if from.Before(s.floodStart) {
		from = s.floodStart
	}
	if to.After(s.floodEnd) {
		to = s.floodEnd
	}
	if to.After(from) {
		s.goodMu.Lock()
		s.goodWork += to.Sub(from)
		s.goodMu.Unlock()
	}
}

// answered records an admitted request whose work ended at end.
func (s *story) answered(i int, arrival, end time.Time) {
	lat := end.Sub(arrival)
	ok := lat <= s.cfg.ClientTimeout
	s.recs[i].add(s.phaseAt(arrival), outcome{admitted: true, succeeded: ok, latency: min(lat, s.cfg.ClientTimeout)})
}

// subscribe records the level changes of lim (ModeLanes only: the other
// modes do not shed).
func (s *story) subscribe(lim *ratelimit.Limiter) (cancel func()) {
	if s.mode != ModeLanes {
		return func() {}
	}
	return lim.Subscribe(func(c ratelimit.LevelChange) {
		s.levelMu.Lock()
		s.changes = append(s.changes, c)
		s.levelMu.Unlock()
	})
}

// result assembles the Result once the run is over.
func (s *story) result(recovered, maxStall time.Duration) *Result {
	res := &Result{Mode: s.mode, Config: s.cfg, Recovered: recovered, MaxStall: maxStall}
	s.levelMu.Lock()
	res.ShedEngaged, res.MaxLevel = engaged(s.changes, s.floodStart)
	s.levelMu.Unlock()
	s.goodMu.Lock()
	res.Goodput = float64(s.goodWork) / float64(time.Duration(s.cfg.Workers)*s.cfg.Flood)
	s.goodMu.Unlock()
	for i, r := range s.recs {
		res.Classes = append(res.Classes, r.result(classNames[i]))
	}
	return res
}

// recoveredNow reports whether nothing waits (server backlog, limiter
// queues) and, with lanes, the load level is back to normal (background
// logins are no longer shed): the system has recovered.
func (s *story) recoveredNow(backlog int, lim *ratelimit.Limiter) bool {
	if backlog > 0 {
		return false
	}
	if lim == nil {
		return true
	}
	st := lim.Stats()
	return st.Queued == 0 && (s.mode != ModeLanes || st.Level == ratelimit.LevelNormal)
}

// newArrivals returns the random source of class i's arrivals.
func newArrivals(seed uint64, i int) *rand.Rand { return rand.New(rand.NewPCG(seed, uint64(i))) }

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
		return max(0, int(math.Round(mean+float64(math.Sqrt(mean)*r.NormFloat64())))) // float64(): see expected
	}
	limit := math.Exp(-mean)
	k, p := 0, r.Float64()
	for p > limit {
		k++
		p *= r.Float64()
	}
	return k
}
