package tollgate

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/ratelimit"
)

// okHandler records that the protected handler ran.
type okHandler struct {
	mu    sync.Mutex
	calls int
	res   behavior.Result
	hasR  bool
}

func (h *okHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.calls++
	h.res, h.hasR = behavior.ResultFromContext(r.Context())
	h.mu.Unlock()
	w.Write([]byte("welcome " + r.PostFormValue("username")))
}

func (h *okHandler) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.calls
}

func TestProtectAllowsPerson(t *testing.T) {
	g, rec := newTestGate(t)
	h := &okHandler{}
	p := g.Protect(h)
	_, token := solve(t, g, "mapo bridge")
	if token == "" {
		t.Fatal("no token for the right answer")
	}
	w := postForm(p, "/login", loginForm(token, humanLogin(1)), nil)
	if w.Code != http.StatusOK || w.Body.String() != "welcome kim" {
		t.Fatalf("Protect(person) = %d %q, want 200 welcome kim; events %v", w.Code, w.Body, rec.types())
	}
	if !h.hasR || h.res.Verdict != behavior.VerdictHuman {
		t.Fatalf("handler saw behavior result %+v (present %v), want human", h.res, h.hasR)
	}
	ev, ok := rec.find(EventAllowed)
	if !ok || ev.Verdict != "human" || ev.Kind != "image" || ev.Request.Client != "192.0.2.7" || ev.Request.ID == "" {
		t.Fatalf("allowed event = %+v (found %v)", ev, ok)
	}
	// The token is single use: replaying the same post is denied.
	w = postForm(p, "/login", loginForm(token, humanLogin(1)), nil)
	if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), `"invalid_token"`) {
		t.Fatalf("replayed token = %d %s, want 403 invalid_token", w.Code, w.Body)
	}
	if _, ok := rec.find(EventDenied); !ok {
		t.Fatal("no tollgate.denied event for the replay")
	}
	if h.count() != 1 {
		t.Fatalf("handler ran %d times, want 1", h.count())
	}
}

func TestProtectAnswerWithoutToken(t *testing.T) {
	g, _ := newTestGate(t)
	h := &okHandler{}
	p := g.Protect(h)
	// A form posted with the challenge id and answer (no widget verify).
	id, _ := solve(t, g, "wrong answer")
	f := loginForm("", humanLogin(2))
	f.Set(FieldNameID, id)
	w := postForm(p, "/login", f, nil)
	if w.Code != http.StatusOK {
		t.Fatalf("id and answer = %d %s, want 200", w.Code, w.Body)
	}
	// No answer at all: a ModeAlways route says so; a managed one (the
	// default) asks for a challenge.
	f = loginForm("", humanLogin(3))
	f.Del(FieldNameAnswer)
	w = postForm(g.Protect(h, WithMode(ModeAlways)), "/login", f, nil)
	if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), `"missing_answer"`) {
		t.Fatalf("no answer = %d %s, want 403 missing_answer", w.Code, w.Body)
	}
	w = postForm(p, "/login", f, nil)
	if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), `"challenge_required"`) {
		t.Fatalf("no answer, managed = %d %s, want 403 challenge_required", w.Code, w.Body)
	}
}

func TestProtectDeceivesBot(t *testing.T) {
	g, rec := newTestGate(t)
	h := &okHandler{}
	p := g.Protect(h)
	_, token := solve(t, g, "mapo bridge")
	// A script that fills the form, even with a solved CAPTCHA.
	w := postForm(p, "/login", loginForm(token, botLogin(3)), nil)
	if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), `"invalid_token"`) {
		t.Fatalf("bot got %d %s, want the answer of a spent token", w.Code, w.Body)
	}

	if h.count() != 0 {
		t.Fatal("the protected handler ran for a bot")
	}
	got := rec.types()
	for _, want := range []string{behavior.EventVerdict, behavior.EventDeceived} {
		if !slices.Contains(got, want) {
			t.Fatalf("events %v lack %s", got, want)
		}
	}
	rv := g.RecentVerdicts()
	if len(rv) != 1 || rv[0].Verdict != behavior.VerdictBot || !rv[0].Deceived || !hasReason(rv[0].Reasons, behavior.ReasonUntypedField) {
		t.Fatalf("recent verdicts = %+v", rv)
	}
	s, ok, err := g.Suspects().Lookup(context.Background(), "ip:192.0.2.7", time.Now())
	if err != nil || !ok || s.Count != 1 {
		t.Fatalf("suspect = %+v, %v, %v; want recorded once", s, ok, err)
	}
	// Deception spent the token: a person's post with it fails too.
	if w := postForm(p, "/login", loginForm(token, humanLogin(1)), nil); w.Code != http.StatusForbidden {
		t.Fatalf("the deceived bot's token then got %d %s, want 403", w.Code, w.Body)
	}
}

