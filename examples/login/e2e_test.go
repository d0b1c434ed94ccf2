//go:build tollgate_testhook

// End-to-end tests in a real Chromium. They need the captcha test hook,
// which exists only with the build tag tollgate_testhook:
//
//	go test -race -tags tollgate_testhook ./examples/...
//
// They skip when no Chromium is installed, unless TOLLGATE_REQUIRE_INTEGRATION
// is set. Screenshots go to $TOLLGATE_ARTIFACTS (default ./artifacts, which
// git ignores); with TOLLGATE_UPDATE_SCREENSHOTS=1 they also replace the ones
// in docs/screenshots.

package main

import (
	"bytes"
	"context"
	"fmt"
	"github.com/tollgate/tollgate/internal/webdriver"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/ratelimit"
)

// chromiumPath returns the browser to drive, or skips (fails with
// TOLLGATE_REQUIRE_INTEGRATION set) when there is none.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if path, err := webdriver.ChromiumPath(); err == nil {
		return path
	}
	if os.Getenv("TOLLGATE_REQUIRE_INTEGRATION") != "" {
		t.Fatalf("chromium not found and TOLLGATE_REQUIRE_INTEGRATION is set: apt-get install -y chromium")
	}
	t.Skip("chromium not installed (apt-get install -y chromium); set TOLLGATE_REQUIRE_INTEGRATION to make this a failure")
	return ""
}

type e2e struct {
	t       *testing.T
	srv     *server
	base    string
	logs    *syncBuffer
	browser context.Context // a person's browser
	bot     context.Context // an automation framework's browser
	art     string
	chrome  string // the Chromium binary
}

// startBrowser starts a headless Chromium with a fresh profile.
func startBrowser(t *testing.T, chrome string, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(opts, extra...)...)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return browser
}

// newE2E starts the showcase in mode with short decoy delays and generous
// limits behind an httptest server, and a person's and a bot's Chromium.
func newE2E(t *testing.T, mode string) *e2e {
	t.Helper()
	chrome := chromiumPath(t)
	cfg := defaultConfig()
	cfg.Mode = mode
	cfg.Pool = 2
	cfg.DeceiveMin, cfg.DeceiveMax = 300*time.Millisecond, 400*time.Millisecond
	generous := ratelimit.Limit{Count: 1000, Period: time.Minute, Burst: 500}
	cfg.IPLimit, cfg.AccountLimit, cfg.ChallengeLimit = generous, generous, generous
	logs := &syncBuffer{}
	srv, err := newServer(context.Background(), cfg, slog.New(slog.NewJSONHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)

	art := os.Getenv("TOLLGATE_ARTIFACTS")
	if art == "" {
		art = "artifacts"
	}
	if err := os.MkdirAll(art, 0o755); err != nil {
		t.Fatal(err)
	}

	// Two browsers: the one a person uses, and an automation framework's.
	// Chrome driven through the DevTools protocol reports
	// navigator.webdriver, which a person's browser does not; the person's
	// browser turns that off so that the person is judged on behaviour alone.
	browser := startBrowser(t, chrome, chromedp.Flag("disable-blink-features", "AutomationControlled"))
	bot := startBrowser(t, chrome)
	return &e2e{t: t, srv: srv, base: ts.URL, logs: logs, browser: browser, bot: bot, art: art, chrome: chrome}
}

func TestBrowser(t *testing.T) {
	// The puzzle on every post: these flows solve it (TestBrowserManaged
	// covers the default mode).
	e := newE2E(t, "always")
	t.Run("person signs in", e.testPerson)
	t.Run("keyboard only", e.testKeyboardOnly)
	t.Run("automation is deceived", e.testAutomation)
	t.Run("zoom and pan keep the answer", e.testZoomPan)
	t.Run("refresh limit", e.testRefreshLimit)
	t.Run("audio challenge", e.testAudio)
	t.Run("screenshots", e.testScreenshots)
	t.Run("every decision is logged", e.testLogs)
}

// tab is one page in its own browser context (own cookies), with a mouse
// position and a seeded random source for human-like input.
type tab struct {
	t      *testing.T
	ctx    context.Context
	x, y   float64
	rng    *rand.Rand
	e      *e2e
	cancel func()
}

func (e *e2e) newTab(t *testing.T, seed uint64) *tab { return e.tabIn(t, e.browser, seed) }

func (e *e2e) tabIn(t *testing.T, browser context.Context, seed uint64) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	ctx, cancelT := context.WithTimeout(ctx, 45*time.Second)
	tb := &tab{t: t, ctx: ctx, x: 640, y: 500, rng: rand.New(rand.NewPCG(seed, 7)), e: e}
	tb.cancel = func() { cancelT(); cancel() }
	t.Cleanup(tb.cancel)
	return tb
}

