package captcha_test

import (
	"context"
	"errors"
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

// FuzzVerifyToken presents arbitrary strings, and strings spliced into a
// live token, as tokens. Only a token this process issued and still holds
// may pass, only for its action, and only once. The property does not
// depend on which process issued the seeds: the fuzzing workers share the
// secret but not the store, so a seed token from another process is
// authentic there and refused all the same.
func FuzzVerifyToken(f *testing.F) {
	h := newHarness(f)
	ctx := context.Background()
	solved := h.solve(f)
	issue := func(t testing.TB, action string) string {
		t.Helper()
		return mustToken(t, h.svc, solved, action)
	}
	// The seed token is live in this process until some input presents it.
	seed, seedLive := issue(f, "/seed"), true
	f.Add(seed, "/seed", uint8(255), uint8(255))
	f.Add(seed, "/login", uint8(255), uint8(255))
	f.Add("", "/login", uint8(10), uint8(10))    // the live token itself
	f.Add("", "/logout", uint8(10), uint8(10))   // the live token, another action
	f.Add("B", "/login", uint8(135), uint8(136)) // its last character replaced
	f.Add("\n", "/login", uint8(60), uint8(60))  // a line break inserted
	f.Add("A", "/login", uint8(0), uint8(1))     // its version changed
	f.Add("", "", uint8(255), uint8(0))          // the empty string
	f.Add(strings.Repeat("A", 136), "", uint8(255), uint8(0))
	f.Fuzz(func(t *testing.T, s, action string, i, j uint8) {
		// A live token each time, spent at the end: at most two are live,
		// so nothing else may pass.
		live := issue(t, "/login")
		defer h.svc.VerifyToken(ctx, live, "/login")
		cand := s
		if int(i) <= int(j) && int(j) <= len(live) {
			cand = live[:i] + s + live[j:]
		}
		claims, err := h.svc.VerifyToken(ctx, cand, action)
		if err != nil {
			if !errors.Is(err, captcha.ErrInvalidToken) && !errors.Is(err, captcha.ErrTokenExpired) {
				t.Fatalf("VerifyToken(%q, %q) = %v, want ErrInvalidToken or ErrTokenExpired", cand, action, err)
			}
			if cand == seed {
				seedLive = false // authentic and unexpired: spent by this presentation
			}
			return
		}
		switch {
		case cand == live && action == "/login":
		case cand == seed && action == "/seed" && seedLive:
			seedLive = false
		default:
			t.Fatalf("VerifyToken(%q, %q) accepted a token that is not live for that action: %+v", cand, action, claims)
		}
		if claims.Action != action || claims.Challenge != solved.ID || claims.Screen != solved.Screen {
			t.Fatalf("VerifyToken(%q, %q) = %+v, want the claims of challenge %s for %q", cand, action, claims, solved.ID, action)
		}
		if _, err := h.svc.VerifyToken(ctx, cand, action); !errors.Is(err, captcha.ErrInvalidToken) {
			t.Fatalf("VerifyToken(%q, %q) a second time = %v, want ErrInvalidToken", cand, action, err)
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