func hasReason(rs []behavior.Reason, code string) bool {
	for _, r := range rs {
		if r.Code == code {
			return true
		}
	}
	return false
}

func TestProtectStrictWhenAnswerNotTyped(t *testing.T) {
	tests := []struct {
		name      string
		telemetry string
		wantBot   bool
	}{
		{"everything typed", humanLogin(4), false},
		{"password manager filled the password", humanTelemetry(5, typed{name: "username", value: "kim"},
			typed{name: "password", value: "hunter22", script: true}, typed{name: FieldNameAnswer, value: "mapo bridge"}), false},
		{"script filled the answer", humanTelemetry(6, typed{name: "username", value: "kim"},
			typed{name: "password", value: "hunter22"}, typed{name: FieldNameAnswer, value: "mapo bridge", script: true}), true},
		{"script filled everything", humanTelemetry(7, typed{name: "username", value: "kim", script: true},
			typed{name: "password", value: "hunter22", script: true}, typed{name: FieldNameAnswer, value: "mapo bridge", script: true}), true},
		{"answer missing from the telemetry", humanTelemetry(8, typed{name: "username", value: "kim"},
			typed{name: "password", value: "hunter22"}), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, _ := newTestGate(t)
			h := &okHandler{}
			_, token := solve(t, g, "mapo bridge")
			w := postForm(g.Protect(h), "/login", loginForm(token, tt.telemetry), nil)
			rv := g.RecentVerdicts()
			if len(rv) != 1 {
				t.Fatalf("%d verdicts", len(rv))
			}
			if gotBot := rv[0].Verdict == behavior.VerdictBot; gotBot != tt.wantBot {
				t.Fatalf("verdict = %v %+v, want bot %v", rv[0].Verdict, rv[0].Reasons, tt.wantBot)
			}
			if ran := h.count() == 1; ran == tt.wantBot {
				t.Fatalf("handler ran = %v with status %d, want %v", ran, w.Code, !tt.wantBot)
			}
		})
	}
}

