package tollgate

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/ratelimit"
)

// managedForm is a login form as the widget posts it in managed mode: no
// CAPTCHA answer, the telemetry and the proof of work.
func managedForm(telemetry, pow string) map[string]string {
	f := map[string]string{"username": "kim", "password": "hunter22"}
	if telemetry != "" {
		f[behavior.DefaultField] = telemetry
	}
	if pow != "" {
		f[FieldNameWork] = pow
	}
	return f
}

func postValues(h http.Handler, target string, f map[string]string) *httptest.ResponseRecorder {
	form := make(map[string][]string, len(f))
	for k, v := range f {
		form[k] = []string{v}
	}
	return postForm(h, target, form, nil)
}

// personLogin is the telemetry of a person who typed username and
// password only (managed mode shows no answer field).
func personLogin(seed uint64) string {
	return humanTelemetry(seed, typed{name: "username", value: "kim"}, typed{name: "password", value: "hunter22"})
}

type challengeAnswer struct {
	OK        bool                  `json:"ok"`
	Code      string                `json:"code"`
	Challenge captcha.ChallengeJSON `json:"challenge"`
}

func decodeChallenge(t *testing.T, w *httptest.ResponseRecorder) challengeAnswer {
	t.Helper()
	var c challengeAnswer
	if w.Code != http.StatusForbidden || json.Unmarshal(w.Body.Bytes(), &c) != nil || c.Code != "challenge_required" || c.Challenge.ID == "" {
		t.Fatalf("answer = %d %s, want 403 challenge_required with a challenge", w.Code, w.Body)
	}
	return c
}

func TestManagedPersonPassesWithoutPuzzle(t *testing.T) {
	g, rec := newTestGate(t)
	h := &okHandler{}
	w := postValues(g.Protect(h), "/login", managedForm(personLogin(1), work(t, g)))
	if w.Code != http.StatusOK || h.count() != 1 {
		t.Fatalf("person in managed mode = %d %s, want 200 with no puzzle; events %v", w.Code, w.Body, rec.types())
	}
	if ev, ok := rec.find(EventAllowed); !ok || ev.Verdict != "human" || ev.Kind != "" {
		t.Fatalf("allowed event = %+v (%v), want a human verdict and no challenge kind", ev, ok)
	}
}

func TestManagedChallengeOnDemand(t *testing.T) {
	g, rec := newTestGate(t)
	h := &okHandler{}
	p := g.Protect(h)
	tests := []struct {
		name string
		form map[string]string
	}{
		{"no proof of work", managedForm(personLogin(2), "")},
		{"spent proof of work", nil},
		{"no telemetry (curl, JavaScript off)", managedForm("", work(t, g))},
		{"forged proof of work", managedForm(personLogin(3), "AAAA:1")},
	}
	sol := work(t, g)
	if w := postValues(p, "/login", managedForm(personLogin(4), sol)); w.Code != http.StatusOK {
		t.Fatalf("first use of a proof of work = %d %s", w.Code, w.Body)
	}
	tests[1].form = managedForm(personLogin(5), sol)
	for _, tt := range tests {
		before := h.count()
		c := decodeChallenge(t, postValues(p, "/login", tt.form))
		if h.count() != before {
			t.Fatalf("%s: the handler ran", tt.name)
		}
		if _, ok := rec.find(behavior.EventDeceived); ok {
			t.Fatalf("%s: deceived; a missing signal is never deception", tt.name)
		}
		// The person solves the challenge inline and posts again.
		w := serve(g.Handler(), http.MethodPost, "/tollgate/challenge/"+c.Challenge.ID+"/verify",
			strings.NewReader(`{"answer":"mapo bridge","action":"/login"}`), nil)
		var v captcha.VerifyJSON
		if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &v) != nil {
			t.Fatalf("%s: verify = %d %s", tt.name, w.Code, w.Body)
		}
		f := tt.form
		f[FieldNameToken], f[FieldNameID] = v.Token, c.Challenge.ID
		if f[behavior.DefaultField] != "" {
			f[behavior.DefaultField] = humanLogin(6)
			f[FieldNameAnswer] = "mapo bridge"
		}
		if w := postValues(p, "/login", f); w.Code != http.StatusOK || h.count() != before+1 {
			t.Fatalf("%s: post with the solved challenge = %d %s, want 200", tt.name, w.Code, w.Body)
		}
	}
	if _, ok := rec.find(EventChallenged); !ok {
		t.Fatalf("no %s event; events %v", EventChallenged, rec.types())
	}
}

