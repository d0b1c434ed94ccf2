package tollgate

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/ratelimit"
	"github.com/tollgate/tollgate/redisstore"
)

func TestLabelsEscape(t *testing.T) {
	tests := []struct {
		kv   []string
		want string
	}{
		{nil, ""},
		{[]string{"a", "b"}, `a="b"`},
		{[]string{"a", `x"y`, "b", `c\d`}, `a="x\"y",b="c\\d"`},
		{[]string{"a", "line\nbreak"}, `a="line\nbreak"`},
	}
	for _, tt := range tests {
		if got := labels(tt.kv...); got != tt.want {
			t.Errorf("labels(%q) = %s, want %s", tt.kv, got, tt.want)
		}
	}
}

var sampleLine = regexp.MustCompile(`^(tollgate_[a-z_]+)(\{([a-z_]+="([^"\\]|\\.)*",?)*\})? [0-9]+$`)

// checkExposition verifies the text format: every sample belongs to a
// family announced by HELP and TYPE lines just before its samples.
func checkExposition(t *testing.T, text string) map[string]bool {
	t.Helper()
	families := map[string]bool{}
	current := ""
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "# HELP ") {
			name := strings.Fields(l)[2]
			if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "# TYPE "+name+" ") {
				t.Fatalf("HELP %s not followed by its TYPE", name)
			}
			if typ := strings.Fields(lines[i+1])[3]; typ != "counter" && typ != "gauge" {
				t.Fatalf("TYPE %s %s", name, typ)
			}
			if families[name] {
				t.Fatalf("family %s announced twice", name)
			}
			families[name], current = true, name
			i++
			continue
		}
		m := sampleLine.FindStringSubmatch(l)
		if m == nil || m[1] != current {
			t.Fatalf("line %q is not a sample of %s", l, current)
		}
	}
	return families
}

func TestMetricsHandler(t *testing.T) {
	g, _ := newTestGate(t)
	p := g.Protect(&okHandler{})
	_, token := solve(t, g, "mapo bridge")
	postForm(p, "/login", loginForm(token, humanLogin(1)), nil)
	postForm(p, "/login", loginForm(token, botLogin(2)), nil) // deceived: its token is spent
	g.Observe(context.Background(), FromRedis(redisstore.Event{Type: redisstore.EventError, Store: "captcha", Op: `at"tempt`}, g.now()))
	g.Observe(context.Background(), Event{Source: SourceRateLimit, Type: ratelimit.EventKeyLimited, Policy: "ip",
		RateLimit: &ratelimit.Event{Type: ratelimit.EventKeyLimited}})

	w := serve(g.MetricsHandler(), "GET", "/metrics", nil, nil)
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Fatalf("Content-Type %q", ct)
	}
	text := w.Body.String()
	fams := checkExposition(t, text)
	for _, f := range []string{"tollgate_captcha_events_total", "tollgate_behavior_verdicts_total", "tollgate_behavior_reasons_total",
		"tollgate_ratelimit_level", "tollgate_ratelimit_admitted_total", "tollgate_ratelimit_rejected_total", "tollgate_suspects",
		"tollgate_protect_total", "tollgate_redisstore_events_total", "tollgate_ratelimit_key_limited_total"} {
		if !fams[f] {
			t.Errorf("family %s missing", f)
		}
	}
	for _, want := range []string{
		`tollgate_captcha_events_total{kind="image",type="challenge.issued"} 1`,
		`tollgate_captcha_events_total{kind="image",type="token.verified"} 1`,
		`tollgate_behavior_verdicts_total{verdict="bot"} 1`,
		`tollgate_behavior_verdicts_total{verdict="human"} 1`,
		`tollgate_behavior_reasons_total{reason="untyped_field"} 1`,
		`tollgate_protect_total{outcome="allowed"} 1`,
		`tollgate_ratelimit_admitted_total{class="login"} 2`, // admission comes before the checks
		`tollgate_ratelimit_rejected_total{class="login_background",reason="shed"} 0`,
		`tollgate_ratelimit_level 0`,
		`tollgate_ratelimit_seats 64`,
		`tollgate_suspects 1`,
		`tollgate_ratelimit_key_limited_total{policy="ip"} 1`,
		`tollgate_redisstore_events_total{op="at\"tempt",store="captcha",type="redisstore.error"} 1`,
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("metrics lack %s", want)
		}
	}
	if w := serve(g.MetricsHandler(), "HEAD", "/metrics", nil, nil); w.Body.Len() != 0 {
		t.Fatal("HEAD wrote a body")
	}
}

func TestWriteTextOrder(t *testing.T) {
	var buf bytes.Buffer
	snap := map[string]map[string]uint64{
		"tollgate_protect_total":           {labels("outcome", "denied"): 2, labels("outcome", "allowed"): 5},
		"tollgate_behavior_deceived_total": {"": 3},
		"unknown_family":                   {"": 9},
	}
	if err := writeText(&buf, snap); err != nil {
		t.Fatal(err)
	}
	want := `# HELP tollgate_behavior_deceived_total Requests answered with the decoy after the delay.
# TYPE tollgate_behavior_deceived_total counter
tollgate_behavior_deceived_total 3
# HELP tollgate_protect_total Protected requests by outcome (allowed, denied, challenged).
# TYPE tollgate_protect_total counter
tollgate_protect_total{outcome="allowed"} 5
tollgate_protect_total{outcome="denied"} 2
`
	if buf.String() != want {
		t.Fatalf("writeText =\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestMetricsWithoutParts(t *testing.T) {
	m := newMetrics()
	m.observe(FromCaptcha(captcha.Event{Type: "challenge.issued", Kind: captcha.KindAudio}))
	m.observe(FromBehavior(behavior.Event{Type: behavior.EventError}))
	var buf bytes.Buffer
	writeText(&buf, m.snapshot(nil, nil, nil))
	checkExposition(t, buf.String())
	if !strings.Contains(buf.String(), `tollgate_captcha_events_total{kind="audio",type="challenge.issued"} 1`) ||
		!strings.Contains(buf.String(), "tollgate_behavior_errors_total 1") || strings.Contains(buf.String(), "ratelimit") {
		t.Fatalf("snapshot without limiter:\n%s", buf.String())
	}
}
