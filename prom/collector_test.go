package prom_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"

	"github.com/tollgate/tollgate"
	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/prom"
	"github.com/tollgate/tollgate/ratelimit"
	"github.com/tollgate/tollgate/redisstore"
)

const answer = "Mapo Bridge"

func fixedGenerator() captcha.Generator {
	return captcha.GeneratorFunc(func(ctx context.Context, req captcha.Request) (*captcha.Puzzle, error) {
		return &captcha.Puzzle{Answers: []string{answer}, Prompt: "Type " + answer,
			Media: []byte("\x89PNG\r\n\x1a\nfake"), MediaType: "image/png"}, nil
	})
}

// verdicts keeps the behavior verdicts a Gate reports.
type verdicts struct {
	mu  sync.Mutex
	res []behavior.Result
}

func (v *verdicts) hook(_ context.Context, e tollgate.Event) {
	if e.Behavior != nil && e.Type == behavior.EventVerdict {
		v.mu.Lock()
		v.res = append(v.res, e.Behavior.Result)
		v.mu.Unlock()
	}
}

func (v *verdicts) last() behavior.Result {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.res[len(v.res)-1]
}

// newGate returns a Gate with a fixed answer and no pool, audio or failure
// delay, watched by a new Collector on a new registry.
func newGate(t *testing.T, opts ...tollgate.Option) (*tollgate.Gate, *prom.Collector, *prometheus.Registry, *verdicts) {
	t.Helper()
	c := prom.NewCollector()
	v := &verdicts{}
	g, err := tollgate.New(append([]tollgate.Option{
		tollgate.WithImageGenerator(fixedGenerator()),
		tollgate.WithAudioGenerator(nil),
		tollgate.WithoutPool(),
		tollgate.WithDeceiveDelay(0, 0),
		tollgate.WithEventHook(c.Observe),
		tollgate.WithEventHook(v.hook),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	c.Watch(g)
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	return g, c, reg, v
}

// series gathers reg and returns every sample of the named families as
// "name{label="value",...}" → value; a histogram gives its _count.
func series(t *testing.T, reg prometheus.Gatherer, names ...string) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		if len(names) > 0 && !contains(names, mf.GetName()) {
			continue
		}
		for _, m := range mf.GetMetric() {
			var ls []string
			for _, l := range m.GetLabel() {
				ls = append(ls, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			name := mf.GetName()
			if len(ls) > 0 {
				name += "{" + strings.Join(ls, ",") + "}"
			}
			switch mf.GetType() {
			case dto.MetricType_COUNTER:
				out[name] = m.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				out[name] = m.GetGauge().GetValue()
			case dto.MetricType_HISTOGRAM:
				out[name] = float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func postJSON(t *testing.T, h http.Handler, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest("POST", path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.RemoteAddr = "192.0.2.7:1234"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func postForm(t *testing.T, h http.Handler, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.RemoteAddr = "192.0.2.7:1234"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// botTelemetry is a zero-delay typer with navigator.webdriver set:
// positive bot evidence.
func botTelemetry() string {
	t := &behavior.Telemetry{Version: behavior.Version, Step: 0.1, Load: 400, WebDriver: true}
	now := 600.0
	fld := behavior.Field{Name: "username", FinalLen: behavior.Length("kim")}
	fld.Events = append(fld.Events, behavior.Entry{Type: behavior.EntryFocus, T: now, D: 0.3, Ref: -1,
		Pointer: &behavior.Pointer{Kind: behavior.PointerMouse, SinceDown: 1}})
	for range 3 {
		now++
		down := len(fld.Events)
		fld.Events = append(fld.Events,
			behavior.Entry{Type: behavior.EntryKeyDown, Key: behavior.KeyLetter, T: now, D: 0.2, Ref: -1},
			behavior.Entry{Type: behavior.EntryInput, T: now + 0.2, D: 0.1, InputType: behavior.InputInsertText, N: 1, Ref: -1},
			behavior.Entry{Type: behavior.EntryKeyUp, Key: behavior.KeyLetter, T: now + 3, D: 0.2, Ref: down})
	}
	t.Fields = append(t.Fields, fld)
	t.Submit = behavior.Submit{T: now + 10, D: 0.4, Via: behavior.ViaClick, Pointer: behavior.Pointer{Kind: behavior.PointerMouse, SinceDown: 1}}
	b, _ := t.MarshalJSON()
	return string(b)
}

// TestCollectorScripted runs one request of each decision through a real
// Gate and checks what the collector counts and times.
func TestCollectorScripted(t *testing.T) {
	g, _, reg, v := newGate(t)
	api := g.Handler()
	always := g.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }),
		tollgate.WithMode(tollgate.ModeAlways))
	managed := g.Protect(http.NotFoundHandler())

	// The challenge API: one create, one wrong answer.
	w := postJSON(t, api, "/tollgate/challenge", `{"lang":"en"}`)
	if w.Code != http.StatusCreated {
		t.Fatalf("create = %d %s", w.Code, w.Body)
	}
	id := between(w.Body.String(), `"id":"`, `"`)
	if w = postJSON(t, api, "/tollgate/challenge/"+id+"/verify", `{"answer":"wrong"}`); w.Code != http.StatusForbidden {
		t.Fatalf("wrong answer = %d %s", w.Code, w.Body)
	}
	// Protected posts: solved, missing answer, bot, no telemetry
	// (managed: challenged), unreadable body.
	if w = postForm(t, always, url.Values{tollgate.FieldNameID: {id}, tollgate.FieldNameAnswer: {answer}}); w.Code != http.StatusNoContent {
		t.Fatalf("solved post = %d %s", w.Code, w.Body)
	}
	if w = postForm(t, always, url.Values{"username": {"kim"}}); w.Code != http.StatusForbidden {
		t.Fatalf("post without an answer = %d %s", w.Code, w.Body)
	}
	postForm(t, always, url.Values{"username": {"kim"}, behavior.DefaultField: {botTelemetry()}})
	bot := v.last()
	if bot.Verdict != behavior.VerdictBot || len(bot.Reasons) == 0 {
		t.Fatalf("bot telemetry scored %v", bot)
	}
	postForm(t, managed, url.Values{"username": {"kim"}})
	r := httptest.NewRequest("POST", "/login", strings.NewReader("x"))
	r.Header.Set("Content-Type", "text/plain")
	bad := httptest.NewRecorder()
	always.ServeHTTP(bad, r)
	if bad.Code != http.StatusUnsupportedMediaType {
		t.Fatalf("text/plain post = %d", bad.Code)
	}

	got := series(t, reg, "tollgate_decisions_total", "tollgate_decision_duration_seconds",
		"tollgate_captcha_verify_duration_seconds", "tollgate_captcha_issue_duration_seconds", "tollgate_captcha_events_total")
	want := map[string]float64{
		`tollgate_decisions_total{decision="allowed",reason="solved"}`:                       1,
		`tollgate_decisions_total{decision="allowed",reason="passed"}`:                       0,
		`tollgate_decisions_total{decision="denied",reason="missing_answer"}`:                1,
		`tollgate_decisions_total{decision="denied",reason="bad_request"}`:                   1,
		`tollgate_decisions_total{decision="deceived",reason="` + bot.Reasons[0].Code + `"}`: 1,
		`tollgate_decisions_total{decision="challenged",reason="no_telemetry"}`:              1,
		`tollgate_decision_duration_seconds{decision="allowed"}`:                             1,
		`tollgate_decision_duration_seconds{decision="denied"}`:                              2,
		`tollgate_decision_duration_seconds{decision="deceived"}`:                            1,
		`tollgate_decision_duration_seconds{decision="challenged"}`:                          1,
		// Only the verify API is timed, not the answer posted to /login.
		`tollgate_captcha_verify_duration_seconds{result="failed"}`: 1,
		// Only the create API, not the challenge the managed post got.
		`tollgate_captcha_issue_duration_seconds{kind="image"}`:               1,
		`tollgate_captcha_events_total{kind="image",type="challenge.issued"}`: 2,
		`tollgate_captcha_events_total{kind="image",type="challenge.failed"}`: 1,
		`tollgate_captcha_events_total{kind="image",type="challenge.solved"}`: 1,
		// Two challenges rendered (no pool): the create API's and the
		// managed post's.
		`tollgate_captcha_events_total{kind="image",type="challenge.rendered"}`: 2,
	}
	check(t, got, want)
	risk := series(t, reg, "tollgate_risk_decision_duration_seconds", "tollgate_captcha_render_duration_seconds")
	check(t, risk, map[string]float64{
		`tollgate_risk_decision_duration_seconds`:                1, // the managed post
		`tollgate_captcha_render_duration_seconds{kind="image"}`: 2,
	})
}

// check compares every series of want with got, and reports series of the
// same families that got has and want does not.
func check(t *testing.T, got, want map[string]float64) {
	t.Helper()
	for k, wv := range want {
		if gv, ok := got[k]; !ok || gv != wv {
			t.Errorf("%s = %v (present %v), want %v", k, gv, ok, wv)
		}
	}
	var extra []string
	for k := range got {
		if _, ok := want[k]; !ok {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		t.Errorf("unexpected series %s = %v", k, got[k])
	}
}

func between(s, from, to string) string {
	_, rest, _ := strings.Cut(s, from)
	v, _, _ := strings.Cut(rest, to)
	return v
}

// TestCollectorEvents feeds events straight to Observe: each maps to its
// series, with label values from fixed sets.
func TestCollectorEvents(t *testing.T) {
	c := prom.NewCollector()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	ctx := context.Background()
	start := time.Now().Add(-50 * time.Millisecond)
	req := tollgate.RequestInfo{ID: "r1", Method: "POST", Path: "/login", Start: start}
	for _, e := range []tollgate.Event{
		{Source: tollgate.SourceGate, Type: tollgate.EventAllowed, Request: req},
		{Source: tollgate.SourceGate, Type: tollgate.EventAllowed, Kind: "audio", Request: req},
		{Source: tollgate.SourceGate, Type: tollgate.EventChallenged, Reason: "suspect_network,no_work", Request: req},
		{Source: tollgate.SourceGate, Type: tollgate.EventChallenged},
		{Source: tollgate.SourceGate, Type: tollgate.EventDenied, Reason: "x", Err: fmt.Errorf("checking: %w", captcha.ErrStore), Request: req},
		{Source: tollgate.SourceGate, Type: tollgate.EventDenied, Reason: "captcha: wrong answer (2 attempts left)", Err: &captcha.WrongAnswerError{AttemptsLeft: 2}},
		{Source: tollgate.SourceGate, Type: tollgate.EventDenied, Reason: "no error value"},
		tollgate.FromBehavior(behavior.Event{Type: behavior.EventDeceived, Delay: 40 * time.Millisecond,
			Result: behavior.Result{Verdict: behavior.VerdictBot, Reasons: []behavior.Reason{{Code: behavior.ReasonWebDriver}}}}),
		tollgate.FromBehavior(behavior.Event{Type: behavior.EventCanceled}),
		tollgate.FromBehavior(behavior.Event{Type: behavior.EventVerdict,
			Result: behavior.Result{Verdict: behavior.VerdictSuspect, Reasons: []behavior.Reason{{Code: behavior.ReasonWebDriver}, {Code: behavior.ReasonUntypedField}}}}),
		tollgate.FromBehavior(behavior.Event{Type: behavior.EventError, Err: errors.New("full")}),
		tollgate.FromRateLimit(ratelimit.Event{Type: ratelimit.EventKeyLimited}, time.Now()),
		tollgate.FromRateLimit(ratelimit.Event{Type: ratelimit.EventAdmit, Class: "login", Wait: 3 * time.Millisecond}, time.Now()),
		tollgate.FromRateLimit(ratelimit.Event{Type: ratelimit.EventReject, Class: "login"}, time.Now()),
		tollgate.FromRedis(redisstore.Event{Type: redisstore.EventError, Store: "captcha", Op: "attempt"}, time.Now()),
		tollgate.FromCaptcha(captcha.Event{Type: "pool.miss", Kind: captcha.KindAudio}),
	} {
		if e.Type == ratelimit.EventKeyLimited {
			e.Policy = "account"
		}
		if e.Behavior != nil && e.Type == behavior.EventDeceived {
			e.Request = req
		}
		c.Observe(ctx, e)
	}
	want := map[string]float64{
		`tollgate_decisions_total{decision="allowed",reason="passed"}`:             1,
		`tollgate_decisions_total{decision="allowed",reason="solved"}`:             1,
		`tollgate_decisions_total{decision="challenged",reason="suspect_network"}`: 1,
		`tollgate_decisions_total{decision="challenged",reason="none"}`:            1,
		`tollgate_decisions_total{decision="denied",reason="store"}`:               1,
		`tollgate_decisions_total{decision="denied",reason="wrong_answer"}`:        1,
		`tollgate_decisions_total{decision="denied",reason="unknown"}`:             1,
		`tollgate_decisions_total{decision="deceived",reason="webdriver"}`:         1,
		`tollgate_decisions_total{decision="deceived",reason="none"}`:              1,
		// Only events of a request the Gate tracked are timed.
		`tollgate_decision_duration_seconds{decision="allowed"}`:                                 2,
		`tollgate_decision_duration_seconds{decision="challenged"}`:                              1,
		`tollgate_decision_duration_seconds{decision="denied"}`:                                  1,
		`tollgate_decision_duration_seconds{decision="deceived"}`:                                1,
		`tollgate_behavior_verdicts_total{verdict="suspect"}`:                                    1,
		`tollgate_behavior_reasons_total{reason="webdriver"}`:                                    1,
		`tollgate_behavior_reasons_total{reason="untyped_field"}`:                                1,
		`tollgate_behavior_errors_total`:                                                         1,
		`tollgate_ratelimit_key_limited_total{policy="account"}`:                                 1,
		`tollgate_ratelimit_queue_wait_seconds{class="login"}`:                                   1,
		`tollgate_redisstore_events_total{op="attempt",store="captcha",type="redisstore.error"}`: 1,
		`tollgate_captcha_events_total{kind="audio",type="pool.miss"}`:                           1,
		`tollgate_risk_decision_duration_seconds`:                                                0,
	}
	check(t, series(t, reg), want)

	// The deceived request's time excludes its failure delay: about
	// 10 ms of its 50, not 50.
	mfs, _ := reg.Gather()
	for _, mf := range mfs {
		if mf.GetName() != "tollgate_decision_duration_seconds" {
			continue
		}
		for _, m := range mf.GetMetric() {
			if m.GetLabel()[0].GetValue() == "deceived" {
				if s := m.GetHistogram().GetSampleSum(); s >= 0.05 {
					t.Errorf("deceived decision took %v s, want the 40 ms delay left out", s)
				}
			}
		}
	}
}

// TestCollectorState checks the gauges and counters read from the Gate at
// a scrape against the Gate's own numbers.
func TestCollectorState(t *testing.T) {
	g, _, reg, _ := newGate(t)
	st := g.Limiter().Stats()
	want := map[string]float64{
		`tollgate_ratelimit_level`:                0,
		`tollgate_ratelimit_seats`:                float64(st.Total),
		`tollgate_captcha_pool_ready`:             0,
		`tollgate_captcha_pool_hits_total`:        0,
		`tollgate_captcha_pool_misses_total`:      0,
		`tollgate_captcha_pool_rendered_total`:    0,
		`tollgate_captcha_pool_discarded_total`:   0,
		`tollgate_captcha_pool_vet_seconds_total`: 0,
		`tollgate_suspects`:                       0,
	}
	for _, cl := range st.Classes {
		l := `{class="` + cl.Name + `"}`
		want["tollgate_ratelimit_max_seats"+l] = float64(cl.Max)
		want["tollgate_ratelimit_in_flight"+l] = 0
		want["tollgate_ratelimit_queued"+l] = 0
		want["tollgate_ratelimit_shedding"+l] = 0
		want["tollgate_ratelimit_admitted_total"+l] = 0
		for _, r := range []string{"shed", "busy", "queue_full", "timeout", "canceled"} {
			want[`tollgate_ratelimit_rejected_total{class="`+cl.Name+`",reason="`+r+`"}`] = 0
		}
	}
	names := make([]string, 0, len(want))
	for k := range want {
		name, _, _ := strings.Cut(k, "{")
		names = append(names, name)
	}
	check(t, series(t, reg, names...), want)

	// A protected post takes a seat in the login lane; a bot is recorded
	// as a suspect.
	postForm(t, g.Protect(http.NotFoundHandler(), tollgate.WithMode(tollgate.ModeAlways)),
		url.Values{"username": {"kim"}, behavior.DefaultField: {botTelemetry()}})
	got := series(t, reg, "tollgate_ratelimit_admitted_total", "tollgate_suspects")
	if got[`tollgate_ratelimit_admitted_total{class="`+tollgate.ClassLogin+`"}`] != 1 || got["tollgate_suspects"] != 1 {
		t.Errorf("after one bot post: %v, want 1 admitted login and 1 suspect", got)
	}

	// Before Watch, and after Watch(nil), nothing of a Gate is read.
	c := prom.NewCollector()
	if n := testutil.CollectAndCount(c, "tollgate_ratelimit_level", "tollgate_captcha_pool_ready"); n != 0 {
		t.Errorf("unwatched collector exports %d state series", n)
	}
	c.Watch(g)
	c.Watch(nil)
	if n := testutil.CollectAndCount(c, "tollgate_ratelimit_level"); n != 0 {
		t.Errorf("collector after Watch(nil) exports %d level series", n)
	}
}

// TestCollectorLint registers the collector beside the Go and process
// collectors and lints every family, after one of each kind of event.
func TestCollectorLint(t *testing.T) {
	g, c, _, _ := newGate(t)
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if err := reg.Register(c); err != nil {
		t.Fatalf("registering beside the host's collectors: %v", err)
	}
	postForm(t, g.Protect(http.NotFoundHandler()), url.Values{"username": {"kim"}})
	postJSON(t, g.Handler(), "/tollgate/challenge", `{}`)
	c.Observe(context.Background(), tollgate.FromRedis(redisstore.Event{Type: redisstore.EventError, Store: "captcha", Op: "attempt"}, time.Now()))
	problems, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
	n, err := testutil.GatherAndCount(reg)
	if err != nil {
		t.Fatal(err)
	}
	if goN, _ := testutil.GatherAndCount(reg, "go_goroutines"); goN != 1 || n < 40 {
		t.Errorf("gathered %d series (go_goroutines %d): want the host's and the Gate's", n, goN)
	}
	// The same Collector cannot be registered twice.
	if err := reg.Register(c); err == nil {
		t.Error("registering the collector twice succeeded")
	}
}

func BenchmarkObserve(b *testing.B) {
	c := prom.NewCollector()
	start := time.Now()
	req := tollgate.RequestInfo{ID: "r1", Method: "POST", Path: "/login", Start: start}
	events := []tollgate.Event{
		tollgate.FromRateLimit(ratelimit.Event{Type: ratelimit.EventAdmit, Class: "login"}, start),
		tollgate.FromBehavior(behavior.Event{Type: behavior.EventVerdict, Result: behavior.Result{Verdict: behavior.VerdictHuman}}),
		{Source: tollgate.SourceGate, Type: tollgate.EventAllowed, Request: req},
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		for _, e := range events {
			c.Observe(ctx, e)
		}
	}
}
