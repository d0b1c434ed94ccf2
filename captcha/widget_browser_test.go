package captcha

// The widget in a real headless Chromium, against a fake protected form:
// managed mode's compact state, the challenge on demand with the typed
// values kept, the free switch to audio, and always mode. The tests skip
// when no Chromium is installed, unless TOLLGATE_REQUIRE_INTEGRATION is
// set. With TOLLGATE_ARTIFACTS set they save screenshots of the widget
// there.

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/tollgate/tollgate/internal/webdriver"
)

const (
	widgetImageAnswer = "424242"
	widgetAudioAnswer = "1234"
	widgetPowSolution = "fakepuzzle:7"
)

func widgetChromium(t *testing.T) string {
	t.Helper()
	if path, err := webdriver.ChromiumPath(); err == nil {
		return path
	}
	if os.Getenv("TOLLGATE_REQUIRE_INTEGRATION") != "" {
		t.Fatal("chromium not found and TOLLGATE_REQUIRE_INTEGRATION is set")
	}
	t.Skip("chromium not installed; set TOLLGATE_REQUIRE_INTEGRATION to make this a failure")
	return ""
}

// pngMap is a plain image of w×h pixels.
func pngMap(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(180 + x%40), uint8(200 + y%40), 170, 255})
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

// wavSilence is a tenth of a second of 8 kHz 16-bit mono silence.
func wavSilence() []byte {
	const samples = 800
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(36 + 2*samples))
	b.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(1))
	le(uint16(1))
	le(uint32(8000))
	le(uint32(16000))
	le(uint16(2))
	le(uint16(16))
	b.WriteString("data")
	le(uint32(2 * samples))
	b.Write(make([]byte, 2*samples))
	return b.Bytes()
}

// formPost is what the fake protected form received.
type formPost struct {
	header http.Header
	form   url.Values
}

// widgetSite serves a sign-in page with the widget, the captcha API, a fake
// proof-of-work route and worker, and a protected POST /login that asks
// for a challenge when the post has no token (or first answers an HTML
// page, with htmlFirst).
type widgetSite struct {
	t    *testing.T
	svc  *Service
	base string

	mu        sync.Mutex
	pow       string // "ok", "off" (404) or "hang" (the worker never answers)
	powCalls  int
	htmlFirst bool
	posts     chan formPost
}

