package tollgate

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/ratelimit"
)

// TestProtectRefusesUnparsableInput reproduces issue 14's first finding: a
// bad escape in the query with a multipart body made the behavior check
// fail open while the CAPTCHA check read the already-parsed form. Input
// that cannot be parsed is refused before any check runs.
func TestProtectRefusesUnparsableInput(t *testing.T) {
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	_, token := "", ""
	for k, v := range map[string]string{"username": "kim", "password": "hunter22"} {
		mw.WriteField(k, v)
	}
	mw.Close()
	tests := []struct {
		name, target, ct, body string
		status                 int
	}{
		{"bad query, multipart body", "/login?%zz", mw.FormDataContentType(), mp.String(), 400},
		{"bad query, url-encoded body", "/login?a=%zz", "application/x-www-form-urlencoded", "username=kim", 400},
		{"bad escape in body", "/login", "application/x-www-form-urlencoded", "username=kim&x=%zz", 400},
		{"semicolon in body", "/login", "application/x-www-form-urlencoded", "username=kim;x=1", 400},
		{"json body", "/login", "application/json", `{"username":"kim"}`, 415},
		{"no content type", "/login", "", "username=kim", 415},
		{"too large", "/login", "application/x-www-form-urlencoded", "username=" + strings.Repeat("k", 300<<10), 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, rec := newTestGate(t)
			h := &okHandler{}
			_, token = solve(t, g, "mapo bridge")
			body := tt.body
			if strings.HasPrefix(tt.ct, "application/x-www-form-urlencoded") && !strings.Contains(body, ";") {
				body += "&" + FieldNameToken + "=" + token
			}
			w := serve(g.Protect(h), http.MethodPost, tt.target, strings.NewReader(body), http.Header{"Content-Type": {tt.ct}})
			if w.Code != tt.status || h.count() != 0 {
				t.Fatalf("Protect(%s) = %d %s, handler ran %d times; want %d and not run", tt.name, w.Code, w.Body, h.count(), tt.status)
			}
			for _, typ := range rec.types() {
				if typ == behavior.EventVerdict || strings.HasPrefix(typ, "token.") {
					t.Fatalf("Protect(%s) ran a check (%s) on input it could not parse; events %v", tt.name, typ, rec.types())
				}
			}
			// The token was not touched: it still passes a good post.
			if w := postForm(g.Protect(h), "/login", loginForm(token, humanLogin(9)), nil); w.Code != http.StatusOK {
				t.Fatalf("after the refused post, the unspent token got %d %s, want 200", w.Code, w.Body)
			}
		})
	}
}

// observed is everything a client sees of one response but the Date.
type observed struct {
	Code   int
	Header http.Header
	Body   string
}

func observe(w *httptest.ResponseRecorder) observed {
	h := w.Header().Clone()
	h.Del("Date")
	return observed{w.Code, h, w.Body.String()}
}

// TestDeceptionIndistinguishable reproduces issue 14's second finding as a
// bot would test it: the same request sequence is run once deceived and
// once genuinely failing, and everything the client can see is compared.
// Before the fix the decoy said "wrong answer (2 attempts left)" but left
// the challenge and token untouched, so the same answer then passed /verify.
func TestDeceptionIndistinguishable(t *testing.T) {
	const delay = 15 * time.Millisecond
	newGate := func(t *testing.T) (*Gate, *recorder) {
		return newTestGate(t, WithDeceiveDelay(delay, 2*delay))
	}
	// run posts the login form, timing it, then makes the follow-up
	// requests a bot would use to check what it was told.
	type sequence func(t *testing.T, g *Gate, deceived bool) []observed
	timed := func(t *testing.T, h http.Handler, f map[string]string, telemetry string) observed {
		t.Helper()
		form := loginForm("", telemetry)
		for k, v := range f {
			form.Set(k, v)
		}
		start := time.Now()
		w := postForm(h, "/login", form, nil)
		if d := time.Since(start); d < delay {
			t.Fatalf("failed post answered after %v, before the failure delay %v", d, delay)
		}
		return observe(w)
	}
	sequences := map[string]sequence{
		// id and answer posted with the form: the deceived post carries the
		// right answer, the genuine one a wrong answer.
		"answer": func(t *testing.T, g *Gate, deceived bool) []observed {
			h := g.Protect(&okHandler{})
			id, _ := solveFor(t, g, "not it", "/login") // a wrong verify: 2 attempts left
			answer := "nope"
			telemetry := humanTelemetry(5, typed{name: "username", value: "kim"}, typed{name: "password", value: "hunter22"},
				typed{name: FieldNameAnswer, value: answer})
			if deceived {
				answer, telemetry = "mapo bridge", botLogin(5)
			}
			out := []observed{timed(t, h, map[string]string{FieldNameID: id, FieldNameAnswer: answer}, telemetry)}
			// What the challenge says afterwards: one more attempt was used
			// either way, and re-sending the posted answer to the API (right
			// for the deceived bot) is as wrong as it was; it is the last.
			w := serve(g.Handler(), http.MethodPost, "/tollgate/challenge/"+id+"/verify", strings.NewReader(`{"answer":"`+answer+`"}`), nil)
			out = append(out, observe(w))
			w = serve(g.Handler(), http.MethodPost, "/tollgate/challenge/"+id+"/verify", strings.NewReader(`{"answer":"mapo bridge"}`), nil)
			return append(out, observe(w))
		},
		// A token posted with the form: the deceived one is fresh and
		// valid, the genuine one was issued for another action.
		"token": func(t *testing.T, g *Gate, deceived bool) []observed {
			h := g.Protect(&okHandler{})
			action, telemetry := "/signup", humanLogin(6)
			if deceived {
				action, telemetry = "/login", botLogin(6)
			}
			id, token := solveFor(t, g, "mapo bridge", action)
			out := []observed{timed(t, h, map[string]string{FieldNameToken: token, FieldNameID: id}, telemetry)}
			// The token is spent either way: a person's post with it fails.
			return append(out, timed(t, h, map[string]string{FieldNameToken: token, FieldNameID: id}, humanLogin(7)))
		},
	}
	for name, seq := range sequences {
		t.Run(name, func(t *testing.T) {
			g, rec := newGate(t)
			deceived := seq(t, g, true)
			if _, ok := rec.find(behavior.EventDeceived); !ok {
				t.Fatalf("the bot's post was not deceived; events %v", rec.types())
			}
			g, rec = newGate(t)
			genuine := seq(t, g, false)
			if _, ok := rec.find(behavior.EventDeceived); ok {
				t.Fatalf("the person's post was deceived; events %v", rec.types())
			}
			if !reflect.DeepEqual(deceived, genuine) {
				for i := range deceived {
					if !reflect.DeepEqual(deceived[i], genuine[i]) {
						t.Errorf("response %d: deceived = %+v\ngenuine = %+v", i, deceived[i], genuine[i])
					}
				}
			}
		})
	}
}