// TestManagedDeceptionLooksLikeChallenge: a bot's post without a proof
// gets what a real challenge gets, and is recorded as a suspect.
func TestManagedDeceptionLooksLikeChallenge(t *testing.T) {
	g, rec := newTestGate(t)
	h := &okHandler{}
	p := g.Protect(h)
	real := postValues(p, "/login", managedForm(personLogin(7), ""))
	fake := postValues(p, "/login", managedForm(typerLogin(typed{name: "username", value: "kim"}, typed{name: "password", value: "hunter22"}), work(t, g)))
	decodeChallenge(t, real)
	decodeChallenge(t, fake)
	if h.count() != 0 {
		t.Fatal("the handler ran")
	}
	if _, ok := rec.find(behavior.EventDeceived); !ok {
		t.Fatalf("the bot was not deceived; events %v", rec.types())
	}
	strip := func(w *httptest.ResponseRecorder) (http.Header, string) {
		hd := w.Header().Clone()
		hd.Del("Date")
		var m map[string]any
		json.Unmarshal(w.Body.Bytes(), &m)
		ch := m["challenge"].(map[string]any)
		for _, k := range []string{"id", "expires", "mediaUrl", "mediaUrl2x"} {
			delete(ch, k)
		}
		b, _ := json.Marshal(m)
		return hd, string(b)
	}
	rh, rb := strip(real)
	fh, fb := strip(fake)
	if rb != fb || len(rh) != len(fh) {
		t.Fatalf("deceived answer differs from a real challenge:\nreal %v %s\nfake %v %s", rh, rb, fh, fb)
	}
	if _, ok, _ := g.Suspects().Lookup(t.Context(), "ip:192.0.2.7", time.Now()); !ok {
		t.Fatal("the deceived bot was not recorded as a suspect")
	}
	// The suspect network is now challenged even with a person's post.
	decodeChallenge(t, postValues(p, "/login", managedForm(personLogin(9), work(t, g))))
}

func TestManagedFailuresChallenge(t *testing.T) {
	g, _ := newTestGate(t, WithIPLimit(nil))
	h := &okHandler{}
	p := g.Protect(h)
	for i := range 5 {
		f := loginForm("", humanLogin(uint64(30+i)))
		f.Set(FieldNameID, "AAAAAAAAAAAAAAAAAAAAAA")
		if w := postForm(p, "/login", f, nil); w.Code == http.StatusOK {
			t.Fatalf("failing post %d passed", i)
		}
	}
	decodeChallenge(t, postValues(p, "/login", managedForm(personLogin(40), work(t, g))))
}

func TestModes(t *testing.T) {
	g, _ := newTestGate(t)
	h := &okHandler{}
	// ModeAlways: a post without a proof fails the check, puzzle or not.
	w := postValues(g.Protect(h, WithMode(ModeAlways)), "/login", managedForm(personLogin(10), work(t, g)))
	if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), `"missing_answer"`) {
		t.Fatalf("ModeAlways without a proof = %d %s, want 403 missing_answer", w.Code, w.Body)
	}
	// ModeNever: no puzzle, even without proof of work or telemetry.
	never := g.Protect(h, WithMode(ModeNever))
	if w := postValues(never, "/login", managedForm("", "")); w.Code != http.StatusOK {
		t.Fatalf("ModeNever without telemetry = %d %s, want 200", w.Code, w.Body)
	}
	// ...but a bot is still deceived.
	if w := postValues(never, "/login", managedForm(typerLogin(typed{name: "username", value: "kim"}, typed{name: "password", value: "hunter22"}), "")); w.Code != http.StatusForbidden || h.count() != 1 {
		t.Fatalf("ModeNever bot = %d %s (handler ran %d times), want 403 and not run", w.Code, w.Body, h.count())
	}
}