func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, actions...); err != nil {
		tb.t.Fatal(err)
	}
}

func eval[T any](tb *tab, js string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

// until waits for a JavaScript condition, across page loads.
func (tb *tab) until(js string, timeout time.Duration) {
	tb.t.Helper()
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(tb.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+js+")", chromedp.EvalAwaitPromise))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(30 * time.Millisecond)
	}
	tb.t.Fatalf("waiting for %s: timed out (last error %v)", js, last)
}

// open loads the sign-in page and waits until the widget shows its map.
func (tb *tab) open(path string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(tb.e.base + path))
	tb.waitImage()
}

func (tb *tab) waitImage() {
	tb.t.Helper()
	tb.until(`(() => { const w = document.querySelector('[data-tollgate-captcha]');
		const i = w && w.querySelector('.tg-img');
		return w && w.dataset.state === 'ready' && w.dataset.kind === 'image' && i && i.complete && i.naturalWidth > 0
			&& !w.querySelector('.tg-stage').classList.contains('tg-loading'); })()`, 20*time.Second)
}

func (tb *tab) challengeID() string {
	return eval[string](tb, `document.querySelector('input[name=tollgate_id]').value`)
}

// answer reads the answer of the shown challenge through the test hook.
func (tb *tab) answer() string {
	tb.t.Helper()
	id := tb.challengeID()
	p, err := tb.e.srv.gate.Captcha().TestHookPuzzle(tb.ctx, id)
	if err != nil {
		tb.t.Fatalf("test hook for %s: %v", id, err)
	}
	return p.Answers[0]
}

func (tb *tab) sleep(lo, hi int) {
	time.Sleep(time.Duration(lo+tb.rng.IntN(hi-lo+1)) * time.Millisecond)
}

// moveTo moves the mouse along a slightly curved path, as a hand does.
func (tb *tab) moveTo(x, y float64) {
	tb.t.Helper()
	steps := 10 + tb.rng.IntN(8)
	x0, y0 := tb.x, tb.y
	bend := (tb.rng.Float64() - 0.5) * 60
	for i := 1; i <= steps; i++ {
		f := float64(i) / float64(steps)
		ease := f * f * (3 - 2*f)
		px := x0 + (x-x0)*ease + math.Sin(f*math.Pi)*bend
		py := y0 + (y-y0)*ease + math.Sin(f*math.Pi)*bend*0.4
		tb.do(chromedp.MouseEvent(chromedp.MouseMoved, px, py))
		tb.sleep(8, 22)
	}
	tb.x, tb.y = x, y
}