// TestAnswerTyped checks that the default scorer requires the CAPTCHA
// answer to be typed: it gives behavior.ReasonUntypedField exactly when the
// answer field holds a value nobody typed.
func TestAnswerTyped(t *testing.T) {
	post := func(f url.Values) *http.Request {
		r, _ := http.NewRequest(http.MethodPost, "/login", strings.NewReader(f.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}
	tests := []struct {
		name string
		form url.Values
		want bool
	}{
		{"no telemetry", url.Values{FieldNameAnswer: {"x"}}, true},
		{"malformed telemetry", url.Values{FieldNameAnswer: {"x"}, behavior.DefaultField: {"{"}}, true},
		{"no answer", url.Values{behavior.DefaultField: {humanTelemetry(1, typed{name: "a", value: "b"})}}, true},
		{"typed", url.Values{FieldNameAnswer: {"ab"}, behavior.DefaultField: {humanTelemetry(1, typed{name: FieldNameAnswer, value: "ab"})}}, true},
		{"script", url.Values{FieldNameAnswer: {"ab"}, behavior.DefaultField: {humanTelemetry(1, typed{name: FieldNameAnswer, value: "ab", script: true})}}, false},
		{"absent", url.Values{FieldNameAnswer: {"ab"}, behavior.DefaultField: {humanTelemetry(1, typed{name: "other", value: "ab"})}}, false},
	}
	s := newScorer(nil)
	for _, tt := range tests {
		res, err := s.ScoreRequest(post(tt.form), 0)
		if err != nil {
			t.Fatalf("%s: ScoreRequest = %v", tt.name, err)
		}
		if got := !res.Has(behavior.ReasonUntypedField); got != tt.want {
			t.Errorf("answer typed (%s) = %v, want %v (%+v)", tt.name, got, tt.want, res.Reasons)
		}
	}
}

func TestProtectPassesSafeMethods(t *testing.T) {
	g, rec := newTestGate(t)
	h := &okHandler{}
	for _, m := range []string{http.MethodGet, http.MethodHead} {
		if w := serve(g.Protect(h), m, "/login", nil, nil); w.Code != http.StatusOK {
			t.Fatalf("%s = %d, want 200", m, w.Code)
		}
	}
	if h.count() != 2 || len(rec.types()) != 0 {
		t.Fatalf("calls %d, events %v; want 2 calls and no events", h.count(), rec.types())
	}
	// OPTIONS is checked like a post: a handler that processes every
	// method but GET must not run unchecked.
	if w := serve(g.Protect(h), http.MethodOptions, "/login?username=kim&password=x", nil, nil); w.Code != http.StatusUnsupportedMediaType || h.count() != 2 {
		t.Fatalf("OPTIONS = %d, handler calls %d; want 415 and no call", w.Code, h.count())
	}
}

func TestProtectBodyLimit(t *testing.T) {
	g, _ := newTestGate(t, WithMaxBodyBytes(1024))
	f := loginForm("", strings.Repeat("x", 4096))
	w := postForm(g.Protect(&okHandler{}), "/login", f, nil)
	if w.Code == http.StatusOK {
		t.Fatalf("an oversized body got %d", w.Code)
	}
}

func TestProtectPerKeyLimits(t *testing.T) {
	one := ratelimit.Limit{Count: 1, Period: time.Hour, Burst: 1}
	ipl, _ := ratelimit.NewMemoryKeyLimiter(one)
	acl, _ := ratelimit.NewMemoryKeyLimiter(one)

	t.Run("ip", func(t *testing.T) {
		g, rec := newTestGate(t, WithIPLimit(ipl))
		p := g.Protect(&okHandler{})
		postForm(p, "/login", loginForm("", ""), nil)
		w := postForm(p, "/login", loginForm("", ""), nil)
		if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" {
			t.Fatalf("second post from one address = %d (Retry-After %q), want 429", w.Code, w.Header().Get("Retry-After"))
		}
		ev, ok := rec.find(ratelimit.EventKeyLimited)
		if !ok || ev.Policy != "ip" || ev.RateLimit.Key != "ip:192.0.2.7" {
			t.Fatalf("key limited event = %+v", ev)
		}
	})
	t.Run("account", func(t *testing.T) {
		g, rec := newTestGate(t, WithAccountLimit("username", acl), WithIPLimit(nil))
		p := g.Protect(&okHandler{})
		postForm(p, "/login", url.Values{"username": {" Kim "}}, nil)
		w := postForm(p, "/login", url.Values{"username": {"kim"}}, nil)
		if w.Code != http.StatusTooManyRequests {
			t.Fatalf("second post for one account = %d, want 429", w.Code)
		}
		if ev, ok := rec.find(ratelimit.EventKeyLimited); !ok || ev.Policy != "account" || ev.RateLimit.Key != "acct:kim" {
			t.Fatalf("key limited event = %+v", ev)
		}
		if w := postForm(p, "/login", url.Values{"username": {"lee"}}, nil); w.Code == http.StatusTooManyRequests {
			t.Fatal("another account was limited")
		}
	})
}

func TestProtectClassifiesLanes(t *testing.T) {
	g, _ := newTestGate(t)
	p := g.Protect(&okHandler{})
	for _, kind := range []string{"", "background", "Background"} {
		_, token := solve(t, g, "mapo bridge")
		w := postForm(p, "/login", loginForm(token, humanLogin(9)), http.Header{LoginKindHeader: {kind}})
		if w.Code != http.StatusOK {
			t.Fatalf("kind %q: %d %s", kind, w.Code, w.Body)
		}
	}
	admitted := map[string]uint64{}
	for _, c := range g.Limiter().Stats().Classes {
		admitted[c.Name] = c.Admitted
	}
	if admitted[ClassLogin] != 1 || admitted[ClassBackground] != 2 {
		t.Fatalf("admitted = %v, want login 1, background 2", admitted)
	}
	if admitted[ClassChallenge] < 6 {
		t.Fatalf("challenge lane admitted %d, want the 3 creates and 3 verifies", admitted[ClassChallenge])
	}
}

func TestLaneRejectsWhenFull(t *testing.T) {
	lim, err := ratelimit.NewLimiter(ratelimit.WithTotal(4), ratelimit.WithClasses(
		ratelimit.Class{Name: ClassLogin, Criticality: ratelimit.NeverShed},
		ratelimit.Class{Name: ClassBackground, Criticality: ratelimit.Sheddable},
		ratelimit.Class{Name: ClassChallenge}, ratelimit.Class{Name: ClassMedia}))
	if err != nil {
		t.Fatal(err)
	}
	defer lim.Close()
	g, _ := newTestGate(t, WithLimiter(lim))
	hold, release := make(chan struct{}), make(chan struct{})
	slow := g.Lane(ClassBackground)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(hold)
		<-release
	}))
	done := make(chan struct{})
	go func() { serve(slow, http.MethodPost, "/renew", nil, nil); close(done) }()
	<-hold
	w := serve(slow, http.MethodPost, "/renew", nil, nil)
	close(release)
	<-done
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
		t.Fatalf("second background request while the lane is full = %d, want 503 with Retry-After", w.Code)
	}
}

