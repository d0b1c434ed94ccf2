package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/tollgate/tollgate/captcha"
)

// CaptchaStore is a captcha.Store in Redis, shared by every server that
// uses the same Redis and prefix: a challenge issued by one server verifies
// on any other, attempts count across all of them, and a token is accepted
// once across all of them.
//
// Attempt, Get and Put are each one Lua script (EVALSHA, one round trip),
// and so is Refresh but on Redis Cluster (see there), so they are atomic: of concurrent correct answers exactly one
// succeeds, and no wrong answer is lost. Digests are compared inside the
// script. That comparison is not constant-time, but it need not be: the
// digests are HMACs under the server's secret, which an attacker can
// neither choose nor compute, so timing tells nothing useful. PutToken is
// one SET and TakeToken one GETDEL.
//
// Expiry decisions use the times the callers pass, exactly as
// captcha.MemoryStore does; each key also gets a Redis time to live (the
// challenge's or token's remaining lifetime plus WithTTLMargin), so Redis
// frees it by itself. Nothing is kept without an expiry.
//
// A challenge or token is valid only while its key exists; solving the
// challenge or taking the token deletes the key in the same atomic step. When Redis loses a key (evicted
// under maxmemory, or gone in a restart) the challenge is not found and
// the token not live: the person solves again; nothing is accepted twice.
// See the package documentation for every key.
//
// When Redis fails, the methods return an error that is not one of the
// captcha sentinels, and the captcha Service reports it as
// captcha.ErrStore: the verification is denied (fail closed). With
// WithFailOpen(true), only TakeToken changes (see there).
//
// A CaptchaStore is safe for concurrent use. Create one with
// NewCaptchaStore; the zero value is not usable.
type CaptchaStore struct {
	base
	// cluster is set on Redis Cluster, where Refresh takes two steps.
	cluster bool
}

var _ captcha.Store = (*CaptchaStore)(nil)

// NewCaptchaStore returns a CaptchaStore on client, which may be a single
// node, Sentinel (failover) or Cluster client. The client must have
// ContextTimeoutEnabled set (else ErrContextTimeoutDisabled).
func NewCaptchaStore(client redis.UniversalClient, opts ...Option) (*CaptchaStore, error) {
	s := &CaptchaStore{}
	if err := s.init(client, "captcha", opts); err != nil {
		return nil, err
	}
	_, s.cluster = client.(*redis.ClusterClient)
	return s, nil
}

// Keys returns the key naming of the store.
func (s *CaptchaStore) Keys() Keys { return s.keys }

// fail wraps a Redis failure of op.
func fail(op string, err error) error {
	return fmt.Errorf("redisstore: captcha %s: %w", op, err)
}

// challengeFields returns the field/value pairs of c but for the screen and
// refreshes, which Put adds and Refresh takes from the old challenge.
func challengeFields(c *captcha.Challenge) []any {
	return []any{
		"k", string(c.Kind), "l", c.Lang,
		"a", joinDigests(c.Answers), "d", joinDigests(c.Decoys),
		"cs", c.Created.Unix(), "cn", c.Created.Nanosecond(),
		"es", c.Expires.Unix(), "en", c.Expires.Nanosecond(),
		"n", c.Attempts, "m", c.MaxAttempts,
	}
}

func joinDigests(ds []captcha.Digest) string {
	b := make([]byte, 0, len(ds)*len(captcha.Digest{}))
	for i := range ds {
		b = append(b, ds[i][:]...)
	}
	return string(b)
}

// lifetime is how long c still lives from its creation (or from the wall
// clock when Created is unset).
func lifetime(c *captcha.Challenge) time.Duration {
	if c.Created.IsZero() {
		return time.Until(c.Expires)
	}
	return c.Expires.Sub(c.Created)
}

// Put implements captcha.Store.
func (s *CaptchaStore) Put(ctx context.Context, c *captcha.Challenge) error {
	ctx, cancel := s.context(ctx)
	defer cancel()
	key := s.keys.Challenge(c.ID)
	args := append([]any{s.ttl(lifetime(c)), "s", c.Screen, "r", c.Refreshes}, challengeFields(c)...)
	start := time.Now()
	n, err := putScript.run(ctx, s.client, []string{key}, args...).Int()
	s.observe(ctx, "put", key, start, err, false)
	if err != nil {
		return fail("put", err)
	}
	if n == 0 {
		return captcha.ErrExists
	}
	return nil
}

