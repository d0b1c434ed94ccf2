// Package storetest is a behavioural test suite for implementations of
// captcha.Store. The in-memory store and the Redis store both run it, so
// that every implementation behaves exactly alike.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tollgate/tollgate/captcha"
)

// Options tunes the suite for an implementation.
type Options struct {
	// Concurrency is the number of goroutines in the concurrency tests
	// (default 1000).
	Concurrency int
}

// Run runs the suite. newStore must return an empty store for each call.
// Times are based on time.Now, so stores that also expire keys by wall
// clock (such as Redis) agree with the times the suite passes.
func Run(t *testing.T, newStore func(t *testing.T) captcha.Store, opts Options) {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 1000
	}
	tests := []struct {
		name string
		fn   func(t *testing.T, s captcha.Store)
	}{
		{"PutGet", testPutGet},
		{"PutExists", testPutExists},
		{"GetUnknown", testGetUnknown},
		{"Expiry", testExpiry},
		{"SingleUse", testSingleUse},
		{"AttemptsRunOut", testAttemptsRunOut},
		{"Decoy", testDecoy},
		{"SeveralAnswers", testSeveralAnswers},
		{"Refresh", testRefresh},
		{"RefreshExpired", testRefreshExpired},
		{"Spend", testSpend},
		{"ConcurrentSolve", func(t *testing.T, s captcha.Store) { testConcurrentSolve(t, s, opts.Concurrency) }},
		{"ConcurrentWrong", func(t *testing.T, s captcha.Store) { testConcurrentWrong(t, s, opts.Concurrency) }},
		{"ConcurrentRefresh", func(t *testing.T, s captcha.Store) { testConcurrentRefresh(t, s, opts.Concurrency) }},
		{"ConcurrentSpend", func(t *testing.T, s captcha.Store) { testConcurrentSpend(t, s, opts.Concurrency) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, newStore(t))
		})
	}
}

var (
	answer = captcha.Digest{1, 2, 3}
	other  = captcha.Digest{9, 9, 9}
	decoy  = captcha.Digest{7, 7, 7}
)

