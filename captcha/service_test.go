package captcha_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tollgate/tollgate/captcha"
)

func TestCreateVerify(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	iss, err := h.svc.Create(ctx, "", "ko-KR")
	if err != nil {
		t.Fatal(err)
	}
	if iss.Kind != captcha.KindImage || iss.Lang != "ko" || iss.AttemptsLeft != 3 || iss.RefreshesLeft != 3 ||
		!iss.Expires.Equal(h.clock.Now().Add(2*time.Minute)) || !captcha.ValidID(iss.ID) {
		t.Fatalf("Create = %+v; want image, ko, 3 attempts, 3 refreshes, expiry in 2m, valid id", iss)
	}
	answer, _ := h.answer(t, iss.ID)
	if strings.Contains(iss.ID, answer) || strings.Contains(iss.Prompt, answer) {
		t.Fatalf("Create = %+v leaks the answer %q", iss, answer)
	}
	res, err := h.svc.Verify(ctx, iss.ID, " "+answer+" ")
	if tok, terr := h.svc.Token(ctx, res, "/login"); err != nil || terr != nil || tok == "" || res.ID != iss.ID ||
		res.Kind != captcha.KindImage || res.Lang != "ko" {
		t.Fatalf("Verify(answer) = %+v, %v; want challenge %s and a token", res, err, iss.ID)
	}
	if _, err := h.svc.Verify(ctx, iss.ID, answer); !errors.Is(err, captcha.ErrNotFound) {
		t.Fatalf("Verify(answer again) = %v, want ErrNotFound (single use)", err)
	}
}

func TestVerifyOutcomes(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		answers func(answer, decoy string) []string
		wantErr []error // one per answer; nil means success
		left    []int
	}{
		{"first try", func(a, d string) []string { return []string{a} }, []error{nil}, nil},
		{"alternative answer", func(a, d string) []string { return []string{"alt-" + a} }, []error{nil}, nil},
		{"wrong then right", func(a, d string) []string { return []string{"x", a} },
			[]error{captcha.ErrWrongAnswer, nil}, []int{2}},
		{"decoy", func(a, d string) []string { return []string{d, a} },
			[]error{captcha.ErrDecoyAnswer, nil}, []int{2}},
		{"three wrong", func(a, d string) []string { return []string{"x", "y", "z", a} },
			[]error{captcha.ErrWrongAnswer, captcha.ErrWrongAnswer, captcha.ErrTooManyAttempts, captcha.ErrNotFound}, []int{2, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Helper()
			h := newHarness(t)
			iss, err := h.svc.Create(ctx, "", "en")
			if err != nil {
				t.Fatal(err)
			}
			a, d := h.answer(t, iss.ID)
			for i, ans := range tc.answers(a, d) {
				_, err := h.svc.Verify(ctx, iss.ID, ans)
				want := tc.wantErr[i]
				if want == nil && err != nil || want != nil && !errors.Is(err, want) {
					t.Fatalf("Verify #%d(%q) = %v, want %v", i+1, ans, err, want)
				}
				var wrong *captcha.WrongAnswerError
				if errors.As(err, &wrong) && wrong.AttemptsLeft != tc.left[i] {
					t.Fatalf("Verify #%d attempts left = %d, want %d", i+1, wrong.AttemptsLeft, tc.left[i])
				}
			}
		})
	}
}

func TestExpiry(t *testing.T) {
	h := newHarness(t, captcha.WithTTL(30*time.Second))
	ctx := context.Background()
	iss, err := h.svc.Create(ctx, "", "en")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := h.answer(t, iss.ID)
	h.clock.Advance(30 * time.Second)
	if _, err := h.svc.Verify(ctx, iss.ID, a); !errors.Is(err, captcha.ErrExpired) || err.Error() != "captcha: challenge expired" {
		t.Fatalf("Verify(after TTL) = %v, want %q", err, captcha.ErrExpired)
	}
	if _, _, err := h.svc.Media(ctx, iss.ID, 1); !errors.Is(err, captcha.ErrNotFound) {
		t.Fatalf("Media(expired and deleted) = %v, want ErrNotFound", err)
	}
}

