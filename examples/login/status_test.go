package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

const testToken = "0123456789abcdef0123456789abcdef-status"

// serve sends one request straight to the server's handler, from peer
// (host:port) with the given Host header and extra header pairs.
func serve(t *testing.T, srv *server, method, target, peer, host string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader("")
	}
	r := httptest.NewRequest(method, target, body)
	r.RemoteAddr, r.Host = peer, host
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	return w
}

// botSignIn posts the demo account's sign-in with no behavior telemetry
// from peer: the Gate judges it a bot and answers with the decoy.
// forged is telemetry no browser sends: positive bot evidence (a post with
// no telemetry at all is asked to solve a challenge, never deceived).
const forged = `{"v":2,"forged":true}`

func botSignIn(t *testing.T, srv *server, peer string) {
	t.Helper()
	form := url.Values{"email": {"demo@haneul.example"}, "password": {"correct-horse-battery"}, "tollgate_behavior": {forged}}
	r := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.RemoteAddr, r.Host = peer, "login.example"
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/welcome" {
		t.Fatalf("bot sign-in from %s = %d %q, want the decoy's redirect", peer, w.Code, w.Header().Get("Location"))
	}
}

func trunc(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

func decodeStatus(t *testing.T, w *httptest.ResponseRecorder) statusData {
	t.Helper()
	if w.Code != http.StatusOK {
		t.Fatalf("status.json = %d, want 200\n%s", w.Code, w.Body)
	}
	var d statusData
	if err := json.Unmarshal(w.Body.Bytes(), &d); err != nil {
		t.Fatalf("status.json is not JSON: %v\n%s", err, w.Body)
	}
	return d
}

// TestStatusHidden: whoever may not see the status page gets exactly the
// 404 of a path that does not exist, whatever the method.
func TestStatusHidden(t *testing.T) {
	open, _ := testServer(t, nil)
	public, _ := testServer(t, func(c *config) { c.Addr = ":8080" })
	locked, _ := testServer(t, func(c *config) { c.StatusToken = testToken })
	const lo, remote = "127.0.0.1:40000", "203.0.113.7:1234"
	tests := []struct {
		name       string
		srv        *server
		method     string
		peer, host string
		hdr        []string
	}{
		{"remote peer", open, "GET", remote, "127.0.0.1:8080", nil},
		{"remote peer, POST", open, "POST", remote, "127.0.0.1:8080", nil},
		{"remote peer claiming loopback in X-Forwarded-For", open, "GET", remote, "127.0.0.1:8080", []string{"X-Forwarded-For", "127.0.0.1"}},
		{"remote peer, IPv4-mapped", open, "GET", "[::ffff:203.0.113.7]:1234", "127.0.0.1:8080", nil},
		{"loopback peer relaying X-Forwarded-For", open, "GET", lo, "127.0.0.1:8080", []string{"X-Forwarded-For", "203.0.113.7"}},
		{"loopback peer relaying X-Real-IP", open, "GET", lo, "127.0.0.1:8080", []string{"X-Real-IP", "203.0.113.7"}},
		{"loopback peer relaying Forwarded", open, "GET", lo, "127.0.0.1:8080", []string{"Forwarded", "for=203.0.113.7"}},
		{"loopback peer, public Host (DNS rebinding or proxy)", open, "GET", lo, "login.example", nil},
		{"loopback peer, server listening on every address", public, "GET", lo, "127.0.0.1:8080", nil},
		{"token set, loopback peer without it", locked, "GET", lo, "127.0.0.1:8080", nil},
		{"token set, remote peer without it", locked, "GET", remote, "login.example", nil},
		{"token set, wrong bearer", locked, "GET", remote, "login.example", []string{"Authorization", "Bearer " + testToken[:len(testToken)-1] + "X"}},
		{"token set, prefix of the token", locked, "GET", remote, "login.example", []string{"Authorization", "Bearer " + testToken[:32]}},
		{"token set, token as basic auth", locked, "GET", remote, "login.example", []string{"Authorization", "Basic " + testToken}},
	}
	for _, tt := range tests {
		want := serve(t, tt.srv, tt.method, "/no-such-page", tt.peer, tt.host, tt.hdr...)
		if want.Code != http.StatusNotFound {
			t.Fatalf("%s: /no-such-page = %d, want 404", tt.name, want.Code)
		}
		for _, path := range []string{"/status", "/status.json", "/status?token=wrong", "/metrics"} {
			got := serve(t, tt.srv, tt.method, path, tt.peer, tt.host, tt.hdr...)
			if got.Code != want.Code || got.Body.String() != want.Body.String() ||
				got.Header().Get("Content-Type") != want.Header().Get("Content-Type") {
				t.Errorf("%s: %s %s = %d %q (%s), want the 404 of an unknown path %d %q (%s)", tt.name, tt.method, path,
					got.Code, trunc(got.Body.String()), got.Header().Get("Content-Type"), want.Code, want.Body, want.Header().Get("Content-Type"))
			}
		}
	}
}

// TestStatusLoopback: on a server listening on loopback, a loopback peer
// that names a loopback host sees the page in full.
func TestStatusLoopback(t *testing.T) {
	srv, _ := testServer(t, nil)
	botSignIn(t, srv, "203.0.113.7:1234")
	for _, v := range []struct{ peer, host string }{
		{"127.0.0.1:40000", "127.0.0.1:8080"},
		{"127.0.0.2:40000", "localhost:8080"},
		{"[::1]:40000", "[::1]:8080"},
		{"[::1]:40000", "LOCALHOST"},
	} {
		w := serve(t, srv, "GET", "/status.json", v.peer, v.host)
		d := decodeStatus(t, w)
		if len(d.Verdicts) != 1 || d.Verdicts[0].Client != "203.0.113.7" || !d.Verdicts[0].Deceived ||
			len(d.Logins) != 1 || d.Logins[0].Client != "203.0.113.7" || d.Logins[0].Account != "demo@haneul.example" ||
			d.Logins[0].Outcome != "deceived" || d.Bot != 1 || d.Deceived != 1 {
			t.Errorf("status.json from %s (Host %s) = %+v, want the bot's records in full", v.peer, v.host, d)
		}
		if cc := w.Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("status.json Cache-Control = %q, want no-store", cc)
		}
		page := serve(t, srv, "GET", "/status", v.peer, v.host)
		if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), "<code>203.0.113.7</code>") ||
			!strings.Contains(page.Body.String(), "demo@haneul.example") {
			t.Errorf("/status from %s (Host %s) = %d, want 200 with the bot's address and account\n%s", v.peer, v.host, page.Code, page.Body)
		}
		if cc := page.Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("/status Cache-Control = %q, want no-store", cc)
		}
	}
	if w := serve(t, srv, "POST", "/status", "127.0.0.1:40000", "127.0.0.1:8080"); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /status from loopback = %d, want 405", w.Code)
	}
}