func TestNewValidatesLimiterClasses(t *testing.T) {
	lim, err := ratelimit.NewLimiter(ratelimit.WithClasses(ratelimit.Class{Name: "other"}))
	if err != nil {
		t.Fatal(err)
	}
	defer lim.Close()
	_, err = New(WithLimiter(lim), WithImageGenerator(fixedGenerator("x")), WithAudioGenerator(nil), WithoutPool())
	if !errors.Is(err, ErrConfig) {
		t.Fatalf("New with a limiter lacking classes: %v, want ErrConfig", err)
	}
	_, err = New(WithImageGenerator(nil), WithoutPool())
	if !errors.Is(err, ErrConfig) {
		t.Fatalf("New without an image generator: %v, want ErrConfig", err)
	}
}

func TestHandlerRoutes(t *testing.T) {
	g, rec := newTestGate(t)
	h := g.Handler()
	tests := []struct {
		method, path string
		status       int
		ctype        string
	}{
		{"GET", "/tollgate/static/widget.js", 200, "javascript"},
		{"GET", "/tollgate/static/widget.css", 200, "text/css"},
		{"GET", "/tollgate/behavior.js", 200, "javascript"},
		{"GET", "/tollgate/static/nothing.txt", 404, ""},
		{"GET", "/tollgate/challenge", 405, ""},
		{"POST", "/tollgate/media/x", 405, ""},
	}
	for _, tt := range tests {
		w := serve(h, tt.method, tt.path, nil, nil)
		if w.Code != tt.status || !strings.Contains(w.Header().Get("Content-Type"), tt.ctype) {
			t.Errorf("%s %s = %d %q, want %d %q", tt.method, tt.path, w.Code, w.Header().Get("Content-Type"), tt.status, tt.ctype)
		}
	}
	w := serve(h, "POST", "/tollgate/challenge", nil, nil)
	var ch captcha.ChallengeJSON
	if w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &ch) != nil {
		t.Fatalf("create = %d %s", w.Code, w.Body)
	}
	if w := serve(h, "GET", ch.MediaURL, nil, nil); w.Code != 200 || w.Header().Get("Content-Type") != "image/png" {
		t.Fatalf("media = %d %q", w.Code, w.Header().Get("Content-Type"))
	}
	ev, ok := rec.find("challenge.issued")
	if !ok || ev.Source != SourceCaptcha || ev.Request.Path != "/tollgate/challenge" || ev.Captcha.ChallengeID != ch.ID {
		t.Fatalf("issued event = %+v", ev)
	}
}

