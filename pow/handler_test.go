package pow

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHandler(t *testing.T) {
	iss := newIssuer(t)
	var asked *http.Request
	for _, tc := range []struct {
		name       string
		difficulty func(*http.Request) int
		want       int
	}{
		{"default", nil, DefaultDifficulty},
		{"chosen", func(r *http.Request) int { asked = r; return 3 }, 3},
		{"clamped high", func(*http.Request) int { return 99 }, 32},
		{"clamped low", func(*http.Request) int { return -7 }, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/tollgate/pow", strings.NewReader("ignored"))
			rec := httptest.NewRecorder()
			before := time.Now()
			iss.Handler(tc.difficulty).ServeHTTP(rec, req)
			if rec.Code != http.StatusCreated {
				t.Fatalf("POST = %d %s, want 201", rec.Code, rec.Body)
			}
			for k, v := range map[string]string{
				"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
			} {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			var fields map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &fields); err != nil || len(fields) != 4 {
				t.Fatalf("body %s: %v; want the 4 fields of a Puzzle", rec.Body, err)
			}
			var p Puzzle
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			if p.Algorithm != "SHA-256" || p.Difficulty != tc.want || len(p.Challenge) != challengeLen ||
				p.Expires.Before(before.Add(2*time.Minute-time.Millisecond)) || p.Expires.After(time.Now().Add(2*time.Minute)) {
				t.Fatalf("puzzle %+v, want SHA-256, difficulty %d, expiring in 2 minutes", p, tc.want)
			}
			if tc.name == "chosen" && asked != req {
				t.Errorf("the difficulty function was not given the request")
			}
			if p.Difficulty <= 3 {
				_, sol := solve(p.Challenge, p.Difficulty)
				if _, err := iss.Verify(context.Background(), sol, time.Now()); err != nil {
					t.Errorf("Verify(the served puzzle's solution) = %v", err)
				}
			}
		})
	}
}

func TestHandlerErrors(t *testing.T) {
	for _, tc := range []struct {
		name, method string
		iss          *Issuer
		status       int
		code, allow  string
	}{
		{"GET", http.MethodGet, newIssuer(t), http.StatusMethodNotAllowed, "method_not_allowed", "POST"},
		{"PUT", http.MethodPut, newIssuer(t), http.StatusMethodNotAllowed, "method_not_allowed", "POST"},
		{"store down", http.MethodPost, newIssuer(t, WithStore(failStore{})), http.StatusServiceUnavailable, "store", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			tc.iss.Handler(nil).ServeHTTP(rec, httptest.NewRequest(tc.method, "/pow", nil))
			var e errorJSON
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
				t.Fatalf("body %q: %v", rec.Body, err)
			}
			if rec.Code != tc.status || e.OK || e.Code != tc.code || !strings.HasPrefix(e.Error, "pow: ") || rec.Header().Get("Allow") != tc.allow {
				t.Errorf("%s = %d %+v Allow %q, want %d code %q Allow %q", tc.method, rec.Code, e, rec.Header().Get("Allow"), tc.status, tc.code, tc.allow)
			}
			if strings.Contains(rec.Body.String(), errDown.Error()) {
				t.Errorf("the answer %s names the store's error", rec.Body)
			}
			if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", cc)
			}
		})
	}
}

func TestWorkerHandler(t *testing.T) {
	h := WorkerHandler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/tollgate/static/pow-worker.js", nil))
	if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), WorkerScript()) || len(WorkerScript()) < 500 {
		t.Fatalf("GET = %d, %d bytes; want 200 and the %d-byte script", rec.Code, rec.Body.Len(), len(WorkerScript()))
	}
	for k, v := range map[string]string{
		"Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff",
	} {
		if got := rec.Header().Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	etag := rec.Header().Get("ETag")
	if len(etag) < 10 {
		t.Fatalf("ETag = %q", etag)
	}
	req := httptest.NewRequest(http.MethodGet, "/w.js", nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("GET with If-None-Match = %d, want 304", rec.Code)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, "/w.js", nil))
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Errorf("HEAD = %d with %d bytes, want 200 and no body", rec.Code, rec.Body.Len())
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/w.js", nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST = %d Allow %q, want 405 Allow \"GET, HEAD\"", rec.Code, rec.Header().Get("Allow"))
	}
	// WorkerScript returns a copy.
	s := WorkerScript()
	s[0] = 'X'
	if WorkerScript()[0] == 'X' {
		t.Error("changing WorkerScript's result changed the script")
	}
}
