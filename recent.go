package tollgate

import (
	"sync"
	"time"

	"github.com/tollgate/tollgate/behavior"
)

// VerdictRecord is one behavior verdict as RecentVerdicts reports it: what
// an operator's status page shows.
type VerdictRecord struct {
	Time time.Time
	// Request is the request that was scored.
	Request RequestInfo
	// Key is the client key the verdict was recorded under.
	Key string
	// Verdict, Score and Reasons are the scoring result.
	Verdict behavior.Verdict
	Score   float64
	Reasons []behavior.Reason
	// Deceived is set when the request was answered with the decoy.
	Deceived bool
}

// recent keeps the last verdicts in a ring. It is safe for concurrent use.
type recent struct {
	mu   sync.Mutex
	ring []VerdictRecord
	next int
	full bool
}

func newRecent(n int) *recent { return &recent{ring: make([]VerdictRecord, n)} }

func (r *recent) add(v VerdictRecord) {
	if len(r.ring) == 0 {
		return
	}
	r.mu.Lock()
	r.ring[r.next] = v
	r.next++
	if r.next == len(r.ring) {
		r.next, r.full = 0, true
	}
	r.mu.Unlock()
}

// list returns the records, newest first.
func (r *recent) list() []VerdictRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.next
	if r.full {
		n = len(r.ring)
	}
	out := make([]VerdictRecord, 0, n)
	for i := 1; i <= n; i++ {
		v := r.ring[(r.next-i+len(r.ring))%len(r.ring)]
		v.Reasons = append([]behavior.Reason(nil), v.Reasons...)
		out = append(out, v)
	}
	return out
}

// RecentVerdicts returns the most recent behavior verdicts (up to
// WithRecentVerdicts, default 50), newest first. The slice is the caller's.
func (g *Gate) RecentVerdicts() []VerdictRecord { return g.recent.list() }
