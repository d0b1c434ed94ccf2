package captcha_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tollgate/tollgate/captcha"
)

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 22, 6, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// digitsGenerator derives a 6-digit answer from the seed and "renders" it as
// media that names the seed, so tests can check determinism. It also returns
// a decoy and an alternative spelling.
type digitsGenerator struct {
	mu    sync.Mutex
	calls int
}

func (g *digitsGenerator) Generate(ctx context.Context, req captcha.Request) (*captcha.Puzzle, error) {
	g.mu.Lock()
	g.calls++
	g.mu.Unlock()
	r := req.Seed.Rand()
	answer := fmt.Sprintf("%06d", r.IntN(1_000_000))
	decoy := fmt.Sprintf("%06d", (r.IntN(999_999)+1+mustAtoi(answer))%1_000_000)
	return &captcha.Puzzle{
		Answers:   []string{answer, "Alt " + answer},
		Decoys:    []string{decoy},
		Prompt:    "type the digits (" + req.Lang + ")",
		Media:     []byte(fmt.Sprintf("media %x scale %d", req.Seed[:4], req.Scale)),
		MediaType: "text/plain",
	}, nil
}

func (g *digitsGenerator) Calls() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.calls
}

func mustAtoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// answerOf renders the challenge again with the service's own seed to learn
// its answer, as the test hook of a real deployment would.
type harness struct {
	svc   *captcha.Service
	clock *fakeClock
	gen   *digitsGenerator
	store *captcha.MemoryStore
}

func newHarness(t testing.TB, opts ...captcha.Option) *harness {
	t.Helper()
	h := &harness{clock: newFakeClock(), gen: &digitsGenerator{}, store: captcha.NewMemoryStore()}
	base := []captcha.Option{
		captcha.WithClock(h.clock),
		captcha.WithStore(h.store),
		captcha.WithSecret([]byte("0123456789abcdef0123456789abcdef")),
		captcha.WithGenerator(captcha.KindImage, h.gen),
	}
	svc, err := captcha.New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	h.svc = svc
	return h
}

// answer returns the answer and decoy of a live challenge by rendering its
// media's seed again: the generator is deterministic per seed, and the
// media names the seed.
func (h *harness) answer(t testing.TB, id string) (answer, decoy string) {
	t.Helper()
	p := h.puzzle(t, id)
	return p.Answers[0], p.Decoys[0]
}

func (h *harness) puzzle(t testing.TB, id string) *captcha.Puzzle {
	t.Helper()
	p, err := captcha.DebugPuzzle(context.Background(), h.svc, id)
	if err != nil {
		t.Fatalf("DebugPuzzle(%s) = %v", id, err)
	}
	return p
}

func mustToken(t testing.TB, svc *captcha.Service, res captcha.Result, action string) string {
	t.Helper()
	tok, err := svc.Token(context.Background(), res, action)
	if err != nil {
		t.Fatalf("Token(%+v, %q) = %v", res, action, err)
	}
	return tok
}

// solve creates a challenge and answers it correctly.
func (h *harness) solve(t testing.TB) captcha.Result {
	t.Helper()
	ctx := context.Background()
	iss, err := h.svc.Create(ctx, "", "en")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := h.answer(t, iss.ID)
	res, err := h.svc.Verify(ctx, iss.ID, a)
	if err != nil {
		t.Fatalf("Verify(%s, right answer) = %v", iss.ID, err)
	}
	return res
}
