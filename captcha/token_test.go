package captcha_test

import (
	"context"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tollgate/tollgate/captcha"
)

func sameClaims(a, b captcha.TokenClaims) bool {
	return a.Screen == b.Screen && a.Challenge == b.Challenge && a.Action == b.Action && a.Kind == b.Kind &&
		a.Expires.Equal(b.Expires)
}

// TestTokenBoundToAction: a token passes only the action it was issued
// for, and its first presentation spends it whatever the outcome.
func TestTokenBoundToAction(t *testing.T) {
	tests := []struct {
		issued, presented string
		ok                bool
	}{
		{"/login", "/login", true},
		{"/login", "/transfer", false},
		{"/login", "", false},
		{"", "/login", false},
		{"", "", true},
		{"/login", "/login/", false},
		{"/login", "/LOGIN", false},
		{"checkout:pay", "checkout:pay", true},
	}
	ctx := context.Background()
	for _, tc := range tests {
		h := newHarness(t)
		tok := mustToken(t, h.svc, h.solve(t), tc.issued)
		claims, err := h.svc.VerifyToken(ctx, tok, tc.presented)
		if tc.ok && (err != nil || claims.Action != tc.issued) {
			t.Errorf("VerifyToken(token for %q, %q) = %+v, %v; want accepted", tc.issued, tc.presented, claims, err)
		}
		if !tc.ok && !errors.Is(err, captcha.ErrInvalidToken) {
			t.Errorf("VerifyToken(token for %q, %q) = %+v, %v; want ErrInvalidToken", tc.issued, tc.presented, claims, err)
		}
		if _, err := h.svc.VerifyToken(ctx, tok, tc.issued); !errors.Is(err, captcha.ErrInvalidToken) {
			t.Errorf("VerifyToken(token for %q, %q) again = %v; want ErrInvalidToken (spent by its first presentation)",
				tc.issued, tc.issued, err)
		}
	}
}

// TestTokenBoundToChallenge: a token posted with the id of another
// challenge (screen B's) is refused and spent; screen B is untouched.
func TestTokenBoundToChallenge(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	resA := h.solve(t)
	tokA := mustToken(t, h.svc, resA, "/login")
	issB, err := h.svc.Create(ctx, "", "en")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Check(ctx, captcha.Proof{Token: tokA, ID: issB.ID}, "/login"); !errors.Is(err, captcha.ErrInvalidToken) {
		t.Fatalf("Check(token of screen A, id of screen B) = %v, want ErrInvalidToken", err)
	}
	if _, err := h.svc.Check(ctx, captcha.Proof{Token: tokA, ID: resA.ID}, "/login"); !errors.Is(err, captcha.ErrInvalidToken) {
		t.Fatalf("Check(token of A with A's id, after it was shown with B's) = %v, want ErrInvalidToken (spent)", err)
	}
	answerB, _ := h.answer(t, issB.ID)
	if _, err := h.svc.Verify(ctx, issB.ID, answerB); err != nil {
		t.Fatalf("Verify(screen B) = %v, want B untouched by the refused token", err)
	}
	for _, withID := range []bool{true, false} {
		res := h.solve(t)
		p := captcha.Proof{Token: mustToken(t, h.svc, res, "/login"), Answer: "ignored"}
		if withID {
			p.ID = res.ID
		}
		claims, err := h.svc.Check(ctx, p, "/login")
		want := captcha.TokenClaims{Screen: res.Screen, Challenge: res.ID, Action: "/login", Kind: res.Kind,
			Expires: h.clock.Now().Add(2 * time.Minute)}
		if err != nil || !sameClaims(claims, want) {
			t.Fatalf("Check(token, id given %v) = %+v, %v; want %+v", withID, claims, err, want)
		}
	}
}