func TestRefreshLimit(t *testing.T) {
	h := newHarness(t, captcha.WithMaxRefreshes(2))
	ctx := context.Background()
	iss, err := h.svc.Create(ctx, "", "en")
	if err != nil {
		t.Fatal(err)
	}
	first := iss
	for want := 1; want >= 0; want-- {
		next, err := h.svc.Refresh(ctx, iss.ID, "", "en")
		if err != nil || next.RefreshesLeft != want {
			t.Fatalf("Refresh = %+v, %v; want %d refreshes left", next, err, want)
		}
		if _, err := h.svc.Verify(ctx, iss.ID, "x"); !errors.Is(err, captcha.ErrNotFound) {
			t.Fatalf("Verify(replaced) = %v, want ErrNotFound", err)
		}
		iss = next
	}
	_, err = h.svc.Refresh(ctx, iss.ID, "", "en")
	if !errors.Is(err, captcha.ErrRefreshLimit) || !strings.Contains(err.Error(), "reload the page") {
		t.Fatalf("Refresh past the limit = %v, want ErrRefreshLimit telling to reload", err)
	}
	// The last challenge is still answerable.
	a, _ := h.answer(t, iss.ID)
	res, err := h.svc.Verify(ctx, iss.ID, a)
	if err != nil {
		t.Fatalf("Verify(last challenge) = %v", err)
	}
	claims, err := h.svc.VerifyToken(ctx, mustToken(t, h.svc, res, ""), "")
	if err != nil || claims.Screen == "" || claims.Challenge != iss.ID {
		t.Fatalf("VerifyToken = %+v, %v", claims, err)
	}
	_ = first
}

func TestRefreshSwitchesKind(t *testing.T) {
	h := newHarness(t, captcha.WithGenerator(captcha.KindAudio, captcha.GeneratorFunc(
		func(ctx context.Context, req captcha.Request) (*captcha.Puzzle, error) {
			return &captcha.Puzzle{Answers: []string{"123456"}, Prompt: "listen", Media: []byte("RIFF"), MediaType: "audio/wav"}, nil
		})))
	ctx := context.Background()
	iss, err := h.svc.Create(ctx, "", "en")
	if err != nil || iss.Kind != captcha.KindImage {
		t.Fatalf("Create(default) = %+v, %v; want image", iss, err)
	}
	audio, err := h.svc.Refresh(ctx, iss.ID, captcha.KindAudio, "en")
	if err != nil || audio.Kind != captcha.KindAudio || audio.MediaType != "audio/wav" {
		t.Fatalf("Refresh(audio) = %+v, %v; want an audio challenge", audio, err)
	}
	if _, err := h.svc.Create(ctx, "video", "en"); !errors.Is(err, captcha.ErrUnknownKind) {
		t.Fatalf("Create(video) = %v, want ErrUnknownKind", err)
	}
}

func TestMediaDeterministic(t *testing.T) {
	h := newHarness(t, captcha.WithMediaCacheBytes(1))
	ctx := context.Background()
	a, _ := h.svc.Create(ctx, "", "en")
	b, _ := h.svc.Create(ctx, "", "en") // a one-byte cache keeps no media: every Media renders
	ma1, mt, err := h.svc.Media(ctx, a.ID, 1)
	if err != nil || mt != "text/plain" {
		t.Fatalf("Media(a) = %q, %q, %v", ma1, mt, err)
	}
	ma2, _, _ := h.svc.Media(ctx, a.ID, 1)
	mb, _, _ := h.svc.Media(ctx, b.ID, 1)
	if !bytes.Equal(ma1, ma2) || bytes.Equal(ma1, mb) {
		t.Fatalf("Media(a) twice = %q, %q; Media(b) = %q; want the same for a, different for b", ma1, ma2, mb)
	}
	m2x, _, _ := h.svc.Media(ctx, a.ID, 2)
	if !bytes.HasSuffix(m2x, []byte("scale 2")) {
		t.Fatalf("Media(a, 2) = %q, want the 2x rendering", m2x)
	}
	// A second service with the same secret and store renders the same
	// media: a reload on another server shows the same challenge.
	other, err := captcha.New(captcha.WithStore(h.store), captcha.WithClock(h.clock),
		captcha.WithSecret([]byte("0123456789abcdef0123456789abcdef")), captcha.WithGenerator(captcha.KindImage, &digitsGenerator{}))
	if err != nil {
		t.Fatal(err)
	}
	mo, _, _ := other.Media(ctx, a.ID, 1)
	if !bytes.Equal(mo, ma1) {
		t.Fatalf("Media on another server = %q, want %q", mo, ma1)
	}
	if _, _, err := h.svc.Media(ctx, "not-an-id", 1); !errors.Is(err, captcha.ErrInvalidID) {
		t.Fatalf("Media(junk) = %v, want ErrInvalidID", err)
	}
}

