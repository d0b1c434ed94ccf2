package captcha

import (
	"context"
	"sync"
	"time"
)

// PoolConfig sizes the background pool of pre-rendered challenges.
type PoolConfig struct {
	// Size is how many rendered challenges are kept ready per kind and
	// language (default 32).
	Size int
	// Workers is how many goroutines render per kind and language
	// (default 1).
	Workers int
}

// Vetter judges a rendered puzzle before the pool offers it, for example by
// running OCR engines on it. Vet returns false to discard the puzzle. An
// error also discards it. Implementations must be safe for concurrent use.
type Vetter interface {
	Vet(ctx context.Context, kind Kind, p *Puzzle) (ok bool, err error)
}

// VetterFunc adapts a function to the Vetter interface.
type VetterFunc func(ctx context.Context, kind Kind, p *Puzzle) (bool, error)

// Vet calls f(ctx, kind, p).
func (f VetterFunc) Vet(ctx context.Context, kind Kind, p *Puzzle) (bool, error) {
	return f(ctx, kind, p)
}

type poolKey struct {
	kind Kind
	lang string
}

// pool is a bounded queue of prepared challenges for one kind and language.
type pool struct {
	ready chan *prepared
}

// PoolStats counts the pool's work since the Service started.
type PoolStats struct {
	// Ready is the number of challenges waiting now, all kinds together.
	Ready int
	// Hits and Misses count challenges taken from the pool and rendered on
	// request because the pool was empty.
	Hits, Misses uint64
	// Rendered counts challenges rendered in the background; Discarded
	// those the vetter rejected (or failed on).
	Rendered, Discarded uint64
	// VetTime is the total time spent vetting.
	VetTime time.Duration
}

type poolCounters struct {
	mu    sync.Mutex
	stats PoolStats
}

func (s *Service) startPools() {
	pc := *s.cfg.pool
	if pc.Size <= 0 {
		pc.Size = 32
	}
	if pc.Workers <= 0 {
		pc.Workers = 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.stopPools = cancel
	s.pools = make(map[poolKey]*pool)
	s.counters = &poolCounters{}
	for kind, g := range s.cfg.generators {
		for _, lang := range s.cfg.langs {
			p := &pool{ready: make(chan *prepared, pc.Size)}
			s.pools[poolKey{kind, lang}] = p
			for i := 0; i < pc.Workers; i++ {
				go s.fill(ctx, p, g, kind, lang)
			}
		}
	}
}

// fill renders into p until ctx ends. A full pool blocks the worker, which
// costs nothing while it waits.
func (s *Service) fill(ctx context.Context, p *pool, g Generator, kind Kind, lang string) {
	for ctx.Err() == nil {
		pr, err := s.render(ctx, g, kind, lang)
		if err != nil {
			// Back off so a failing generator does not spin.
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
			continue
		}
		s.counters.add(func(st *PoolStats) { st.Rendered++ })
		if s.cfg.vetter != nil {
			start := time.Now()
			ok, err := s.cfg.vetter.Vet(ctx, kind, pr.puzzle)
			took := time.Since(start)
			s.counters.add(func(st *PoolStats) { st.VetTime += took })
			if err != nil || !ok {
				reason := "a recognizer read the answer"
				if err != nil {
					reason = err.Error()
				}
				s.counters.add(func(st *PoolStats) { st.Discarded++ })
				s.emit(ctx, Event{Type: "pool.discarded", Time: s.cfg.clock.Now(), Kind: kind, Lang: lang, Reason: reason, Duration: took})
				continue
			}
		}
		select {
		case p.ready <- pr:
		case <-ctx.Done():
			return
		}
	}
}

func (c *poolCounters) add(f func(*PoolStats)) {
	c.mu.Lock()
	f(&c.stats)
	c.mu.Unlock()
}

// takePooled returns a ready challenge, or nil when there is no pool or it is
// empty (then the caller renders inline: the pool never blocks a request).
func (s *Service) takePooled(ctx context.Context, kind Kind, lang string) *prepared {
	p := s.pools[poolKey{kind, lang}]
	if p == nil {
		return nil
	}
	select {
	case pr := <-p.ready:
		s.counters.add(func(st *PoolStats) { st.Hits++ })
		return pr
	default:
		s.counters.add(func(st *PoolStats) { st.Misses++ })
		s.emit(ctx, Event{Type: "pool.miss", Time: s.cfg.clock.Now(), Kind: kind, Lang: lang})
		return nil
	}
}

// returnPooled offers an unused prepared challenge back to its pool; it is
// dropped when the pool is full or absent.
func (s *Service) returnPooled(pr *prepared) {
	p := s.pools[poolKey{pr.kind, pr.lang}]
	if p == nil {
		return
	}
	select {
	case p.ready <- pr:
	default:
	}
}

// PoolStats returns the pool's counters; all zero without WithPool.
func (s *Service) PoolStats() PoolStats {
	if s.counters == nil {
		return PoolStats{}
	}
	s.counters.mu.Lock()
	st := s.counters.stats
	s.counters.mu.Unlock()
	for _, p := range s.pools {
		st.Ready += len(p.ready)
	}
	return st
}