func randomID(t *testing.T) string {
	t.Helper()
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// newChallenge returns a challenge created now that lives for a minute.
func newChallenge(t *testing.T, now time.Time) *captcha.Challenge {
	t.Helper()
	return &captcha.Challenge{
		ID:          randomID(t),
		Kind:        captcha.KindImage,
		Lang:        "en",
		Screen:      randomID(t),
		Answers:     []captcha.Digest{answer},
		Decoys:      []captcha.Digest{decoy},
		Created:     now,
		Expires:     now.Add(time.Minute),
		MaxAttempts: 3,
	}
}

func put(t *testing.T, s captcha.Store, c *captcha.Challenge) {
	t.Helper()
	if err := s.Put(context.Background(), c); err != nil {
		t.Fatalf("Put(%s) = %v, want nil", c.ID, err)
	}
}

func wantErr(t *testing.T, what string, got, want error) {
	t.Helper()
	if !errors.Is(got, want) {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}

func testPutGet(t *testing.T, s captcha.Store) {
	ctx := context.Background()
	now := time.Now()
	c := newChallenge(t, now)
	c.Answers = append(c.Answers, other)
	c.Refreshes = 2
	put(t, s, c)
	got, err := s.Get(ctx, c.ID, now)
	if err != nil {
		t.Fatalf("Get = %v", err)
	}
	if got.ID != c.ID || got.Kind != c.Kind || got.Lang != c.Lang || got.Screen != c.Screen ||
		got.Refreshes != c.Refreshes || got.MaxAttempts != c.MaxAttempts || got.Attempts != 0 ||
		len(got.Answers) != 2 || got.Answers[1] != other || len(got.Decoys) != 1 || got.Decoys[0] != decoy ||
		!got.Expires.Equal(c.Expires.Truncate(time.Millisecond)) && !got.Expires.Equal(c.Expires) {
		t.Fatalf("Get = %+v, want %+v", got, c)
	}
	// The copy is the caller's: changing it changes nothing stored.
	got.Answers[0] = other
	again, err := s.Get(ctx, c.ID, now)
	if err != nil || again.Answers[0] != answer {
		t.Fatalf("after changing a copy, Get = %+v, %v; want the stored answer intact", again, err)
	}
}

func testPutExists(t *testing.T, s captcha.Store) {
	now := time.Now()
	c := newChallenge(t, now)
	put(t, s, c)
	wantErr(t, "Put(same id)", s.Put(context.Background(), c), captcha.ErrExists)
}

func testGetUnknown(t *testing.T, s captcha.Store) {
	_, err := s.Get(context.Background(), randomID(t), time.Now())
	wantErr(t, "Get(unknown)", err, captcha.ErrNotFound)
	_, err = s.Attempt(context.Background(), randomID(t), answer, time.Now())
	wantErr(t, "Attempt(unknown)", err, captcha.ErrNotFound)
}

func testExpiry(t *testing.T, s captcha.Store) {
	ctx := context.Background()
	now := time.Now()
	c := newChallenge(t, now)
	put(t, s, c)
	if _, err := s.Get(ctx, c.ID, c.Expires.Add(-time.Millisecond)); err != nil {
		t.Fatalf("Get just before expiry = %v, want nil", err)
	}
	_, err := s.Attempt(ctx, c.ID, answer, c.Expires)
	wantErr(t, "Attempt(at expiry)", err, captcha.ErrExpired)
	_, err = s.Get(ctx, c.ID, now)
	wantErr(t, "Get(after expiry was seen)", err, captcha.ErrNotFound)

	d := newChallenge(t, now)
	put(t, s, d)
	_, err = s.Get(ctx, d.ID, d.Expires.Add(time.Second))
	wantErr(t, "Get(after expiry)", err, captcha.ErrExpired)
}

func testSingleUse(t *testing.T, s captcha.Store) {
	ctx := context.Background()
	now := time.Now()
	c := newChallenge(t, now)
	put(t, s, c)
	res, err := s.Attempt(ctx, c.ID, answer, now)
	if err != nil || res.Match != captcha.MatchAnswer || res.Screen != c.Screen || res.Kind != c.Kind {
		t.Fatalf("Attempt(answer) = %+v, %v; want MatchAnswer on screen %s", res, err, c.Screen)
	}
	_, err = s.Attempt(ctx, c.ID, answer, now)
	wantErr(t, "Attempt(answer again)", err, captcha.ErrNotFound)
}

func testAttemptsRunOut(t *testing.T, s captcha.Store) {
	ctx := context.Background()
	now := time.Now()
	c := newChallenge(t, now)
	put(t, s, c)
	for want := 2; want >= 1; want-- {
		res, err := s.Attempt(ctx, c.ID, other, now)
		if err != nil || res.Match != captcha.MatchNone || res.AttemptsLeft != want {
			t.Fatalf("Attempt(wrong) = %+v, %v; want MatchNone with %d left", res, err, want)
		}
	}
	got, err := s.Get(ctx, c.ID, now)
	if err != nil || got.Attempts != 2 {
		t.Fatalf("Get after 2 wrong = %+v, %v; want Attempts 2", got, err)
	}
	_, err = s.Attempt(ctx, c.ID, other, now)
	wantErr(t, "Attempt(3rd wrong)", err, captcha.ErrTooManyAttempts)
	_, err = s.Attempt(ctx, c.ID, answer, now)
	wantErr(t, "Attempt(answer after the last try)", err, captcha.ErrNotFound)
}

func testDecoy(t *testing.T, s captcha.Store) {
	ctx := context.Background()
	now := time.Now()
	c := newChallenge(t, now)
	put(t, s, c)
	res, err := s.Attempt(ctx, c.ID, decoy, now)
	if err != nil || res.Match != captcha.MatchDecoy || res.AttemptsLeft != 2 {
		t.Fatalf("Attempt(decoy) = %+v, %v; want MatchDecoy with 2 left", res, err)
	}
	res, err = s.Attempt(ctx, c.ID, answer, now)
	if err != nil || res.Match != captcha.MatchAnswer {
		t.Fatalf("Attempt(answer after decoy) = %+v, %v; want MatchAnswer", res, err)
	}
}

func testSeveralAnswers(t *testing.T, s captcha.Store) {
	ctx := context.Background()
	now := time.Now()
	for i, d := range []captcha.Digest{answer, other} {
		c := newChallenge(t, now)
		c.Answers = []captcha.Digest{answer, other}
		put(t, s, c)
		res, err := s.Attempt(ctx, c.ID, d, now)
		if err != nil || res.Match != captcha.MatchAnswer {
			t.Fatalf("Attempt(answer %d of 2) = %+v, %v; want MatchAnswer", i, res, err)
		}
	}
}

func testRefresh(t *testing.T, s captcha.Store) {
	ctx := context.Background()
	now := time.Now()
	c := newChallenge(t, now)
	put(t, s, c)
	prev := c
	for i := 1; i <= 3; i++ {
		next := newChallenge(t, now)
		if err := s.Refresh(ctx, prev.ID, next, 3, now); err != nil {
			t.Fatalf("Refresh #%d = %v, want nil", i, err)
		}
		if next.Screen != c.Screen || next.Refreshes != i {
			t.Fatalf("Refresh #%d set Screen, Refreshes = %s, %d; want %s, %d", i, next.Screen, next.Refreshes, c.Screen, i)
		}
		if _, err := s.Get(ctx, prev.ID, now); !errors.Is(err, captcha.ErrNotFound) {
			t.Fatalf("Get(replaced challenge) = %v, want ErrNotFound", err)
		}
		got, err := s.Get(ctx, next.ID, now)
		if err != nil || got.Screen != c.Screen || got.Refreshes != i {
			t.Fatalf("Get(refreshed) = %+v, %v; want screen %s, refreshes %d", got, err, c.Screen, i)
		}
		prev = next
	}
	last := newChallenge(t, now)
	wantErr(t, "Refresh past the limit", s.Refresh(ctx, prev.ID, last, 3, now), captcha.ErrRefreshLimit)
	if _, err := s.Get(ctx, prev.ID, now); err != nil {
		t.Fatalf("Get(challenge kept after refused refresh) = %v, want nil", err)
	}
	if _, err := s.Get(ctx, last.ID, now); !errors.Is(err, captcha.ErrNotFound) {
		t.Fatalf("Get(refused replacement) = %v, want ErrNotFound", err)
	}
	wantErr(t, "Refresh(unknown)", s.Refresh(ctx, randomID(t), newChallenge(t, now), 3, now), captcha.ErrNotFound)
}

func testRefreshExpired(t *testing.T, s captcha.Store) {
	now := time.Now()
	c := newChallenge(t, now)
	put(t, s, c)
	err := s.Refresh(context.Background(), c.ID, newChallenge(t, now), 3, c.Expires.Add(time.Second))
	wantErr(t, "Refresh(expired)", err, captcha.ErrExpired)
}

func testSpend(t *testing.T, s captcha.Store) {
	ctx := context.Background()
	now := time.Now()
	nonce := randomID(t)
	first, err := s.Spend(ctx, nonce, now.Add(time.Minute), now)
	if err != nil || !first {
		t.Fatalf("Spend(new) = %v, %v; want true, nil", first, err)
	}
	first, err = s.Spend(ctx, nonce, now.Add(time.Minute), now)
	if err != nil || first {
		t.Fatalf("Spend(again) = %v, %v; want false, nil", first, err)
	}
}

// parallel runs fn in n goroutines that start together.
func parallel(n int, fn func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			fn(i)
		}()
	}
	close(start)
	wg.Wait()
}

