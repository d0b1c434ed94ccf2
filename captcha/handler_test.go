package captcha_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
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
		{"POST", "/tollgate/challenge", `{"lang":"` + strings.Repeat("x", 90) + `"}`, 400, "bad_request"},
		{"POST", "/tollgate/challenge/" + ch.ID + "/verify", `{"answer":"` + strings.Repeat("x", 200) + `"}`, 400, "bad_request"},
		{"POST", "/tollgate/challenge/" + ch.ID + "/verify", `{"answer":1}`, 400, "bad_request"},
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
	tok := mustToken(t, h.svc, res)
	if rec := post(url.Values{"user": {"kim"}, "tollgate_token": {tok}}); rec.Code != 200 || called != 2 {
		t.Fatalf("post with token = %d %s; want 200", rec.Code, rec.Body)
	}
	if rec := post(url.Values{"user": {"kim"}, "tollgate_token": {tok}}); rec.Code != 403 || called != 2 {
		t.Fatalf("post with spent token = %d; want 403", rec.Code)
	}
	// Oversized bodies are refused.
	big := url.Values{"user": {"kim"}, "pad": {strings.Repeat("x", 70<<10)}}
	if rec := post(big); rec.Code != 400 || called != 2 {
		t.Fatalf("oversized post = %d; want 400", rec.Code)
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
