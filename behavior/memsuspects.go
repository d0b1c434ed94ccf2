package behavior

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// Defaults of NewMemorySuspects.
const (
	DefaultSuspectsMaxKeys = 100_000
	DefaultSuspectsTTL     = 24 * time.Hour
	// MaxSuspectKeyLen is the longest key MemorySuspects accepts, in bytes.
	MaxSuspectKeyLen = 256
)

type memConfig struct {
	maxKeys int
	ttl     time.Duration
}

// SuspectsOption configures NewMemorySuspects.
type SuspectsOption func(*memConfig)

// WithMaxKeys bounds how many keys are kept (default 100,000); when full,
// recording a new key first drops expired keys, then the key seen least
// recently. Values below 1 mean the default.
func WithMaxKeys(n int) SuspectsOption { return func(c *memConfig) { c.maxKeys = n } }

// WithTTL sets how long a key is remembered after its LastSeen (default
// 24 h). Values of 0 or less mean the default.
func WithTTL(d time.Duration) SuspectsOption { return func(c *memConfig) { c.ttl = d } }

// MemorySuspects is an in-memory Suspects with a bounded number of keys and
// expiry. It is safe for concurrent use. Memory is O(max keys × key
// length); keys longer than MaxSuspectKeyLen are rejected.
type MemorySuspects struct {
	cfg memConfig

	mu    sync.Mutex
	keys  map[string]*list.Element // of *Suspect
	order list.List                // most recently recorded first
}

// NewMemorySuspects returns an empty MemorySuspects.
func NewMemorySuspects(opts ...SuspectsOption) *MemorySuspects {
	var c memConfig
	for _, o := range opts {
		o(&c)
	}
	if c.maxKeys < 1 {
		c.maxKeys = DefaultSuspectsMaxKeys
	}
	if c.ttl <= 0 {
		c.ttl = DefaultSuspectsTTL
	}
	return &MemorySuspects{cfg: c, keys: make(map[string]*list.Element)}
}

var _ Suspects = (*MemorySuspects)(nil)

func (m *MemorySuspects) expired(s *Suspect, now time.Time) bool {
	return !now.Before(s.LastSeen.Add(m.cfg.ttl))
}

// Record counts one more bot verdict for key at time now. It returns
// ErrInvalidKey for an empty key or one longer than MaxSuspectKeyLen.
func (m *MemorySuspects) Record(_ context.Context, key, reason string, now time.Time) error {
	if key == "" || len(key) > MaxSuspectKeyLen {
		return ErrInvalidKey
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if el, ok := m.keys[key]; ok {
		s := el.Value.(*Suspect)
		if m.expired(s, now) {
			*s = Suspect{Key: key, FirstSeen: now, LastSeen: now}
		}
		s.Count++
		s.LastReason = reason
		if now.After(s.LastSeen) {
			s.LastSeen = now
		}
		if now.Before(s.FirstSeen) {
			s.FirstSeen = now
		}
		m.order.MoveToFront(el)
		return nil
	}
	if len(m.keys) >= m.cfg.maxKeys {
		m.evict(now)
	}
	s := &Suspect{Key: key, Count: 1, FirstSeen: now, LastSeen: now, LastReason: reason}
	m.keys[key] = m.order.PushFront(s)
	return nil
}

// evict makes room for one key: expired keys go first (scanning from the
// least recently recorded end), else the least recently recorded key.
func (m *MemorySuspects) evict(now time.Time) {
	for el := m.order.Back(); el != nil; {
		prev := el.Prev()
		s := el.Value.(*Suspect)
		if !m.expired(s, now) {
			break
		}
		m.remove(el)
		el = prev
	}
	if len(m.keys) >= m.cfg.maxKeys {
		m.remove(m.order.Back())
	}
}

func (m *MemorySuspects) remove(el *list.Element) {
	delete(m.keys, el.Value.(*Suspect).Key)
	m.order.Remove(el)
}

// Lookup returns what is known about key at time now.
func (m *MemorySuspects) Lookup(_ context.Context, key string, now time.Time) (Suspect, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.keys[key]
	if !ok {
		return Suspect{}, false, nil
	}
	s := el.Value.(*Suspect)
	if m.expired(s, now) {
		return Suspect{}, false, nil
	}
	return *s, true, nil
}

// Len returns the number of keys held, expired ones included until they
// are evicted.
func (m *MemorySuspects) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.keys)
}