func testConcurrentSolve(t *testing.T, s captcha.Store, n int) {
	now := time.Now()
	c := newChallenge(t, now)
	put(t, s, c)
	var solved, notFound, other atomic.Int64
	parallel(n, func(int) {
		res, err := s.Attempt(context.Background(), c.ID, answer, now)
		switch {
		case err == nil && res.Match == captcha.MatchAnswer:
			solved.Add(1)
		case errors.Is(err, captcha.ErrNotFound):
			notFound.Add(1)
		default:
			other.Add(1)
		}
	})
	if solved.Load() != 1 || notFound.Load() != int64(n-1) || other.Load() != 0 {
		t.Fatalf("%d concurrent correct answers: solved %d, not found %d, other %d; want 1, %d, 0",
			n, solved.Load(), notFound.Load(), other.Load(), n-1)
	}
}

func testConcurrentWrong(t *testing.T, s captcha.Store, n int) {
	now := time.Now()
	c := newChallenge(t, now)
	c.MaxAttempts = n / 2
	put(t, s, c)
	var wrong, exhausted, notFound, bad atomic.Int64
	parallel(n, func(int) {
		res, err := s.Attempt(context.Background(), c.ID, other, now)
		switch {
		case err == nil && res.Match == captcha.MatchNone:
			wrong.Add(1)
		case errors.Is(err, captcha.ErrTooManyAttempts):
			exhausted.Add(1)
		case errors.Is(err, captcha.ErrNotFound):
			notFound.Add(1)
		default:
			bad.Add(1)
		}
	})
	m := int64(c.MaxAttempts)
	if wrong.Load() != m-1 || exhausted.Load() != 1 || notFound.Load() != int64(n)-m || bad.Load() != 0 {
		t.Fatalf("%d concurrent wrong answers, %d allowed: wrong %d, exhausted %d, not found %d, other %d; want %d, 1, %d, 0",
			n, m, wrong.Load(), exhausted.Load(), notFound.Load(), bad.Load(), m-1, int64(n)-m)
	}
}

func testConcurrentRefresh(t *testing.T, s captcha.Store, n int) {
	now := time.Now()
	c := newChallenge(t, now)
	put(t, s, c)
	nexts := make([]*captcha.Challenge, n)
	for i := range nexts {
		nexts[i] = newChallenge(t, now)
	}
	var ok atomic.Int64
	parallel(n, func(i int) {
		if s.Refresh(context.Background(), c.ID, nexts[i], 3, now) == nil {
			ok.Add(1)
		}
	})
	if ok.Load() != 1 {
		t.Fatalf("%d concurrent refreshes of one challenge: %d succeeded, want 1", n, ok.Load())
	}
}

func testConcurrentSpend(t *testing.T, s captcha.Store, n int) {
	now := time.Now()
	nonce := randomID(t)
	var first atomic.Int64
	parallel(n, func(int) {
		if ok, err := s.Spend(context.Background(), nonce, now.Add(time.Minute), now); err == nil && ok {
			first.Add(1)
		}
	})
	if first.Load() != 1 {
		t.Fatalf("%d concurrent spends of one token: %d first uses, want 1", n, first.Load())
	}
}
