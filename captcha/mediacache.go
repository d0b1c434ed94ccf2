package captcha

import (
	"container/heap"
	"sync"
	"time"
)

// defaultMediaCacheBytes is the media cache's bound when WithMediaCacheBytes
// sets none: about a hundred 300 KB audio clips, or thousands of images.
const defaultMediaCacheBytes = 32 << 20

// mediaEntryOverhead estimates what one entry costs beyond its media and key
// bytes: the entry (128 bytes with allocator rounding), its map slot and its
// place in the expiry heap, both with their growth slack. With it a cache
// full of 16-byte media stays within its bound in live heap.
const mediaEntryOverhead = 224

type mediaKey struct {
	id    string
	scale int
}

type mediaEntry struct {
	key        mediaKey
	data       []byte
	mediaType  string
	expires    time.Time
	size       int64
	prev, next *mediaEntry // recency list, least recently used first
	index      int         // position in mediaCache.expiry
}

// mediaCache keeps rendered media for fast serving, bounded in bytes: each
// entry counts its media's capacity, its key and mediaEntryOverhead, and
// the least recently used entries go first when a put would exceed the
// bound. Entries expire with their challenge, and the Service drops them
// when the challenge is gone; a Media call racing with the solve may cache
// media again, which then waits for its expiry or eviction but is never
// served, as Media looks the challenge up first. Losing an entry costs only
// a rendering: Service.Media renders the same bytes again from the seed.
// It is safe for concurrent use.
type mediaCache struct {
	mu     sync.Mutex
	max    int64
	bytes  int64
	items  map[mediaKey]*mediaEntry
	lru    mediaEntry  // sentinel: lru.next is the least recently used
	expiry mediaExpiry // soonest expiry first
}

func newMediaCache(maxBytes int64) *mediaCache {
	m := &mediaCache{max: maxBytes, items: make(map[mediaKey]*mediaEntry)}
	m.lru.prev, m.lru.next = &m.lru, &m.lru
	return m
}

// put caches data as the media of k until expires. Expired entries go
// first, then the least recently used until the new entry fits. Media that
// is empty, already expired at now, or larger than the whole bound is not
// cached (and replaces no entry: any older entry for k is removed).
func (m *mediaCache) put(k mediaKey, data []byte, mediaType string, expires, now time.Time) {
	size := int64(cap(data)) + int64(len(k.id)) + int64(len(mediaType)) + mediaEntryOverhead
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep(now)
	if e, ok := m.items[k]; ok {
		m.remove(e)
	}
	if len(data) == 0 || size > m.max || !expires.After(now) {
		return
	}
	for m.bytes+size > m.max {
		m.remove(m.lru.next)
	}
	e := &mediaEntry{key: k, data: data, mediaType: mediaType, expires: expires, size: size}
	m.items[k] = e
	m.bytes += size
	m.pushBack(e)
	heap.Push(&m.expiry, e)
}

// get returns the media of k unless it is missing or expired at now.
func (m *mediaCache) get(k mediaKey, now time.Time) ([]byte, string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.items[k]
	if !ok {
		return nil, "", false
	}
	if !e.expires.After(now) {
		m.remove(e)
		return nil, "", false
	}
	m.unlink(e)
	m.pushBack(e)
	return e.data, e.mediaType, true
}

// drop removes the media of challenge id at every scale Service.Media
// serves.
func (m *mediaCache) drop(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, scale := range [...]int{1, 2} {
		if e, ok := m.items[mediaKey{id, scale}]; ok {
			m.remove(e)
		}
	}
}

// sweep removes the entries expired at now.
func (m *mediaCache) sweep(now time.Time) {
	for len(m.expiry) > 0 && !m.expiry[0].expires.After(now) {
		m.remove(m.expiry[0])
	}
}

func (m *mediaCache) remove(e *mediaEntry) {
	delete(m.items, e.key)
	m.bytes -= e.size
	m.unlink(e)
	heap.Remove(&m.expiry, e.index)
}

func (m *mediaCache) pushBack(e *mediaEntry) {
	e.prev, e.next = m.lru.prev, &m.lru
	e.prev.next, m.lru.prev = e, e
}

func (m *mediaCache) unlink(e *mediaEntry) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
}

// mediaExpiry orders entries by expiry, soonest first (container/heap).
type mediaExpiry []*mediaEntry

func (h mediaExpiry) Len() int           { return len(h) }
func (h mediaExpiry) Less(i, j int) bool { return h[i].expires.Before(h[j].expires) }
func (h mediaExpiry) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *mediaExpiry) Push(x any) {
	e := x.(*mediaEntry)
	e.index = len(*h)
	*h = append(*h, e)
}
func (h *mediaExpiry) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return e
}
