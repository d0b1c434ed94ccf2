package behavior_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/internal/webdriver"
)

// The real-browser tests run the embedded collector in Firefox (WebDriver
// BiDi) and WebKitGTK (WebKitWebDriver); Chromium is covered by the
// showcase's browser tests (examples/login). WebDriver input actions reach
// the page as trusted events, like a person's, and navigator.webdriver is
// true, as it is for every WebDriver-controlled browser.

const browserForm = `<!doctype html><html><head><meta charset="utf-8"><title>login</title>
<script src="/behavior.js" defer></script></head>
<body style="margin:0">
<form method="post" action="/login" data-tollgate>
<input name="user" autocomplete="off" style="position:absolute;left:100px;top:100px;width:300px;height:30px">
<input name="pass" type="password" autocomplete="off" style="position:absolute;left:100px;top:200px;width:300px;height:30px">
<button style="position:absolute;left:100px;top:300px;width:120px;height:40px">Sign in</button>
</form></body></html>`

// Centres of the form's controls, viewport CSS px.
var (
	userAt   = [2]float64{250, 115}
	passAt   = [2]float64{250, 215}
	submitAt = [2]float64{160, 320}
)

// browserPost is what the server received for one form post.
type browserPost struct {
	tel    *behavior.Telemetry
	err    error
	filled behavior.Submission
}

// formServer serves browserForm and the collector, and sends each post of
// the form to the returned channel.
func formServer(t *testing.T) (string, <-chan browserPost) {
	t.Helper()
	posts := make(chan browserPost, 4)
	mux := http.NewServeMux()
	mux.Handle("GET /behavior.js", behavior.CollectorHandler())
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, browserForm)
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		tel, err := behavior.ReadRequest(r, "", behavior.Limits{})
		posts <- browserPost{tel: tel, err: err, filled: behavior.Submission{Filled: behavior.FilledFrom(r.PostForm, tel, "user", "pass")}}
		fmt.Fprint(w, "<!doctype html><title>done</title>done")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL, posts
}

// browserCase is one browser configuration.
type browserCase struct {
	name      string
	installed func() error
	start     func(ctx context.Context, t *testing.T) (webdriver.Session, error)
	// stepMin and stepMax bound the timer step the collector must report.
	stepMin, stepMax float64
}

var browserCases = []browserCase{
	{
		name: "firefox", installed: webdriver.FirefoxInstalled,
		start: func(ctx context.Context, t *testing.T) (webdriver.Session, error) {
			return webdriver.StartFirefox(ctx, t.TempDir(), nil)
		},
		stepMin: 0.001, stepMax: 1.01,
	},
	{
		// resistFingerprinting coarsens every timer to 16.67 ms (100 ms in
		// older releases): the scorer must still judge a person human.
		name: "firefox-resistfingerprinting", installed: webdriver.FirefoxInstalled,
		start: func(ctx context.Context, t *testing.T) (webdriver.Session, error) {
			return webdriver.StartFirefox(ctx, t.TempDir(), map[string]any{"privacy.resistFingerprinting": true})
		},
		stepMin: 16, stepMax: 100.01,
	},
	{
		name: "webkit", installed: webdriver.WebKitInstalled,
		start: func(ctx context.Context, t *testing.T) (webdriver.Session, error) {
			return webdriver.StartWebKit(ctx)
		},
		stepMin: 0.001, stepMax: 1.01,
	},
}