func TestDifferentSecretsDifferentSeeds(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	iss, _ := h.svc.Create(ctx, "", "en")
	other, err := captcha.New(captcha.WithStore(h.store), captcha.WithClock(h.clock),
		captcha.WithSecret([]byte("another secret, another seed....")), captcha.WithGenerator(captcha.KindImage, &digitsGenerator{}))
	if err != nil {
		t.Fatal(err)
	}
	m1, _, _ := h.svc.Media(ctx, iss.ID, 1)
	m2, _, _ := other.Media(ctx, iss.ID, 1)
	if bytes.Equal(m1, m2) {
		t.Fatalf("two secrets rendered the same media %q for one id; the seed must depend on the secret", m1)
	}
}

func TestConcurrentVerifyOneSuccess(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	iss, _ := h.svc.Create(ctx, "", "en")
	a, _ := h.answer(t, iss.ID)
	var ok atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < 1000; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := h.svc.Verify(ctx, iss.ID, a); err == nil {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("1000 concurrent Verify of one challenge: %d succeeded, want 1", ok.Load())
	}
}

func TestTokens(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	res := h.solve(t)
	tok := mustToken(t, h.svc, res, "/login")
	claims, err := h.svc.VerifyToken(ctx, tok, "/login")
	want := captcha.TokenClaims{Screen: res.Screen, Challenge: res.ID, Action: "/login", Kind: captcha.KindImage,
		Expires: h.clock.Now().Add(2 * time.Minute)}
	if err != nil || !sameClaims(claims, want) {
		t.Fatalf("VerifyToken = %+v, %v; want %+v", claims, err, want)
	}
	if _, err := h.svc.VerifyToken(ctx, tok, "/login"); !errors.Is(err, captcha.ErrInvalidToken) {
		t.Fatalf("VerifyToken(spent) = %v, want ErrInvalidToken", err)
	}
	tok = mustToken(t, h.svc, h.solve(t), "/login")
	h.clock.Advance(2 * time.Minute)
	if _, err := h.svc.VerifyToken(ctx, tok, "/login"); !errors.Is(err, captcha.ErrTokenExpired) {
		t.Fatalf("VerifyToken(after 2m) = %v, want ErrTokenExpired", err)
	}
	tok = mustToken(t, h.svc, h.solve(t), "/login")
	forged := []byte(tok)
	forged[30] ^= 1
	if forged[30] == '-' || forged[30] == '_' {
		forged[30] = 'A'
	}
	for _, tok := range []string{"", "abc", string(forged), tok + "A", tok + "AAAA", tok[:len(tok)-4], strings.Repeat("A", 200)} {
		if _, err := h.svc.VerifyToken(ctx, tok, "/login"); !errors.Is(err, captcha.ErrInvalidToken) {
			t.Fatalf("VerifyToken(%q) = %v, want ErrInvalidToken", tok, err)
		}
	}
	// A token from another secret is forged too.
	other := newHarness(t, captcha.WithSecret([]byte("yet another secret for this test")))
	if _, err := other.svc.VerifyToken(ctx, tok, "/login"); !errors.Is(err, captcha.ErrInvalidToken) {
		t.Fatalf("VerifyToken(other secret) = %v, want ErrInvalidToken", err)
	}
	if _, err := h.svc.VerifyToken(ctx, tok, "/login"); err != nil {
		t.Fatalf("VerifyToken(untouched) = %v, want nil", err)
	}
}

func TestEvents(t *testing.T) {
	var mu sync.Mutex
	var types []string
	h := newHarness(t, captcha.WithEventHook(func(ctx context.Context, e captcha.Event) {
		mu.Lock()
		types = append(types, e.Type)
		mu.Unlock()
		if e.Reason != "" && strings.Contains(e.Reason, "Alt") {
			t.Errorf("event %+v leaks an answer", e)
		}
	}))
	ctx := context.Background()
	iss, _ := h.svc.Create(ctx, "", "en")
	iss2, _ := h.svc.Refresh(ctx, iss.ID, "", "en")
	h.svc.Verify(ctx, iss2.ID, "wrong")
	a, _ := h.answer(t, iss2.ID)
	res, _ := h.svc.Verify(ctx, iss2.ID, a)
	tok := mustToken(t, h.svc, res, "/login")
	h.svc.VerifyToken(ctx, tok, "/login")
	h.svc.VerifyToken(ctx, tok, "/login")
	want := "challenge.rendered challenge.issued challenge.rendered challenge.refreshed challenge.failed challenge.solved token.verified token.rejected"
	if got := strings.Join(types, " "); got != want {
		t.Fatalf("events = %s, want %s", got, want)
	}
}