const base64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// respellings returns other spellings of the canonical base64url string
// tok: the ones that differ only in the unused low bits of the last
// character (lowBits of them, all decoding to the same bytes in
// base64.RawURLEncoding), and others that lenient decoders accept (line
// breaks, padding, the standard alphabet, spaces).
func respellings(t *testing.T, tok string) (alts []string, lowBits int) {
	t.Helper()
	raw, err := base64.RawURLEncoding.Strict().DecodeString(tok)
	if err != nil {
		t.Fatalf("token %q is not canonical base64url: %v", tok, err)
	}
	unused := (6 - len(raw)*8%6) % 6
	last := strings.IndexByte(base64URL, tok[len(tok)-1])
	for v := 1; v < 1<<unused; v++ {
		alts = append(alts, tok[:len(tok)-1]+string(base64URL[last^v]))
	}
	lowBits = len(alts)
	for _, at := range []int{0, 1, len(tok) / 2, len(tok) - 1, len(tok)} {
		for _, br := range []string{"\n", "\r", "\r\n", "\n\n"} {
			alts = append(alts, tok[:at]+br+tok[at:])
		}
	}
	alts = append(alts, tok+"=", tok+"==", base64.URLEncoding.EncodeToString(raw),
		base64.StdEncoding.EncodeToString(raw), base64.RawStdEncoding.EncodeToString(raw),
		" "+tok, tok+" ", tok+"\x00", "\t"+tok)
	for i, alt := range alts {
		if i < lowBits || strings.ContainsAny(alt, "\r\n") {
			// The attack: a lenient decoder reads these as the token itself.
			if got, err := base64.RawURLEncoding.DecodeString(alt); err != nil || string(got) != string(raw) {
				t.Fatalf("respelling %q decodes to %x, %v; want the token's bytes", alt, got, err)
			}
		}
	}
	alts = slices.DeleteFunc(alts, func(s string) bool { return s == tok })
	return alts, lowBits
}

// TestTokenCanonicalOnly: no other spelling of a valid token is accepted,
// and none spends it.
func TestTokenCanonicalOnly(t *testing.T) {
	// The action's length sets how many bits of the last character are
	// unused: 0, 4 or 2 for these.
	for _, tc := range []struct {
		action  string
		lowBits int
	}{{"/login", 0}, {"/login1", 15}, {"/login12", 3}} {
		h := newHarness(t)
		ctx := context.Background()
		tok := mustToken(t, h.svc, h.solve(t), tc.action)
		alts, lowBits := respellings(t, tok)
		if lowBits != tc.lowBits {
			t.Fatalf("token for %q (%d characters) has %d spellings by its unused bits, want %d", tc.action, len(tok), lowBits, tc.lowBits)
		}
		for _, alt := range alts {
			if claims, err := h.svc.VerifyToken(ctx, alt, tc.action); !errors.Is(err, captcha.ErrInvalidToken) {
				t.Errorf("VerifyToken(%q, a respelling of %q) = %+v, %v; want ErrInvalidToken", alt, tok, claims, err)
			}
		}
		if _, err := h.svc.VerifyToken(ctx, tok, tc.action); err != nil {
			t.Errorf("VerifyToken(canonical token, after %d respellings were refused) = %v; want accepted", len(alts), err)
		}
	}
}

// TestTokenLostByStoreIsRefused: a token is valid only while the store
// holds it. After a restart (same secret, empty store) neither a spent
// token nor an unspent one passes: the person solves again.
func TestTokenLostByStoreIsRefused(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	spent := mustToken(t, h.svc, h.solve(t), "/login")
	if _, err := h.svc.VerifyToken(ctx, spent, "/login"); err != nil {
		t.Fatal(err)
	}
	unspent := mustToken(t, h.svc, h.solve(t), "/login")
	restarted := newHarness(t) // the same secret and time, a new MemoryStore
	for name, tok := range map[string]string{"spent": spent, "unspent": unspent} {
		if _, err := restarted.svc.VerifyToken(ctx, tok, "/login"); !errors.Is(err, captcha.ErrInvalidToken) {
			t.Errorf("VerifyToken(%s token, after a restart) = %v, want ErrInvalidToken", name, err)
		}
	}
}

