package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/behavior"
)

func TestBehaviorOnly(t *testing.T) {
	var logs bytes.Buffer
	sus := behavior.NewMemorySuspects()
	ts := httptest.NewServer(newHandler(slog.New(slog.NewJSONHandler(&logs, nil)), sus, 0, 0))
	defer ts.Close()
	res, err := http.Get(ts.URL + "/behavior.js")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "javascript") {
		t.Fatalf("collector = %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	// A post with no telemetry (a script, or JavaScript off) is told what
	// is needed and creates nothing; it is not deceived.
	res, err = http.PostForm(ts.URL+"/signup", url.Values{"email": {"nojs@example.com"}, "name": {"No JS"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "JavaScript") {
		t.Fatalf("post without telemetry got %d %q", res.StatusCode, b)
	}
	// A script posting forged telemetry gets the same "thanks", but no
	// account is created and the client becomes a suspect.
	res, err = http.PostForm(ts.URL+"/signup", url.Values{"email": {"bot@example.com"}, "name": {"Bot"}, behavior.DefaultField: {`{"v":2,"forged":true}`}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(b), "Thanks") {
		t.Fatalf("bot got %d %q", res.StatusCode, b)
	}
	if strings.Contains(logs.String(), "signup.created") || !strings.Contains(logs.String(), `"msg":"behavior.deceived"`) {
		t.Fatalf("logs:\n%s", logs.String())
	}
	if s, ok, _ := sus.Lookup(context.Background(), "127.0.0.1", time.Now()); !ok || s.Count != 1 {
		t.Fatalf("suspect = %+v %v", s, ok)
	}
}