func TestRealBrowsers(t *testing.T) {
	if testing.Short() {
		t.Skip("real browsers: not in -short")
	}
	base, posts := formServer(t)
	for _, bc := range browserCases {
		t.Run(bc.name, func(t *testing.T) {
			if err := bc.installed(); err != nil {
				if os.Getenv("TOLLGATE_REQUIRE_INTEGRATION") != "" {
					t.Fatalf("%v (TOLLGATE_REQUIRE_INTEGRATION is set; install firefox-esr, webkit2gtk-driver and xvfb)", err)
				}
				t.Skipf("%v (install firefox-esr, webkit2gtk-driver and xvfb)", err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			s, err := bc.start(ctx, t)
			if err != nil {
				t.Fatalf("starting %s: %v", bc.name, err)
			}
			defer s.Close()
			b := &browserRun{t: t, ctx: ctx, s: s, base: base, posts: posts}
			t.Run("person", func(t *testing.T) { b.t = t; b.person(bc) })
			t.Run("script_fill", func(t *testing.T) { b.t = t; b.scriptFill() })
			t.Run("machine_typing", func(t *testing.T) { b.t = t; b.machineTyping() })
		})
	}
}

type browserRun struct {
	t     *testing.T
	ctx   context.Context
	s     webdriver.Session
	base  string
	posts <-chan browserPost
}

// load opens the form and waits until the collector has attached.
func (b *browserRun) load() {
	b.t.Helper()
	if err := b.s.Navigate(b.ctx, b.base+"/"); err != nil {
		b.t.Fatalf("Navigate: %v", err)
	}
	for i := 0; ; i++ {
		var ok bool
		if err := b.s.Eval(b.ctx, `!!(window.Tollgate && window.Tollgate.behavior) && document.readyState !== "loading"`, &ok); err != nil {
			b.t.Fatalf("Eval: %v", err)
		}
		if ok {
			return
		}
		if i == 100 {
			b.t.Fatal("the collector did not attach to the form")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (b *browserRun) do(sources ...webdriver.Source) {
	b.t.Helper()
	if err := b.s.Perform(b.ctx, sources); err != nil {
		b.t.Fatalf("Perform: %v", err)
	}
}

// post waits for the form post, whose telemetry must have decoded.
func (b *browserRun) post() browserPost {
	b.t.Helper()
	select {
	case p := <-b.posts:
		// Let the browser finish loading the answer before it is sent
		// elsewhere: a navigation that interrupts another may never end.
		for i := 0; i < 200; i++ {
			var done bool
			if err := b.s.Eval(b.ctx, `document.title === "done" && document.readyState === "complete"`, &done); err == nil && done {
				break
			}
			time.Sleep(25 * time.Millisecond)
		}
		if p.err != nil {
			b.t.Fatalf("the server could not read the telemetry: %v", p.err)
		}
		return p
	case <-time.After(30 * time.Second):
		b.t.Fatal("the form was not posted")
	case <-b.ctx.Done():
		b.t.Fatal(b.ctx.Err())
	}
	return browserPost{}
}

// person moves the mouse to each field, types with a person's rhythm
// (keys held 60–140 ms, 90–280 ms between them) and clicks the button.
func (b *browserRun) person(bc browserCase) {
	t := b.t
	rng := rand.New(rand.NewPCG(7, 11))
	hold := func(int) int { return 60 + rng.IntN(80) }
	gap := func(int) int { return 90 + rng.IntN(190) }
	b.load()
	b.do(webdriver.Click(20, 20, userAt[0], userAt[1], 12, 420))
	time.Sleep(600 * time.Millisecond) // reading the form
	b.do(webdriver.Key("alice77", hold, gap))
	b.do(webdriver.Click(userAt[0], userAt[1], passAt[0]+20, passAt[1], 10, 350))
	time.Sleep(300 * time.Millisecond)
	b.do(webdriver.Key("horse42x", hold, gap))
	b.do(webdriver.Click(passAt[0]+20, passAt[1], submitAt[0], submitAt[1], 8, 300))
	p := b.post()
	tel := p.tel
	if tel.Step < bc.stepMin || tel.Step > bc.stepMax {
		t.Errorf("timer step = %v ms, want within [%v, %v]", tel.Step, bc.stepMin, bc.stepMax)
	}
	if !tel.WebDriver {
		t.Errorf("navigator.webdriver not reported under WebDriver")
	}
	for name, text := range map[string]string{"user": "alice77", "pass": "horse42x"} {
		f := fieldNamed(tel, name)
		if f == nil {
			t.Fatalf("no telemetry for field %q", name)
		}
		var downs, ups, paired, untrusted, inputs int
		for _, e := range f.Events {
			if !e.Trusted() {
				untrusted++
			}
			switch e.Type {
			case behavior.EntryKeyDown:
				downs++
			case behavior.EntryKeyUp:
				ups++
				if e.Ref >= 0 {
					paired++
				}
			case behavior.EntryInput:
				inputs++
			}
		}
		if downs != len(text) || ups != len(text) || paired != len(text) || inputs != len(text) || untrusted != 0 {
			t.Errorf("field %s: %d keydowns, %d keyups (%d paired), %d inputs, %d untrusted; want %d, %d (%d), %d, 0",
				name, downs, ups, paired, inputs, untrusted, len(text), len(text), len(text), len(text))
		}
		if f.FinalLen != len(text) || p.filled.Filled[name] != len(text) {
			t.Errorf("field %s: length %d in telemetry, %d posted; want %d", name, f.FinalLen, p.filled.Filled[name], len(text))
		}
	}
	// navigator.webdriver is weak evidence on its own; with it discounted,
	// the typing is a person's.
	res := behavior.NewScorer(behavior.WithWeight(behavior.ReasonWebDriver, 0)).Score(tel, p.filled)
	if res.Verdict != behavior.VerdictHuman {
		t.Errorf("person (webdriver discounted) = %v %.3f %+v, want human", res.Verdict, res.Score, res.Reasons)
	}
	full := behavior.NewScorer().Score(tel, p.filled)
	if full.Verdict == behavior.VerdictBot || !full.Has(behavior.ReasonWebDriver) {
		t.Errorf("person = %v %.3f %+v, want below bot with the webdriver reason", full.Verdict, full.Score, full.Reasons)
	}
	t.Logf("person: step %v ms, score %.3f (%.3f without webdriver)", tel.Step, full.Score, res.Score)
}

// scriptFill sets the values from script and submits: no input events.
func (b *browserRun) scriptFill() {
	b.load()
	if err := b.s.Eval(b.ctx, `(() => { const f = document.forms[0]; f.user.value = "alice77"; f.pass.value = "horse42x"; setTimeout(() => f.requestSubmit(), 50); return true })()`, nil); err != nil {
		b.t.Fatalf("Eval: %v", err)
	}
	b.wantBot("script fill")
}

// machineTyping types through the input pipeline with no pauses at all,
// as a naive automation script does.
func (b *browserRun) machineTyping() {
	zero := func(int) int { return 0 }
	b.load()
	b.do(webdriver.Click(userAt[0], userAt[1], userAt[0], userAt[1], 1, 0))
	b.do(webdriver.Key("alice77", zero, zero))
	b.do(webdriver.Click(passAt[0], passAt[1], passAt[0], passAt[1], 1, 0))
	b.do(webdriver.Key("horse42x", zero, zero))
	b.do(webdriver.Click(submitAt[0], submitAt[1], submitAt[0], submitAt[1], 1, 0))
	b.wantBot("machine typing")
}

// wantBot waits for the form post and checks the default scorer calls it
// a bot.
func (b *browserRun) wantBot(what string) {
	b.t.Helper()
	p := b.post()
	res := behavior.NewScorer().Score(p.tel, p.filled)
	if res.Verdict != behavior.VerdictBot {
		b.t.Errorf("%s = %v %.3f %+v, want bot", what, res.Verdict, res.Score, res.Reasons)
	}
	b.t.Logf("%s: score %.3f, reasons %s", what, res.Score, reasonCodes(res))
}

func fieldNamed(t *behavior.Telemetry, name string) *behavior.Field {
	for i := range t.Fields {
		if t.Fields[i].Name == name {
			return &t.Fields[i]
		}
	}
	return nil
}

func reasonCodes(r behavior.Result) string {
	var c []string
	for _, x := range r.Reasons {
		c = append(c, fmt.Sprintf("%s:%.2f", x.Code, x.Weight))
	}
	return strings.Join(c, " ")
}
