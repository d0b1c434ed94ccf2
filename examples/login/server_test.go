package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/ratelimit"
)

func testServer(t *testing.T, change func(*config)) (*server, *httptest.Server) {
	t.Helper()
	cfg := defaultConfig()
	cfg.Pool = 0
	cfg.DeceiveMin, cfg.DeceiveMax = 0, 0
	if change != nil {
		change(&cfg)
	}
	srv, err := newServer(context.Background(), cfg, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts
}

// client does not follow redirects, so tests see them.
func client() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 10 * time.Second}
}

func get(t *testing.T, c *http.Client, u string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestParseConfig(t *testing.T) {
	env := map[string]string{"TOLLGATE_LANG": "ko", "TOLLGATE_POOL": "4", "TOLLGATE_DECEIVE": "1s-2s"}
	env["TOLLGATE_STATUS_TOKEN"] = testToken
	cfg, err := parseConfig([]string{"-addr", "127.0.0.1:9999", "-map", "procedural"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:9999" || cfg.Lang != "ko" || cfg.Pool != 4 || cfg.DeceiveMin != time.Second || cfg.DeceiveMax != 2*time.Second ||
		cfg.StatusToken != testToken {
		t.Fatalf("config = %+v", cfg)
	}
	bad := [][]string{
		{"-lang", "fr"}, {"-map", "satellite"}, {"-map", "osm"}, {"-secret", "abcd"},
		{"-deceive", "5s-1s"}, {"-deceive", "soon"}, {"-log-level", "loud"}, {"extra"},
		{"-status-token", testToken[:31]}, {"-status-token", testToken + " x"}, {"-status-token", testToken + "\n"},
		{"-status-token", testToken + "é"},
	}
	for _, args := range bad {
		if _, err := parseConfig(args, func(string) string { return "" }, io.Discard); err == nil {
			t.Errorf("parseConfig(%q) accepted", args)
		}
	}
}

func TestPages(t *testing.T) {
	_, ts := testServer(t, nil)
	c := client()
	res, body := get(t, c, ts.URL+"/login", "Accept-Language", "ko-KR,ko;q=0.9,en;q=0.5")
	if res.StatusCode != 200 || !strings.Contains(body, `<html lang="ko">`) || !strings.Contains(body, "로그인") {
		t.Fatalf("Korean login page: %d\n%s", res.StatusCode, body)
	}
	if strings.Contains(body, `href="/status`) {
		t.Error("the public login page links the operator's status page")
	}
	for _, want := range []string{`<div data-tollgate-captcha data-tollgate-mode="managed">`, `/tollgate/static/widget.js`, `/tollgate/static/widget.css`,
		`name="email"`, `name="password"`} {
		if !strings.Contains(body, want) {
			t.Errorf("login page lacks %s", want)
		}
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
	res, body = get(t, c, ts.URL+"/login?lang=en", "Accept-Language", "ko")
	if !strings.Contains(body, `<html lang="en">`) || !strings.Contains(res.Header.Get("Set-Cookie"), "lang=en") {
		t.Fatalf("?lang=en gave %q, cookie %q", body[:60], res.Header.Get("Set-Cookie"))
	}
	for path, want := range map[string]string{
		"/":                           "",
		"/status":                     "login_background",
		"/status.json":                `"loadLevel": "normal"`,
		"/metrics":                    "# TYPE tollgate_ratelimit_level gauge",
		"/healthz":                    "ok",
		"/assets/app.css":             ".brand-panel",
		"/tollgate/static/widget.js":  "data-tollgate-captcha",
		"/tollgate/behavior.js":       "tollgate_behavior",
		"/tollgate/static/widget.css": ".tg-stage",
	} {
		res, body := get(t, c, ts.URL+path)
		if path == "/" {
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
				t.Errorf("/ = %d %q", res.StatusCode, res.Header.Get("Location"))
			}
			continue
		}
		if res.StatusCode != 200 || !strings.Contains(body, want) {
			t.Errorf("%s = %d, want 200 with %q", path, res.StatusCode, want)
		}
	}
	if res, _ := get(t, c, ts.URL+"/welcome"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("/welcome without a session = %d, want a redirect", res.StatusCode)
	}
}

func TestBotIsDeceived(t *testing.T) {
	srv, ts := testServer(t, nil)
	c := client()
	form := url.Values{"email": {"demo@haneul.example"}, "password": {"correct-horse-battery"}, "tollgate_behavior": {forged}}
	res, err := c.PostForm(ts.URL+"/login", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/welcome" {
		t.Fatalf("bot post = %d %q, want the fake success", res.StatusCode, res.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == sessionCookie {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly {
		t.Fatalf("fake success set no session cookie: %v", res.Cookies())
	}
	// The fake session shows a page like the real one...
	req, _ := http.NewRequest("GET", ts.URL+"/welcome", nil)
	req.AddCookie(session)
	res2, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res2.Body)
	res2.Body.Close()
	if res2.StatusCode != 200 || !strings.Contains(string(b), `id="welcome"`) {
		t.Fatalf("fake session page = %d", res2.StatusCode)
	}
	// ...but it is a decoy, and the operator sees why (from another
	// loopback address: nobody is shown the records about its own).
	if ss, ok := srv.sessions.get(session.Value); !ok || !ss.decoy {
		t.Fatalf("session %+v is not a decoy", ss)
	}
	const operator, host = "127.0.0.2:40000", "127.0.0.1:8080"
	st := decodeStatus(t, serve(t, srv, "GET", "/status.json", operator, host))
	if st.Bot != 1 || st.Deceived != 1 || len(st.Verdicts) != 1 || st.Verdicts[0].Reasons[0] != "malformed" ||
		len(st.Logins) != 1 || st.Logins[0].Outcome != "deceived" {
		t.Fatalf("status = %+v", st)
	}
	if page := serve(t, srv, "GET", "/status", operator, host).Body.String(); !strings.Contains(page, "malformed") {
		t.Fatal("the status page does not show the verdict's reason")
	}
}

func TestLimitsRenderThePage(t *testing.T) {
	_, ts := testServer(t, func(c *config) {
		c.AccountLimit = ratelimit.Limit{Count: 1, Period: time.Hour, Burst: 1}
	})
	c := client()
	form := url.Values{"email": {"minji@haneul.example"}, "password": {"x"}}
	res, _ := c.PostForm(ts.URL+"/login", form)
	res.Body.Close()
	res, err := c.PostForm(ts.URL+"/login?lang=en", form)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(b), "Too many sign-in attempts") ||
		res.Header.Get("Retry-After") == "" {
		t.Fatalf("second attempt for one account = %d (Retry-After %q)\n%s", res.StatusCode, res.Header.Get("Retry-After"), b)
	}
}

func TestRenewIsBackgroundLane(t *testing.T) {
	srv, ts := testServer(t, nil)
	c := client()
	res, err := c.Post(ts.URL+"/session/renew", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("renew without a token = %d, want 401", res.StatusCode)
	}
	tok := srv.sessions.remember1("demo@haneul.example")
	req, _ := http.NewRequest("POST", ts.URL+"/session/renew", nil)
	req.AddCookie(&http.Cookie{Name: rememberCookie, Value: tok})
	res, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	json.NewDecoder(res.Body).Decode(&out)
	res.Body.Close()
	if res.StatusCode != 200 || out["ok"] != true || out["account"] != "demo@haneul.example" {
		t.Fatalf("renew = %d %v", res.StatusCode, out)
	}
	for _, cl := range srv.gate.Limiter().Stats().Classes {
		if cl.Name == "login_background" && cl.Admitted != 2 {
			t.Fatalf("background lane admitted %d, want 2", cl.Admitted)
		}
	}
}

// lineWriter is a goroutine-safe writer that reports each line.
type lineWriter struct{ lines chan string }

func (w lineWriter) Write(p []byte) (int, error) {
	sc := bufio.NewScanner(strings.NewReader(string(p)))
	for sc.Scan() {
		select {
		case w.lines <- sc.Text():
		default:
		}
	}
	return len(p), nil
}

func TestRunShutsDownGracefully(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := lineWriter{lines: make(chan string, 256)}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-pool", "-1", "-deceive", "0s"}, func(string) string { return "" }, out, io.Discard)
	}()
	var addr string
	deadline := time.After(20 * time.Second)
	for addr == "" {
		select {
		case l := <-out.lines:
			var m map[string]any
			if json.Unmarshal([]byte(l), &m) == nil && m["event"] == "server.started" {
				addr = m["addr"].(string)
			}
		case err := <-done:
			t.Fatalf("run returned early: %v", err)
		case <-deadline:
			t.Fatal("the server did not start")
		}
	}
	res, body := get(t, client(), strings.Replace(addr, "/login", "/healthz", 1))
	if res.StatusCode != 200 || body != "ok\n" {
		t.Fatalf("healthz = %d %q", res.StatusCode, body)
	}
	cancel() // what SIGINT or SIGTERM does in main
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after cancel: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not stop")
	}
	stopped := false
	for len(out.lines) > 0 {
		if strings.Contains(<-out.lines, `"server.stopped"`) {
			stopped = true
		}
	}
	if !stopped {
		t.Fatal("no server.stopped record")
	}
}

func TestOSMMapSource(t *testing.T) {
	_, ts := testServer(t, func(c *config) {
		c.MapSource, c.OSMFile = "osm", "../../testdata/osm/seoul-gongdeok-small.osm"
	})
	res, err := client().Post(ts.URL+"/tollgate/challenge", "application/json", strings.NewReader(`{"lang":"ko"}`))
	if err != nil {
		t.Fatal(err)
	}
	var ch struct{ MediaURL, Prompt string }
	json.NewDecoder(res.Body).Decode(&ch)
	res.Body.Close()
	if res.StatusCode != 201 || ch.Prompt == "" {
		t.Fatalf("create with the OSM source = %d %+v", res.StatusCode, ch)
	}
	res2, body := get(t, client(), ts.URL+ch.MediaURL)
	if res2.StatusCode != 200 || !strings.HasPrefix(body, "\x89PNG") {
		t.Fatalf("OSM media = %d", res2.StatusCode)
	}
	if _, err := newServer(context.Background(), config{Lang: "auto", MapSource: "osm", OSMFile: "no-such.osm"}, nil); err == nil {
		t.Fatal("a missing OSM file was accepted")
	}
}

// TestRetryMessages: the retry messages use the right plural forms, and a
// store outage says "temporarily unavailable", not "too many requests".
func TestRetryMessages(t *testing.T) {
	p, err := newPages()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang, key string
		retry     int
		want      string
	}{
		{"en", "tooMany", 1, "Please wait a second"},
		{"en", "tooMany", 5, "Please wait 5 seconds"},
		{"en", "busy", 1, "try again in a second"},
		{"ko", "busy", 1, "1초 후에"},
		{"ko", "tooMany", 7, "7초 후에"},
		{"en", "unavailable", 3, "temporarily unavailable"},
	} {
		w := httptest.NewRecorder()
		p.login(w, nil, http.StatusTooManyRequests, loginData{Lang: tc.lang, Error: tc.key, RetryAfter: tc.retry})
		if !strings.Contains(w.Body.String(), tc.want) {
			t.Errorf("login page (%s, %s, retry %d) lacks %q", tc.lang, tc.key, tc.retry, tc.want)
		}
	}
}
