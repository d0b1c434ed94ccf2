package captcha

import (
	"context"
	"time"
)

// Store keeps live challenges and spent tokens. Every method must be safe for
// concurrent use, also across processes when the store is shared (see
// package redisstore): Attempt and Refresh are atomic, so two verifications
// of one challenge can never both succeed and no attempt is ever lost.
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

	// Refresh atomically replaces the live challenge oldID by next on the
	// same screen: next.Screen and next.Refreshes are set from the old one
	// (Refreshes+1). It fails with ErrRefreshLimit, keeping the old
	// challenge, when the old one's Refreshes+1 > maxRefreshes; with
	// ErrNotFound or ErrExpired as Get does.
	Refresh(ctx context.Context, oldID string, next *Challenge, maxRefreshes int, now time.Time) error

	// Spend marks the single-use token nonce as used until expires. It
	// reports whether this was the first use.
	Spend(ctx context.Context, nonce string, expires, now time.Time) (first bool, err error)
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
