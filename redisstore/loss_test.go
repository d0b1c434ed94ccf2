package redisstore_test

import (
	"context"
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/ratelimit"
	"github.com/tollgate/tollgate/redisstore"
	"github.com/tollgate/tollgate/redisstore/internal/redistest"
)

// lossService returns a captcha Service on store whose challenges all have
// the answer "right".
func lossService(t *testing.T, store captcha.Store) *captcha.Service {
	t.Helper()
	gen := captcha.GeneratorFunc(func(context.Context, captcha.Request) (*captcha.Puzzle, error) {
		return &captcha.Puzzle{Answers: []string{"right"}, Prompt: "type right", Media: []byte("m"), MediaType: "image/png"}, nil
	})
	svc, err := captcha.New(captcha.WithStore(store), captcha.WithGenerator(captcha.KindImage, gen),
		captcha.WithMaxAttempts(lossAttempts))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Close() })
	return svc
}

// tokenNonce returns the nonce of a token: bytes 9 to 25 of its wire form
// (after the version and the expiry).
func tokenNonce(t *testing.T, token string) string {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) < 25 {
		t.Fatalf("token %q does not decode: %v", token, err)
	}
	return base64.RawURLEncoding.EncodeToString(raw[9:25])
}

const (
	lossAction   = "/checkout"
	lossAttempts = 5
)

// solve creates a challenge, solves it and returns a token for it.
func solve(t *testing.T, svc *captcha.Service) string {
	t.Helper()
	ctx := context.Background()
	iss, err := svc.Create(ctx, captcha.KindImage, "en")
	if err != nil {
		t.Fatalf("Create = %v", err)
	}
	res, err := svc.Verify(ctx, iss.ID, "right")
	if err != nil {
		t.Fatalf("Verify = %v", err)
	}
	tok, err := svc.Token(ctx, res, lossAction)
	if err != nil {
		t.Fatalf("Token = %v", err)
	}
	return tok
}

func redeem(svc *captcha.Service, token string) error {
	_, err := svc.VerifyToken(context.Background(), token, lossAction)
	return err
}

func exists(t *testing.T, c *redis.Client, key string) bool {
	t.Helper()
	n, err := c.Exists(context.Background(), key).Result()
	if err != nil {
		t.Fatalf("EXISTS %s = %v", key, err)
	}
	return n == 1
}