type failingStore struct{ captcha.Store }

var errDown = errors.New("connection refused")

func (failingStore) Attempt(context.Context, string, captcha.Digest, time.Time) (captcha.AttemptResult, error) {
	return captcha.AttemptResult{}, errDown
}

func TestStoreFailure(t *testing.T) {
	h := newHarness(t)
	svc, err := captcha.New(captcha.WithStore(failingStore{h.store}), captcha.WithGenerator(captcha.KindImage, h.gen))
	if err != nil {
		t.Fatal(err)
	}
	iss, _ := svc.Create(context.Background(), "", "en")
	_, err = svc.Verify(context.Background(), iss.ID, "x")
	if !errors.Is(err, captcha.ErrStore) || !errors.Is(err, errDown) {
		t.Fatalf("Verify with a failing store = %v, want ErrStore wrapping the cause", err)
	}
}

func TestInvalidIDs(t *testing.T) {
	h := newHarness(t)
	for _, id := range []string{"", "short", strings.Repeat("A", 22) + "x", "AAAAAAAAAAAAAAAAAAAAA!", "AAAAAAAAAAAAAAAAAAAAAB"} {
		if _, err := h.svc.Verify(context.Background(), id, "x"); !errors.Is(err, captcha.ErrInvalidID) {
			t.Errorf("Verify(%q) = %v, want ErrInvalidID", id, err)
		}
	}
}

func TestPool(t *testing.T) {
	h := newHarness(t, captcha.WithPool(captcha.PoolConfig{Size: 4, Workers: 1}), captcha.WithLanguages("en"))
	deadline := time.Now().Add(5 * time.Second)
	for h.svc.PoolStats().Ready < 4 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := h.svc.PoolStats().Ready; got != 4 {
		t.Fatalf("pool ready = %d, want 4", got)
	}
	ctx := context.Background()
	iss, err := h.svc.Create(ctx, "", "en")
	if err != nil {
		t.Fatal(err)
	}
	if st := h.svc.PoolStats(); st.Hits != 1 {
		t.Fatalf("after one Create, pool stats = %+v; want 1 hit", st)
	}
	a, _ := h.answer(t, iss.ID)
	if _, err := h.svc.Verify(ctx, iss.ID, a); err != nil {
		t.Fatalf("Verify(pooled challenge) = %v", err)
	}
	h.svc.Close()
}

func TestPoolVetting(t *testing.T) {
	var seen atomic.Int64
	var discarded atomic.Int64
	vet := captcha.VetterFunc(func(ctx context.Context, kind captcha.Kind, p *captcha.Puzzle) (bool, error) {
		// Reject every other puzzle, as if an OCR engine read it.
		return seen.Add(1)%2 == 0, nil
	})
	h := newHarness(t, captcha.WithPool(captcha.PoolConfig{Size: 2}), captcha.WithVetter(vet), captcha.WithLanguages("en"),
		captcha.WithEventHook(func(ctx context.Context, e captcha.Event) {
			if e.Type == "pool.discarded" {
				discarded.Add(1)
			}
		}))
	deadline := time.Now().Add(5 * time.Second)
	for h.svc.PoolStats().Ready < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	st := h.svc.PoolStats()
	if st.Ready != 2 || st.Discarded < 2 || discarded.Load() != int64(st.Discarded) {
		t.Fatalf("pool stats = %+v, discard events %d; want 2 ready, ≥2 discarded, one event each", st, discarded.Load())
	}
}

func TestLang(t *testing.T) {
	h := newHarness(t)
	for in, want := range map[string]string{"ko": "ko", "ko-KR": "ko", "KO_kr": "ko", "en-GB": "en", "fr": "en", "": "en", "kor": "en"} {
		if got := h.svc.Lang(in); got != want {
			t.Errorf("Lang(%q) = %q, want %q", in, got, want)
		}
	}
}