func newWidgetSite(t *testing.T) *widgetSite {
	t.Helper()
	image1, image2 := pngMap(300, 200), pngMap(600, 400)
	svc, err := New(
		WithGenerator(KindImage, GeneratorFunc(func(ctx context.Context, req Request) (*Puzzle, error) {
			media := image1
			if req.Scale == 2 {
				media = image2
			}
			return &Puzzle{Answers: []string{widgetImageAnswer}, Prompt: "Type the name on the map.", Media: media, MediaType: "image/png"}, nil
		})),
		WithGenerator(KindAudio, GeneratorFunc(func(ctx context.Context, req Request) (*Puzzle, error) {
			return &Puzzle{Answers: []string{widgetAudioAnswer}, Prompt: "Type the digits you hear.", Media: wavSilence(), MediaType: "audio/wav"}, nil
		})),
		WithMaxRefreshes(2),
	)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	collector, err := os.ReadFile(filepath.Join("..", "behavior", "collector.js"))
	if err != nil {
		t.Fatal(err)
	}
	s := &widgetSite{t: t, svc: svc, pow: "ok", posts: make(chan formPost, 8)}
	mux := http.NewServeMux()
	mux.Handle("/tollgate/", svc.Handler())
	mux.HandleFunc("GET /tollgate/behavior.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write(collector)
	})
	mux.HandleFunc("POST /tollgate/pow", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.powCalls++
		mode := s.pow
		s.mu.Unlock()
		if mode == "off" {
			http.NotFound(w, r)
			return
		}
		writeJSON(w, http.StatusCreated, map[string]any{
			"algorithm": "SHA-256", "challenge": "fakepuzzle", "difficulty": 4,
			"expires": time.Now().Add(2 * time.Minute).UTC().Format(time.RFC3339),
		})
	})
	mux.HandleFunc("GET /tollgate/static/pow-worker.js", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		mode := s.pow
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/javascript")
		if mode == "hang" {
			w.Write([]byte("onmessage = function () {};"))
			return
		}
		w.Write([]byte("onmessage = function (e) { postMessage({solution: e.data.challenge + ':7', counter: 7, ms: 1}); };"))
	})
	mux.HandleFunc("GET /page", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		s.page(w, q.Get("mode"), q.Get("enctype"), q.Get("lang"), "")
	})
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("GET /welcome", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><html><body><h1 id="welcome">Welcome</h1></body></html>`)
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	s.base = ts.URL
	return s
}

func (s *widgetSite) page(w http.ResponseWriter, mode, enctype, lang, banner string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if lang != "ko" {
		lang = "en"
	}
	attr := ""
	if mode != "" {
		attr = ` data-tollgate-mode="` + html.EscapeString(mode) + `"`
	}
	enc := ""
	if enctype != "" {
		enc = ` enctype="` + html.EscapeString(enctype) + `"`
	}
	if banner != "" {
		banner = `<p id="banner" role="alert">` + html.EscapeString(banner) + `</p>`
	}
	fmt.Fprintf(w, `<!doctype html><html lang="%s"><head><meta charset="utf-8">
<link rel="stylesheet" href="/tollgate/static/widget.css">
<script src="/tollgate/static/widget.js" defer></script>
<style>body { font: 16px system-ui, sans-serif; margin: 24px; } form { width: 420px; } label { display: block; margin: 8px 0 4px; }</style>
</head><body>%s
<form method="post" action="/login"%s>
<label for="email">Email</label><input id="email" name="email" type="email">
<label for="password">Password</label><input id="password" name="password" type="password">
<div data-tollgate-captcha%s></div>
<button id="submit" type="submit" name="go" value="1">Sign in</button>
</form></body></html>`, lang, banner, enc, attr)
}

func (s *widgetSite) login(w http.ResponseWriter, r *http.Request) {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(1 << 20)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.posts <- formPost{header: r.Header.Clone(), form: r.PostForm}
	p := Proof{ID: r.PostForm.Get("tollgate_id"), Answer: r.PostForm.Get("tollgate_answer"), Token: r.PostForm.Get("tollgate_token")}
	if p.Token != "" {
		if _, err := s.svc.Check(r.Context(), p, "/login"); err != nil {
			writeError(w, err)
			return
		}
		http.Redirect(w, r, "/welcome", http.StatusSeeOther)
		return
	}
	s.mu.Lock()
	first := s.htmlFirst
	s.htmlFirst = false
	s.mu.Unlock()
	if first {
		s.page(w, "", "", "", "Wrong password.")
		return
	}
	iss, err := s.svc.Create(r.Context(), "", "en")
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusForbidden, struct {
		ErrorJSON
		Challenge ChallengeJSON `json:"challenge"`
	}{
		ErrorJSON: ErrorJSON{Error: "tollgate: a challenge must be solved", Code: "challenge_required", NewChallenge: true},
		Challenge: s.svc.challengeJSON(iss),
	})
}

func (s *widgetSite) nextPost(t *testing.T) formPost {
	t.Helper()
	select {
	case p := <-s.posts:
		return p
	case <-time.After(20 * time.Second):
		t.Fatal("the form post did not arrive")
		return formPost{}
	}
}

// widgetTab is one page of the browser.
type widgetTab struct {
	t   *testing.T
	ctx context.Context
}

func (tb *widgetTab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, actions...); err != nil {
		tb.t.Fatal(err)
	}
}

func widgetEval[T any](tb *widgetTab, js string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

// until waits for a JavaScript condition, across page loads.
func (tb *widgetTab) until(js string) {
	tb.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
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
	dump, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`(document.querySelector('.tg') || document.body).outerHTML.slice(0, 3000)`))
	tb.t.Fatalf("waiting for %s: timed out (last error %v); the widget:\n%s", js, last, dump)
}

func (tb *widgetTab) media(features ...string) {
	tb.t.Helper()
	var fs []*emulation.MediaFeature
	for i := 0; i+1 < len(features); i += 2 {
		fs = append(fs, &emulation.MediaFeature{Name: features[i], Value: features[i+1]})
	}
	tb.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: fs})
		return err
	}))
}

// shot saves a screenshot of the widget to $TOLLGATE_ARTIFACTS, if set.
func (tb *widgetTab) shot(name string) {
	tb.t.Helper()
	dir := os.Getenv("TOLLGATE_ARTIFACTS")
	if dir == "" {
		return
	}
	b, err := chromedp.Run(tb.ctx, chromedp.ScreenshotScale(chromedp.CSS(".tg"), 2))
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// typeInto clicks the element and types text with trusted key events.
func (tb *widgetTab) typeInto(sel, text string) {
	tb.t.Helper()
	tb.do(chromedp.Click(chromedp.CSS(sel)))
	for _, r := range text {
		tb.do(chromedp.KeyEvent(string(r)))
	}
}

func startWidgetBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(widgetChromium(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(900, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	browser, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return browser
}

func newWidgetTab(t *testing.T, browser context.Context) *widgetTab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancel() })
	return &widgetTab{t: t, ctx: ctx}
}

// telemetry decodes the "s" (submit) member of a posted telemetry document.
func telemetry(t *testing.T, p formPost) []any {
	t.Helper()
	var doc struct {
		V int   `json:"v"`
		S []any `json:"s"`
	}
	raw := p.form.Get("tollgate_behavior")
	if err := json.Unmarshal([]byte(raw), &doc); err != nil || doc.V != 2 || len(doc.S) < 4 {
		t.Fatalf("tollgate_behavior = %q (%v); want a version 2 document", raw, err)
	}
	return doc.S
}

// checkPost checks the headers and typed values of a post the widget sent.
func checkPost(t *testing.T, p formPost, what string) {
	t.Helper()
	if got := p.header.Get("X-Tollgate"); got != "1" {
		t.Errorf("%s: X-Tollgate = %q, want 1", what, got)
	}
	if got, want := p.form.Get("email"), "ann@example.com"; got != want {
		t.Errorf("%s: email = %q, want %q", what, got, want)
	}
	if got, want := p.form.Get("password"), "hunter2"; got != want {
		t.Errorf("%s: password = %q, want %q", what, got, want)
	}
	if got := p.form.Get("go"); got != "1" {
		t.Errorf("%s: the submit button's go = %q, want 1", what, got)
	}
	// The telemetry is the person's: a trusted submit event, by a click.
	s := telemetry(t, p)
	if fl, _ := s[2].(float64); int(fl)&(1|64) != 0 || s[3] != "c" {
		t.Errorf("%s: telemetry submit = %v; want flags without 1 (untrusted) or 64 (no submit event), via \"c\"", what, s)
	}
}

func TestWidgetInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("real browsers: not in -short")
	}
	browser := startWidgetBrowser(t)
	site := newWidgetSite(t)

	t.Run("managed", func(t *testing.T) {
		tb := newWidgetTab(t, browser)
		tb.do(chromedp.Navigate(site.base + "/page"))
		tb.until(`document.querySelector('.tg').dataset.check === 'done'`)
		var state struct {
			View, Status, Pow string
			W, H              float64
			Prompt            bool
		}
		state = widgetEval[struct {
			View, Status, Pow string
			W, H              float64
			Prompt            bool
		}](tb, `(() => { const tg = document.querySelector('.tg'), r = tg.querySelector('.tg-box').getBoundingClientRect();
			return {View: tg.dataset.view, Status: tg.querySelector('[role=status]').textContent,
				Pow: document.querySelector('input[name=tollgate_pow]').value, W: r.width, H: r.height,
				Prompt: tg.querySelector('.tg-prompt').offsetParent !== null}; })()`)
		if state.View != "compact" || state.Status != "Verified" || state.Pow != widgetPowSolution || state.Prompt {
			t.Fatalf("compact state = %+v; want view compact, status Verified, pow %q, no puzzle", state, widgetPowSolution)
		}
		if state.W > 300 || state.H > 80 {
			t.Errorf("compact state is %.0f×%.0f px, want at most 300×80", state.W, state.H)
		}
		tb.shot("widget-compact-light")
		tb.media("prefers-color-scheme", "dark")
		if bg := widgetEval[string](tb, `getComputedStyle(document.querySelector('.tg-box')).backgroundColor`); bg != "rgb(23, 27, 34)" {
			t.Errorf("dark mode background = %s, want rgb(23, 27, 34)", bg)
		}
		tb.shot("widget-compact-dark")
		tb.media("forced-colors", "active")
		tb.shot("widget-compact-forced")
		tb.media()

		tb.typeInto("#email", "ann@example.com")
		tb.typeInto("#password", "hunter2")
		tb.do(chromedp.Click(chromedp.CSS("#submit")))
		first := site.nextPost(t)
		checkPost(t, first, "first post")
		if got := first.form.Get("tollgate_pow"); got != widgetPowSolution {
			t.Errorf("first post: tollgate_pow = %q, want %q", got, widgetPowSolution)
		}
		if got := first.form.Get("tollgate_token"); got != "" {
			t.Errorf("first post: tollgate_token = %q, want none", got)
		}

		// challenge_required: the puzzle opens inline; nothing typed is lost.
		tb.until(`document.querySelector('.tg').dataset.view === 'puzzle' && !document.querySelector('.tg-stage').classList.contains('tg-loading')`)
		got := widgetEval[[]string](tb, `[document.querySelector('#email').value, document.querySelector('#password').value,
			document.querySelector('.tg [role=status]').textContent, document.activeElement.name, location.pathname]`)
		if want := []string{"ann@example.com", "hunter2", "Solve the puzzle to continue.", "tollgate_answer", "/page"}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("after challenge_required: email, password, status, focus, path = %q; want %q", got, want)
		}
		tb.shot("widget-puzzle-light")
		tb.media("prefers-color-scheme", "dark")
		tb.shot("widget-puzzle-dark")
		tb.media()

		// Switching to audio is not a new challenge.
		imageID := widgetEval[string](tb, `document.querySelector('.tg').dataset.challenge`)
		tb.do(chromedp.Click(chromedp.CSS(".tg-actions .tg-btn:nth-child(2)")))
		tb.until(`document.querySelector('.tg').dataset.kind === 'audio' && document.querySelector('.tg').dataset.state === 'ready'`)
		audioID := widgetEval[string](tb, `document.querySelector('.tg').dataset.challenge`)
		c, err := site.svc.cfg.store.Get(context.Background(), audioID, time.Now())
		if err != nil || audioID == imageID || c.Kind != KindAudio || c.Refreshes != 0 {
			t.Fatalf("after the switch to audio: challenge %s (was %s) = %+v, %v; want audio with 0 refreshes used", audioID, imageID, c, err)
		}
		if status := widgetEval[string](tb, `document.querySelector('.tg [role=status]').textContent`); strings.Contains(status, "left") {
			t.Errorf("switch to audio announced %q; it uses no new challenge", status)
		}

		tb.typeInto(".tg-input", widgetAudioAnswer)
		tb.do(chromedp.Click(chromedp.CSS("#submit")))
		second := site.nextPost(t)
		checkPost(t, second, "second post")
		if second.form.Get("tollgate_token") == "" || second.form.Get("tollgate_id") != audioID {
			t.Errorf("second post: token %q, id %q; want a token for %s", second.form.Get("tollgate_token"), second.form.Get("tollgate_id"), audioID)
		}
		if got := second.form.Get("tollgate_pow"); got != "" {
			t.Errorf("second post: tollgate_pow = %q; the spent proof of work must not be sent again", got)
		}
		tb.until(`location.pathname === '/welcome' && document.querySelector('#welcome')`)
	})

	t.Run("html answer replaces the page", func(t *testing.T) {
		site.mu.Lock()
		site.htmlFirst = true
		site.mu.Unlock()
		tb := newWidgetTab(t, browser)
		tb.do(chromedp.Navigate(site.base + "/page?enctype=multipart/form-data"))
		tb.until(`document.querySelector('.tg').dataset.check === 'done'`)
		tb.typeInto("#email", "ann@example.com")
		tb.typeInto("#password", "hunter2")
		tb.do(chromedp.Click(chromedp.CSS("#submit")))
		p := site.nextPost(t)
		checkPost(t, p, "multipart post")
		if ct := p.header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/form-data") {
			t.Errorf("Content-Type = %q, want multipart/form-data", ct)
		}
		// The page the server answered, with a widget of its own that starts
		// afresh in the same window.
		tb.until(`document.querySelector('#banner') && document.querySelector('.tg') && document.querySelector('.tg').dataset.check === 'done'`)
	})

	t.Run("no proof-of-work route", func(t *testing.T) {
		site.mu.Lock()
		site.pow = "off"
		site.mu.Unlock()
		tb := newWidgetTab(t, browser)
		tb.do(chromedp.Navigate(site.base + "/page"))
		tb.until(`document.querySelector('.tg').dataset.check === 'ready'`)
		if status := widgetEval[string](tb, `document.querySelector('.tg [role=status]').textContent`); status != "Ready" {
			t.Errorf("status without proof of work = %q, want Ready", status)
		}
		tb.typeInto("#email", "ann@example.com")
		tb.do(chromedp.Click(chromedp.CSS("#submit")))
		if p := site.nextPost(t); p.form.Has("tollgate_pow") || p.form.Get("email") != "ann@example.com" {
			t.Errorf("post without proof of work = %v; want the email and no tollgate_pow", p.form)
		}
	})

	t.Run("proof of work not done at submit", func(t *testing.T) {
		site.mu.Lock()
		site.pow = "hang"
		site.mu.Unlock()
		tb := newWidgetTab(t, browser)
		tb.do(chromedp.Navigate(site.base + "/page"))
		tb.until(`document.querySelector('.tg').dataset.check === 'checking' && document.querySelector('.tg').__tollgate`)
		tb.shot("widget-compact-checking")
		tb.typeInto("#email", "ann@example.com")
		tb.do(chromedp.Click(chromedp.CSS("#submit")))
		// Sent after the wait, without the proof.
		if p := site.nextPost(t); p.form.Has("tollgate_pow") || p.form.Get("email") != "ann@example.com" {
			t.Errorf("post with the proof of work unfinished = %v; want the email and no tollgate_pow", p.form)
		}
	})

	t.Run("korean", func(t *testing.T) {
		site.mu.Lock()
		site.pow = "ok"
		site.mu.Unlock()
		tb := newWidgetTab(t, browser)
		tb.do(chromedp.Navigate(site.base + "/page?lang=ko"))
		tb.until(`document.querySelector('.tg').dataset.check === 'done'`)
		got := widgetEval[[]string](tb, `(() => { const r = document.querySelector('.tg-box').getBoundingClientRect();
			return [document.querySelector('.tg [role=status]').textContent, String(r.width <= 300 && r.height <= 80)]; })()`)
		if want := []string{"확인 완료", "true"}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Korean compact state: status, fits 300×80 = %q, want %q", got, want)
		}
		tb.shot("widget-compact-ko")
	})

	t.Run("always", func(t *testing.T) {
		site.mu.Lock()
		site.pow, site.powCalls = "ok", 0
		site.mu.Unlock()
		tb := newWidgetTab(t, browser)
		tb.do(chromedp.Navigate(site.base + "/page?mode=always"))
		tb.until(`document.querySelector('.tg').dataset.view === 'puzzle' && document.querySelector('.tg').dataset.challenge`)
		site.mu.Lock()
		calls := site.powCalls
		site.mu.Unlock()
		if calls != 0 {
			t.Errorf("always mode asked for %d proof-of-work puzzles, want 0", calls)
		}
	})
}

// TestWidgetManagedOtherBrowsers runs managed mode in Firefox and WebKit:
// an HTML answer that replaces the page (whose own widget must start
// again in the same window), then a challenge on demand solved inline.
func TestWidgetManagedOtherBrowsers(t *testing.T) {
	if testing.Short() {
		t.Skip("real browsers: not in -short")
	}
	site := newWidgetSite(t)
	for _, bc := range []struct {
		name      string
		installed func() error
		start     func(ctx context.Context, t *testing.T) (webdriver.Session, error)
	}{
		{"firefox", webdriver.FirefoxInstalled, func(ctx context.Context, t *testing.T) (webdriver.Session, error) {
			return webdriver.StartFirefox(ctx, t.TempDir(), nil)
		}},
		{"webkit", webdriver.WebKitInstalled, func(ctx context.Context, t *testing.T) (webdriver.Session, error) {
			return webdriver.StartWebKit(ctx)
		}},
	} {
		t.Run(bc.name, func(t *testing.T) {
			if err := bc.installed(); err != nil {
				if os.Getenv("TOLLGATE_REQUIRE_INTEGRATION") != "" {
					t.Fatalf("%v (TOLLGATE_REQUIRE_INTEGRATION is set)", err)
				}
				t.Skip(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			s, err := bc.start(ctx, t)
			if err != nil {
				t.Fatalf("starting %s: %v", bc.name, err)
			}
			defer s.Close()
			b := &wdRun{t: t, ctx: ctx, s: s}
			site.mu.Lock()
			site.htmlFirst = true
			site.mu.Unlock()
			if err := s.Navigate(ctx, site.base+"/page"); err != nil {
				t.Fatal(err)
			}
			b.until(`document.querySelector('.tg') && document.querySelector('.tg').dataset.check === 'done'`)
			b.fill()
			if p := site.nextPost(t); p.header.Get("X-Tollgate") != "1" || p.form.Get("tollgate_pow") != widgetPowSolution {
				t.Fatalf("first post: X-Tollgate %q, pow %q", p.header.Get("X-Tollgate"), p.form.Get("tollgate_pow"))
			}
			b.until(`document.querySelector('#banner') && document.querySelector('.tg') && document.querySelector('.tg').dataset.check === 'done'`)
			b.fill()
			checkPost(t, site.nextPost(t), bc.name+" post")
			b.until(`document.querySelector('.tg').dataset.view === 'puzzle' && document.activeElement && document.activeElement.name === 'tollgate_answer'`)
			b.do(webdriver.Key(widgetImageAnswer, func(int) int { return 40 }, func(int) int { return 60 }))
			b.click("#submit")
			p := site.nextPost(t)
			checkPost(t, p, bc.name+" post with the answer")
			if p.form.Get("tollgate_token") == "" {
				t.Errorf("post with the answer has no token: %v", p.form)
			}
			b.until(`location.pathname === '/welcome' && document.querySelector('#welcome')`)
		})
	}
}

// wdRun drives one WebDriver session.
type wdRun struct {
	t   *testing.T
	ctx context.Context
	s   webdriver.Session
	at  [2]float64
}

func (b *wdRun) do(sources ...webdriver.Source) {
	b.t.Helper()
	if err := b.s.Perform(b.ctx, sources); err != nil {
		b.t.Fatalf("Perform: %v", err)
	}
}

func (b *wdRun) until(js string) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		var ok bool
		if last = b.s.Eval(b.ctx, "!!("+js+")", &ok); last == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	var dump string
	b.s.Eval(b.ctx, `(document.querySelector('.tg') || document.body).outerHTML.slice(0, 2000)`, &dump)
	b.t.Fatalf("waiting for %s: timed out (last error %v); the widget:\n%s", js, last, dump)
}

// click moves the mouse to the middle of the element and clicks it.
func (b *wdRun) click(sel string) {
	b.t.Helper()
	var r [2]float64
	if err := b.s.Eval(b.ctx, `(() => { const r = document.querySelector(`+jsString(sel)+`).getBoundingClientRect();
		return [r.left + r.width / 2, r.top + r.height / 2]; })()`, &r); err != nil {
		b.t.Fatalf("locating %s: %v", sel, err)
	}
	b.do(webdriver.Click(b.at[0], b.at[1], r[0], r[1], 6, 240))
	b.at = r
}

// fill types the email and password and clicks the submit button.
func (b *wdRun) fill() {
	b.t.Helper()
	hold, gap := func(int) int { return 50 }, func(int) int { return 70 }
	b.click("#email")
	b.do(webdriver.Key("ann@example.com", hold, gap))
	b.click("#password")
	b.do(webdriver.Key("hunter2", hold, gap))
	b.click("#submit")
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