// TestStatusToken: with -status-token the page is open to whoever presents
// the token, from anywhere, with addresses and accounts masked unless the
// viewer is a local operator.
func TestStatusToken(t *testing.T) {
	srv, _ := testServer(t, func(c *config) { c.StatusToken = testToken })
	botSignIn(t, srv, "203.0.113.7:1234")
	botSignIn(t, srv, "[2001:db8:1:2::7]:1234")
	const viewer = "198.51.100.9:5555"

	masked := func(name string, d statusData) {
		t.Helper()
		if len(d.Verdicts) != 2 || len(d.Logins) != 2 {
			t.Fatalf("%s: %d verdicts, %d logins, want 2 and 2", name, len(d.Verdicts), len(d.Logins))
		}
		clients := map[string]bool{}
		for _, v := range d.Verdicts {
			clients[v.Client] = true
			if !v.Deceived || v.Verdict != "bot" {
				t.Errorf("%s: verdict %+v, want a deceived bot", name, v)
			}
		}
		if !clients["203.0.113.0/24"] || !clients["2001:db8:1::/48"] {
			t.Errorf("%s: verdict clients %v, want 203.0.113.0/24 and 2001:db8:1::/48", name, clients)
		}
		for _, l := range d.Logins {
			if l.Client != "203.0.113.0/24" && l.Client != "2001:db8:1::/48" {
				t.Errorf("%s: login client %q, want a masked prefix", name, l.Client)
			}
			if l.Account == "" || strings.Contains(l.Account, "demo") || strings.Contains(l.Account, "haneul") {
				t.Errorf("%s: login account %q, want it masked", name, l.Account)
			}
		}
		if d.Logins[0].Account != d.Logins[1].Account {
			t.Errorf("%s: one account masked as %q and %q, want one tag", name, d.Logins[0].Account, d.Logins[1].Account)
		}
	}
	w := serve(t, srv, "GET", "/status.json", viewer, "login.example", "Authorization", "Bearer "+testToken)
	masked("bearer", decodeStatus(t, w))
	w = serve(t, srv, "GET", "/status.json?token="+url.QueryEscape(testToken), viewer, "login.example")
	masked("?token=", decodeStatus(t, w))

	page := serve(t, srv, "GET", "/status?token="+url.QueryEscape(testToken), viewer, "login.example")
	body := page.Body.String()
	if page.Code != http.StatusOK || !strings.Contains(body, "203.0.113.0/24") {
		t.Fatalf("/status?token= = %d, want 200 with masked addresses\n%s", page.Code, body)
	}
	for _, leak := range []string{"203.0.113.7", "2001:db8:1:2::7", "demo@haneul.example"} {
		if strings.Contains(body, leak) {
			t.Errorf("/status?token= from a remote viewer shows %q", leak)
		}
	}
	if !strings.Contains(body, `href="/status.json?token=`+url.QueryEscape(testToken)+`"`) {
		t.Errorf("/status?token= does not link /status.json with the token\n%s", body)
	}

	// A local operator with the token sees everything.
	w = serve(t, srv, "GET", "/status.json", "127.0.0.1:40000", "127.0.0.1:8080", "Authorization", "bearer "+testToken)
	if d := decodeStatus(t, w); len(d.Logins) != 2 || d.Logins[0].Account != "demo@haneul.example" {
		t.Errorf("local operator with the token: logins %+v, want them in full", d.Logins)
	}
}