// TestDataLossFailsSafe issues tokens and challenges through a captcha
// Service, makes Redis lose data (a flood past maxmemory under volatile-ttl
// and under allkeys-lru, a restart without persistence) and checks that
// nothing replays: no token redeemed before the loss is accepted again; a
// token or challenge whose key was lost is refused (solve again), one whose
// key survived works once; a challenge never regains attempts; a rate
// limit gives at most one burst more; a suspect is either kept or
// forgotten.
func TestDataLossFailsSafe(t *testing.T) {
	flood := func(ttl time.Duration) func(t *testing.T, srv *redistest.Server, c *redis.Client) {
		return func(t *testing.T, srv *redistest.Server, c *redis.Client) {
			if n := redistest.Flood(t, c, "filler:", 12<<20, ttl); n == 0 {
				t.Fatal("the flood evicted no key")
			}
		}
	}
	tests := []struct {
		name string
		args []string
		lose func(t *testing.T, srv *redistest.Server, c *redis.Client)
	}{
		// The filler outlives every tollgate key, so volatile-ttl evicts
		// those first.
		{"EvictVolatileTTL", []string{"--maxmemory", "3mb", "--maxmemory-policy", "volatile-ttl"}, flood(time.Hour)},
		{"EvictAllKeysLRU", []string{"--maxmemory", "3mb", "--maxmemory-policy", "allkeys-lru"}, flood(0)},
		{"RestartWithoutPersistence", []string{"--save", "", "--appendonly", "no"}, func(t *testing.T, srv *redistest.Server, c *redis.Client) {
			srv.Restart()
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := redistest.Start(t, tc.args...)
			client := redistest.Client(t, srv.Addr())
			store := newCaptchaStore(t, client)
			svc := lossService(t, store)
			prefix := redisstore.WithPrefix(store.Keys().Prefix)
			burst := ratelimit.Limit{Count: 1, Period: time.Hour, Burst: 3}
			lim, err := redisstore.NewLimiter(client, burst, prefix)
			if err != nil {
				t.Fatal(err)
			}
			sus, err := redisstore.NewSuspects(client, prefix)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			now := time.Now()

			const n = 20
			var redeemed, pending, open []string
			for range n {
				tok := solve(t, svc)
				if err := redeem(svc, tok); err != nil {
					t.Fatalf("VerifyToken(fresh token) = %v, want nil", err)
				}
				redeemed = append(redeemed, tok)
				pending = append(pending, solve(t, svc))
				iss, err := svc.Create(ctx, captcha.KindImage, "en")
				if err != nil {
					t.Fatal(err)
				}
				// One wrong answer: a loss must never give it back.
				if _, err := svc.Verify(ctx, iss.ID, "wrong"); !errors.Is(err, captcha.ErrWrongAnswer) {
					t.Fatalf("Verify(wrong) = %v, want ErrWrongAnswer", err)
				}
				open = append(open, iss.ID)
			}
			for i := range burst.Burst + 1 {
				if d, err := lim.AllowN(ctx, "client", now, 1); err != nil || d.Allowed != (i < burst.Burst) {
					t.Fatalf("AllowN #%d before the loss = %+v, %v", i, d, err)
				}
			}
			for range 3 {
				if err := sus.Record(ctx, "client", "bot", now); err != nil {
					t.Fatal(err)
				}
			}

			tc.lose(t, srv, client)
			if err := client.Ping(ctx).Err(); err != nil {
				t.Fatalf("PING after the loss = %v", err)
			}

			replayed := 0
			for _, tok := range redeemed {
				if err := redeem(svc, tok); err == nil {
					replayed++
				} else if !errors.Is(err, captcha.ErrInvalidToken) {
					t.Fatalf("VerifyToken(redeemed token) = %v, want ErrInvalidToken", err)
				}
			}
			if replayed != 0 {
				t.Errorf("%d of %d redeemed tokens accepted again after the loss, want 0", replayed, n)
			}

			var lost, lostAccepted, keptRefused, twice int
			for _, tok := range pending {
				live := exists(t, client, store.Keys().Token(tokenNonce(t, tok)))
				err := redeem(svc, tok)
				if err != nil && !errors.Is(err, captcha.ErrInvalidToken) {
					t.Fatalf("VerifyToken(unredeemed token) = %v, want nil or ErrInvalidToken", err)
				}
				switch {
				case !live && err == nil:
					lostAccepted++
				case live && err != nil:
					keptRefused++
				}
				if !live {
					lost++
				}
				if redeem(svc, tok) == nil {
					twice++
				}
			}
			if lostAccepted != 0 || keptRefused != 0 || twice != 0 {
				t.Errorf("unredeemed tokens: %d lost ones accepted, %d kept ones refused, %d accepted twice; want 0, 0, 0",
					lostAccepted, keptRefused, twice)
			}
			if lost == 0 {
				t.Errorf("no unredeemed token's key was lost: the loss did not reach the tokens")
			}

			var lostFound, keptAttempts int
			for _, id := range open {
				live := exists(t, client, store.Keys().Challenge(id))
				_, err := svc.Verify(ctx, id, "wrong")
				var wrong *captcha.WrongAnswerError
				switch {
				case !live && !errors.Is(err, captcha.ErrNotFound):
					lostFound++
				case live && (!errors.As(err, &wrong) || wrong.AttemptsLeft != lossAttempts-2):
					keptAttempts++
				}
			}
			if lostFound != 0 || keptAttempts != 0 {
				t.Errorf("open challenges: %d lost ones not ErrNotFound, %d kept ones with wrong attempts left; want 0, 0", lostFound, keptAttempts)
			}

			lostKey := !exists(t, client, lim.Keys().Limit("client"))
			allowed := 0
			for range burst.Burst + 1 {
				d, err := lim.AllowN(ctx, "client", now, 1)
				if err != nil {
					t.Fatalf("AllowN after the loss = %v", err)
				}
				if d.Allowed {
					allowed++
				}
			}
			if allowed > burst.Burst || allowed > 0 && !lostKey {
				t.Errorf("AllowN after the loss allowed %d of %d (key lost: %v); want at most one burst (%d), and none if kept",
					allowed, burst.Burst+1, lostKey, burst.Burst)
			}
			s, known, err := sus.Lookup(ctx, "client", now)
			if err != nil || known && s.Count != 3 {
				t.Errorf("Suspects.Lookup after the loss = %+v, %v, %v; want Count 3 or unknown", s, known, err)
			}
			t.Logf("lost: %d of %d unredeemed tokens; rate-limit key lost: %v (%d allowed after); suspect kept: %v",
				lost, n, lostKey, allowed, known)
		})
	}
}
