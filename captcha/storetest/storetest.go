// Package storetest is a behavioural test suite for implementations of
// captcha.Store. The in-memory store and the Redis store both run it, so
// that every implementation behaves exactly alike.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
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
	// MaxTokens, when positive, is the most live tokens a store from
	// newStore keeps: the suite then puts four times as many and checks
	// that the evicted ones are reported not live, never live. Zero skips
	// that test (for stores without a cap of their own).
	MaxTokens int
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
		{"Poison", testPoison},
		{"SeveralAnswers", testSeveralAnswers},
		{"Refresh", testRefresh},
		{"RefreshExpired", testRefreshExpired},
		{"RefreshToAudio", testRefreshToAudio},
		{"TokenTakenOnce", testTokenTakenOnce},
		{"TokenUnknown", testTokenUnknown},
		{"TokenExpired", testTokenExpired},
		{"TokensApartFromChallenges", testTokensApartFromChallenges},
		{"TokenEviction", func(t *testing.T, s captcha.Store) { testTokenEviction(t, s, opts.MaxTokens) }},
		{"ConcurrentSolve", func(t *testing.T, s captcha.Store) { testConcurrentSolve(t, s, opts.Concurrency) }},
		{"ConcurrentWrong", func(t *testing.T, s captcha.Store) { testConcurrentWrong(t, s, opts.Concurrency) }},
		{"ConcurrentRefresh", func(t *testing.T, s captcha.Store) { testConcurrentRefresh(t, s, opts.Concurrency) }},
		{"ConcurrentTake", func(t *testing.T, s captcha.Store) { testConcurrentTake(t, s, opts.Concurrency) }},
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

