package captcha

import (
	"context"
	"hash/maphash"
	"sync"
	"time"
)

// memoryShards spreads keys over independent locks.
const memoryShards = 16

// MemoryStore is the default in-process Store. It is bounded: it keeps at
// most a fixed number of live challenges (default 100,000); when a new one
// would exceed that, it first drops expired challenges and then evicts the
// challenge closest to expiry (with equal lifetimes, the oldest). Live
// tokens are bounded the same way (default 100,000, about 130 bytes each):
// at the cap PutToken evicts the token closest to expiry. Eviction, like a
// restart, fails safe: an evicted challenge is not found and an evicted
// token is not live, so the person solves again; nothing is ever replayed.
//
// A MemoryStore is safe for concurrent use. Its zero value is not usable;
// create one with NewMemoryStore.
type MemoryStore struct {
	seed   maphash.Seed
	shards [memoryShards]memoryShard
}

type memoryShard struct {
	mu         sync.Mutex
	challenges map[string]*memoryEntry
	byExpiry   expiryHeap
	max        int
	tokens     map[string]*memoryEntry
	tokenHeap  expiryHeap
	maxTokens  int
	seq        uint64 // insertion counter: breaks ties between equal expiry times
}

func (sh *memoryShard) nextSeq() uint64 {
	sh.seq++
	return sh.seq
}

type memoryEntry struct {
	key     string
	c       *Challenge // nil for tokens
	expires time.Time
	seq     uint64
	index   int
}

// MemoryOption configures a MemoryStore.
type MemoryOption func(*memoryConfig)

type memoryConfig struct {
	maxChallenges int
	maxTokens     int
}

// WithMaxChallenges bounds the live challenges a MemoryStore keeps
// (default 100,000; values below 16 count as 16).
func WithMaxChallenges(n int) MemoryOption { return func(c *memoryConfig) { c.maxChallenges = n } }

// WithMaxTokens bounds the live verification tokens a MemoryStore keeps
// (default 100,000; values below 16 count as 16). A token evicted at the cap
// is refused like a spent one.
func WithMaxTokens(n int) MemoryOption { return func(c *memoryConfig) { c.maxTokens = n } }

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore(opts ...MemoryOption) *MemoryStore {
	var cfg memoryConfig
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.maxChallenges <= 0 {
		cfg.maxChallenges = 100_000
	}
	if cfg.maxTokens <= 0 {
		cfg.maxTokens = 100_000
	}
	cfg.maxChallenges = max(cfg.maxChallenges, memoryShards)
	cfg.maxTokens = max(cfg.maxTokens, memoryShards)
	s := &MemoryStore{seed: maphash.MakeSeed()}
	for i := range s.shards {
		sh := &s.shards[i]
		sh.challenges = make(map[string]*memoryEntry)
		sh.tokens = make(map[string]*memoryEntry)
		// Floor division keeps the total at or under the configured cap.
		sh.max = cfg.maxChallenges / memoryShards
		sh.maxTokens = cfg.maxTokens / memoryShards
	}
	return s
}

func (s *MemoryStore) shardIndex(key string) int {
	return int(maphash.String(s.seed, key) % memoryShards)
}

func (s *MemoryStore) shard(key string) *memoryShard {
	return &s.shards[s.shardIndex(key)]
}

// Len returns the number of challenges held, expired ones included until
// they are dropped.
func (s *MemoryStore) Len() int {
	n := 0
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		n += len(sh.challenges)
		sh.mu.Unlock()
	}
	return n
}

// Put implements Store.
func (s *MemoryStore) Put(ctx context.Context, c *Challenge) error {
	sh := s.shard(c.ID)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if _, ok := sh.challenges[c.ID]; ok {
		return ErrExists
	}
	sh.makeRoom(c.Created)
	sh.insert(c.clone())
	return nil
}

// makeRoom drops expired challenges and, at the cap, the one closest to
// expiry.
func (sh *memoryShard) makeRoom(now time.Time) {
	for len(sh.byExpiry) > 0 && !sh.byExpiry[0].expires.After(now) {
		sh.remove(sh.byExpiry[0])
	}
	for len(sh.challenges) >= sh.max && len(sh.byExpiry) > 0 {
		sh.remove(sh.byExpiry[0])
	}
}

func (sh *memoryShard) insert(c *Challenge) {
	e := &memoryEntry{key: c.ID, c: c, expires: c.Expires, seq: sh.nextSeq()}
	sh.challenges[c.ID] = e
	sh.byExpiry.push(e)
}

func (sh *memoryShard) remove(e *memoryEntry) {
	delete(sh.challenges, e.key)
	sh.byExpiry.remove(e.index)
}

// live returns the entry for id, deleting it and returning ErrExpired when
// its time ran out.
func (sh *memoryShard) live(id string, now time.Time) (*memoryEntry, error) {
	e, ok := sh.challenges[id]
	if !ok {
		return nil, ErrNotFound
	}
	if !now.Before(e.expires) {
		sh.remove(e)
		return nil, ErrExpired
	}
	return e, nil
}

// Get implements Store.
func (s *MemoryStore) Get(ctx context.Context, id string, now time.Time) (*Challenge, error) {
	sh := s.shard(id)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e, err := sh.live(id, now)
	if err != nil {
		return nil, err
	}
	return e.c.clone(), nil
}

