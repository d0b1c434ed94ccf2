package simulate

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/tollgate/tollgate/ratelimit"
)

// stuckAfter is how long a virtual replay waits for a turn to end before it
// gives up with errStuck. A turn takes microseconds; only a limiter that
// blocks in a way the clock does not know keeps one from ending.
const stuckAfter = 30 * time.Second

// runVirtual replays the story in virtual time (see virtual.go).
func runVirtual(ctx context.Context, cfg Config, m Mode) (*Result, error) {
	wall := time.Now()
	s := newVsched(virtualEpoch)
	st := newStory(cfg, m, virtualEpoch)
	stopDog := make(chan struct{})
	defer close(stopDog)
	go s.watchdog(stopDog, time.Second, stuckAfter)

	var lim *ratelimit.Limiter
	if m != ModeNone {
		// The sampling goroutine NewLimiter starts has the first turn; it
		// gives it back when it starts its first timer.
		s.begin(s.sampler)
		var err error
		lim, err = limiterFor(m, cfg, ratelimit.WithClock(s))
		if err != nil {
			return nil, err
		}
		s.queued = func() int { return lim.Stats().Queued }
		defer st.subscribe(lim)()
		if _, err := s.settle(); err != nil {
			go lim.Close()
			return nil, err
		}
	}

	srv := &vserver{s: s, service: cfg.Service, workers: make([]*vjob, cfg.Workers)}
	for w := cfg.Workers - 1; w >= 0; w-- {
		srv.idle = append(srv.idle, w)
	}
	srv.finished = func(j *vjob, end time.Time) {
		st.served(j.arrival, j.start, end)
		j.tk.Release() // a seat freed: the limiter may hand it to a queued request
		st.answered(j.class, j.arrival, end)
	}

	// handle takes a request back from Acquire.
	handle := func(c *vclient) {
		if c.err != nil {
			st.recs[c.class].add(st.phaseAt(c.arrival), outcome{latency: s.Now().Sub(c.arrival)})
			return
		}
		srv.submit(&vjob{class: c.class, arrival: c.arrival, tk: c.tk})
	}
	// step waits for the turn to end and handles the requests it settled.
	step := func() error {
		done, err := s.settle()
		for _, c := range done {
			handle(c)
		}
		return err
	}
	var clients sync.WaitGroup
	acquire := func(c *vclient) {
		defer clients.Done()
		tk, err := lim.Acquire(&c.ctx, st.limClass(c.class))
		s.back(c, tk, err)
	}
	var lastID uint64
	arrive := func(i int, now time.Time) error {
		if lim == nil {
			srv.submit(&vjob{class: i, arrival: now})
			return nil
		}
		lastID++
		c := &vclient{id: lastID, class: i, arrival: now, ctx: vctx{deadline: now.Add(cfg.ClientTimeout)}}
		s.begin(c)
		clients.Add(1)
		go acquire(c)
		return step()
	}

	// Arrivals: every millisecond, a Poisson number of requests per class,
	// as the wall-clock replay draws them.
	rngs := [2]*rand.Rand{newArrivals(cfg.Seed, 0), newArrivals(cfg.Seed, 1)}
	last, ticks := st.start, 0
	var stepErr error
	var tick func()
	tick = func() {
		now := s.Now()
		for i, rng := range rngs {
			for range poisson(rng, st.expected(i, last, now)) {
				if err := arrive(i, now); err != nil {
					stepErr = err
					return
				}
			}
		}
		last, ticks = now, ticks+1
		if cfg.Progress != nil && (ticks%50 == 0 || !now.Before(st.end)) {
			cfg.Progress(now.Sub(st.start))
		}
		if now.Before(st.end) {
			s.at(minTime(now.Add(time.Millisecond), st.end), tick)
		}
	}
	s.at(minTime(st.start.Add(time.Millisecond), st.end), tick)

	// Recovery: the first 5ms mark after the flood when nothing waits.
	recovered := time.Duration(-1)
	var watch func()
	watch = func() {
		now := s.Now()
		if !now.Before(st.floodEnd) && st.recoveredNow(srv.waiting(), lim) {
			recovered = now.Sub(st.floodEnd)
			return
		}
		if t := now.Add(5 * time.Millisecond); t.Before(st.end) {
			s.at(t, watch)
		}
	}
	if t := st.start.Add(5 * time.Millisecond); t.Before(st.end) {
		s.at(t, watch)
	}

	// Every request is answered, rejected or given up on by its client
	// within ClientTimeout+Service of the last arrival.
	horizon := st.end.Add(cfg.ClientTimeout + cfg.Service)
	for stepErr == nil {
		if err := ctx.Err(); err != nil {
			stepErr = err
			break
		}
		e := s.next(horizon)
		if e == nil {
			break
		}
		e.fn()
		if stepErr == nil {
			stepErr = step()
		}
	}
	if stepErr != nil && ctx.Err() == nil {
		// The scheduler failed: goroutines may be stuck, do not wait for them.
		s.close()
		if lim != nil {
			go lim.Close()
		}
		return nil, stepErr
	}

	s.close()
	if lim != nil {
		lim.Close() // wakes whatever still waits (nothing, in a whole replay)
	}
	clients.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, c := range s.drain() {
		if c.err == nil {
			c.tk.Release()
			st.recs[c.class].add(st.phaseAt(c.arrival), outcome{admitted: true, latency: cfg.ClientTimeout})
			continue
		}
		st.recs[c.class].add(st.phaseAt(c.arrival), outcome{latency: s.Now().Sub(c.arrival)})
	}
	for _, j := range srv.unfinished() {
		st.recs[j.class].add(st.phaseAt(j.arrival), outcome{admitted: true, latency: cfg.ClientTimeout})
	}
	res := st.result(recovered, 0)
	res.Elapsed = time.Since(wall)
	return res, nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// drain returns the requests back from Acquire that were not handled.
func (s *vsched) drain() []*vclient {
	s.mu.Lock()
	defer s.mu.Unlock()
	done := s.returned
	s.returned = nil
	return done
}

// vjob is one request handed to the virtual server.
type vjob struct {
	class   int
	arrival time.Time
	start   time.Time
	tk      ratelimit.Ticket
	worker  int
}

// vserver is the server of a virtual replay: workers take jobs from a FIFO
// backlog and hold each for the service time, as events of the scheduler.
// Like the wall-clock server it finishes every job it accepted. It is used
// by the scheduler's goroutine only.
type vserver struct {
	s        *vsched
	service  time.Duration
	workers  []*vjob // the job of each worker; nil when idle
	idle     []int   // idle workers
	backlog  []*vjob
	head     int
	finished func(j *vjob, end time.Time)
}

func (v *vserver) submit(j *vjob) {
	if n := len(v.idle); n > 0 {
		w := v.idle[n-1]
		v.idle = v.idle[:n-1]
		v.begin(w, j)
		return
	}
	v.backlog = append(v.backlog, j)
}

func (v *vserver) begin(w int, j *vjob) {
	j.start, j.worker = v.s.Now(), w
	v.workers[w] = j
	v.s.at(j.start.Add(v.service), func() { v.finish(j) })
}

// finish ends j: its worker takes the next job, then j's client hears back.
func (v *vserver) finish(j *vjob) {
	end := v.s.Now()
	v.workers[j.worker] = nil
	if v.head < len(v.backlog) {
		next := v.backlog[v.head]
		v.backlog[v.head] = nil
		v.head++
		if v.head > 1024 && v.head*2 > len(v.backlog) {
			v.backlog = append(v.backlog[:0], v.backlog[v.head:]...)
			v.head = 0
		}
		v.begin(j.worker, next)
	} else {
		v.idle = append(v.idle, j.worker)
	}
	v.finished(j, end)
}

// waiting returns the number of jobs not yet started.
func (v *vserver) waiting() int { return len(v.backlog) - v.head }

// unfinished returns the jobs in service or in the backlog.
func (v *vserver) unfinished() []*vjob {
	var js []*vjob
	for _, j := range v.workers {
		if j != nil {
			js = append(js, j)
		}
	}
	return append(js, v.backlog[v.head:]...)
}