// testPoison checks Poison counts a wrong attempt and leaves no answer or
// decoy that matches, until the last attempt deletes the challenge.
func testPoison(t *testing.T, s captcha.Store) {
	ctx := context.Background()
	now := time.Now()
	c := newChallenge(t, now)
	put(t, s, c)
	res, err := s.Poison(ctx, c.ID, now)
	if err != nil || res.Match != captcha.MatchNone || res.AttemptsLeft != 2 || res.Screen != c.Screen {
		t.Fatalf("Poison = %+v, %v; want MatchNone with 2 left on screen %s", res, err, c.Screen)
	}
	for _, d := range []captcha.Digest{answer, decoy} {
		res, err = s.Attempt(ctx, c.ID, d, now)
		if d == answer && (err != nil || res.Match != captcha.MatchNone || res.AttemptsLeft != 1) {
			t.Fatalf("Attempt(answer) after Poison = %+v, %v; want MatchNone with 1 left", res, err)
		}
	}
	wantErr(t, "Attempt(decoy) as the last attempt after Poison", err, captcha.ErrTooManyAttempts)
	_, err = s.Poison(ctx, c.ID, now)
	wantErr(t, "Poison(deleted)", err, captcha.ErrNotFound)
	c = newChallenge(t, now)
	c.MaxAttempts = 1
	put(t, s, c)
	_, err = s.Poison(ctx, c.ID, now)
	wantErr(t, "Poison(last attempt)", err, captcha.ErrTooManyAttempts)
	if _, err := s.Get(ctx, c.ID, now); !errors.Is(err, captcha.ErrNotFound) {
		t.Fatalf("Get after Poison of the last attempt = %v, want ErrNotFound", err)
	}
	c = newChallenge(t, now)
	c.Expires = now.Add(time.Second)
	put(t, s, c)
	_, err = s.Poison(ctx, c.ID, now.Add(time.Second))
	wantErr(t, "Poison(expired)", err, captcha.ErrExpired)
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

// testRefreshToAudio: a switch from an image to audio costs no refresh, also
// at the limit; audio to audio, or back to an image, costs one.
func testRefreshToAudio(t *testing.T, s captcha.Store) {
	ctx := context.Background()
	now := time.Now()
	c := newChallenge(t, now)
	c.Refreshes = 1
	put(t, s, c)
	prev := c
	for i, step := range []struct {
		kind      captcha.Kind
		refreshes int
	}{
		{captcha.KindAudio, 1}, // free, at the limit too
		{captcha.KindImage, 2}, // back: counts
		{captcha.KindAudio, 2},
	} {
		next := newChallenge(t, now)
		next.Kind = step.kind
		if err := s.Refresh(ctx, prev.ID, next, 2, now); err != nil {
			t.Fatalf("Refresh #%d to %s = %v, want nil", i+1, step.kind, err)
		}
		got, err := s.Get(ctx, next.ID, now)
		if err != nil || next.Refreshes != step.refreshes || got.Refreshes != step.refreshes || got.Kind != step.kind {
			t.Fatalf("Refresh #%d to %s: Refreshes = %d, stored %+v, %v; want %d", i+1, step.kind, next.Refreshes, got, err, step.refreshes)
		}
		prev = next
	}
	audio := newChallenge(t, now)
	audio.Kind = captcha.KindAudio
	wantErr(t, "Refresh audio to audio past the limit", s.Refresh(ctx, prev.ID, audio, 2, now), captcha.ErrRefreshLimit)
}

func testRefreshExpired(t *testing.T, s captcha.Store) {
	now := time.Now()
	c := newChallenge(t, now)
	put(t, s, c)
	err := s.Refresh(context.Background(), c.ID, newChallenge(t, now), 3, c.Expires.Add(time.Second))
	wantErr(t, "Refresh(expired)", err, captcha.ErrExpired)
}

func putToken(t *testing.T, s captcha.Store, nonce string, expires time.Time) {
	t.Helper()
	if err := s.PutToken(context.Background(), nonce, expires); err != nil {
		t.Fatalf("PutToken(%s) = %v, want nil", nonce, err)
	}
}

func wantTake(t *testing.T, s captcha.Store, what, nonce string, now time.Time, want bool) {
	t.Helper()
	live, err := s.TakeToken(context.Background(), nonce, now)
	if err != nil || live != want {
		t.Fatalf("TakeToken(%s) = %v, %v; want %v, nil", what, live, err, want)
	}
}

func testTokenTakenOnce(t *testing.T, s captcha.Store) {
	now := time.Now()
	a, b := randomID(t), randomID(t)
	putToken(t, s, a, now.Add(time.Minute))
	putToken(t, s, b, now.Add(time.Minute))
	wantTake(t, s, "live token", a, now, true)
	wantTake(t, s, "token taken before", a, now, false)
	wantTake(t, s, "another live token", b, now.Add(time.Minute-time.Millisecond), true)
}

func testTokenUnknown(t *testing.T, s captcha.Store) {
	wantTake(t, s, "never put", randomID(t), time.Now(), false)
}

func testTokenExpired(t *testing.T, s captcha.Store) {
	now := time.Now()
	n := randomID(t)
	putToken(t, s, n, now.Add(time.Minute))
	wantTake(t, s, "at expiry", n, now.Add(time.Minute), false)
	// Taking deleted it: it is not live even at a time it was.
	wantTake(t, s, "taken at expiry, taken again before", n, now, false)
	m := randomID(t)
	putToken(t, s, m, now.Add(time.Minute))
	wantTake(t, s, "long after expiry", m, now.Add(time.Hour), false)
}

// testTokensApartFromChallenges checks that a token nonce and a challenge id
// that happen to be equal do not disturb each other.
func testTokensApartFromChallenges(t *testing.T, s captcha.Store) {
	now := time.Now()
	c := newChallenge(t, now)
	wantTake(t, s, "challenge id never put as a token", c.ID, now, false)
	put(t, s, c)
	wantTake(t, s, "challenge id never put as a token", c.ID, now, false)
	putToken(t, s, c.ID, now.Add(time.Minute))
	if _, err := s.Get(context.Background(), c.ID, now); err != nil {
		t.Fatalf("Get(challenge whose id is also a token) = %v, want nil", err)
	}
	wantTake(t, s, "token named like a challenge", c.ID, now, true)
	if _, err := s.Get(context.Background(), c.ID, now); err != nil {
		t.Fatalf("Get(challenge after taking a token of its id) = %v, want nil", err)
	}
}

// testTokenEviction puts 4×max tokens, each expiring later than the one
// before, into a store that keeps max: every take reports live or not
// without error, at most max are live, the last one put is live (the
// others expire sooner), and none is live twice.
func testTokenEviction(t *testing.T, s captcha.Store, max int) {
	if max <= 0 {
		t.Skip("Options.MaxTokens not set")
	}
	ctx := context.Background()
	now := time.Now()
	nonces := make([]string, 4*max)
	for i := range nonces {
		nonces[i] = randomID(t)
		putToken(t, s, nonces[i], now.Add(time.Minute+time.Duration(i)*time.Millisecond))
	}
	live := 0
	for i, n := range nonces {
		ok, err := s.TakeToken(ctx, n, now)
		if err != nil {
			t.Fatalf("TakeToken(#%d of %d in a store for %d) = %v, want no error", i, len(nonces), max, err)
		}
		if ok {
			live++
		}
		if i == len(nonces)-1 && !ok {
			t.Fatalf("TakeToken(the last token put) = false, want it kept: it expires last")
		}
	}
	if live > max {
		t.Fatalf("%d tokens put into a store for %d: %d taken live, want at most %d", len(nonces), max, live, max)
	}
	for i, n := range nonces {
		wantTake(t, s, fmt.Sprintf("#%d again", i), n, now, false)
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

func testConcurrentTake(t *testing.T, s captcha.Store, n int) {
	now := time.Now()
	nonce := randomID(t)
	putToken(t, s, nonce, now.Add(time.Minute))
	var live, failed atomic.Int64
	parallel(n, func(int) {
		ok, err := s.TakeToken(context.Background(), nonce, now)
		switch {
		case err != nil:
			failed.Add(1)
		case ok:
			live.Add(1)
		}
	})
	if live.Load() != 1 || failed.Load() != 0 {
		t.Fatalf("%d concurrent takes of one token: %d live, %d errors; want 1, 0", n, live.Load(), failed.Load())
	}
}
