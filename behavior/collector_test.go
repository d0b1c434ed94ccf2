package behavior_test

import (
	"bytes"
	"crypto/sha512"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/tollgate/tollgate/behavior"
)

// requireNode returns the node binary, skipping the test when it is absent
// unless TOLLGATE_REQUIRE_INTEGRATION is set.
func requireNode(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("TOLLGATE_REQUIRE_INTEGRATION") != "" {
			t.Fatalf("node not found and TOLLGATE_REQUIRE_INTEGRATION is set: %v", err)
		}
		t.Skip("node not found")
	}
	return p
}

func TestCollectorHandler(t *testing.T) {
	h := behavior.CollectorHandler()
	get := func(method string, hdr map[string]string) *httptest.ResponseRecorder {
		t.Helper()
		r := httptest.NewRequest(method, "/tollgate/behavior.js", nil)
		for k, v := range hdr {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	w := get(http.MethodGet, nil)
	if w.Code != http.StatusOK {
		t.Fatalf("GET status = %d, want 200", w.Code)
	}
	if got := w.Header().Get("Content-Type"); got != "application/javascript; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	if got := w.Header().Get("Cache-Control"); !strings.Contains(got, "max-age=") {
		t.Errorf("Cache-Control = %q, want a max-age", got)
	}
	if got := w.Header().Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
	}
	if w.Body.String() != behavior.CollectorSource() || !strings.Contains(w.Body.String(), "Tollgate") {
		t.Errorf("GET body is not the collector script")
	}
	etag := w.Header().Get("ETag")
	if !regexp.MustCompile(`^"[0-9a-f]{24}"$`).MatchString(etag) {
		t.Fatalf("ETag = %q", etag)
	}
	if w := get(http.MethodGet, map[string]string{"If-None-Match": `"other", ` + etag}); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("conditional GET = %d with %d bytes, want 304 and no body", w.Code, w.Body.Len())
	}
	if w := get(http.MethodGet, map[string]string{"If-None-Match": `"other"`}); w.Code != http.StatusOK {
		t.Errorf("GET with stale ETag = %d, want 200", w.Code)
	}
	if w := get(http.MethodHead, nil); w.Code != http.StatusOK || w.Body.Len() != 0 || w.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD = %d, %d bytes, Content-Length %q; want 200, none, set", w.Code, w.Body.Len(), w.Header().Get("Content-Length"))
	}
	if w := get(http.MethodPost, nil); w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST = %d, Allow %q; want 405, \"GET, HEAD\"", w.Code, w.Header().Get("Allow"))
	}
}

func TestCollectorIntegrity(t *testing.T) {
	got := behavior.CollectorIntegrity()
	sum := sha512.Sum384([]byte(behavior.CollectorSource()))
	if want := "sha384-" + base64.StdEncoding.EncodeToString(sum[:]); got != want {
		t.Errorf("CollectorIntegrity() = %q, want %q", got, want)
	}
}

// TestCollectorSize guards the script's size: with comments and
// indentation stripped (a crude stand-in for minification) it must stay
// under 9 KB. A real minifier also shortens names: terser -c -m gave
// 5,974 bytes (2,850 gzipped) for 11,131 bytes of source.
func TestCollectorSize(t *testing.T) {
	src := behavior.CollectorSource()
	stripped := stripJS(src)
	t.Logf("collector.js: %d bytes, %d without comments and indentation", len(src), len(stripped))
	if len(stripped) >= 9<<10 {
		t.Errorf("stripped collector is %d bytes, want < 9216", len(stripped))
	}
}

func stripJS(src string) string {
	src = regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAllString(src, "")
	var b strings.Builder
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "//") {
			continue
		}
		if i := strings.Index(line, " // "); i >= 0 {
			line = line[:i]
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

func TestCollectorSyntax(t *testing.T) {
	node := requireNode(t)
	out, err := exec.Command(node, "--check", "collector.js").CombinedOutput()
	if err != nil {
		t.Fatalf("node --check collector.js: %v\n%s", err, out)
	}
}

// TestCollectorSessions plays scripted sessions through the real
// collector.js in a fake DOM under node, then decodes and scores what it
// wrote into the hidden field.
func TestCollectorSessions(t *testing.T) {
	node := requireNode(t)
	s := behavior.NewScorer()
	tests := []struct {
		session  string
		min, max behavior.Verdict
		reasons  []string
	}{
		{"human", behavior.VerdictHuman, behavior.VerdictHuman, nil},
		{"human_coarse", behavior.VerdictHuman, behavior.VerdictHuman, nil},
		{"paste", behavior.VerdictHuman, behavior.VerdictHuman, nil},
		{"long", behavior.VerdictHuman, behavior.VerdictHuman, nil},
		{"bot_type0", behavior.VerdictBot, behavior.VerdictBot, []string{behavior.ReasonShortHolds, behavior.ReasonZeroIntervals, behavior.ReasonWebDriver}},
		{"js_dispatch", behavior.VerdictSuspect, behavior.VerdictBot, []string{behavior.ReasonUntrustedEvents, behavior.ReasonUntrustedSubmit, behavior.ReasonWebDriver}},
		{"script_fill", behavior.VerdictBot, behavior.VerdictBot, []string{behavior.ReasonNoEvents, behavior.ReasonUntrustedSubmit}},
	}
	for _, tc := range tests {
		t.Run(tc.session, func(t *testing.T) {
			var stderr bytes.Buffer
			cmd := exec.Command(node, "testdata/collector_harness.js", "collector.js", tc.session)
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("harness %s: %v\n%s", tc.session, err, stderr.String())
			}
			for _, secret := range []string{"Alice", "Smith", "Secret", "Pass7", "correct-horse"} {
				if bytes.Contains(out, []byte(secret)) {
					t.Fatalf("telemetry leaks typed text %q: %s", secret, out)
				}
			}
			tel, err := behavior.Decode(out)
			if err != nil {
				t.Fatalf("Decode(collector output) = %v\n%s", err, out)
			}
			if tel.Version != behavior.Version {
				t.Errorf("collector wrote version %d, want %d", tel.Version, behavior.Version)
			}
			res := s.Score(tel, behavior.Submission{Filled: map[string]int{"user": tel.Fields[0].FinalLen, "pass": tel.Fields[1].FinalLen}})
			if res.Verdict < tc.min || res.Verdict > tc.max {
				t.Errorf("Score(%s) = %v (%.3f) %+v, want %v..%v", tc.session, res.Verdict, res.Score, res.Reasons, tc.min, tc.max)
			}
			for _, code := range tc.reasons {
				if !res.Has(code) {
					t.Errorf("Score(%s) reasons %+v lack %s", tc.session, res.Reasons, code)
				}
			}
			if tc.session == "long" && (tel.Dropped == 0 || len(out) > 30000) {
				t.Errorf("long typing: Dropped = %d, %d bytes; want events dropped and the document under 30000 bytes", tel.Dropped, len(out))
			}
			if tc.session == "human_coarse" && tel.Step != 100 {
				t.Errorf("coarse timers: Step = %v, want 100", tel.Step)
			}
			if tc.session == "script_fill" && tel.Submit.Flags&behavior.FlagNoSubmitEvent == 0 {
				t.Errorf("form.submit(): Submit.Flags = %b, want FlagNoSubmitEvent", tel.Submit.Flags)
			}
		})
	}
}
