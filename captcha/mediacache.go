package captcha

import "sync"

type mediaKey struct {
	id    string
	scale int
}

type mediaEntry struct {
	data      []byte
	mediaType string
}

// mediaCache keeps the most recently rendered media, evicting the oldest
// first. It is safe for concurrent use.
type mediaCache struct {
	mu    sync.Mutex
	max   int
	items map[mediaKey]mediaEntry
	order []mediaKey // ring of insertion order
	next  int
}

func newMediaCache(n int) *mediaCache {
	return &mediaCache{max: n, items: make(map[mediaKey]mediaEntry, n), order: make([]mediaKey, n)}
}

func (m *mediaCache) put(k mediaKey, data []byte, mediaType string) {
	if len(data) == 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.items[k]; ok {
		m.items[k] = mediaEntry{data, mediaType}
		return
	}
	if old := m.order[m.next]; old.id != "" {
		delete(m.items, old)
	}
	m.order[m.next] = k
	m.next = (m.next + 1) % m.max
	m.items[k] = mediaEntry{data, mediaType}
}

func (m *mediaCache) get(k mediaKey) ([]byte, string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.items[k]
	return e.data, e.mediaType, ok
}
