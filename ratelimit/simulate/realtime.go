package simulate

import (
	"context"
	"runtime"
	"sync"
	"time"
)

// runRealtime replays the story in wall-clock time: a goroutine per request
// and per server worker, real sleeps, the system clock. It collects garbage
// first so that earlier runs do not disturb this one.
func runRealtime(ctx context.Context, cfg Config, m Mode) (*Result, error) {
	lim, err := limiterFor(m, cfg)
	if err != nil {
		return nil, err
	}
	if lim != nil {
		defer lim.Close()
	}

	runtime.GC() // start from a clean heap: earlier runs leave garbage behind
	st := newStory(cfg, m, time.Now())
	srv := newServer(cfg.Workers, cfg.Service, func(j *job) { st.served(j.arrival, j.start, j.end) })
	if lim != nil {
		defer st.subscribe(lim)()
	}

	var clients sync.WaitGroup
	client := func(i int, arrival time.Time) {
		defer clients.Done()
		ph := st.phaseAt(arrival)
		deadline := arrival.Add(cfg.ClientTimeout)
		j := &job{arrival: arrival, done: make(chan struct{})}
		if lim == nil {
			srv.submit(j)
			t := time.NewTimer(time.Until(deadline))
			defer t.Stop()
			select {
			case <-j.done:
				st.answered(i, arrival, j.end)
			case <-t.C:
				st.recs[i].add(ph, outcome{admitted: true, latency: cfg.ClientTimeout})
			case <-ctx.Done():
			}
			return
		}
		actx, cancel := context.WithDeadline(ctx, deadline)
		defer cancel()
		t0 := time.Now()
		tk, err := lim.Acquire(actx, st.limClass(i))
		if err != nil {
			st.recs[i].add(ph, outcome{latency: time.Since(t0)})
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
		st.answered(i, arrival, j.end)
	}

	var stallMu sync.Mutex
	var maxStall time.Duration
	var gens sync.WaitGroup
	for i := range st.recs {
		gens.Add(1)
		go func() {
			defer gens.Done()
			rng := newArrivals(cfg.Seed, i)
			last := st.start
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
				if now.After(st.end) {
					now = st.end
				}
				n := poisson(rng, st.expected(i, last, now))
				for range n {
					clients.Add(1)
					go client(i, now)
				}
				if i == 0 && cfg.Progress != nil {
					cfg.Progress(now.Sub(st.start))
				}
				if !now.Before(st.end) {
					return
				}
				last = now
			}
		}()
	}

	// Recovery: the first moment after the flood when nothing waits.
	recovered := time.Duration(-1)
	var watch sync.WaitGroup
	watch.Add(1)
	go func() {
		defer watch.Done()
		for {
			time.Sleep(5 * time.Millisecond)
			now := time.Now()
			if !now.Before(st.end) || ctx.Err() != nil {
				return
			}
			if now.Before(st.floodEnd) {
				continue
			}
			if st.recoveredNow(srv.waiting(), lim) {
				recovered = now.Sub(st.floodEnd)
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
	stallMu.Lock()
	res := st.result(recovered, maxStall)
	stallMu.Unlock()
	res.Elapsed = time.Since(st.start)
	return res, nil
}