// Get implements captcha.Store.
func (s *CaptchaStore) Get(ctx context.Context, id string, now time.Time) (*captcha.Challenge, error) {
	ctx, cancel := s.context(ctx)
	defer cancel()
	key := s.keys.Challenge(id)
	start := time.Now()
	reply, err := getScript.run(ctx, s.client, []string{key}, now.Unix(), now.Nanosecond()).Slice()
	s.observe(ctx, "get", key, start, err, false)
	if err != nil {
		return nil, fail("get", err)
	}
	if err := statusError(reply); err != nil {
		return nil, err
	}
	if len(reply) != 2 {
		return nil, fail("get", ErrCorrupt)
	}
	fields, _ := reply[1].([]any)
	c, err := decodeChallenge(id, fields)
	if err != nil {
		return nil, fail("get", err)
	}
	return c, nil
}

// statusError maps a script's status code to the captcha sentinel.
func statusError(reply []any) error {
	if len(reply) == 0 {
		return ErrCorrupt
	}
	code, ok := reply[0].(int64)
	if !ok {
		return ErrCorrupt
	}
	switch code {
	case statusOK:
		return nil
	case statusNotFound:
		return captcha.ErrNotFound
	case statusExpired:
		return captcha.ErrExpired
	case statusTooMany:
		return captcha.ErrTooManyAttempts
	case statusExists:
		return captcha.ErrExists
	case statusRefreshLimit:
		return captcha.ErrRefreshLimit
	}
	return ErrCorrupt
}

// isOutcome reports whether err is one of the captcha outcomes rather than
// a failure.
func isOutcome(err error) bool {
	return !errors.Is(err, ErrCorrupt)
}

// Attempt implements captcha.Store. It is one round trip.
func (s *CaptchaStore) Attempt(ctx context.Context, id string, d captcha.Digest, now time.Time) (captcha.AttemptResult, error) {
	return s.attempt(ctx, id, d, now, "0")
}

// Poison implements captcha.Store. It is one round trip.
func (s *CaptchaStore) Poison(ctx context.Context, id string, now time.Time) (captcha.AttemptResult, error) {
	return s.attempt(ctx, id, captcha.Digest{}, now, "1")
}

func (s *CaptchaStore) attempt(ctx context.Context, id string, d captcha.Digest, now time.Time, poison string) (captcha.AttemptResult, error) {
	ctx, cancel := s.context(ctx)
	defer cancel()
	key := s.keys.Challenge(id)
	start := time.Now()
	reply, err := attemptScript.run(ctx, s.client, []string{key}, now.Unix(), now.Nanosecond(), d[:], poison).Slice()
	s.observe(ctx, "attempt", key, start, err, false)
	if err != nil {
		return captcha.AttemptResult{}, fail("attempt", err)
	}
	serr := statusError(reply)
	switch {
	case serr == nil || errors.Is(serr, captcha.ErrTooManyAttempts):
	case errors.Is(serr, ErrCorrupt):
		return captcha.AttemptResult{}, fail("attempt", serr)
	default:
		return captcha.AttemptResult{}, serr
	}
	res, err := decodeAttempt(reply)
	if err != nil {
		return captcha.AttemptResult{}, fail("attempt", err)
	}
	return res, serr
}

// Refresh implements captcha.Store. On a single node or Sentinel it is one
// script and one round trip.
//
// On Redis Cluster the old and the new challenge have different ids and so,
// in general, different hash slots, which no script may span. There it is
// two round trips: a script on the old key checks it (live, refresh limit)
// and deletes it, then a second writes the new challenge, if its id is
// free, with the old one's screen and refresh count. It stays safe:
//   - Of concurrent refreshes and answers of one challenge exactly one
//     wins, as on a single node: the first step is atomic on the old key,
//     and whichever of them deletes that key first is the only one that
//     finds it. An answer after it finds no challenge, and only the
//     refresh that took the old key writes a successor.
//   - The refresh count lives in the challenge alone and is carried over
//     by the refresh that took it, so no order of calls resets it.
//   - When the second step fails (Redis failure, ended context, or an id
//     already taken, which 128 random bits make impossible in practice),
//     the old challenge is gone and there is no new one: the error is
//     returned and the person starts a new challenge, as after a lost key.
//     ErrRefreshLimit, ErrNotFound and ErrExpired come from the first step
//     and keep the old challenge as on a single node.
//
// Putting a screen's challenges under one hash tag would keep the single
// script, but Attempt and Get know only the challenge id, not its screen.
func (s *CaptchaStore) Refresh(ctx context.Context, oldID string, next *captcha.Challenge, maxRefreshes int, now time.Time) error {
	ctx, cancel := s.context(ctx)
	defer cancel()
	if s.cluster {
		return s.refreshSplit(ctx, oldID, next, maxRefreshes, now)
	}
	keys := []string{s.keys.Challenge(oldID), s.keys.Challenge(next.ID)}
	args := append([]any{now.Unix(), now.Nanosecond(), maxRefreshes, s.ttl(next.Expires.Sub(now))}, challengeFields(next)...)
	start := time.Now()
	reply, err := refreshScript.run(ctx, s.client, keys, args...).Slice()
	s.observe(ctx, "refresh", keys[0], start, err, false)
	return s.refreshed(reply, err, next)
}