// TestStatusNeverShowsOwnRecord: no viewer, however it got in, is shown
// the records about its own address, so nobody learns from the status
// page how it was judged or that it was deceived.
func TestStatusNeverShowsOwnRecord(t *testing.T) {
	srv, _ := testServer(t, func(c *config) { c.StatusToken = testToken })
	const bot = "203.0.113.7:1234"
	botSignIn(t, srv, bot)
	botSignIn(t, srv, "203.0.113.8:1234")
	for _, v := range []struct{ name, peer, host string }{
		{"the bot itself", bot, "login.example"},
		{"the bot, IPv4-mapped", "[::ffff:203.0.113.7]:999", "login.example"},
	} {
		w := serve(t, srv, "GET", "/status.json", v.peer, v.host, "Authorization", "Bearer "+testToken)
		d := decodeStatus(t, w)
		if len(d.Verdicts) != 1 || len(d.Logins) != 1 || d.OwnHidden != 2 {
			t.Fatalf("%s: %d verdicts, %d logins, %d hidden, want 1, 1 and 2 (its own hidden)", v.name, len(d.Verdicts), len(d.Logins), d.OwnHidden)
		}
		page := serve(t, srv, "GET", "/status?token="+url.QueryEscape(testToken), v.peer, v.host)
		if page.Code != http.StatusOK {
			t.Fatalf("%s: /status = %d", v.name, page.Code)
		}
	}

	// Loopback: the operator's own test sign-ins stay off the page too.
	open, _ := testServer(t, nil)
	botSignIn(t, open, "127.0.0.1:5000")
	w := serve(t, open, "GET", "/status.json", "127.0.0.1:40000", "127.0.0.1:8080")
	d := decodeStatus(t, w)
	if len(d.Verdicts) != 0 || len(d.Logins) != 0 || d.OwnHidden != 2 {
		t.Fatalf("own loopback records: %d verdicts, %d logins, %d hidden, want 0, 0 and 2", len(d.Verdicts), len(d.Logins), d.OwnHidden)
	}
	if !strings.Contains(w.Body.String(), `"verdicts": [],`) || !strings.Contains(w.Body.String(), `"logins": [],`) {
		t.Errorf("status.json with every record hidden does not list them as []\n%s", w.Body)
	}
	if strings.Contains(w.Body.String(), `"deceived": true`) || strings.Contains(w.Body.String(), `"Outcome": "deceived"`) {
		t.Fatalf("status.json shows the viewer its own deception\n%s", w.Body)
	}
	page := serve(t, open, "GET", "/status", "127.0.0.1:40000", "127.0.0.1:8080").Body.String()
	if strings.Contains(page, "<code>deceived</code>") || strings.Contains(page, "<code>127.0.0.1</code>") ||
		strings.Contains(page, "no_telemetry") {
		t.Fatalf("/status shows the viewer its own records\n%s", page)
	}
}