// TestTokenEvictedIsRefused: a MemoryStore at its token cap evicts the
// tokens closest to expiry; an evicted token is refused, never replayed.
func TestTokenEvictedIsRefused(t *testing.T) {
	const max, n = 16, 200
	h := newHarness(t, captcha.WithStore(captcha.NewMemoryStore(captcha.WithMaxTokens(max))))
	ctx := context.Background()
	toks := make([]string, n)
	for i := range toks {
		toks[i] = mustToken(t, h.svc, h.solve(t), "/login")
		h.clock.Advance(time.Millisecond) // each expires after the one before
	}
	accepted := 0
	for i, tok := range toks {
		_, err := h.svc.VerifyToken(ctx, tok, "/login")
		switch {
		case err == nil:
			accepted++
		case !errors.Is(err, captcha.ErrInvalidToken):
			t.Fatalf("VerifyToken(token #%d) = %v, want nil or ErrInvalidToken", i, err)
		case i == n-1:
			t.Fatalf("VerifyToken(the newest token) = %v, want accepted", err)
		}
	}
	if accepted == 0 || accepted > max {
		t.Fatalf("%d tokens issued into a store for %d: %d accepted, want 1 to %d", n, max, accepted, max)
	}
	for i, tok := range toks {
		if _, err := h.svc.VerifyToken(ctx, tok, "/login"); !errors.Is(err, captcha.ErrInvalidToken) {
			t.Fatalf("VerifyToken(token #%d again) = %v, want ErrInvalidToken", i, err)
		}
	}
}

func TestTokenIssueErrors(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	res := h.solve(t)
	tests := []struct {
		name   string
		res    captcha.Result
		action string
		want   error
	}{
		{"zero Result", captcha.Result{}, "/login", captcha.ErrInvalidID},
		{"no challenge id", captcha.Result{Screen: res.Screen, Kind: res.Kind}, "/login", captcha.ErrInvalidID},
		{"action with a space", res, "/log in", captcha.ErrBadRequest},
		{"action with a percent sign", res, "/caf%C3%A9", captcha.ErrBadRequest},
		{"action of 65 bytes", res, "/" + strings.Repeat("a", 64), captcha.ErrBadRequest},
	}
	for _, tc := range tests {
		if tok, err := h.svc.Token(ctx, tc.res, tc.action); !errors.Is(err, tc.want) || tok != "" {
			t.Errorf("Token(%s) = %q, %v; want %v", tc.name, tok, err, tc.want)
		}
	}
	long := "/" + strings.Repeat("a", 63)
	if _, err := h.svc.VerifyToken(ctx, mustToken(t, h.svc, res, long), long); err != nil {
		t.Errorf("VerifyToken(token for a 64-byte action) = %v, want accepted", err)
	}
}

// tokenStore fails its token methods on demand.
type tokenStore struct {
	captcha.Store
	putErr, takeErr error
}

func (s *tokenStore) PutToken(ctx context.Context, nonce string, expires time.Time) error {
	if s.putErr != nil {
		return s.putErr
	}
	return s.Store.PutToken(ctx, nonce, expires)
}

func (s *tokenStore) TakeToken(ctx context.Context, nonce string, now time.Time) (bool, error) {
	if s.takeErr != nil {
		return false, s.takeErr
	}
	return s.Store.TakeToken(ctx, nonce, now)
}

