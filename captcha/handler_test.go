package captcha_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/tollgate/tollgate/captcha"
)

func do(t *testing.T, h http.Handler, method, path, body string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("response %q is not JSON: %v", rec.Body.String(), err)
	}
	return v
}

func TestHandlerFlow(t *testing.T) {
	h := newHarness(t)
	api := h.svc.Handler()
	rec := do(t, api, "POST", "/tollgate/challenge", "", "Accept-Language", "ko-KR,ko;q=0.9,en;q=0.8")
	if rec.Code != http.StatusCreated || rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("create = %d %v %s; want 201 no-store", rec.Code, rec.Header(), rec.Body)
	}
	ch := decode[captcha.ChallengeJSON](t, rec)
	if !ch.OK || ch.Lang != "ko" || ch.MediaURL != "/tollgate/media/"+ch.ID || ch.AttemptsLeft != 3 || ch.RefreshesLeft != 3 {
		t.Fatalf("create body = %+v", ch)
	}
	answer, _ := h.answer(t, ch.ID)
	for _, hv := range rec.Header() {
		if strings.Contains(strings.Join(hv, ""), answer) {
			t.Fatalf("create headers leak the answer")
		}
	}
	if strings.Contains(rec.Body.String(), answer) {
		t.Fatalf("create body %s leaks the answer %q", rec.Body, answer)
	}

	media := do(t, api, "GET", ch.MediaURL, "")
	if media.Code != 200 || media.Header().Get("Content-Type") != "text/plain" || media.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("media = %d %v", media.Code, media.Header())
	}
	if do(t, api, "GET", ch.MediaURL+"?scale=3", "").Code != http.StatusBadRequest {
		t.Fatal("media?scale=3 accepted, want 400")
	}

	rec = do(t, api, "POST", "/tollgate/challenge/"+ch.ID+"/verify", `{"answer":"nope"}`)
	e := decode[captcha.ErrorJSON](t, rec)
	if rec.Code != http.StatusForbidden || e.Code != "wrong_answer" || e.AttemptsLeft != 2 || e.NewChallenge {
		t.Fatalf("verify(wrong) = %d %+v", rec.Code, e)
	}
	rec = do(t, api, "POST", "/tollgate/challenge/"+ch.ID+"/verify", `{"answer":`+jsonString(answer)+`}`)
	v := decode[captcha.VerifyJSON](t, rec)
	if rec.Code != 200 || !v.OK || v.Token == "" {
		t.Fatalf("verify(right) = %d %s", rec.Code, rec.Body)
	}
	rec = do(t, api, "POST", "/tollgate/challenge/"+ch.ID+"/verify", `{"answer":`+jsonString(answer)+`}`)
	e = decode[captcha.ErrorJSON](t, rec)
	if rec.Code != http.StatusNotFound || e.Code != "not_found" || !e.NewChallenge {
		t.Fatalf("verify(again) = %d %+v", rec.Code, e)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestHandlerRefreshLimit(t *testing.T) {
	h := newHarness(t, captcha.WithMaxRefreshes(1))
	api := h.svc.Handler()
	ch := decode[captcha.ChallengeJSON](t, do(t, api, "POST", "/tollgate/challenge", `{"lang":"en"}`))
	rec := do(t, api, "POST", "/tollgate/challenge/"+ch.ID+"/refresh", `{}`)
	next := decode[captcha.ChallengeJSON](t, rec)
	if rec.Code != http.StatusCreated || next.RefreshesLeft != 0 {
		t.Fatalf("refresh = %d %s", rec.Code, rec.Body)
	}
	rec = do(t, api, "POST", "/tollgate/challenge/"+next.ID+"/refresh", `{}`)
	e := decode[captcha.ErrorJSON](t, rec)
	if rec.Code != http.StatusForbidden || e.Code != "refresh_limit" || !e.Restart {
		t.Fatalf("refresh past limit = %d %+v", rec.Code, e)
	}
}

func TestHandlerBadRequests(t *testing.T) {
	h := newHarness(t, captcha.WithMaxBodyBytes(100))
	api := h.svc.Handler()
	ch := decode[captcha.ChallengeJSON](t, do(t, api, "POST", "/tollgate/challenge", ""))
	tests := []struct {
		method, path, body string
		status             int
		code               string
	}{
		{"POST", "/tollgate/challenge", `{"kind":"image","extra":1}`, 400, "bad_request"},
		{"POST", "/tollgate/challenge", `{"kind":"image"} {}`, 400, "bad_request"},
		{"POST", "/tollgate/challenge", `[1,2]`, 400, "bad_request"},
		{"POST", "/tollgate/challenge", `{"kind":"video"}`, 400, "unknown_kind"},
		{"POST", "/tollgate/challenge", `{"lang":"` + strings.Repeat("x", 40) + `"}`, 400, "bad_request"},
		{"POST", "/tollgate/challenge", `{"lang":"` + strings.Repeat("x", 90) + `"}`, 413, "bad_request"},
		{"POST", "/tollgate/challenge/" + ch.ID + "/verify", `{"answer":"` + strings.Repeat("x", 200) + `"}`, 413, "bad_request"},
		{"POST", "/tollgate/challenge/" + ch.ID + "/verify", `{"answer":1}`, 400, "bad_request"},
		{"POST", "/tollgate/challenge/" + ch.ID + "/verify", `{"answer":"1","action":"/a b"}`, 400, "bad_request"},
		{"POST", "/tollgate/challenge/" + ch.ID + "/verify", `{"answer":"1","action":"` + strings.Repeat("a", 65) + `"}`, 400, "bad_request"},
		{"POST", "/tollgate/challenge/" + ch.ID + "/verify", `{"answer":"1","action":7}`, 400, "bad_request"},
		{"GET", "/tollgate/media/" + ch.ID + "?scale=3", ``, 400, "bad_request"},
		{"POST", "/tollgate/challenge/garbage/verify", `{"answer":"1"}`, 400, "invalid_id"},
		{"GET", "/tollgate/media/AAAAAAAAAAAAAAAAAAAAAA", ``, 404, "not_found"},
	}
	for _, tc := range tests {
		rec := do(t, api, tc.method, tc.path, tc.body)
		e := decode[captcha.ErrorJSON](t, rec)
		if rec.Code != tc.status || e.Code != tc.code || e.OK || !strings.HasPrefix(e.Error, "captcha:") {
			t.Errorf("%s %s %q = %d %+v; want %d %s", tc.method, tc.path, tc.body, rec.Code, e, tc.status, tc.code)
		}
	}
	if rec := do(t, api, "GET", "/tollgate/challenge", ""); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET /challenge = %d, want 405", rec.Code)
	}
}

