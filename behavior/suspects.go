package behavior

import (
	"context"
	"time"
)

// Suspect is what a Suspects registry knows about one key (a plain value,
// a copy of the registry's record).
type Suspect struct {
	Key        string
	Count      int
	FirstSeen  time.Time
	LastSeen   time.Time
	LastReason string
}

// Suspects records clients judged to be bots.
//
// Keys are chosen by the host: a client address, an account name, a
// session id. The contract every implementation keeps (checked by
// package behavior/suspectstest):
//
//   - Record with an empty key returns an error and records nothing.
//   - Each Record adds one to Count, sets LastReason, keeps FirstSeen and
//     moves LastSeen to now (LastSeen never moves backwards: a Record with an
//     older now still counts but leaves LastSeen as it was).
//   - Data about a key expires TTL after its LastSeen, judged by the now
//     passed in: Lookup reports ok=false once now >= LastSeen+TTL, and a
//     Record at such a time starts the key afresh (Count 1, FirstSeen now).
//   - Times are kept to at least millisecond precision.
//   - Implementations are safe for concurrent use; concurrent Records on one
//     key are all counted.
type Suspects interface {
	// Record counts one more bot verdict for key at time now.
	Record(ctx context.Context, key string, reason string, now time.Time) error
	// Lookup returns what is known about key; ok is false when nothing (or only expired data) is known.
	Lookup(ctx context.Context, key string, now time.Time) (s Suspect, ok bool, err error)
}
