package pow

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

//go:embed static/worker.js
var workerJS []byte

// workerETag names the embedded script's content.
var workerETag = func() string {
	sum := sha256.Sum256(workerJS)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
}()

// WorkerScript returns the Web Worker that solves puzzles in the browser
// (static/worker.js; a copy, which the caller may modify). A page runs it
// with new Worker(url), posts it {challenge, difficulty} and receives
// {solution, counter, ms}, or {error} for a message it cannot use.
func WorkerScript() []byte { return bytes.Clone(workerJS) }

// WorkerHandler serves WorkerScript to GET and HEAD as JavaScript, with a
// short public cache lifetime (it holds no secret and changes only with
// the library version) and an ETag. Other methods get 405. A worker must
// come from the page's own origin, so mount it on the site's host.
func WorkerHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/javascript; charset=utf-8")
		h.Set("Cache-Control", "public, max-age=300")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("ETag", workerETag)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(workerJS))
	})
}

// errorJSON is the body of Handler's error answers.
type errorJSON struct {
	OK    bool   `json:"ok"`
	Code  string `json:"code"`
	Error string `json:"error"`
}

// Handler answers POST with a new puzzle: 201 and the Puzzle as JSON, with
// Cache-Control: no-store. difficulty chooses each request's difficulty
// (clamped to [0, 32]); nil means DefaultDifficulty. The request body is
// not read. Other methods get 405; a Store failure gets 503 with
// {"ok":false,"code":"store","error":"pow: store failure"}, which names no
// detail of the infrastructure.
//
// Every request stores a puzzle until it expires or is solved, so put a
// per-client rate limit in front of this handler.
func (i *Issuer) Handler(difficulty func(*http.Request) int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeJSON(w, http.StatusMethodNotAllowed, errorJSON{Code: "method_not_allowed", Error: "pow: use POST"})
			return
		}
		d := DefaultDifficulty
		if difficulty != nil {
			d = difficulty(r)
		}
		p, err := i.Issue(r.Context(), d, time.Now())
		if err != nil {
			writeJSON(w, http.StatusServiceUnavailable, errorJSON{Code: "store", Error: "pow: store failure"})
			return
		}
		writeJSON(w, http.StatusCreated, p)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil { // not for these types
		http.Error(w, "pow: internal error", http.StatusInternalServerError)
		return
	}
	data = append(data, '\n')
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	w.Write(data)
}