func TestRequire(t *testing.T) {
	h := newHarness(t)
	var called int
	protected := h.svc.Require()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		called++
		if _, ok := captcha.ResultFromContext(r.Context()); !ok {
			t.Error("protected handler has no verification in its context")
		}
		if r.PostFormValue("user") != "kim" {
			t.Errorf("protected handler sees user %q, want the parsed form", r.PostFormValue("user"))
		}
		io.WriteString(w, "welcome")
	}))
	post := func(form url.Values) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		protected.ServeHTTP(rec, req)
		return rec
	}
	ctx := context.Background()
	iss, _ := h.svc.Create(ctx, "", "en")
	answer, _ := h.answer(t, iss.ID)

	if rec := post(url.Values{"user": {"kim"}}); rec.Code != 403 || called != 0 {
		t.Fatalf("post without answer = %d, called %d; want 403, 0", rec.Code, called)
	}
	if rec := post(url.Values{"user": {"kim"}, "tollgate_id": {iss.ID}, "tollgate_answer": {"wrong"}}); rec.Code != 403 || called != 0 {
		t.Fatalf("post with wrong answer = %d; want 403", rec.Code)
	}
	if rec := post(url.Values{"user": {"kim"}, "tollgate_id": {iss.ID}, "tollgate_answer": {answer}}); rec.Code != 200 || called != 1 {
		t.Fatalf("post with answer = %d %s, called %d; want 200, 1", rec.Code, rec.Body, called)
	}
	if rec := post(url.Values{"user": {"kim"}, "tollgate_id": {iss.ID}, "tollgate_answer": {answer}}); rec.Code != 404 || called != 1 {
		t.Fatalf("replayed post = %d; want 404 (single use)", rec.Code)
	}
	// A token obtained through the API admits one request.
	iss, _ = h.svc.Create(ctx, "", "en")
	answer, _ = h.answer(t, iss.ID)
	res, err := h.svc.Verify(ctx, iss.ID, answer)
	if err != nil {
		t.Fatal(err)
	}
	tok := mustToken(t, h.svc, res, "/login")
	if rec := post(url.Values{"user": {"kim"}, "tollgate_token": {tok}}); rec.Code != 200 || called != 2 {
		t.Fatalf("post with token = %d %s; want 200", rec.Code, rec.Body)
	}
	if rec := post(url.Values{"user": {"kim"}, "tollgate_token": {tok}}); rec.Code != 403 || called != 2 {
		t.Fatalf("post with spent token = %d; want 403", rec.Code)
	}
	// Oversized bodies are refused.
	big := url.Values{"user": {"kim"}, "pad": {strings.Repeat("x", 70<<10)}}
	if rec := post(big); rec.Code != 413 || called != 2 {
		t.Fatalf("oversized post = %d; want 413", rec.Code)
	}
}

