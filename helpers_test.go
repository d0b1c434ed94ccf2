package tollgate

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"log/slog"
	"math/bits"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/captcha"
)

// fixedGenerator renders every challenge with the same answer.
func fixedGenerator(answer string) captcha.Generator {
	return captcha.GeneratorFunc(func(ctx context.Context, req captcha.Request) (*captcha.Puzzle, error) {
		return &captcha.Puzzle{
			Answers: []string{answer}, Prompt: "Type the word " + answer,
			Media: []byte("\x89PNG\r\n\x1a\nfake"), MediaType: "image/png",
		}, nil
	})
}

// recorder collects events; it is safe for concurrent use.
type recorder struct {
	mu     sync.Mutex
	events []Event
}

func (r *recorder) hook(_ context.Context, e Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *recorder) types() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.events))
	for i, e := range r.events {
		out[i] = e.Type
	}
	return out
}

func (r *recorder) find(typ string) (Event, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.events) - 1; i >= 0; i-- {
		if r.events[i].Type == typ {
			return r.events[i], true
		}
	}
	return Event{}, false
}

// newTestGate returns a Gate with a fixed answer, no pool, no audio and no
// decoy delay, and its event recorder.
func newTestGate(t *testing.T, opts ...Option) (*Gate, *recorder) {
	t.Helper()
	rec := &recorder{}
	all := append([]Option{
		WithImageGenerator(fixedGenerator("Mapo Bridge")),
		WithAudioGenerator(nil),
		WithoutPool(),
		WithDeceiveDelay(0, 0),
		WithProofOfWork(4),
		WithExpectedFields("username", "password"),
		WithEventHook(rec.hook),
	}, opts...)
	g, err := New(all...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { g.Close() })
	return g, rec
}

// serve runs one request through h and returns the response.
func serve(h http.Handler, method, target string, body io.Reader, header http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, body)
	req.RemoteAddr = "192.0.2.7:41000"
	for k, v := range header {
		req.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func postForm(h http.Handler, target string, form url.Values, header http.Header) *httptest.ResponseRecorder {
	hd := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	for k, v := range header {
		hd[k] = v
	}
	return serve(h, http.MethodPost, target, strings.NewReader(form.Encode()), hd)
}

// solve creates a challenge through the Gate's handler and verifies the
// answer for the action "/login", returning the verification token.
func solve(t *testing.T, g *Gate, answer string) (id, token string) {
	t.Helper()
	return solveFor(t, g, answer, "/login")
}

// solveFor is solve for a named action.
func solveFor(t *testing.T, g *Gate, answer, action string) (id, token string) {
	t.Helper()
	h := g.Handler()
	w := serve(h, http.MethodPost, "/tollgate/challenge", strings.NewReader(`{"lang":"en"}`), http.Header{"Content-Type": {"application/json"}})
	if w.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	var ch captcha.ChallengeJSON
	if err := json.Unmarshal(w.Body.Bytes(), &ch); err != nil {
		t.Fatal(err)
	}
	w = serve(h, http.MethodPost, "/tollgate/challenge/"+ch.ID+"/verify", strings.NewReader(`{"answer":"`+answer+`","action":"`+action+`"}`), nil)
	if w.Code != http.StatusOK {
		return ch.ID, ""
	}
	var v captcha.VerifyJSON
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	return ch.ID, v.Token
}

// typed describes how a field was filled for humanTelemetry.
type typed struct {
	name, value string
	script      bool // filled by script: untrusted input events, no keys
}

// humanTelemetry builds the telemetry of a person who clicks into each
// field and types it with varied timings (or, for script fields, of a
// script that set the value), then clicks the submit button.
func humanTelemetry(seed uint64, fields ...typed) string {
	rng := rand.New(rand.NewPCG(seed, 1))
	t := &behavior.Telemetry{Version: behavior.Version, Step: 0.1, Load: 400}
	now := 1500.0
	for _, f := range fields {
		fld := behavior.Field{Name: f.name, FinalLen: behavior.Length(f.value)}
		now += 300 + rng.Float64()*400
		fld.Events = append(fld.Events, behavior.Entry{Type: behavior.EntryFocus, T: now, D: 0.3, Ref: -1,
			Pointer: &behavior.Pointer{Moves: 18 + rng.IntN(10), Path: 240 + rng.Float64()*100, Disp: 180, Kind: behavior.PointerMouse, SinceDown: 90}})
		for _, r := range f.value {
			if f.script {
				now += 1
				fld.Events = append(fld.Events, behavior.Entry{Type: behavior.EntryInput, Flags: behavior.FlagUntrusted, T: now, D: 0.1, N: len(string(r)), Ref: -1})
				continue
			}
			now += 90 + rng.Float64()*180
			if rng.IntN(6) == 0 {
				now += 200 + rng.Float64()*300
			}
			key := behavior.KeyLetter
			if r >= '0' && r <= '9' {
				key = behavior.KeyDigit
			} else if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				key = behavior.KeyOther
			}
			down := len(fld.Events)
			fld.Events = append(fld.Events,
				behavior.Entry{Type: behavior.EntryKeyDown, Key: key, T: now, D: 0.2, Ref: -1},
				behavior.Entry{Type: behavior.EntryBeforeInput, T: now + 0.5, D: 0.1, InputType: behavior.InputInsertText, Ref: -1},
				behavior.Entry{Type: behavior.EntryInput, T: now + 0.6, D: 0.1, InputType: behavior.InputInsertText, N: 1, Ref: -1})
			hold := 70 + rng.Float64()*60
			fld.Events = append(fld.Events, behavior.Entry{Type: behavior.EntryKeyUp, Key: key, T: now + hold, D: 0.2, Ref: down})
			now += hold * 0.3
		}
		now += 200 + rng.Float64()*200
		fld.Events = append(fld.Events, behavior.Entry{Type: behavior.EntryBlur, T: now, D: 0.2, N: fld.FinalLen, Ref: -1})
		t.Fields = append(t.Fields, fld)
	}
	now += 400
	t.Submit = behavior.Submit{T: now, D: 0.4, Via: behavior.ViaClick,
		Pointer: behavior.Pointer{Moves: 25, Path: 400, Disp: 300, Kind: behavior.PointerMouse, SinceDown: 95}}
	b, _ := t.MarshalJSON()
	return string(b)
}

