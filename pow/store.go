package pow

import (
	"context"
	"hash/maphash"
	"sync"
	"time"
)

// Store keeps the live puzzles: a puzzle can be spent while its nonce is
// stored, and spending it deletes the nonce. A store that loses a nonce
// (eviction, restart) makes its puzzle unusable, never reusable: the
// client solves a new one. A nonce is 22 characters of base64url (128
// random bits). Implementations must be safe for concurrent use.
type Store interface {
	// Put records the nonce of a new puzzle as live until expires.
	Put(ctx context.Context, nonce string, expires time.Time) error
	// Take deletes the nonce atomically and reports whether it was live:
	// stored and unexpired at now. Of concurrent Takes of one nonce, at
	// most one reports true.
	Take(ctx context.Context, nonce string, now time.Time) (bool, error)
}

// defaultMaxPuzzles bounds NewMemoryStore(0).
const defaultMaxPuzzles = 100_000

// A MemoryStore shards its puzzles over independent locks once it is large
// enough that no shard is tiny; a small store keeps one exact bound.
const (
	memoryShards   = 16
	minShardPuzzle = 64
)

// MemoryStore is the in-process Store. It is bounded: it holds at most a
// fixed number of puzzles (about 120 bytes each, so the default 100,000
// take about 12 MB), and when a new one would exceed that it evicts the
// puzzle closest to expiry, expired ones first. Eviction fails safe, like
// a restart: an evicted puzzle is refused with ErrSpent and the client
// solves again; nothing is ever accepted twice. A flood of new puzzles can
// therefore push out unsolved ones, so limit how fast one client may ask
// for puzzles.
//
// A MemoryStore is safe for concurrent use. Its zero value is not usable;
// create one with NewMemoryStore.
type MemoryStore struct {
	seed   maphash.Seed
	shards []memoryShard
}

type memoryShard struct {
	mu   sync.Mutex
	live map[string]*memoryEntry
	heap []*memoryEntry // by expiry, then by insertion
	max  int
	seq  uint64
}

type memoryEntry struct {
	nonce   string
	expires int64 // Unix ns
	seq     uint64
	index   int // in heap
}

// NewMemoryStore returns an empty MemoryStore that holds at most max
// puzzles (zero or less: 100,000).
func NewMemoryStore(max int) *MemoryStore {
	if max <= 0 {
		max = defaultMaxPuzzles
	}
	n := 1
	if max >= memoryShards*minShardPuzzle {
		n = memoryShards
	}
	s := &MemoryStore{seed: maphash.MakeSeed(), shards: make([]memoryShard, n)}
	for i := range s.shards {
		// Floor division keeps the total at or under max.
		s.shards[i].max = max / n
		s.shards[i].live = make(map[string]*memoryEntry)
	}
	return s
}

func (s *MemoryStore) shard(nonce string) *memoryShard {
	if len(s.shards) == 1 {
		return &s.shards[0]
	}
	return &s.shards[maphash.String(s.seed, nonce)%uint64(len(s.shards))]
}

// Put implements Store. Putting a stored nonce again moves its expiry.
func (s *MemoryStore) Put(_ context.Context, nonce string, expires time.Time) error {
	sh := s.shard(nonce)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if e, ok := sh.live[nonce]; ok {
		e.expires = expires.UnixNano()
		sh.fix(e.index)
		return nil
	}
	if len(sh.heap) >= sh.max {
		sh.remove(0) // the soonest to expire, expired or not
	}
	sh.seq++
	e := &memoryEntry{nonce: nonce, expires: expires.UnixNano(), seq: sh.seq, index: len(sh.heap)}
	sh.live[nonce] = e
	sh.heap = append(sh.heap, e)
	sh.up(e.index)
	return nil
}

// Take implements Store. It also drops a few puzzles that have expired, so
// that memory follows the live puzzles without a background sweep.
func (s *MemoryStore) Take(_ context.Context, nonce string, now time.Time) (bool, error) {
	sh := s.shard(nonce)
	t := now.UnixNano()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	live := false
	if e, ok := sh.live[nonce]; ok {
		live = t < e.expires
		sh.remove(e.index)
	}
	for k := 0; k < 2 && len(sh.heap) > 0 && sh.heap[0].expires <= t; k++ {
		sh.remove(0)
	}
	return live, nil
}

// len returns the number of puzzles held, expired ones included until
// they are dropped.
func (s *MemoryStore) len() int {
	n := 0
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		n += len(sh.heap)
		sh.mu.Unlock()
	}
	return n
}

// The heap is written out for *memoryEntry: container/heap would box
// every call in an interface.

func (sh *memoryShard) less(i, j int) bool {
	a, b := sh.heap[i], sh.heap[j]
	return a.expires < b.expires || a.expires == b.expires && a.seq < b.seq
}

func (sh *memoryShard) swap(i, j int) {
	h := sh.heap
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (sh *memoryShard) up(j int) {
	for j > 0 {
		i := (j - 1) / 2
		if !sh.less(j, i) {
			break
		}
		sh.swap(i, j)
		j = i
	}
}

// down moves the entry at i towards the leaves and reports whether it
// moved.
func (sh *memoryShard) down(i int) bool {
	i0, n := i, len(sh.heap)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		j := l
		if r := l + 1; r < n && sh.less(r, l) {
			j = r
		}
		if !sh.less(j, i) {
			break
		}
		sh.swap(i, j)
		i = j
	}
	return i > i0
}

func (sh *memoryShard) fix(i int) {
	if !sh.down(i) {
		sh.up(i)
	}
}

// remove deletes the entry at heap index i from the heap and the map.
func (sh *memoryShard) remove(i int) {
	e := sh.heap[i]
	last := len(sh.heap) - 1
	if i != last {
		sh.swap(i, last)
	}
	sh.heap[last] = nil
	sh.heap = sh.heap[:last]
	if i != last {
		sh.fix(i)
	}
	delete(sh.live, e.nonce)
}