func (tb *tab) center(sel string) (float64, float64) {
	tb.t.Helper()
	p := eval[[]float64](tb, fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.scrollIntoView({block: 'center'});
		const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()`, sel))
	return p[0], p[1]
}

// click moves to the element and clicks it like a person.
func (tb *tab) click(sel string) {
	tb.t.Helper()
	x, y := tb.center(sel)
	x += (tb.rng.Float64() - 0.5) * 8
	y += (tb.rng.Float64() - 0.5) * 4
	tb.moveTo(x, y)
	tb.sleep(40, 120)
	tb.do(chromedp.MouseEvent(chromedp.MousePressed, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	tb.sleep(60, 120)
	tb.do(chromedp.MouseEvent(chromedp.MouseReleased, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1)))
}

// typeHuman types text into the focused field as a person does: each key
// held 60–130 ms, 80–200 ms between keys, with now and then a longer pause
// to think or look.
func (tb *tab) typeHuman(text string) {
	tb.t.Helper()
	tb.sleep(250, 500)
	for i, r := range text {
		var up *input.DispatchKeyEventParams
		for _, k := range kb.Encode(r) {
			if k.Type == input.DispatchKeyEventTypeKeyUp {
				up = k
				continue
			}
			tb.dispatchKey(k)
		}
		tb.sleep(60, 130)
		if up != nil {
			tb.dispatchKey(up)
		}
		switch {
		case i > 0 && tb.rng.IntN(6) == 0:
			tb.sleep(250, 600)
		case tb.rng.IntN(3) == 0:
			tb.sleep(30, 80)
		default:
			tb.sleep(80, 200)
		}
	}
}

// typeFixed types text with no hold and a fixed delay between keys.
func (tb *tab) typeFixed(text string, delay time.Duration) {
	tb.t.Helper()
	for _, r := range text {
		tb.do(chromedp.KeyEvent(string(r)))
		if delay > 0 {
			time.Sleep(delay)
		}
	}
}

func (tb *tab) dispatchKey(k *input.DispatchKeyEventParams) {
	tb.t.Helper()
	tb.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, input.DispatchKeyEvent, *k)
		return err
	}))
}

func (tb *tab) path() string { return eval[string](tb, `location.pathname`) }

// lastVerdict returns the newest behavior verdict.
func (e *e2e) lastVerdict(t *testing.T) (v struct {
	verdict  behavior.Verdict
	deceived bool
	reasons  []string
}) {
	t.Helper()
	rv := e.srv.gate.RecentVerdicts()
	if len(rv) == 0 {
		t.Fatal("no verdict recorded")
	}
	v.verdict, v.deceived = rv[0].Verdict, rv[0].Deceived
	for _, r := range rv[0].Reasons {
		v.reasons = append(v.reasons, fmt.Sprintf("%s (%.2f: %s)", r.Code, r.Weight, r.Detail))
	}
	return v
}

func (e *e2e) lastLogin(t *testing.T) loginRecord {
	t.Helper()
	l := e.srv.stats.recentLogins()
	if len(l) == 0 {
		t.Fatal("no sign-in recorded")
	}
	return l[0]
}

func (e *e2e) testPerson(t *testing.T) {
	tb := e.newTab(t, 1)
	tb.open("/login?lang=en")
	answer := strings.ToLower(tb.answer())

	tb.moveTo(300, 200)
	tb.click("#email")
	tb.typeHuman("demo@haneul.example")
	tb.click("#password")
	tb.typeHuman("correct-horse-battery")
	tb.moveTo(700, 520) // look at the map
	tb.sleep(400, 700)
	tb.click(".tg-input")
	tb.typeHuman(answer)
	if wd := eval[bool](tb, `navigator.webdriver === true`); wd {
		t.Fatal("the person's browser reports navigator.webdriver")
	}
	tb.click("#submit")
	tb.until(`location.pathname === '/welcome' && !!document.querySelector('#welcome')`, 15*time.Second)

	v := e.lastVerdict(t)
	t.Logf("person judged %v: %v", v.verdict, v.reasons)
	if v.verdict != behavior.VerdictHuman || v.deceived {
		t.Fatalf("person judged %v (deceived %v), reasons %v", v.verdict, v.deceived, v.reasons)
	}
	if l := e.lastLogin(t); l.Outcome != "signed_in" || l.Account != "demo@haneul.example" {
		t.Fatalf("last sign-in = %+v, want signed_in for demo", l)
	}
	if got := eval[string](tb, `document.querySelector('#welcome').textContent`); !strings.Contains(got, "Demo") {
		t.Fatalf("welcome page says %q", got)
	}
}

// testKeyboardOnly signs in without a mouse: Tab through the form and the
// widget in a sensible order, answer, press Enter. It also checks that
// every control has an accessible name.
func (e *e2e) testKeyboardOnly(t *testing.T) {
	tb := e.newTab(t, 3)
	tb.open("/login?lang=en")
	unnamed := eval[[]string](tb, `Array.from(document.querySelectorAll('.tg button, .tg input:not([type=hidden]), .tg [tabindex]'))
		.filter(el => !(el.getAttribute('aria-label') || el.textContent.trim() || (el.id && document.querySelector('label[for="' + el.id + '"]'))))
		.map(el => el.outerHTML.slice(0, 80))`)
	if len(unnamed) > 0 {
		t.Fatalf("controls without an accessible name: %v", unnamed)
	}
	if live := eval[string](tb, `document.querySelector('.tg-status').getAttribute('aria-live')`); live != "polite" {
		t.Fatalf("status aria-live = %q", live)
	}
	answer := strings.ToLower(tb.answer())
	focused := func() string {
		return eval[string](tb, `(() => { const a = document.activeElement;
			return a.id || a.getAttribute('aria-label') || a.className || a.tagName; })()`)
	}
	tb.do(chromedp.Focus(chromedp.CSS("#email")))
	tb.typeHuman("demo@haneul.example")
	var order []string
	for i := 0; i < 9; i++ {
		tb.do(chromedp.KeyEvent(kb.Tab))
		tb.sleep(120, 250)
		f := focused()
		order = append(order, f)
		switch {
		case f == "password":
			tb.typeHuman("correct-horse-battery")
		case strings.HasPrefix(f, "Map for the security question"):
			tb.do(chromedp.KeyEvent("+")) // zoom with the keyboard
			tb.sleep(150, 300)
		case strings.HasSuffix(f, "-answer"):
			tb.typeHuman(answer)
		}
		if strings.HasSuffix(f, "-answer") {
			break
		}
	}
	want := []string{"password", "Map for the security question", "Zoom in", "Zoom out", "Reset zoom", "answer"}
	got := strings.Join(order, " | ")
	last := 0
	for _, w := range want {
		i := strings.Index(got[last:], w)
		if i < 0 {
			t.Fatalf("focus order %q lacks %q after position %d", got, w, last)
		}
		last += i
	}
	tb.do(chromedp.KeyEvent(kb.Enter))
	tb.until(`location.pathname === '/welcome' && !!document.querySelector('#welcome')`, 15*time.Second)
	if v := e.lastVerdict(t); v.verdict == behavior.VerdictBot || v.deceived {
		t.Fatalf("keyboard-only person judged %v: %v", v.verdict, v.reasons)
	}
	if l := e.lastLogin(t); l.Outcome != "signed_in" {
		t.Fatalf("last sign-in = %+v", l)
	}
}

func (e *e2e) testAutomation(t *testing.T) {
	cases := []struct {
		name string
		fill func(tb *tab, sel, text string)
	}{
		{"values set without key events", func(tb *tab, sel, text string) {
			tb.do(chromedp.SetValue(chromedp.CSS(sel), text))
		}},
		{"typing at 0 ms", func(tb *tab, sel, text string) {
			tb.do(chromedp.Focus(chromedp.CSS(sel)))
			tb.typeFixed(text, 0)
		}},
		{"typing at 50 ms", func(tb *tab, sel, text string) {
			tb.do(chromedp.Focus(chromedp.CSS(sel)))
			tb.typeFixed(text, 50*time.Millisecond)
		}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tb := e.tabIn(t, e.bot, uint64(10+i))
			tb.open("/login?lang=en")
			before := len(e.srv.gate.RecentVerdicts())
			c.fill(tb, "#email", "demo@haneul.example")
			c.fill(tb, "#password", "correct-horse-battery")
			c.fill(tb, ".tg-input", strings.ToLower(tb.answer()))
			start := time.Now()
			tb.do(chromedp.Click(chromedp.CSS("#submit")))
			tb.until(`location.pathname === '/welcome'`, 15*time.Second)
			took := time.Since(start)

			if got := len(e.srv.gate.RecentVerdicts()); got != before+1 {
				t.Fatalf("verdicts %d → %d, want one more", before, got)
			}
			v := e.lastVerdict(t)
			if v.verdict != behavior.VerdictBot || !v.deceived {
				t.Fatalf("automation judged %v (deceived %v), reasons %v", v.verdict, v.deceived, v.reasons)
			}
			t.Logf("judged bot: %v", v.reasons)
			if l := e.lastLogin(t); l.Outcome != "deceived" {
				t.Fatalf("last sign-in outcome = %q, want deceived", l.Outcome)
			}
			if took < e.srv.cfg.DeceiveMin {
				t.Fatalf("fake success after %v, want at least the decoy delay %v", took, e.srv.cfg.DeceiveMin)
			}
			// The fake success looks real to the bot...
			if got := eval[string](tb, `document.querySelector('#welcome') ? document.querySelector('#welcome').textContent : ''`); got == "" {
				t.Fatal("the decoy did not show the welcome page")
			}
			// ...but the client is now a recorded suspect.
			s, ok, err := e.srv.gate.Suspects().Lookup(tb.ctx, "ip:127.0.0.1", time.Now())
			if err != nil || !ok || s.Count < 1 {
				t.Fatalf("suspect lookup = %+v, %v, %v; want recorded", s, ok, err)
			}
		})
	}
}

type zoomState struct {
	Scale float64 `json:"scale"`
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
}

func (tb *tab) zoom() zoomState {
	return eval[zoomState](tb, `document.querySelector('[data-tollgate-captcha]').__tollgate.zoom()`)
}

func (e *e2e) testZoomPan(t *testing.T) {
	tb := e.newTab(t, 20)
	tb.open("/login?lang=en")
	id := tb.challengeID()
	answer := tb.answer()
	shot := func(name string) []byte {
		b, err := chromedp.Run(tb.ctx, chromedp.Screenshot(chromedp.CSS(".tg-stage")))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(e.art, name), b, 0o644)
		return b
	}
	before := shot("zoom-0-before.png")

	// Buttons.
	tb.click(".tg-zoom .tg-zbtn:nth-child(1)")
	tb.until(`document.querySelector('[data-tollgate-captcha]').__tollgate.zoom().scale > 1.4`, 5*time.Second)
	// The 2× image replaces the 1× one when zoomed.
	tb.until(`document.querySelector('.tg-img').src.includes('scale=2')`, 10*time.Second)

	// Wheel, at the cursor.
	z1 := tb.zoom()
	cx, cy := tb.center(".tg-stage")
	tb.moveTo(cx-40, cy)
	tb.do(chromedp.MouseEvent(chromedp.MouseWheel, cx-40, cy, func(p *input.DispatchMouseEventParams) { p.DeltaX, p.DeltaY = 0.001, -200 }))
	tb.until(fmt.Sprintf(`document.querySelector('[data-tollgate-captcha]').__tollgate.zoom().scale > %f`, z1.Scale+0.1), 5*time.Second)

	// Drag to pan.
	z2 := tb.zoom()
	tb.do(chromedp.MouseEvent(chromedp.MousePressed, cx, cy, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	for i := 1; i <= 8; i++ {
		tb.do(chromedp.MouseEvent(chromedp.MouseMoved, cx+float64(i)*8, cy+float64(i)*4, chromedp.ButtonLeft))
		time.Sleep(15 * time.Millisecond)
	}
	tb.do(chromedp.MouseEvent(chromedp.MouseReleased, cx+64, cy+32, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	z3 := tb.zoom()
	if z3.X-z2.X < 30 || z3.Y-z2.Y < 10 {
		t.Fatalf("drag moved the view by (%.1f, %.1f), want about (64, 32)", z3.X-z2.X, z3.Y-z2.Y)
	}
	time.Sleep(300 * time.Millisecond) // the 2× image and the transition settle
	after := shot("zoom-1-after.png")
	if bytes.Equal(before, after) {
		t.Fatal("zoom and pan did not change the view")
	}

	// Keyboard: arrows pan, minus zooms out, 0 resets.
	tb.do(chromedp.Focus(chromedp.CSS(".tg-stage")))
	tb.do(chromedp.KeyEvent(kb.ArrowRight))
	if z4 := tb.zoom(); z4.X >= z3.X {
		t.Fatalf("ArrowRight: x %.1f → %.1f, want smaller", z3.X, z4.X)
	}
	tb.do(chromedp.KeyEvent("-"))
	if z5 := tb.zoom(); z5.Scale >= z3.Scale {
		t.Fatalf("minus: scale %.2f → %.2f, want smaller", z3.Scale, z5.Scale)
	}
	tb.do(chromedp.KeyEvent("+"))
	tb.do(chromedp.KeyEvent("0"))
	if z6 := tb.zoom(); z6.Scale != 1 || z6.X != 0 || z6.Y != 0 {
		t.Fatalf("0: zoom = %+v, want reset", z6)
	}

	// Pinch with two fingers (Pointer Events from touch input).
	tb.do(chromedp.Func(func(ctx context.Context, tt *chromedp.Target) error {
		touch := func(typ input.DispatchTouchEventType, d float64) error {
			one, two := 1.0, 2.0
			pts := []*input.TouchPoint{{X: cx - d, Y: cy, ID: &one}, {X: cx + d, Y: cy, ID: &two}}
			if typ == input.DispatchTouchEventTypeTouchEnd {
				pts = []*input.TouchPoint{}
			}
			_, err := cdp.Call(ctx, tt, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: typ, TouchPoints: pts})
			return err
		}
		if err := touch(input.DispatchTouchEventTypeTouchStart, 20); err != nil {
			return err
		}
		for d := 25.0; d <= 70; d += 5 {
			if err := touch(input.DispatchTouchEventTypeTouchMove, d); err != nil {
				return err
			}
			time.Sleep(16 * time.Millisecond)
		}
		return touch(input.DispatchTouchEventTypeTouchEnd, 0)
	}))
	if z7 := tb.zoom(); z7.Scale < 2 {
		t.Fatalf("pinch from 40 to 140 px: scale %.2f, want about 3.5", z7.Scale)
	}

	// The challenge and its answer never changed.
	if got := tb.challengeID(); got != id {
		t.Fatalf("zoom changed the challenge: %s → %s", id, got)
	}
	if got := tb.answer(); got != answer {
		t.Fatalf("zoom changed the answer: %q → %q", answer, got)
	}
	ok := eval[bool](tb, fmt.Sprintf(`fetch('/tollgate/challenge/%s/verify', {method: 'POST', headers: {'Content-Type': 'application/json'},
		body: JSON.stringify({answer: %q})}).then(r => r.json()).then(j => j.ok === true)`, id, answer))
	if !ok {
		t.Fatal("the answer of the zoomed challenge was not accepted")
	}
}

func (e *e2e) testRefreshLimit(t *testing.T) {
	tb := e.newTab(t, 30)
	tb.open("/login?lang=en")
	seen := map[string]bool{tb.challengeID(): true}
	for i := 1; i <= e.srv.cfg.MaxRefreshes; i++ {
		tb.click(".tg-actions .tg-btn:nth-child(1)")
		tb.until(fmt.Sprintf(`(() => { const id = document.querySelector('input[name=tollgate_id]').value;
			return id && !%s.includes(id); })()`, jsList(seen)), 10*time.Second)
		tb.waitImage()
		seen[tb.challengeID()] = true
		left := e.srv.cfg.MaxRefreshes - i
		status := eval[string](tb, `document.querySelector('.tg-status').textContent`)
		if !strings.Contains(status, fmt.Sprint(left)) {
			t.Fatalf("after refresh %d the status says %q, want %d left", i, status, left)
		}
	}
	tb.click(".tg-actions .tg-btn:nth-child(1)")
	tb.until(`document.querySelector('.tg-alert').textContent.includes('reload the page')`, 5*time.Second)
	if d := eval[string](tb, `document.querySelector('.tg-actions .tg-btn').getAttribute('aria-disabled') || ''`); d != "true" {
		t.Fatalf("new challenge button aria-disabled = %q, want true", d)
	}
	if live := eval[string](tb, `document.querySelector('.tg-alert').getAttribute('aria-live')`); live != "assertive" {
		t.Fatalf("alert aria-live = %q", live)
	}
	if len(seen) != e.srv.cfg.MaxRefreshes+1 {
		t.Fatalf("saw %d challenges, want %d", len(seen), e.srv.cfg.MaxRefreshes+1)
	}
}

func jsList(m map[string]bool) string {
	var b strings.Builder
	b.WriteString("[")
	for k := range m {
		fmt.Fprintf(&b, "%q,", k)
	}
	b.WriteString("]")
	return b.String()
}

func (e *e2e) testAudio(t *testing.T) {
	tb := e.newTab(t, 40)
	tb.open("/login?lang=en")
	imagePrompt := eval[string](tb, `document.querySelector('.tg-prompt').textContent`)
	tb.click(".tg-actions .tg-btn:nth-child(2)")
	tb.until(`(() => { const w = document.querySelector('[data-tollgate-captcha]');
		const a = w.querySelector('audio');
		return w.dataset.kind === 'audio' && w.dataset.state === 'ready' && a.readyState >= 1 && a.duration > 0; })()`, 15*time.Second)
	prompt := eval[string](tb, `document.querySelector('.tg-prompt').textContent`)
	if prompt == "" || prompt == imagePrompt || !strings.Contains(strings.ToLower(prompt), "digit") {
		t.Fatalf("audio prompt %q (image prompt %q)", prompt, imagePrompt)
	}
	media := eval[[]any](tb, `fetch(document.querySelector('.tg-audio audio').src).then(async r =>
		[r.status, r.headers.get('content-type'), (await r.arrayBuffer()).byteLength])`)
	if media[0] != 200.0 || media[1] != "audio/wav" || media[2].(float64) < 16000 {
		t.Fatalf("audio media fetch = %v, want 200 audio/wav with data", media)
	}
	if d := eval[float64](tb, `document.querySelector('.tg-audio audio').duration`); d < 3 || d > 20 {
		t.Fatalf("audio duration %.1f s", d)
	}
	tb.click(".tg-play")
	tb.until(`(() => { const a = document.querySelector('.tg-audio audio'); return !a.paused && a.currentTime > 0.2; })()`, 10*time.Second)
	if p := eval[string](tb, `document.querySelector('.tg-play').getAttribute('aria-pressed')`); p != "true" {
		t.Fatalf("play button aria-pressed = %q while playing", p)
	}
	if shot, err := chromedp.Run(tb.ctx, chromedp.ScreenshotScale(chromedp.CSS(".tg"), 2)); err == nil {
		e.save(t, "widget-audio.png", shot)
	}
	// The answer is the digits of the instructed voice.
	id, answer := tb.challengeID(), tb.answer()
	ok := eval[bool](tb, fmt.Sprintf(`fetch('/tollgate/challenge/%s/verify', {method: 'POST', headers: {'Content-Type': 'application/json'},
		body: JSON.stringify({answer: %q})}).then(r => r.json()).then(j => j.ok === true)`, id, answer))
	if !ok {
		t.Fatal("the audio answer was not accepted")
	}
}

// save keeps a screenshot as a test artifact and, with
// TOLLGATE_UPDATE_SCREENSHOTS set, in docs/screenshots.
func (e *e2e) save(t *testing.T, name string, b []byte) {
	t.Helper()
	if len(b) < 1000 || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Fatalf("%s: not a PNG (%d bytes)", name, len(b))
	}
	p := filepath.Join(e.art, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", p)
	if os.Getenv("TOLLGATE_UPDATE_SCREENSHOTS") != "" {
		if err := os.WriteFile(filepath.Join("..", "..", "docs", "screenshots", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func (e *e2e) testScreenshots(t *testing.T) {
	save := func(name string, b []byte) { t.Helper(); e.save(t, name, b) }

	tb := e.newTab(t, 50)
	tb.do(chromedp.EmulateViewport(1280, 1080))
	tb.open("/login?lang=en")
	tb.click("#email")
	tb.typeFixed("demo@haneul.example", 0)
	tb.click(".tg-input")
	eval[bool](tb, `(window.scrollTo(0, 0), true)`)
	b, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	save("login-desktop.png", b)
	b, err = chromedp.Run(tb.ctx, chromedp.ScreenshotScale(chromedp.CSS(".tg"), 2))
	if err != nil {
		t.Fatal(err)
	}
	save("widget-desktop.png", b)

	ko := e.newTab(t, 51)
	ko.do(chromedp.EmulateViewport(1280, 1080))
	ko.open("/login?lang=ko")
	if lang := eval[string](ko, `document.querySelector('.tg').getAttribute('lang')`); lang != "ko" {
		t.Fatalf("widget language %q on a Korean page", lang)
	}
	if title := eval[string](ko, `document.querySelector('.tg-title').textContent`); title != "보안 확인" {
		t.Fatalf("Korean widget title %q", title)
	}
	b, err = chromedp.Run(ko.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	save("login-desktop-ko.png", b)
	// Texts can be overridden per element, the language too.
	got := eval[[]string](ko, `(() => { const d = document.createElement('div');
		d.dataset.tollgateTexts = '{"title": "Are you human?"}'; d.dataset.tollgateLang = 'en';
		document.body.appendChild(d); Tollgate.captcha.render(d);
		return [d.querySelector('.tg-title').textContent, d.querySelector('.tg-zbtn').getAttribute('aria-label'), d.getAttribute('lang')]; })()`)
	if len(got) != 3 || got[0] != "Are you human?" || got[1] != "Zoom in" || got[2] != "en" {
		t.Fatalf("overridden widget texts = %q", got)
	}

	phone := e.newTab(t, 52)
	phone.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3), chromedp.EmulateMobile))
	phone.open("/login?lang=en")
	phone.do(chromedp.Focus(chromedp.CSS(".tg-stage")))
	phone.do(chromedp.KeyEvent("+"))
	time.Sleep(300 * time.Millisecond)
	phone.until(`document.querySelector('.tg-img').src.includes('scale=2') && document.querySelector('.tg-img').complete`, 10*time.Second)
	b, err = chromedp.Run(phone.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	save("login-phone.png", b)
	b, err = chromedp.Run(phone.ctx, chromedp.Screenshot(chromedp.CSS(".tg")))
	if err != nil {
		t.Fatal(err)
	}
	save("widget-phone.png", b)
}

func (e *e2e) testLogs(t *testing.T) {
	logs := e.logs.String()
	for _, want := range []string{
		`"msg":"challenge.issued"`, `"msg":"challenge.refreshed"`, `"msg":"challenge.solved"`,
		`"msg":"token.verified"`, `"msg":"behavior.verdict"`, `"verdict":"bot"`, `"verdict":"human"`,
		`"reasons":[`, `"msg":"behavior.deceived"`, `"msg":"tollgate.allowed"`, `"msg":"login.succeeded"`,
		`"request_id":`, `"client":"127.0.0.1"`,
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("the JSON log has no %s", want)
		}
	}
	for _, secret := range []string{"correct-horse-battery", "tollgate_token"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log contains %q", secret)
		}
	}
	os.WriteFile(filepath.Join(e.art, "server.log"), []byte(logs), 0o644)
}