func TestTokenStoreFailure(t *testing.T) {
	store := &tokenStore{Store: captcha.NewMemoryStore()}
	h := newHarness(t, captcha.WithStore(store))
	ctx := context.Background()
	res := h.solve(t)
	store.putErr = errDown
	if tok, err := h.svc.Token(ctx, res, "/login"); !errors.Is(err, captcha.ErrStore) || !errors.Is(err, errDown) || tok != "" {
		t.Fatalf("Token with a failing store = %q, %v; want ErrStore wrapping the cause", tok, err)
	}
	store.putErr = nil
	tok := mustToken(t, h.svc, res, "/login")
	store.takeErr = errDown
	if _, err := h.svc.VerifyToken(ctx, tok, "/login"); !errors.Is(err, captcha.ErrStore) {
		t.Fatalf("VerifyToken with a failing store = %v, want ErrStore", err)
	}
	if err := h.svc.Fail(ctx, captcha.Proof{Token: tok}, "/login"); !errors.Is(err, captcha.ErrStore) {
		t.Fatalf("Fail with a failing store = %v, want ErrStore", err)
	}
	store.takeErr = nil
	if _, err := h.svc.VerifyToken(ctx, tok, "/login"); err != nil {
		t.Fatalf("VerifyToken once the store is back = %v, want accepted", err)
	}
}

// TestFailLikeWrongAnswer: Fail with a right answer costs an attempt and
// answers exactly as a wrong answer does, also in the attempts seen
// afterwards; on the last attempt both end the challenge.
func TestFailLikeWrongAnswer(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	failed, _ := h.svc.Create(ctx, "", "en")
	wrong, _ := h.svc.Create(ctx, "", "en")
	right, decoy := h.answer(t, failed.ID)
	for i, answer := range []string{right, decoy, right} {
		errFail := h.svc.Fail(ctx, captcha.Proof{ID: failed.ID, Answer: answer}, "/login")
		_, errWrong := h.svc.Verify(ctx, wrong.ID, "nope")
		sf, bf := captcha.ErrorResponse(errFail)
		sw, bw := captcha.ErrorResponse(errWrong)
		if errFail == nil || errFail.Error() != errWrong.Error() || sf != sw || bf != bw {
			t.Fatalf("attempt %d: Fail = %v (%d %+v), wrong answer = %v (%d %+v); want the same", i+1, errFail, sf, bf, errWrong, sw, bw)
		}
		var we *captcha.WrongAnswerError
		if i < 2 && (!errors.As(errFail, &we) || we.AttemptsLeft != 2-i || we.Decoy) {
			t.Fatalf("attempt %d: Fail = %#v, want a wrong answer with %d attempts left", i+1, errFail, 2-i)
		}
		if i == 2 && !errors.Is(errFail, captcha.ErrTooManyAttempts) {
			t.Fatalf("attempt 3: Fail = %v, want ErrTooManyAttempts", errFail)
		}
	}
	if _, err := h.svc.Verify(ctx, failed.ID, right); !errors.Is(err, captcha.ErrNotFound) {
		t.Fatalf("Verify(right answer after Fail used the last attempt) = %v, want ErrNotFound", err)
	}

	// One Fail, then later attempts see one fewer, and the right answer
	// is as wrong as any: re-sending it cannot reveal the deception.
	c, _ := h.svc.Create(ctx, "", "en")
	right, _ = h.answer(t, c.ID)
	h.svc.Fail(ctx, captcha.Proof{ID: c.ID, Answer: right}, "/login")
	var we *captcha.WrongAnswerError
	if _, err := h.svc.Verify(ctx, c.ID, right); !errors.As(err, &we) || we.AttemptsLeft != 1 {
		t.Fatalf("Verify(right) after one Fail = %v, want a wrong answer with 1 attempt left", err)
	}
	if _, err := h.svc.Verify(ctx, c.ID, right); !errors.Is(err, captcha.ErrTooManyAttempts) {
		t.Fatalf("Verify(right) on the last attempt after Fail = %v, want ErrTooManyAttempts", err)
	}
}

