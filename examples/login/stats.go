package main

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tollgate/tollgate"
	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/ratelimit"
)

// loginRecord is one sign-in attempt as the status page lists it.
type loginRecord struct {
	Time    time.Time
	Client  string
	Account string
	Outcome string // signed_in, wrong_password, deceived, captcha_failed, tooMany, busy
}

// eventStats counts the Gate's events by type for the status page and
// keeps the latest sign-in attempts. It is safe for concurrent use.
type eventStats struct {
	mu     sync.Mutex
	counts map[string]uint64
	logins []loginRecord
	keep   int
}

func newEventStats(keep int) *eventStats {
	return &eventStats{counts: make(map[string]uint64), keep: keep}
}

func (s *eventStats) observe(_ context.Context, e tollgate.Event) {
	key := e.Type
	switch {
	case e.Type == ratelimit.EventKeyLimited:
		key += "/" + e.Policy
	case e.Behavior != nil && e.Type == behavior.EventVerdict:
		key += "/" + e.Behavior.Result.Verdict.String()
	}
	s.mu.Lock()
	s.counts[key]++
	s.mu.Unlock()
}

func (s *eventStats) count(key string) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[key]
}

func (s *eventStats) login(account, outcome string, r *http.Request) {
	client := hostOnly(r.RemoteAddr)
	if ri, ok := tollgate.RequestInfoFrom(r.Context()); ok {
		client = ri.Client
	}
	account = strings.TrimSpace(account)
	if len(account) > 64 {
		account = account[:64]
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.logins = append(s.logins, loginRecord{Time: time.Now(), Client: client, Account: account, Outcome: outcome})
	if len(s.logins) > s.keep {
		s.logins = s.logins[len(s.logins)-s.keep:]
	}
}

// recentLogins returns the latest attempts, newest first.
func (s *eventStats) recentLogins() []loginRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]loginRecord, len(s.logins))
	for i, l := range s.logins {
		out[len(out)-1-i] = l
	}
	return out
}