func TestNoScript(t *testing.T) {
	g, _ := newTestGate(t)
	h := &okHandler{}
	withAudio, _ := newTestGate(t, WithAudioGenerator(captcha.GeneratorFunc(func(ctx context.Context, req captcha.Request) (*captcha.Puzzle, error) {
		return &captcha.Puzzle{Answers: []string{"1234"}, Prompt: "Type the digits", Media: []byte("RIFF"), MediaType: "audio/wav"}, nil
	})))
	for _, tc := range []struct {
		g                   *Gate
		target, want, other string
	}{
		{withAudio, "/login", `<img src="/tollgate/media/`, "tollgate_kind=audio"},
		{withAudio, "/login?tollgate_kind=audio", `<audio controls`, "tollgate_kind=image"},
		{g, "/login", `<img src="/tollgate/media/`, ""}, // no audio generator: no link to one
	} {
		frag, err := tc.g.NoScript(httptest.NewRequest(http.MethodGet, tc.target, nil))
		if err != nil {
			t.Fatal(err)
		}
		s := string(frag)
		for _, want := range []string{"<noscript>", tc.want, `name="tollgate_id" value="`, `name="tollgate_answer"`} {
			if !strings.Contains(s, want) {
				t.Errorf("NoScript(%s) lacks %q:\n%s", tc.target, want, s)
			}
		}
		if got := strings.Contains(s, "tollgate_kind="); got != (tc.other != "") || tc.other != "" && !strings.Contains(s, tc.other) {
			t.Errorf("NoScript(%s) link to the other kind = %v, want %q:\n%s", tc.target, got, tc.other, s)
		}
	}
	// A page view costs a challenge: the per-address challenge limit applies.
	kl, _ := ratelimit.NewMemoryKeyLimiter(ratelimit.Limit{Count: 1, Period: time.Hour, Burst: 1})
	limited, _ := newTestGate(t, WithChallengeLimit(kl))
	for i, want := range []string{`name="tollgate_id"`, "Reload the page"} {
		frag, err := limited.NoScript(httptest.NewRequest(http.MethodGet, "/login", nil))
		if err != nil || !strings.Contains(string(frag), want) {
			t.Errorf("NoScript #%d under a limit of 1 = %q, %v; want it to contain %q", i+1, frag, err, want)
		}
	}
	// Without JavaScript the form posts the id and the answer, no
	// telemetry: the answer is checked and the person signs in.
	frag, _ := g.NoScript(httptest.NewRequest(http.MethodGet, "/login", nil))
	id := between(string(frag), `name="tollgate_id" value="`, `"`)
	w := postValues(g.Protect(h), "/login", map[string]string{"username": "kim", "password": "hunter22", FieldNameID: id, FieldNameAnswer: "Mapo Bridge"})
	if w.Code != http.StatusOK || h.count() != 1 {
		t.Fatalf("no-JS post with the noscript answer = %d %s, want 200", w.Code, w.Body)
	}
}

func between(s, a, b string) string {
	_, rest, _ := strings.Cut(s, a)
	v, _, _ := strings.Cut(rest, b)
	return v
}

// TestManagedReplayedTelemetry: a recorded person's telemetry posted with
// values it does not account for (a replay with other credentials) is
// asked for a challenge, not passed.
func TestManagedReplayedTelemetry(t *testing.T) {
	g, _ := newTestGate(t)
	h := &okHandler{}
	f := managedForm(personLogin(12), work(t, g))
	f["username"], f["password"] = "administrator", "x"
	decodeChallenge(t, postValues(g.Protect(h), "/login", f))
	if h.count() != 0 {
		t.Fatal("the replayed telemetry passed")
	}
}
