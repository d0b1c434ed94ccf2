package captcha

import (
	"context"
	"time"
)

// Store keeps live challenges and live verification tokens. Every method
// must be safe for concurrent use, also across processes when the store is
// shared (see package redisstore): Attempt, Refresh and TakeToken are
// atomic, so two verifications of one challenge can never both succeed, no
// attempt is ever lost, and a token is taken at most once.
//
// Losing data must fail safe. A challenge or token that the store no longer
// holds (evicted, expired, lost in a restart) is simply not live: the person
// solves a new challenge; nothing that was used can be used again.
//
// Stores compare digests only; they never see answers. A store's errors are
// either this package's sentinels (ErrNotFound, ErrExpired, ...) or its own
// failures, which the Service reports as ErrStore.
//
// The suite in package captcha/storetest checks an implementation.
type Store interface {
	// Put stores a new challenge until c.Expires. It fails with ErrExists
	// when the id is taken.
	Put(ctx context.Context, c *Challenge) error

	// Get returns a copy of the live challenge with the id: ErrNotFound when
	// there is none, ErrExpired (and the challenge is deleted) when its time
	// ran out at now.
	Get(ctx context.Context, id string, now time.Time) (*Challenge, error)

	// Attempt atomically judges one answer digest against the challenge
	// (see Challenge.MatchDigest):
	//   - no challenge: ErrNotFound; expired at now: delete, ErrExpired;
	//   - an accepted answer: delete it (single use), return MatchAnswer;
	//   - otherwise count one attempt; when that was the last one
	//     (Attempts == MaxAttempts) delete it and return ErrTooManyAttempts
	//     (with the result filled in); else return MatchNone or MatchDecoy.
	Attempt(ctx context.Context, id string, d Digest, now time.Time) (AttemptResult, error)

	// Poison atomically counts one wrong attempt against the challenge,
	// as Attempt does for a digest that matches nothing, and, when it was
	// not the last one, makes every later answer to it wrong: no answer or
	// decoy of the challenge matches any more. Its errors and result are
	// Attempt's. It serves Service.Fail, which must leave a deceived
	// client's challenge exactly as a wrong answer leaves it, except that
	// re-sending the right answer cannot reveal the deception.
	Poison(ctx context.Context, id string, now time.Time) (AttemptResult, error)

	// Refresh atomically replaces the live challenge oldID by next on the
	// same screen: next.Screen and next.Refreshes are set from the old one
	// (its Refreshes plus the cost: 0 when next is KindAudio and the old one
	// is of another kind, else 1). It fails with ErrRefreshLimit, keeping
	// the old challenge, when the old one's Refreshes plus the cost exceeds
	// maxRefreshes; with ErrNotFound or ErrExpired as Get does.
	Refresh(ctx context.Context, oldID string, next *Challenge, maxRefreshes int, now time.Time) error

	// PutToken stores the live token nonce until expires.
	PutToken(ctx context.Context, nonce string, expires time.Time) error

	// TakeToken atomically deletes the token nonce and reports whether it
	// was live at now (stored and unexpired). A nonce that is not stored -
	// never issued, already taken, evicted, lost in a restart - reports
	// false: the person solves again; nothing replays.
	TakeToken(ctx context.Context, nonce string, now time.Time) (bool, error)
}

// AttemptResult is what Store.Attempt reports about one answer.
type AttemptResult struct {
	// Match says whether the digest was an answer, a decoy or neither.
	Match Match
	// AttemptsLeft is how many answers the challenge still accepts (0 once
	// it is solved or deleted).
	AttemptsLeft int
	// Kind, Lang and Screen are copied from the challenge.
	Kind   Kind
	Lang   string
	Screen string
}

// refreshCost is what replacing a challenge of kind from by one of kind to
// counts against a screen's refreshes (see Store.Refresh): 0 for a switch
// from another kind to the audio alternative, so that a person who cannot
// see the image can always reach it, else 1. A switch back costs 1, so a
// screen still shows at most 2×(maxRefreshes+1) challenges.
func refreshCost(from, to Kind) int {
	if to == KindAudio && from != KindAudio {
		return 0
	}
	return 1
}
