package captcha_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tollgate/tollgate/captcha"
)

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{``, `{}`, `{"answer":"123"}`, `{"kind":"image","lang":"ko"}`, `{"answer":"a"} x`, `[`, `{"answer":"\u00e9"}`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v struct {
			Answer string `json:"answer"`
			Kind   string `json:"kind"`
			Lang   string `json:"lang"`
		}
		err := captcha.DecodeJSON(strings.NewReader(string(data)), 1024, &v)
		if err != nil && !strings.HasPrefix(err.Error(), "captcha:") {
			t.Fatalf("DecodeJSON(%q) error %q lacks the captcha: prefix", data, err)
		}
	})
}

func FuzzVerifyToken(f *testing.F) {
	h := newHarness(f)
	ctx := context.Background()
	iss, _ := h.svc.Create(ctx, "", "en")
	a, _ := h.answer(f, iss.ID)
	res, _ := h.svc.Verify(ctx, iss.ID, a)
	tok := mustToken(f, h.svc, res)
	f.Add(tok)
	f.Add("")
	f.Add(strings.Repeat("A", 107))
	f.Add(tok[:40])
	f.Fuzz(func(t *testing.T, s string) {
		claims, err := h.svc.VerifyToken(ctx, s)
		if err == nil && s != tok {
			t.Fatalf("VerifyToken(%q) accepted a token the service never issued: %+v", tok, claims)
		}
	})
}

// FuzzHandler sends arbitrary bodies to every endpoint: the answer is a
// status below 500 and a JSON body, never a panic.
func FuzzHandler(f *testing.F) {
	h := newHarness(f)
	api := h.svc.Handler()
	iss, _ := h.svc.Create(context.Background(), "", "en")
	for _, s := range []string{``, `{"answer":"1"}`, `{"kind":"image"}`, `{"lang":"ko-KR"}`, `garbage`, `{"answer":"1","x":2}`} {
		f.Add(0, iss.ID, s)
		f.Add(1, iss.ID, s)
		f.Add(2, "AAAAAAAAAAAAAAAAAAAAAA", s)
	}
	f.Fuzz(func(t *testing.T, route int, id, body string) {
		if strings.ContainsAny(id, "/?#% \x00") || len(id) > 64 {
			return
		}
		paths := []string{"/tollgate/challenge", "/tollgate/challenge/" + id + "/refresh", "/tollgate/challenge/" + id + "/verify"}
		path := paths[(route%3+3)%3]
		req := httptest.NewRequest("POST", "/", strings.NewReader(body))
		req.URL.Path = path
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("POST %s %q = %d %s", path, body, rec.Code, rec.Body)
		}
	})
}

// FuzzRequireForm posts arbitrary form bodies to a protected handler: only
// a correct answer may reach it.
func FuzzRequireForm(f *testing.F) {
	h := newHarness(f)
	reached := false
	protected := h.svc.Require()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached = true }))
	f.Add("tollgate_id=AAAAAAAAAAAAAAAAAAAAAA&tollgate_answer=1")
	f.Add("tollgate_token=abc")
	f.Add("%zz")
	f.Add("")
	f.Fuzz(func(t *testing.T, body string) {
		reached = false
		req := httptest.NewRequest("POST", "/login", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		protected.ServeHTTP(rec, req)
		if reached || rec.Code < 400 || rec.Code >= 500 {
			t.Fatalf("form %q: reached %v, status %d; want refused with 4xx", body, reached, rec.Code)
		}
	})
}