func TestMaskClient(t *testing.T) {
	srv, _ := testServer(t, nil)
	for _, tt := range []struct{ in, want string }{
		{"203.0.113.7", "203.0.113.0/24"},
		{"::ffff:203.0.113.7", "203.0.113.0/24"},
		{"2001:db8:1:2::7", "2001:db8:1::/48"},
		{"fe80::1%eth0", "fe80::/48"},
		{"", ""},
	} {
		if got := srv.maskClient(tt.in); got != tt.want {
			t.Errorf("maskClient(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := srv.maskClient("not-an-address"); got == "not-an-address" || !strings.HasPrefix(got, "#") {
		t.Errorf("maskClient(%q) = %q, want a tag", "not-an-address", got)
	}
}

func TestMaskAccount(t *testing.T) {
	srv, _ := testServer(t, nil)
	other, _ := testServer(t, nil)
	a := srv.maskAccount("demo@haneul.example")
	if !strings.HasPrefix(a, "#") || strings.Contains(a, "demo") || strings.Contains(a, "haneul") {
		t.Fatalf("maskAccount(demo@haneul.example) = %q, want a tag", a)
	}
	if b := srv.maskAccount(" Demo@Haneul.Example"); b != a {
		t.Errorf("maskAccount of the same account spelled differently = %q, want %q", b, a)
	}
	if b := srv.maskAccount("minji@haneul.example"); b == a {
		t.Errorf("two accounts masked alike: %q", a)
	}
	if b := other.maskAccount("demo@haneul.example"); b == a {
		t.Errorf("two servers mask an account alike (%q): the tag must be keyed per server", a)
	}
	if got := srv.maskAccount(""); got != "" {
		t.Errorf("maskAccount(\"\") = %q, want \"\"", got)
	}
}

func TestOwnAddress(t *testing.T) {
	for _, tt := range []struct {
		peer, client string
		want         bool
	}{
		{"203.0.113.7:1234", "203.0.113.7", true},
		{"203.0.113.7:1234", "::ffff:203.0.113.7", true},
		{"[::ffff:203.0.113.7]:1234", "203.0.113.7", true},
		{"[2001:db8::7]:1234", "2001:db8::7", true},
		{"[fe80::1%eth0]:1234", "fe80::1", true},
		{"203.0.113.7:1234", "203.0.113.8", false},
		{"203.0.113.7:1234", "", false},
		{"@", "@", true}, // no address to parse: the raw peer
		{"@", "203.0.113.7", false},
	} {
		r := httptest.NewRequest("GET", "/status", nil)
		r.RemoteAddr = tt.peer
		if got := ownAddress(r)(tt.client); got != tt.want {
			t.Errorf("ownAddress(peer %q)(%q) = %v, want %v", tt.peer, tt.client, got, tt.want)
		}
	}
}