func TestHandlerChallengeLimit(t *testing.T) {
	two, _ := ratelimit.NewMemoryKeyLimiter(ratelimit.Limit{Count: 1, Period: time.Hour, Burst: 2})
	g, _ := newTestGate(t, WithChallengeLimit(two), WithPathPrefix("/tg/"))
	h := g.Handler()
	for i := 0; i < 2; i++ {
		if w := serve(h, "POST", "/tg/challenge", nil, nil); w.Code != http.StatusCreated {
			t.Fatalf("create %d = %d %s", i, w.Code, w.Body)
		}
	}
	if w := serve(h, "POST", "/tg/challenge", nil, nil); w.Code != http.StatusTooManyRequests {
		t.Fatalf("third create = %d, want 429", w.Code)
	}
	// Static files and the collector are never limited.
	if w := serve(h, "GET", "/tg/static/widget.js", nil, nil); w.Code != 200 {
		t.Fatalf("widget after the limit = %d", w.Code)
	}
}

func TestWithoutBehaviorAndLimiter(t *testing.T) {
	g, rec := newTestGate(t, WithoutBehavior(), WithoutLimiter(), WithIPLimit(nil))
	if g.Limiter() != nil {
		t.Fatal("WithoutLimiter kept a limiter")
	}
	if w := serve(g.Handler(), "GET", "/tollgate/behavior.js", nil, nil); w.Code != http.StatusNotFound {
		t.Fatalf("collector without behavior = %d, want 404", w.Code)
	}
	h := &okHandler{}
	_, token := solve(t, g, "mapo bridge")
	if w := postForm(g.Protect(h), "/login", loginForm(token, ""), nil); w.Code != 200 {
		t.Fatalf("CAPTCHA-only protection = %d %s; events %v", w.Code, w.Body, rec.types())
	}
}

func TestProtectConcurrent(t *testing.T) {
	g, _ := newTestGate(t, WithIPLimit(nil))
	p := g.Protect(&okHandler{})
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, token := solve(t, g, "mapo bridge")
			tel, person := botLogin(uint64(i)), i%2 == 0
			if person {
				tel = humanLogin(uint64(i))
			}
			w := postForm(p, "/login", loginForm(token, tel), nil)
			if want := map[bool]int{true: 200, false: 403}[person]; w.Code != want {
				t.Errorf("post %d = %d, want %d", i, w.Code, want)
			}
		}(i)
	}
	wg.Wait()
	if n := len(g.RecentVerdicts()); n != 16 {
		t.Fatalf("%d recent verdicts, want 16", n)
	}
	body := serve(g.MetricsHandler(), "GET", "/metrics", nil, nil).Body.String()
	for _, want := range []string{`tollgate_behavior_verdicts_total{verdict="bot"} 8`, `tollgate_behavior_verdicts_total{verdict="human"} 8`,
		`tollgate_protect_total{outcome="allowed"} 8`, `tollgate_behavior_deceived_total 8`} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s:\n%s", want, body)
		}
	}
}

func TestRecentRing(t *testing.T) {
	r := newRecent(3)
	for i := 1; i <= 5; i++ {
		r.add(VerdictRecord{Score: float64(i)})
	}
	got := r.list()
	if len(got) != 3 || got[0].Score != 5 || got[2].Score != 3 {
		t.Fatalf("list = %v, want scores 5 4 3", got)
	}
	if l := newRecent(0); len(l.list()) != 0 {
		t.Fatal("empty ring listed records")
	}
}

func TestClassifyLogin(t *testing.T) {
	tests := map[string]string{"": ClassLogin, "background": ClassBackground, " BACKGROUND ": ClassBackground, "user": ClassLogin}
	for v, want := range tests {
		r, _ := http.NewRequest("POST", "/", nil)
		r.Header.Set(LoginKindHeader, v)
		if got := ClassifyLogin(r); got != want {
			t.Errorf("ClassifyLogin(%q) = %q, want %q", v, got, want)
		}
	}
}

func TestRequestIDsAreUnique(t *testing.T) {
	g, rec := newTestGate(t)
	h := g.Handler()
	for i := 0; i < 5; i++ {
		serve(h, "POST", "/tollgate/challenge", nil, nil)
	}
	seen := map[string]bool{}
	for _, e := range rec.events {
		if e.Type == "challenge.issued" {
			if e.Request.ID == "" || seen[e.Request.ID] {
				t.Fatalf("request id %q empty or repeated", e.Request.ID)
			}
			seen[e.Request.ID] = true
		}
	}
	if len(seen) != 5 {
		t.Fatalf("%d issued events, want 5", len(seen))
	}
}
