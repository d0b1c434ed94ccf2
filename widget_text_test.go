package tollgate

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// widgetPart returns the source of widget.js from the line that starts
// with start to the first line after it that is end ("": that line only).
func widgetPart(t *testing.T, js, start, end string) string {
	t.Helper()
	i := strings.Index(js, "\n"+start)
	if i < 0 {
		t.Fatalf("widget.js has no %q", start)
	}
	if end == "" {
		line, _, _ := strings.Cut(js[i+1:], "\n")
		return line + "\n"
	}
	j := strings.Index(js[i+1:], "\n"+end+"\n")
	if j < 0 {
		t.Fatalf("widget.js: no %q after %q", end, start)
	}
	return js[i+1 : i+1+j+len(end)+1]
}

// TestWidgetMessages runs the widget's message choice (its texts, plural
// and refusal) in Node: a store outage says "temporarily unavailable", not
// "too many requests", and counts take their plural form in each language.
func TestWidgetMessages(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("TOLLGATE_REQUIRE_INTEGRATION") != "" {
			t.Fatal("node not found and TOLLGATE_REQUIRE_INTEGRATION is set")
		}
		t.Skip("node not installed")
	}
	js := widgetFile(t, "widget.js")
	src := widgetPart(t, js, "  var TEXTS = {", "  };") +
		widgetPart(t, js, "  var fmt = function", "") +
		widgetPart(t, js, "  var plural = function", "  };") +
		widgetPart(t, js, "  var refusal = function", "  };")
	type call struct {
		Fn     string `json:"fn"` // "refusal" or "plural"
		Lang   string `json:"lang"`
		Status int    `json:"status"`
		Code   string `json:"code"`
		N      int    `json:"n"`   // retryAfter, or the count
		Key    string `json:"key"` // plural: the pair's "one" key; "other" is Other
		Other  string `json:"other"`
	}
	cases := []struct {
		c    call
		want string
	}{
		{call{Fn: "refusal", Lang: "en", Status: 503, Code: "store"}, "The security check is temporarily unavailable. Please try again in a moment."},
		{call{Fn: "refusal", Lang: "en", Status: 503, Code: "store", N: 1}, "The security check is temporarily unavailable. Please try again in 1 second."},
		{call{Fn: "refusal", Lang: "en", Status: 503, N: 5}, "The security check is temporarily unavailable. Please try again in 5 seconds."},
		{call{Fn: "refusal", Lang: "en", Status: 429, N: 1}, "Too many requests. Please try again in 1 second."},
		{call{Fn: "refusal", Lang: "en", Status: 429, N: 30}, "Too many requests. Please try again in 30 seconds."},
		{call{Fn: "refusal", Lang: "en", Status: 429}, "Too many requests. Please try again in 1 second."},
		{call{Fn: "refusal", Lang: "en", Status: 403, Code: "wrong_answer"}, ""},
		{call{Fn: "refusal", Lang: "en", Status: 500, Code: "internal"}, ""},
		{call{Fn: "refusal", Lang: "ko", Status: 503, Code: "store"}, "보안 확인을 잠시 사용할 수 없습니다. 잠시 후에 다시 시도하세요."},
		{call{Fn: "refusal", Lang: "ko", Status: 503, N: 1}, "보안 확인을 잠시 사용할 수 없습니다. 1초 후에 다시 시도하세요."},
		{call{Fn: "refusal", Lang: "ko", Status: 429, N: 7}, "요청이 너무 많습니다. 7초 후에 다시 시도하세요."},
		{call{Fn: "plural", Lang: "en", N: 1, Key: "wrongOne", Other: "wrongMany"}, "That answer is not right. 1 try left."},
		{call{Fn: "plural", Lang: "en", N: 2, Key: "wrongOne", Other: "wrongMany"}, "That answer is not right. 2 tries left."},
		{call{Fn: "plural", Lang: "en", N: 0, Key: "refreshLeftOne", Other: "refreshesLeft"}, "0 new challenges left."},
		{call{Fn: "plural", Lang: "en", N: 1, Key: "refreshLeftOne", Other: "refreshesLeft"}, "1 new challenge left."},
		{call{Fn: "plural", Lang: "ko", N: 1, Key: "wrongOne", Other: "wrongMany"}, "정답이 아닙니다. 1번 더 시도할 수 있습니다."},
		{call{Fn: "plural", Lang: "ko", N: 2, Key: "refreshLeftOne", Other: "refreshesLeft"}, "새 문제를 2번 더 받을 수 있습니다."},
	}
	calls := make([]call, len(cases))
	for i, tc := range cases {
		calls[i] = tc.c
	}
	in, _ := json.Marshal(calls)
	script := src + `
var out = ` + string(in) + `.map(function (c) {
  var t = TEXTS[c.lang];
  if (c.fn === 'refusal') return refusal(t, c.lang, c.status, c.code || undefined, c.n);
  return plural(c.lang, c.n, t[c.key], t[c.other]);
});
process.stdout.write(JSON.stringify(out));
`
	p := filepath.Join(t.TempDir(), "messages.js")
	if err := os.WriteFile(p, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	raw, err := exec.Command(node, p).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, raw)
	}
	var got []string
	if err := json.Unmarshal(raw, &got); err != nil || len(got) != len(cases) {
		t.Fatalf("node printed %q (%v)", raw, err)
	}
	for i, tc := range cases {
		if got[i] != tc.want {
			t.Errorf("%s(%+v) = %q, want %q", tc.c.Fn, tc.c, got[i], tc.want)
		}
	}
}
