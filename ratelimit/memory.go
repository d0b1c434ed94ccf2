package ratelimit

import (
	"context"
	"fmt"
	"hash/maphash"
	"math/bits"
	"sync"
	"time"
)

// Defaults of NewMemoryKeyLimiter.
const (
	DefaultMaxKeys       = 100_000
	DefaultShards        = 64
	DefaultSweepInterval = time.Minute
)

// MemoryOption configures NewMemoryKeyLimiter.
// Options are safe for concurrent use.
type MemoryOption func(*memoryConfig)

type memoryConfig struct {
	maxKeys int
	shards  int
	sweep   time.Duration
}

// WithMaxKeys bounds the number of keys the store holds (default
// DefaultMaxKeys). The bound is enforced per shard (maxKeys/shards each,
// at least 1), so the total never exceeds max(maxKeys, shards).
func WithMaxKeys(n int) MemoryOption { return func(c *memoryConfig) { c.maxKeys = n } }

// WithShards sets the number of independently locked shards, rounded up to a
// power of two (default DefaultShards).
func WithShards(n int) MemoryOption { return func(c *memoryConfig) { c.shards = n } }

// WithSweepInterval sets how often each shard drops expired keys while it is
// in use (default DefaultSweepInterval). A full shard also sweeps before it
// evicts.
func WithSweepInterval(d time.Duration) MemoryOption {
	return func(c *memoryConfig) { c.sweep = d }
}

// MemoryKeyLimiter is the in-memory KeyLimiter: GCRA with one int64 (the
// theoretical arrival time) per key in sharded open-addressing tables with a
// bounded number of keys. Keys whose TAT has passed are back at full burst
// and are dropped by periodic sweeps. When a shard is full, a new key first
// triggers a sweep of expired keys and then evicts, among 8 sampled keys,
// the one with the earliest TAT (the one closest to full burst, so an
// eviction forgives as little as possible); a flood of distinct keys
// therefore cannot grow memory beyond the bound, and costs an attacker a
// full burst per key to push out a busy key.
//
// AllowN for an existing key hashes the key once and does not allocate.
// MemoryKeyLimiter is safe for concurrent use; its zero value is not usable,
// call NewMemoryKeyLimiter.
type MemoryKeyLimiter struct {
	limit       Limit
	interval    int64
	seed        maphash.Seed
	mask        uint64
	perShard    int
	maxSlots    int
	sweepEvery  int64
	minSweepGap int64
	shards      []memShard
}

// memShard is one locked open-addressing table with linear probing and
// backward-shift deletion. A slot with tag 0 is empty.
type memShard struct {
	mu        sync.Mutex
	slots     []memSlot
	n         int
	lastSweep int64
	_         [24]byte // keep shards on separate cache lines
}

type memSlot struct {
	tag uint64 // key hash with the top bit set; 0 = empty
	tat int64
	key string
}

const tagBit = 1 << 63

func (s *memShard) home(tag uint64) int { return int(tag>>16) & (len(s.slots) - 1) }

// find returns the slot index of key, or -1.
func (s *memShard) find(tag uint64, key string) int {
	if len(s.slots) == 0 {
		return -1
	}
	mask := len(s.slots) - 1
	for i := s.home(tag); ; i = (i + 1) & mask {
		sl := &s.slots[i]
		if sl.tag == 0 {
			return -1
		}
		if sl.tag == tag && sl.key == key {
			return i
		}
	}
}

// insert adds a key known to be absent; the table has room.
func (s *memShard) insert(tag uint64, key string, tat int64) {
	mask := len(s.slots) - 1
	i := s.home(tag)
	for s.slots[i].tag != 0 {
		i = (i + 1) & mask
	}
	s.slots[i] = memSlot{tag: tag, tat: tat, key: key}
	s.n++
}

// deleteAt empties slot i, shifting later entries of its probe run back.
func (s *memShard) deleteAt(i int) {
	mask := len(s.slots) - 1
	j := i
	for {
		j = (j + 1) & mask
		if s.slots[j].tag == 0 {
			break
		}
		k := s.home(s.slots[j].tag)
		// The entry at j may move to i unless its home lies cyclically in (i, j].
		if i <= j {
			if i < k && k <= j {
				continue
			}
		} else if i < k || k <= j {
			continue
		}
		s.slots[i] = s.slots[j]
		i = j
	}
	s.slots[i] = memSlot{}
	s.n--
}

// grow doubles the table (up to max slots).
func (s *memShard) grow(size int) {
	old := s.slots
	s.slots = make([]memSlot, size)
	s.n = 0
	for _, sl := range old {
		if sl.tag != 0 {
			s.insert(sl.tag, sl.key, sl.tat)
		}
	}
}