// postTo posts a form to h at path.
func postTo(h http.Handler, path string, form url.Values) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// apiToken solves a challenge through the JSON API as the widget does,
// with the action in the verify body; it returns the challenge id and the
// token.
func apiToken(t *testing.T, h *harness, action string) (id, token string) {
	t.Helper()
	api := h.svc.Handler()
	ch := decode[captcha.ChallengeJSON](t, do(t, api, "POST", "/tollgate/challenge", ""))
	a, _ := h.answer(t, ch.ID)
	rec := do(t, api, "POST", "/tollgate/challenge/"+ch.ID+"/verify", `{"answer":`+jsonString(a)+`,"action":`+jsonString(action)+`}`)
	v := decode[captcha.VerifyJSON](t, rec)
	if rec.Code != 200 || v.Token == "" {
		t.Fatalf("verify(%s, action %q) = %d %s", ch.ID, action, rec.Code, rec.Body)
	}
	return ch.ID, v.Token
}

// TestRequireBindsTokens: the two attacks of issue #14 through the HTTP
// API: the token of one form posted to another, and the token of one
// screen posted with the challenge id of another.
func TestRequireBindsTokens(t *testing.T) {
	h := newHarness(t)
	reached := map[string]int{}
	mux := http.NewServeMux()
	for _, path := range []string{"/login", "/transfer"} {
		mux.Handle("POST "+path, h.svc.Require()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, _ := captcha.ResultFromContext(r.Context())
			if c.Action != path {
				t.Errorf("%s reached with claims %+v", path, c)
			}
			reached[path]++
		})))
	}
	id, tok := apiToken(t, h, "/login")
	if rec := postTo(mux, "/transfer", url.Values{"tollgate_id": {id}, "tollgate_token": {tok}}); rec.Code != 403 ||
		decode[captcha.ErrorJSON](t, rec).Code != "invalid_token" || reached["/transfer"] != 0 {
		t.Fatalf("token of /login posted to /transfer = %d %s; want 403 invalid_token", rec.Code, rec.Body)
	}
	if rec := postTo(mux, "/login", url.Values{"tollgate_id": {id}, "tollgate_token": {tok}}); rec.Code != 403 || reached["/login"] != 0 {
		t.Fatalf("token of /login at /login after /transfer refused it = %d; want 403, spent", rec.Code)
	}

	_, tokA := apiToken(t, h, "/login")
	idB, _ := apiToken(t, h, "/login")
	if rec := postTo(mux, "/login", url.Values{"tollgate_id": {idB}, "tollgate_token": {tokA}}); rec.Code != 403 || reached["/login"] != 0 {
		t.Fatalf("token of screen A with the id of screen B = %d %s; want 403", rec.Code, rec.Body)
	}

	id, tok = apiToken(t, h, "/transfer")
	if rec := postTo(mux, "/transfer", url.Values{"tollgate_id": {id}, "tollgate_token": {tok}}); rec.Code != 200 || reached["/transfer"] != 1 {
		t.Fatalf("token of /transfer at /transfer = %d %s; want 200", rec.Code, rec.Body)
	}
}

