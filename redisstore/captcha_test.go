package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/captcha/storetest"
	"github.com/tollgate/tollgate/redisstore"
	"github.com/tollgate/tollgate/redisstore/internal/redistest"
)

func newCaptchaStore(t *testing.T, c redis.UniversalClient, opts ...redisstore.Option) *redisstore.CaptchaStore {
	t.Helper()
	s, err := redisstore.NewCaptchaStore(c, append([]redisstore.Option{redisstore.WithPrefix(redistest.Prefix(t))}, opts...)...)
	if err != nil {
		t.Fatalf("NewCaptchaStore = %v", err)
	}
	return s
}

// TestCaptchaStoreSuite runs the behavioural suite that captcha.MemoryStore
// passes against a real Redis.
func TestCaptchaStoreSuite(t *testing.T) {
	client := redistest.Client(t, redistest.Addr(t))
	storetest.Run(t, func(t *testing.T) captcha.Store { return newCaptchaStore(t, client) },
		storetest.Options{})
}

func testChallenge(id string, now time.Time) *captcha.Challenge {
	return &captcha.Challenge{
		ID: id, Kind: captcha.KindAudio, Lang: "ko", Screen: "screen-" + id,
		Answers: []captcha.Digest{{1}}, Decoys: []captcha.Digest{{2}, {3}},
		Created: now, Expires: now.Add(time.Minute), MaxAttempts: 3,
	}
}