// TestFailSpendsToken: Fail consumes a live token and answers as for a
// spent one.
func TestFailSpendsToken(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	res := h.solve(t)
	for _, p := range []captcha.Proof{
		{Token: mustToken(t, h.svc, res, "/login")},
		{Token: mustToken(t, h.svc, res, "/login"), ID: res.ID},
		{Token: mustToken(t, h.svc, res, "/login"), ID: "AAAAAAAAAAAAAAAAAAAAAA"},
		{Token: mustToken(t, h.svc, res, "/other")},
	} {
		if err := h.svc.Fail(ctx, p, "/login"); err != captcha.ErrInvalidToken {
			t.Errorf("Fail(%+v) = %v, want ErrInvalidToken", p, err)
		}
		if _, err := h.svc.Check(ctx, p, "/login"); err != captcha.ErrInvalidToken {
			t.Errorf("Check(%+v) after Fail = %v, want ErrInvalidToken (spent)", p, err)
		}
	}
}

// TestFailErrorsBeforeSpending: what Check refuses before spending
// anything, Fail refuses the same way.
func TestFailErrorsBeforeSpending(t *testing.T) {
	h := newHarness(t, captcha.WithTTL(time.Minute), captcha.WithTokenTTL(time.Minute))
	ctx := context.Background()
	expiredTok := mustToken(t, h.svc, h.solve(t), "/login")
	expiring, _ := h.svc.Create(ctx, "", "en")
	h.clock.Advance(time.Minute)
	tests := []struct {
		name string
		p    func() captcha.Proof
		want error
	}{
		{"nothing", func() captcha.Proof { return captcha.Proof{} }, captcha.ErrMissingAnswer},
		{"id without answer", func() captcha.Proof { return captcha.Proof{ID: expiring.ID} }, captcha.ErrMissingAnswer},
		{"answer without id", func() captcha.Proof { return captcha.Proof{Answer: "x"} }, captcha.ErrMissingAnswer},
		{"invalid id", func() captcha.Proof { return captcha.Proof{ID: "junk", Answer: "x"} }, captcha.ErrInvalidID},
		{"unknown id", func() captcha.Proof { return captcha.Proof{ID: "AAAAAAAAAAAAAAAAAAAAAA", Answer: "x"} }, captcha.ErrNotFound},
		{"malformed token", func() captcha.Proof { return captcha.Proof{Token: "abc"} }, captcha.ErrInvalidToken},
		{"expired token", func() captcha.Proof { return captcha.Proof{Token: expiredTok} }, captcha.ErrTokenExpired},
	}
	for _, tc := range tests {
		_, errCheck := h.svc.Check(ctx, tc.p(), "/login")
		errFail := h.svc.Fail(ctx, tc.p(), "/login")
		if !errors.Is(errCheck, tc.want) || !errors.Is(errFail, tc.want) {
			t.Errorf("%s: Check = %v, Fail = %v; want both %v", tc.name, errCheck, errFail, tc.want)
		}
	}
	// The expired challenge: Check saw it expire (and deleted it); Fail of
	// a fresh one that expired sees the same.
	h2 := newHarness(t, captcha.WithTTL(time.Minute))
	c1, _ := h2.svc.Create(ctx, "", "en")
	c2, _ := h2.svc.Create(ctx, "", "en")
	h2.clock.Advance(time.Minute)
	_, errCheck := h2.svc.Check(ctx, captcha.Proof{ID: c1.ID, Answer: "x"}, "/login")
	errFail := h2.svc.Fail(ctx, captcha.Proof{ID: c2.ID, Answer: "x"}, "/login")
	if !errors.Is(errCheck, captcha.ErrExpired) || !errors.Is(errFail, captcha.ErrExpired) {
		t.Errorf("expired challenge: Check = %v, Fail = %v; want both ErrExpired", errCheck, errFail)
	}
}