// TestAccountLimitNotEscaped: leaving the account field out of the body
// (and putting it in the URL query, where a handler reading r.FormValue
// finds it) does not escape the per-account limit, with either encoding.
func TestAccountLimitNotEscaped(t *testing.T) {
	acl, err := ratelimit.NewMemoryKeyLimiter(ratelimit.Limit{Count: 1, Period: time.Hour, Burst: 1})
	if err != nil {
		t.Fatal(err)
	}
	g, _ := newTestGate(t, WithAccountLimit("username", acl), WithIPLimit(nil), WithDeceiveDelay(0, 0))
	var seen []string
	h := g.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = append(seen, r.FormValue("username")) }))
	for i := range 3 {
		_, token := solve(t, g, "mapo bridge")
		f := loginForm(token, humanLogin(uint64(20+i)))
		f.Del("username")
		w := postForm(h, "/login?username=victim", f, nil)
		if i > 0 && w.Code != http.StatusTooManyRequests {
			t.Fatalf("post %d without the account field = %d, want 429 (the handler saw %q)", i+1, w.Code, seen)
		}
	}
	// A multipart post that names an account in its body and another in
	// the query: the handler's r.FormValue reads the body's, the one the
	// limit keyed on.
	_, token := solve(t, g, "mapo bridge")
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	for k, v := range loginForm(token, humanLogin(23)) {
		mw.WriteField(k, v[0])
	}
	mw.Close()
	w := serve(h, http.MethodPost, "/login?username=victim", strings.NewReader(mp.String()), http.Header{"Content-Type": {mw.FormDataContentType()}})
	if w.Code != http.StatusOK || len(seen) == 0 || seen[len(seen)-1] != "kim" {
		t.Fatalf("multipart post = %d %s; the handler read the account %q, want 200 and the body's \"kim\"", w.Code, w.Body, seen)
	}
}

// countingBody counts the bytes and the Read calls of a request body.
type countingBody struct {
	r            io.Reader
	bytes, reads int
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.bytes += n
	c.reads++
	return n, err
}

func (c *countingBody) Close() error { return nil }

// TestProtectReadsTheBodyOnce: a protected post's body is read once, by
// the intake, and every check and the handler use that one parsed form.
func TestProtectReadsTheBodyOnce(t *testing.T) {
	g, _ := newTestGate(t)
	_, token := solve(t, g, "mapo bridge")
	body := loginForm(token, humanLogin(1)).Encode()
	cb := &countingBody{r: strings.NewReader(body)}
	var readsBeforeHandler, bytesBeforeHandler int
	h := g.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		readsBeforeHandler, bytesBeforeHandler = cb.reads, cb.bytes
		if r.PostForm.Get("username") != "kim" {
			t.Error("the handler did not get the parsed form")
		}
	}))
	req := httptest.NewRequest(http.MethodPost, "/login", nil)
	req.Body, req.ContentLength = cb, int64(len(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = "192.0.2.7:41000"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		t.Fatalf("post = %d %s", w.Code, w.Body)
	}
	// One read for the data and one that sees EOF: the declared length
	// sizes the buffer, so nothing reads the body a second time.
	if bytesBeforeHandler != len(body) || readsBeforeHandler > 2 {
		t.Fatalf("before the handler the body was read %d times, %d of %d bytes; want the whole body in at most 2 reads",
			readsBeforeHandler, bytesBeforeHandler, len(body))
	}
}