func TestRequireWithAction(t *testing.T) {
	h := newHarness(t)
	var reached int
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached++ })
	pay := h.svc.Require(captcha.WithAction("checkout"))(ok)
	_, tok := apiToken(t, h, "checkout")
	if rec := postTo(pay, "/any/path", url.Values{"tollgate_token": {tok}}); rec.Code != 200 || reached != 1 {
		t.Fatalf("token of checkout at WithAction(checkout) = %d %s; want 200", rec.Code, rec.Body)
	}
	_, tok = apiToken(t, h, "/any/path")
	if rec := postTo(pay, "/any/path", url.Values{"tollgate_token": {tok}}); rec.Code != 403 || reached != 1 {
		t.Fatalf("token of the path at WithAction(checkout) = %d; want 403", rec.Code)
	}
	bad := h.svc.Require(captcha.WithAction("check out"))(ok)
	_, tok = apiToken(t, h, "checkout")
	if rec := postTo(bad, "/", url.Values{"tollgate_token": {tok}}); rec.Code != 500 || reached != 1 {
		t.Fatalf("WithAction(invalid name) = %d %s; want 500", rec.Code, rec.Body)
	}
}

// TestRequireUnreadableForm: a form that cannot be read is refused before
// any check, with the status that says why.
func TestRequireUnreadableForm(t *testing.T) {
	h := newHarness(t, captcha.WithMaxBodyBytes(1000))
	var reached int
	protected := h.svc.Require()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached++ }))
	id, tok := apiToken(t, h, "/login")
	good := url.Values{"tollgate_id": {id}, "tollgate_token": {tok}}.Encode()
	tests := []struct {
		name, ctype, body string
		status            int
	}{
		{"JSON body", "application/json", `{"tollgate_token":"` + tok + `"}`, 415},
		{"no content type", "", good, 415},
		{"malformed form", "application/x-www-form-urlencoded", good + "&%zz", 400},
		{"body over the limit", "application/x-www-form-urlencoded", good + "&pad=" + strings.Repeat("x", 1000), 413},
	}
	for _, tc := range tests {
		req := httptest.NewRequest("POST", "/login", strings.NewReader(tc.body))
		if tc.ctype != "" {
			req.Header.Set("Content-Type", tc.ctype)
		}
		rec := httptest.NewRecorder()
		protected.ServeHTTP(rec, req)
		if e := decode[captcha.ErrorJSON](t, rec); rec.Code != tc.status || e.Code != "bad_request" || reached != 0 {
			t.Errorf("%s: %d %+v, reached %d; want %d bad_request", tc.name, rec.Code, e, reached, tc.status)
		}
	}
	// None of them spent the token.
	if rec := postTo(protected, "/login", url.Values{"tollgate_id": {id}, "tollgate_token": {tok}}); rec.Code != 200 || reached != 1 {
		t.Fatalf("post with the token after the refused ones = %d %s; want 200", rec.Code, rec.Body)
	}
}

// TestHandlerVerifyBadActionSpendsNothing: a verify refused for its action
// leaves the challenge answerable.
func TestHandlerVerifyBadActionSpendsNothing(t *testing.T) {
	h := newHarness(t)
	api := h.svc.Handler()
	ch := decode[captcha.ChallengeJSON](t, do(t, api, "POST", "/tollgate/challenge", ""))
	a, _ := h.answer(t, ch.ID)
	if rec := do(t, api, "POST", "/tollgate/challenge/"+ch.ID+"/verify", `{"answer":`+jsonString(a)+`,"action":"/caf%C3%A9"}`); rec.Code != 400 {
		t.Fatalf("verify with an invalid action = %d %s, want 400", rec.Code, rec.Body)
	}
	rec := do(t, api, "POST", "/tollgate/challenge/"+ch.ID+"/verify", `{"answer":`+jsonString(a)+`,"action":"/caf"}`)
	if v := decode[captcha.VerifyJSON](t, rec); rec.Code != 200 || v.Token == "" {
		t.Fatalf("verify after the refused one = %d %s, want 200 with a token", rec.Code, rec.Body)
	}
}