// Attempt implements Store.
func (s *MemoryStore) Attempt(ctx context.Context, id string, d Digest, now time.Time) (AttemptResult, error) {
	sh := s.shard(id)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e, err := sh.live(id, now)
	if err != nil {
		return AttemptResult{}, err
	}
	c := e.c
	res := AttemptResult{Match: c.MatchDigest(d), Kind: c.Kind, Lang: c.Lang, Screen: c.Screen}
	if res.Match == MatchAnswer {
		sh.remove(e)
		return res, nil
	}
	c.Attempts++
	res.AttemptsLeft = c.MaxAttempts - c.Attempts
	if res.AttemptsLeft <= 0 {
		res.AttemptsLeft = 0
		sh.remove(e)
		return res, ErrTooManyAttempts
	}
	return res, nil
}

// Poison implements Store.
func (s *MemoryStore) Poison(ctx context.Context, id string, now time.Time) (AttemptResult, error) {
	sh := s.shard(id)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e, err := sh.live(id, now)
	if err != nil {
		return AttemptResult{}, err
	}
	c := e.c
	c.Answers, c.Decoys = []Digest{poisoned}, nil
	c.Attempts++
	res := AttemptResult{Match: MatchNone, Kind: c.Kind, Lang: c.Lang, Screen: c.Screen, AttemptsLeft: c.MaxAttempts - c.Attempts}
	if res.AttemptsLeft <= 0 {
		res.AttemptsLeft = 0
		sh.remove(e)
		return res, ErrTooManyAttempts
	}
	return res, nil
}

// Refresh implements Store.
func (s *MemoryStore) Refresh(ctx context.Context, oldID string, next *Challenge, maxRefreshes int, now time.Time) error {
	// Lock both shards in a fixed order so concurrent refreshes cannot
	// deadlock.
	ia, ib := s.shardIndex(oldID), s.shardIndex(next.ID)
	a, b := &s.shards[ia], &s.shards[ib]
	if a == b {
		a.mu.Lock()
		defer a.mu.Unlock()
	} else {
		first, second := a, b
		if ib < ia {
			first, second = b, a
		}
		first.mu.Lock()
		defer first.mu.Unlock()
		second.mu.Lock()
		defer second.mu.Unlock()
	}
	old, err := a.live(oldID, now)
	if err != nil {
		return err
	}
	if _, ok := b.challenges[next.ID]; ok {
		return ErrExists
	}
	cost := refreshCost(old.c.Kind, next.Kind)
	if old.c.Refreshes+cost > maxRefreshes {
		return ErrRefreshLimit
	}
	n := next.clone()
	n.Screen = old.c.Screen
	n.Refreshes = old.c.Refreshes + cost
	next.Screen, next.Refreshes = n.Screen, n.Refreshes
	a.remove(old)
	b.makeRoom(now)
	b.insert(n)
	return nil
}

// PutToken implements Store. At the cap it evicts the stored token closest
// to expiry, expired ones first.
func (s *MemoryStore) PutToken(ctx context.Context, nonce string, expires time.Time) error {
	sh := s.shard(nonce)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if e, ok := sh.tokens[nonce]; ok {
		sh.removeToken(e)
	}
	for len(sh.tokens) >= sh.maxTokens && len(sh.tokenHeap) > 0 {
		sh.removeToken(sh.tokenHeap[0])
	}
	e := &memoryEntry{key: nonce, expires: expires, seq: sh.nextSeq()}
	sh.tokens[nonce] = e
	sh.tokenHeap.push(e)
	return nil
}

// TakeToken implements Store.
func (s *MemoryStore) TakeToken(ctx context.Context, nonce string, now time.Time) (bool, error) {
	sh := s.shard(nonce)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e, ok := sh.tokens[nonce]
	if ok {
		sh.removeToken(e)
	}
	// Drop the expired tokens at the front while the shard is locked anyway.
	for len(sh.tokenHeap) > 0 && !sh.tokenHeap[0].expires.After(now) {
		sh.removeToken(sh.tokenHeap[0])
	}
	return ok && now.Before(e.expires), nil
}

func (sh *memoryShard) removeToken(e *memoryEntry) {
	delete(sh.tokens, e.key)
	sh.tokenHeap.remove(e.index)
}

// expiryHeap is a binary min-heap of entries ordered by expiry, then by
// insertion. It is written out for its one element type because
// container/heap's interface calls cost more than the store's other work.
type expiryHeap []*memoryEntry

func (h expiryHeap) less(i, j int) bool {
	a, b := h[i], h[j]
	if a.expires.Equal(b.expires) {
		return a.seq < b.seq
	}
	return a.expires.Before(b.expires)
}

func (h expiryHeap) swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h expiryHeap) up(j int) {
	for j > 0 {
		i := (j - 1) / 2
		if !h.less(j, i) {
			break
		}
		h.swap(i, j)
		j = i
	}
}

// down sifts element i down and reports whether it moved.
func (h expiryHeap) down(i int) bool {
	start, n := i, len(h)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		j := l
		if r := l + 1; r < n && h.less(r, l) {
			j = r
		}
		if !h.less(j, i) {
			break
		}
		h.swap(i, j)
		i = j
	}
	return i > start
}

func (h *expiryHeap) push(e *memoryEntry) {
	e.index = len(*h)
	*h = append(*h, e)
	h.up(e.index)
}

func (h *expiryHeap) remove(i int) {
	old := *h
	n := len(old) - 1
	if i != n {
		old.swap(i, n)
	}
	e := old[n]
	old[n] = nil
	*h = old[:n]
	if i != n && !h.down(i) {
		h.up(i)
	}
	e.index = -1
}