// NewMemoryKeyLimiter returns an in-memory KeyLimiter enforcing l. The error
// wraps ErrInvalidLimit for an invalid l or ErrInvalidConfig for bad options.
func NewMemoryKeyLimiter(l Limit, opts ...MemoryOption) (*MemoryKeyLimiter, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	cfg := memoryConfig{}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.maxKeys == 0 {
		cfg.maxKeys = DefaultMaxKeys
	}
	if cfg.shards == 0 {
		cfg.shards = DefaultShards
	}
	if cfg.sweep == 0 {
		cfg.sweep = DefaultSweepInterval
	}
	switch {
	case cfg.maxKeys < 1:
		return nil, fmt.Errorf("%w: max keys %d < 1", ErrInvalidConfig, cfg.maxKeys)
	case cfg.shards < 1 || cfg.shards > 1<<16:
		return nil, fmt.Errorf("%w: shards %d outside 1..65536", ErrInvalidConfig, cfg.shards)
	case cfg.sweep < 0:
		return nil, fmt.Errorf("%w: sweep interval %v < 0", ErrInvalidConfig, cfg.sweep)
	}
	n := 1 << bits.Len(uint(cfg.shards-1))
	per := cfg.maxKeys / n
	if per < 1 {
		per = 1
	}
	return &MemoryKeyLimiter{
		limit:       l,
		interval:    int64(l.Interval()),
		seed:        maphash.MakeSeed(),
		mask:        uint64(n - 1),
		perShard:    per,
		maxSlots:    1 << bits.Len(uint(2*per-1)),
		sweepEvery:  int64(cfg.sweep),
		minSweepGap: int64(time.Second),
		shards:      make([]memShard, n),
	}, nil
}

// Limit returns the limit this limiter enforces.
func (m *MemoryKeyLimiter) Limit() Limit { return m.limit }

// AllowN reports whether n events for key may happen at now and records them
// if so (see GCRA). ctx is not used. The error is ErrInvalidN when n < 0 or
// n > Burst; a Decision is always returned.
func (m *MemoryKeyLimiter) AllowN(_ context.Context, key string, now time.Time, n int) (Decision, error) {
	if n < 0 || n > m.limit.Burst {
		return Decision{Limit: m.limit}, ErrInvalidN
	}
	return m.allow(key, now.UnixNano(), n), nil
}

// Allow is AllowN(ctx, key, now, 1) without the context and error.
func (m *MemoryKeyLimiter) Allow(key string, now time.Time) Decision {
	return m.allow(key, now.UnixNano(), 1)
}

func (m *MemoryKeyLimiter) allow(key string, now int64, n int) Decision {
	h := maphash.String(m.seed, key)
	tag := h | tagBit
	s := &m.shards[h&m.mask]
	s.mu.Lock()
	if now-s.lastSweep >= m.sweepEvery {
		s.sweep(now)
	}
	i := s.find(tag, key)
	var tat int64
	if i >= 0 {
		tat = s.slots[i].tat
	}
	d, newTAT := gcra(m.limit, m.interval, tat, now, n)
	if d.Allowed && newTAT != tat {
		if i >= 0 {
			s.slots[i].tat = newTAT
		} else {
			m.add(s, tag, key, newTAT, now)
		}
	}
	s.mu.Unlock()
	return d
}

// add inserts a new key, making room first when the shard is full; s.mu is held.
func (m *MemoryKeyLimiter) add(s *memShard, tag uint64, key string, tat, now int64) {
	if s.n >= m.perShard {
		m.makeRoom(s, tag, now)
	}
	if 2*(s.n+1) > len(s.slots) {
		size := max(16, 2*len(s.slots))
		if size > m.maxSlots {
			size = m.maxSlots
		}
		if size > len(s.slots) {
			s.grow(size)
		}
	}
	s.insert(tag, key, tat)
}

// makeRoom frees at least one entry in a full shard; s.mu is held.
func (m *MemoryKeyLimiter) makeRoom(s *memShard, tag uint64, now int64) {
	if now-s.lastSweep >= m.minSweepGap && s.sweep(now) > 0 {
		return
	}
	// Evict the earliest TAT among up to 8 entries from a position chosen
	// by the new key's hash.
	mask := len(s.slots) - 1
	victim := -1
	seen := 0
	for i, k := int(tag>>40)&mask, 0; k <= mask && seen < 8; i, k = (i+1)&mask, k+1 {
		sl := &s.slots[i]
		if sl.tag == 0 {
			continue
		}
		seen++
		if victim < 0 || sl.tat < s.slots[victim].tat {
			victim = i
		}
		if sl.tat <= now {
			break
		}
	}
	s.deleteAt(victim)
}

// sweep deletes expired keys and returns how many; s.mu is held.
func (s *memShard) sweep(now int64) int {
	s.lastSweep = now
	n := 0
	for i := 0; i < len(s.slots); {
		if sl := &s.slots[i]; sl.tag != 0 && sl.tat <= now {
			s.deleteAt(i) // a later entry may have moved into i: look again
			n++
			continue
		}
		i++
	}
	return n
}

// Sweep drops every key whose TAT is at or before now (keys back at full
// burst) and returns how many were dropped. Calling it is optional: shards
// sweep themselves every sweep interval while in use.
func (m *MemoryKeyLimiter) Sweep(now time.Time) int {
	t := now.UnixNano()
	n := 0
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		n += s.sweep(t)
		s.mu.Unlock()
	}
	return n
}

// Len returns the number of keys held.
func (m *MemoryKeyLimiter) Len() int {
	n := 0
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		n += s.n
		s.mu.Unlock()
	}
	return n
}

// MaxKeys returns the bound on the number of keys held.
func (m *MemoryKeyLimiter) MaxKeys() int { return m.perShard * len(m.shards) }

// Reset forgets key, putting it back at full burst.
func (m *MemoryKeyLimiter) Reset(key string) {
	h := maphash.String(m.seed, key)
	s := &m.shards[h&m.mask]
	s.mu.Lock()
	if i := s.find(h|tagBit, key); i >= 0 {
		s.deleteAt(i)
	}
	s.mu.Unlock()
}