func TestCheckAnswer(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	iss, _ := h.svc.Create(ctx, "", "en")
	a, _ := h.answer(t, iss.ID)
	claims, err := h.svc.Check(ctx, captcha.Proof{ID: iss.ID, Answer: a}, "/login")
	if err != nil || claims.Challenge != iss.ID || claims.Action != "/login" || claims.Screen == "" ||
		claims.Kind != captcha.KindImage || !claims.Expires.Equal(h.clock.Now()) {
		t.Fatalf("Check(id, answer) = %+v, %v; want the claims of challenge %s for /login, expiring now", claims, err, iss.ID)
	}
	if _, err := h.svc.Check(ctx, captcha.Proof{ID: iss.ID, Answer: a}, "/login"); !errors.Is(err, captcha.ErrNotFound) {
		t.Fatalf("Check(same id and answer again) = %v, want ErrNotFound", err)
	}
}

// TestTokenEvents: events tell what the client is not told.
func TestTokenEvents(t *testing.T) {
	var mu sync.Mutex
	var got []captcha.Event
	h := newHarness(t, captcha.WithEventHook(func(ctx context.Context, e captcha.Event) {
		mu.Lock()
		got = append(got, e)
		mu.Unlock()
	}))
	ctx := context.Background()
	res := h.solve(t)
	other, _ := h.svc.Create(ctx, "", "en")
	h.svc.VerifyToken(ctx, mustToken(t, h.svc, res, "/a"), "/b")
	h.svc.Check(ctx, captcha.Proof{Token: mustToken(t, h.svc, res, "/a"), ID: other.ID}, "/a")
	tok := mustToken(t, h.svc, res, "/a")
	h.svc.VerifyToken(ctx, tok, "/a")
	h.svc.VerifyToken(ctx, tok, "/a")
	h.svc.Fail(ctx, captcha.Proof{Token: mustToken(t, h.svc, res, "/a")}, "/a")
	h.svc.Fail(ctx, captcha.Proof{ID: other.ID, Answer: "x"}, "/a")
	want := []struct{ typ, reason string }{
		{"token.rejected", "captcha: invalid token: issued for another action"},
		{"token.rejected", "captcha: invalid token: issued for another challenge"},
		{"token.verified", ""},
		{"token.rejected", "captcha: invalid token: not live (already used, or no longer stored)"},
		{"token.rejected", "captcha: invalid token: spent by Fail"},
		{"challenge.failed", "captcha: failed on purpose; wrong answer (2 attempts left)"},
	}
	mu.Lock()
	defer mu.Unlock()
	got = slices.DeleteFunc(got, func(e captcha.Event) bool {
		return e.Type == "challenge.issued" || e.Type == "challenge.solved" || e.Type == "challenge.rendered"
	})
	if len(got) != len(want) {
		t.Fatalf("events = %+v, want %d", got, len(want))
	}
	for i, w := range want {
		e := got[i]
		if e.Type != w.typ || e.Reason != w.reason {
			t.Errorf("event %d = %s %q, want %s %q", i, e.Type, e.Reason, w.typ, w.reason)
		}
		if strings.HasPrefix(e.Type, "token.") && (e.Screen != res.Screen || e.ChallengeID != res.ID) {
			t.Errorf("event %d = %+v, want screen %s and challenge %s", i, e, res.Screen, res.ID)
		}
	}
}

// TestTokenConcurrentOnce: of many concurrent presentations of one token,
// exactly one passes.
func TestTokenConcurrentOnce(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	res := h.solve(t)
	tok := mustToken(t, h.svc, res, "/login")
	var mu sync.Mutex
	var wg sync.WaitGroup
	passed, refused := 0, 0
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := h.svc.Check(ctx, captcha.Proof{Token: tok, ID: res.ID}, "/login")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				passed++
			case errors.Is(err, captcha.ErrInvalidToken):
				refused++
			default:
				t.Errorf("Check = %v, want nil or ErrInvalidToken", err)
			}
		}()
	}
	wg.Wait()
	if passed != 1 || refused != 199 {
		t.Fatalf("200 concurrent Checks of one token: %d passed, %d refused; want 1, 199", passed, refused)
	}
}