// TestCaptchaStoreKeys checks the key layout and that every key expires.
func TestCaptchaStoreKeys(t *testing.T) {
	client := redistest.Client(t, redistest.Addr(t))
	ctx := context.Background()
	prefix := redistest.Prefix(t)
	s, err := redisstore.NewCaptchaStore(client, redisstore.WithPrefix(prefix), redisstore.WithTTLMargin(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	c := testChallenge("keys1", now)
	if err := s.Put(ctx, c); err != nil {
		t.Fatal(err)
	}
	key := prefix + "captcha:c:keys1"
	if got := s.Keys().Challenge("keys1"); got != key {
		t.Fatalf("Keys().Challenge = %q, want %q", got, key)
	}
	ttl, err := client.PTTL(ctx, key).Result()
	if err != nil || ttl <= time.Minute || ttl > time.Minute+5*time.Second {
		t.Fatalf("PTTL(challenge) = %v, %v; want in (1m, 1m5s]", ttl, err)
	}
	next := testChallenge("keys2", now)
	next.Expires = now.Add(2 * time.Minute)
	if err := s.Refresh(ctx, "keys1", next, 5, now); err != nil {
		t.Fatal(err)
	}
	ttl, err = client.PTTL(ctx, prefix+"captcha:c:keys2").Result()
	if err != nil || ttl <= time.Minute || ttl > 2*time.Minute+5*time.Second {
		t.Fatalf("PTTL(refreshed) = %v, %v; want in (1m, 2m5s]", ttl, err)
	}
	if err := s.PutToken(ctx, "n1", now.Add(10*time.Second)); err != nil {
		t.Fatalf("PutToken = %v", err)
	}
	ttl, err = client.PTTL(ctx, prefix+"captcha:t:n1").Result()
	if err != nil || ttl <= 9*time.Second || ttl > 15*time.Second {
		t.Fatalf("PTTL(token) = %v, %v; want in (9s, 15s]", ttl, err)
	}
	if v, err := client.Get(ctx, prefix+"captcha:t:n1").Result(); err != nil || v == "" {
		t.Fatalf("GET(token) = %q, %v; want its expiry", v, err)
	}
	// An expired token is still kept for the margin.
	if err := s.PutToken(ctx, "n2", now.Add(-time.Hour)); err != nil {
		t.Fatalf("PutToken(expired) = %v", err)
	}
	ttl, err = client.PTTL(ctx, prefix+"captcha:t:n2").Result()
	if err != nil || ttl <= 0 || ttl > 5*time.Second {
		t.Fatalf("PTTL(expired token) = %v, %v; want in (0, 5s]", ttl, err)
	}
	keys, err := client.Keys(ctx, prefix+"*").Result()
	if err != nil || len(keys) != 3 {
		t.Fatalf("KEYS = %v, %v; want 3 keys", keys, err)
	}
	for _, k := range keys {
		if ttl, err := client.PTTL(ctx, k).Result(); err != nil || ttl <= 0 {
			t.Errorf("PTTL(%s) = %v, %v; want an expiry", k, ttl, err)
		}
	}
	// Taking a token deletes its key, live or not.
	for _, n := range []string{"n1", "n2"} {
		if _, err := s.TakeToken(ctx, n, now); err != nil {
			t.Fatalf("TakeToken(%s) = %v", n, err)
		}
	}
	if keys, err := client.Keys(ctx, prefix+"captcha:t:*").Result(); err != nil || len(keys) != 0 {
		t.Fatalf("token keys after TakeToken = %v, %v; want none", keys, err)
	}
}

// TestCaptchaStoreRoundTrip checks that Get returns every field Put stored,
// with exact times.
func TestCaptchaStoreRoundTrip(t *testing.T) {
	client := redistest.Client(t, redistest.Addr(t))
	s := newCaptchaStore(t, client)
	ctx := context.Background()
	now := time.Date(2031, 5, 6, 7, 8, 9, 123456789, time.UTC)
	c := testChallenge("rt", now)
	c.Refreshes, c.Attempts, c.Expires = 2, 1, now.Add(90*time.Second+987654321)
	if err := s.Put(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, "rt", now)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != c.ID || got.Kind != c.Kind || got.Lang != c.Lang || got.Screen != c.Screen ||
		got.Refreshes != 2 || got.Attempts != 1 || got.MaxAttempts != 3 ||
		!got.Created.Equal(c.Created) || !got.Expires.Equal(c.Expires) ||
		len(got.Answers) != 1 || got.Answers[0] != c.Answers[0] ||
		len(got.Decoys) != 2 || got.Decoys[1] != c.Decoys[1] {
		t.Fatalf("Get = %+v, want %+v", got, c)
	}
	// One nanosecond before expiry it is live; at expiry it is not.
	if _, err := s.Get(ctx, "rt", c.Expires.Add(-1)); err != nil {
		t.Fatalf("Get(1ns before expiry) = %v, want nil", err)
	}
	if _, err := s.Get(ctx, "rt", c.Expires); !errors.Is(err, captcha.ErrExpired) {
		t.Fatalf("Get(at expiry) = %v, want ErrExpired", err)
	}
}

// TestCaptchaStoreAttemptResult checks the result of the last failed
// attempt and of a decoy.
func TestCaptchaStoreAttemptResult(t *testing.T) {
	client := redistest.Client(t, redistest.Addr(t))
	s := newCaptchaStore(t, client)
	ctx := context.Background()
	now := time.Now()
	c := testChallenge("ar", now)
	c.MaxAttempts = 2
	if err := s.Put(ctx, c); err != nil {
		t.Fatal(err)
	}
	res, err := s.Attempt(ctx, "ar", captcha.Digest{3}, now)
	want := captcha.AttemptResult{Match: captcha.MatchDecoy, AttemptsLeft: 1, Kind: captcha.KindAudio, Lang: "ko", Screen: c.Screen}
	if err != nil || res != want {
		t.Fatalf("Attempt(decoy) = %+v, %v; want %+v, nil", res, err, want)
	}
	res, err = s.Attempt(ctx, "ar", captcha.Digest{2}, now)
	want.AttemptsLeft = 0
	if !errors.Is(err, captcha.ErrTooManyAttempts) || res != want {
		t.Fatalf("Attempt(last, decoy) = %+v, %v; want %+v, ErrTooManyAttempts", res, err, want)
	}
	// The refused id is free again.
	if err := s.Put(ctx, c); err != nil {
		t.Fatalf("Put after deletion = %v", err)
	}
	// Refreshing onto an existing id fails and keeps both.
	d := testChallenge("ar2", now)
	if err := s.Put(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := s.Refresh(ctx, "ar", d, 3, now); !errors.Is(err, captcha.ErrExists) {
		t.Fatalf("Refresh onto existing id = %v, want ErrExists", err)
	}
	for _, id := range []string{"ar", "ar2"} {
		if _, err := s.Get(ctx, id, now); err != nil {
			t.Fatalf("Get(%s) after refused refresh = %v", id, err)
		}
	}
}

// TestCaptchaStoreCorrupt checks that foreign data under the store's keys
// is reported as an error, never a panic or an outcome.
func TestCaptchaStoreCorrupt(t *testing.T) {
	client := redistest.Client(t, redistest.Addr(t))
	s := newCaptchaStore(t, client)
	ctx := context.Background()
	now := time.Now()
	if err := client.Set(ctx, s.Keys().Challenge("str"), "x", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	if err := client.HSet(ctx, s.Keys().Challenge("hash"), "es", "9999999999", "en", "0", "a", "short").Err(); err != nil {
		t.Fatal(err)
	}
	client.Expire(ctx, s.Keys().Challenge("hash"), time.Minute)
	for _, id := range []string{"str", "hash"} {
		if _, err := s.Get(ctx, id, now); err == nil || isCaptchaOutcome(err) {
			t.Errorf("Get(%s) = %v, want a store failure", id, err)
		}
		if _, err := s.Attempt(ctx, id, captcha.Digest{1}, now); err == nil || isCaptchaOutcome(err) {
			t.Errorf("Attempt(%s) = %v, want a store failure", id, err)
		}
	}
	// A token key holding anything but an expiry is an error, also when
	// failing open (the data is wrong, Redis is not down), and is taken.
	open := newCaptchaStore(t, client, redisstore.WithPrefix(s.Keys().Prefix), redisstore.WithFailOpen(true))
	for _, st := range []*redisstore.CaptchaStore{s, open} {
		if err := client.Set(ctx, s.Keys().Token("foreign"), "9999999999", time.Minute).Err(); err != nil {
			t.Fatal(err)
		}
		if live, err := st.TakeToken(ctx, "foreign", now); live || !errors.Is(err, redisstore.ErrCorrupt) {
			t.Errorf("TakeToken(foreign value) = %v, %v; want false, ErrCorrupt", live, err)
		}
		if live, err := st.TakeToken(ctx, "foreign", now); live || err != nil {
			t.Errorf("TakeToken(foreign value, again) = %v, %v; want false, nil", live, err)
		}
	}
	if err := client.HSet(ctx, s.Keys().Token("hash"), "a", "b").Err(); err != nil {
		t.Fatal(err)
	}
	if live, err := open.TakeToken(ctx, "hash", now); live || err == nil {
		t.Errorf("TakeToken(hash under a token key) = %v, %v; want false and an error", live, err)
	}
	client.Del(ctx, s.Keys().Token("hash"))
}

func isCaptchaOutcome(err error) bool {
	for _, e := range []error{captcha.ErrNotFound, captcha.ErrExpired, captcha.ErrTooManyAttempts, captcha.ErrExists, captcha.ErrRefreshLimit} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