// TestDecoyResponseLikeWrong: a client cannot tell a decoy answer from a
// wrong one, in status, code, message or attempts; events still can.
func TestDecoyResponseLikeWrong(t *testing.T) {
	var decoys int
	h := newHarness(t, captcha.WithEventHook(func(ctx context.Context, e captcha.Event) {
		if e.Type == "challenge.failed" && e.Decoy {
			decoys++
		}
	}))
	api := h.svc.Handler()
	c1 := decode[captcha.ChallengeJSON](t, do(t, api, "POST", "/tollgate/challenge", ""))
	c2 := decode[captcha.ChallengeJSON](t, do(t, api, "POST", "/tollgate/challenge", ""))
	_, decoy := h.answer(t, c1.ID)
	for i := 0; i < 3; i++ {
		rd := do(t, api, "POST", "/tollgate/challenge/"+c1.ID+"/verify", `{"answer":`+jsonString(decoy)+`}`)
		rw := do(t, api, "POST", "/tollgate/challenge/"+c2.ID+"/verify", `{"answer":"nope"}`)
		if rd.Code != rw.Code || rd.Body.String() != rw.Body.String() || !slices.Equal(rd.Header()["Content-Type"], rw.Header()["Content-Type"]) {
			t.Fatalf("attempt %d: decoy answer = %d %s, wrong answer = %d %s; want the same", i+1, rd.Code, rd.Body, rw.Code, rw.Body)
		}
	}
	if decoys != 3 {
		t.Fatalf("decoy events = %d, want 3", decoys)
	}
	for _, left := range []int{1, 2} {
		sd, bd := captcha.ErrorResponse(fmt.Errorf("wrapped: %w", &captcha.WrongAnswerError{AttemptsLeft: left, Decoy: true}))
		sw, bw := captcha.ErrorResponse(&captcha.WrongAnswerError{AttemptsLeft: left})
		if sd != sw || bd != bw {
			t.Errorf("ErrorResponse(decoy, %d left) = %d %+v; want the wrong answer's %d %+v", left, sd, bd, sw, bw)
		}
	}
	sd, bd := captcha.ErrorResponse(captcha.ErrDecoyAnswer)
	sw, bw := captcha.ErrorResponse(captcha.ErrWrongAnswer)
	if sd != sw || bd != bw || bd.Code != "wrong_answer" {
		t.Errorf("ErrorResponse(ErrDecoyAnswer) = %d %+v; want the wrong answer's %d %+v", sd, bd, sw, bw)
	}
}

func TestRequireCustom(t *testing.T) {
	h := newHarness(t)
	var gotErr error
	mw := h.svc.Require(captcha.WithFormFields("cid", "code", ""), captcha.WithErrorHandler(func(w http.ResponseWriter, r *http.Request, err error) {
		gotErr = err
		http.Error(w, "no", http.StatusTeapot)
	}))
	ok := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	iss, _ := h.svc.Create(context.Background(), "", "en")
	form := url.Values{"cid": {iss.ID}, "code": {"bad"}}
	req := httptest.NewRequest("POST", "/", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	ok.ServeHTTP(rec, req)
	if rec.Code != http.StatusTeapot || gotErr == nil || !strings.Contains(gotErr.Error(), "wrong answer") {
		t.Fatalf("custom fields and error handler: %d, %v", rec.Code, gotErr)
	}
}

func TestAcceptLanguage(t *testing.T) {
	tests := map[string]string{
		"":                           "",
		"ko-KR,ko;q=0.9,en-US;q=0.8": "ko",
		"en-US,en;q=0.9":             "en",
		"fr;q=0.2, ko;q=0.8":         "ko",
		"*":                          "",
		"ko;q=0, en":                 "en",
		"de;q=abc, en;q=0.1":         "en",
		"  KO  ":                     "ko",
	}
	for in, want := range tests {
		if got := captcha.AcceptLanguage(in); got != want {
			t.Errorf("AcceptLanguage(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStatic(t *testing.T) {
	h := newHarness(t)
	api := h.svc.Handler()
	for path, ctype := range map[string]string{"/tollgate/static/widget.js": "text/javascript", "/tollgate/static/widget.css": "text/css"} {
		rec := do(t, api, "GET", path, "")
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), ctype) || rec.Body.Len() == 0 {
			t.Errorf("GET %s = %d %q (%d bytes), want 200 %s", path, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Len(), ctype)
		}
	}
	if rec := do(t, api, "GET", "/tollgate/static/", ""); rec.Code != 404 {
		t.Errorf("GET static dir = %d, want 404", rec.Code)
	}
}
