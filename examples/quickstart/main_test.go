package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/tollgate/tollgate"
)

// TestQuickstart wires the Gate as main does and checks that the form
// carries the widget and that a bot's direct post never reaches the
// handler.
func TestQuickstart(t *testing.T) {
	g, err := tollgate.New(tollgate.WithoutPool(), tollgate.WithDeceiveDelay(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	mux := http.NewServeMux()
	mux.Handle("/tollgate/", g.Handler())
	mux.Handle("/login", g.Protect(loginHandler(g)))
	ts := httptest.NewServer(mux)
	defer ts.Close()

	res, err := http.Get(ts.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), "<div data-tollgate-captcha></div>") {
		t.Fatal("the form has no widget")
	}
	if !strings.Contains(string(b), `<noscript>`) || !strings.Contains(string(b), `name="tollgate_answer"`) {
		t.Fatal("the form has no challenge for browsers without JavaScript")
	}
	res, err = http.PostForm(ts.URL+"/login", url.Values{"username": {"kim"}, "password": {"x"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if strings.Contains(string(b), "Welcome") || res.StatusCode != http.StatusForbidden || !strings.Contains(string(b), `"challenge_required"`) {
		t.Fatalf("a direct post = %d %s, want 403 challenge_required, not the login handler", res.StatusCode, b)
	}
}