// refreshed reads the reply of refreshScript or takeScript into next.
func (s *CaptchaStore) refreshed(reply []any, err error, next *captcha.Challenge) error {
	if err != nil {
		return fail("refresh", err)
	}
	if err := statusError(reply); err != nil {
		if isOutcome(err) {
			return err
		}
		return fail("refresh", err)
	}
	screen, refreshes, err := decodeRefresh(reply)
	if err != nil {
		return fail("refresh", err)
	}
	next.Screen, next.Refreshes = screen, refreshes
	return nil
}

// refreshSplit is Refresh on Redis Cluster: takeScript on the old key, then
// putScript on the new one.
func (s *CaptchaStore) refreshSplit(ctx context.Context, oldID string, next *captcha.Challenge, maxRefreshes int, now time.Time) error {
	key := s.keys.Challenge(oldID)
	start := time.Now()
	reply, err := takeScript.run(ctx, s.client, []string{key}, now.Unix(), now.Nanosecond(), maxRefreshes, string(next.Kind)).Slice()
	s.observe(ctx, "refresh", key, start, err, false)
	var taken captcha.Challenge
	if err := s.refreshed(reply, err, &taken); err != nil {
		return err
	}
	key = s.keys.Challenge(next.ID)
	args := append([]any{s.ttl(next.Expires.Sub(now)), "s", taken.Screen, "r", taken.Refreshes}, challengeFields(next)...)
	start = time.Now()
	n, err := putScript.run(ctx, s.client, []string{key}, args...).Int()
	s.observe(ctx, "refresh", key, start, err, false)
	switch {
	case err != nil:
		return fail("refresh", err)
	case n == 0:
		return captcha.ErrExists
	}
	next.Screen, next.Refreshes = taken.Screen, taken.Refreshes
	return nil
}

// PutToken implements captcha.Store with one SET PX. The key holds the
// token's expiry, which TakeToken judges against its caller's now; its
// Redis time to live, which only frees memory, runs from the local clock
// to expires plus WithTTLMargin.
func (s *CaptchaStore) PutToken(ctx context.Context, nonce string, expires time.Time) error {
	ctx, cancel := s.context(ctx)
	defer cancel()
	key := s.keys.Token(nonce)
	start := time.Now()
	err := do(ctx, s.client, "set", key, encodeExpiry(expires), "px", s.ttl(time.Until(expires))).Err()
	s.observe(ctx, "put_token", key, start, err, false)
	if err != nil {
		return fail("put token", err)
	}
	return nil
}

// TakeToken implements captcha.Store with one GETDEL: the key is deleted
// by the call that reads it, so of concurrent takes, on any servers, at
// most one sees the token, and a key that Redis lost (evicted, or gone in
// a restart) reports false: the person solves again.
//
// When Redis fails it returns false and the error (fail closed). With
// WithFailOpen(true) it reports the token live instead, with a nil error
// and an EventFailOpen: while Redis is unreachable, every authentic
// unexpired token is accepted, as often as it is presented. A context
// ended by the caller, and a key holding data the store did not write
// (ErrCorrupt), are errors in both modes.
func (s *CaptchaStore) TakeToken(ctx context.Context, nonce string, now time.Time) (bool, error) {
	parent := ctx
	ctx, cancel := s.context(ctx)
	defer cancel()
	key := s.keys.Token(nonce)
	start := time.Now()
	v, err := do(ctx, s.client, "getdel", key).Text()
	switch {
	case errors.Is(err, redis.Nil):
		s.observe(ctx, "take_token", key, start, nil, false)
		return false, nil
	case redis.HasErrorPrefix(err, "WRONGTYPE"):
		// Another program's key under the prefix: no outage to fail
		// open for.
		err = fmt.Errorf("%w: %v", ErrCorrupt, err)
		s.observe(ctx, "take_token", key, start, err, false)
		return false, fail("take token", err)
	}
	open := err != nil && s.cfg.failOpen && parent.Err() == nil
	s.observe(ctx, "take_token", key, start, err, open)
	switch {
	case open:
		return true, nil
	case err != nil:
		return false, fail("take token", err)
	}
	expires, err := decodeExpiry(v)
	if err != nil {
		return false, fail("take token", err)
	}
	return now.Before(expires), nil
}