// loginForm returns a form as the widget posts it.
func loginForm(token, telemetry string) url.Values {
	f := url.Values{"username": {"kim"}, "password": {"hunter22"}, FieldNameAnswer: {"mapo bridge"}}
	if token != "" {
		f.Set(FieldNameToken, token)
	}
	if telemetry != "" {
		f.Set(behavior.DefaultField, telemetry)
	}
	return f
}

// botLogin is the telemetry of a script that fills every field (no keys,
// untrusted input events): positive bot evidence.
func botLogin(seed uint64) string {
	return humanTelemetry(seed, typed{name: "username", value: "kim", script: true}, typed{name: "password", value: "hunter22", script: true},
		typed{name: FieldNameAnswer, value: "mapo bridge", script: true})
}

func humanLogin(seed uint64) string {
	return humanTelemetry(seed, typed{name: "username", value: "kim"}, typed{name: "password", value: "hunter22"},
		typed{name: FieldNameAnswer, value: "mapo bridge"})
}

// jsonLogger returns a slog JSON logger writing to buf without times.
func jsonLogger(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		}}))
}

// work gets a proof-of-work puzzle through the Gate's handler and solves
// it as the widget's worker does, returning the solution for the form.
func work(t testing.TB, g *Gate) string {
	t.Helper()
	w := serve(g.Handler(), http.MethodPost, "/tollgate/pow", strings.NewReader(`{}`), http.Header{"Content-Type": {"application/json"}})
	if w.Code != http.StatusCreated {
		t.Fatalf("POST /tollgate/pow = %d %s", w.Code, w.Body)
	}
	var pz struct {
		Challenge  string `json:"challenge"`
		Difficulty int    `json:"difficulty"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &pz); err != nil {
		t.Fatal(err)
	}
	for n := 0; ; n++ {
		sol := pz.Challenge + ":" + strconv.Itoa(n)
		sum := sha256.Sum256([]byte(sol))
		if leadingZeros(sum[:]) >= pz.Difficulty {
			return sol
		}
	}
}

func leadingZeros(b []byte) int {
	n := 0
	for _, c := range b {
		if c != 0 {
			return n + bits.LeadingZeros8(c)
		}
		n += 8
	}
	return n
}

// typerLogin is the telemetry of a zero-delay typer with
// navigator.webdriver set: keys held 3 ms, 1 ms apart, the first one at the
// focus, no pointer path (positive bot evidence, with or without an answer
// field).
func typerLogin(fields ...typed) string {
	t := &behavior.Telemetry{Version: behavior.Version, Step: 0.1, Load: 400, WebDriver: true}
	now := 600.0
	for _, f := range fields {
		fld := behavior.Field{Name: f.name, FinalLen: behavior.Length(f.value)}
		now += 5
		fld.Events = append(fld.Events, behavior.Entry{Type: behavior.EntryFocus, T: now, D: 0.3, Ref: -1,
			Pointer: &behavior.Pointer{Kind: behavior.PointerMouse, SinceDown: 1}})
		for range f.value {
			now += 1
			down := len(fld.Events)
			fld.Events = append(fld.Events,
				behavior.Entry{Type: behavior.EntryKeyDown, Key: behavior.KeyLetter, T: now, D: 0.2, Ref: -1},
				behavior.Entry{Type: behavior.EntryBeforeInput, T: now + 0.1, D: 0.1, InputType: behavior.InputInsertText, Ref: -1},
				behavior.Entry{Type: behavior.EntryInput, T: now + 0.2, D: 0.1, InputType: behavior.InputInsertText, N: 1, Ref: -1},
				behavior.Entry{Type: behavior.EntryKeyUp, Key: behavior.KeyLetter, T: now + 3, D: 0.2, Ref: down})
		}
		now += 5
		fld.Events = append(fld.Events, behavior.Entry{Type: behavior.EntryBlur, T: now, D: 0.2, N: fld.FinalLen, Ref: -1})
		t.Fields = append(t.Fields, fld)
	}
	t.Submit = behavior.Submit{T: now + 5, D: 0.4, Via: behavior.ViaClick, Pointer: behavior.Pointer{Kind: behavior.PointerMouse, SinceDown: 1}}
	b, _ := t.MarshalJSON()
	return string(b)
}
