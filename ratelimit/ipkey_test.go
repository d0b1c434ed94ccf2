package ratelimit

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestClientIP(t *testing.T) {
	proxies, err := NewIPExtractor(WithTrustedProxies("10.0.0.0/8", "2001:db8:ffff::1"))
	if err != nil {
		t.Fatal(err)
	}
	none := &IPExtractor{}
	tests := []struct {
		name   string
		e      *IPExtractor
		remote string
		xff    []string
		want   string
	}{
		{"no proxy trusted: remote addr", none, "203.0.113.5:4321", nil, "203.0.113.5"},
		{"no proxy trusted: XFF ignored (spoof)", none, "203.0.113.5:4321", []string{"1.2.3.4"}, "203.0.113.5"},
		{"untrusted peer: XFF ignored (spoof)", proxies, "203.0.113.5:4321", []string{"1.2.3.4"}, "203.0.113.5"},
		{"trusted proxy: client from XFF", proxies, "10.1.2.3:80", []string{"198.51.100.7"}, "198.51.100.7"},
		{"client-supplied entries left of the real one are ignored", proxies, "10.1.2.3:80",
			[]string{"1.2.3.4, 10.9.9.9, 198.51.100.7"}, "198.51.100.7"},
		{"chain of trusted proxies", proxies, "10.1.2.3:80", []string{"198.51.100.7, 10.0.0.2, 10.0.0.1"}, "198.51.100.7"},
		{"several header lines", proxies, "10.1.2.3:80", []string{"6.6.6.6, 198.51.100.7", "10.0.0.2"}, "198.51.100.7"},
		{"all trusted: leftmost", proxies, "10.1.2.3:80", []string{"10.0.0.9, 10.0.0.2"}, "10.0.0.9"},
		{"trusted proxy, empty XFF", proxies, "10.1.2.3:80", nil, "10.1.2.3"},
		{"IPv6 with port and brackets", proxies, "[2001:db8:ffff::1]:443", []string{"[2001:db8:1:2::99]:5555"}, "2001:db8:1:2::99"},
		{"IPv4-mapped unmapped", none, "[::ffff:192.0.2.1]:80", nil, "192.0.2.1"},
		{"zone dropped", none, "[fe80::1%eth0]:80", nil, "fe80::1"},
		{"entry with port", proxies, "10.1.2.3:80", []string{"198.51.100.7:1234"}, "198.51.100.7"},
		{"empty list members skipped", proxies, "10.1.2.3:80", []string{" ,198.51.100.7 , "}, "198.51.100.7"},
		{"garbage left of the client is never parsed", proxies, "10.1.2.3:80", []string{"<script>, 198.51.100.7"}, "198.51.100.7"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			got, err := tc.e.ClientIP(r)
			if err != nil {
				t.Fatalf("ClientIP() error = %v", err)
			}
			if got.String() != tc.want {
				t.Errorf("ClientIP() = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestClientIPErrors(t *testing.T) {
	proxies, _ := NewIPExtractor(WithTrustedProxies("10.0.0.0/8"))
	for _, tc := range []struct {
		remote, xff string
	}{
		{"not-an-address", ""},
		{"", ""},
		{"10.0.0.1:80", "unknown"},
		{"10.0.0.1:80", "1.2.3.4, garbage"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if _, err := proxies.ClientIP(r); !errors.Is(err, ErrNoClientAddr) {
			t.Errorf("ClientIP(remote %q, xff %q) error = %v, want ErrNoClientAddr", tc.remote, tc.xff, err)
		}
	}
}

func TestIPExtractorOptions(t *testing.T) {
	for _, o := range []IPOption{
		WithTrustedProxies("10.0.0.0/33"),
		WithTrustedProxies("nonsense"),
		WithTrustedPrefixes(netip.Prefix{}),
		WithForwardedHeader(""),
		WithIPv6Prefix(0),
		WithIPv6Prefix(129),
	} {
		if _, err := NewIPExtractor(o); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("NewIPExtractor(bad option) error = %v, want ErrInvalidConfig", err)
		}
	}
	e, err := NewIPExtractor(WithTrustedPrefixes(netip.MustParsePrefix("192.0.2.0/24")),
		WithForwardedHeader("x-real-client"), WithIPv6Prefix(48))
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "192.0.2.10:1"
	r.Header.Set("X-Real-Client", "2001:db8:aaaa:bbbb::1")
	r.Header.Set("X-Forwarded-For", "6.6.6.6")
	if got, err := e.Key(r); err != nil || got != "ip:2001:db8:aaaa::/48" {
		t.Errorf("Key() = %q, %v, want ip:2001:db8:aaaa::/48", got, err)
	}
}

func TestIPKey(t *testing.T) {
	tests := []struct {
		addr string
		bits int
		want string
	}{
		{"203.0.113.9", 64, "ip:203.0.113.9"},
		{"::ffff:203.0.113.9", 64, "ip:203.0.113.9"},
		{"2001:db8:1:2:3:4:5:6", 64, "ip:2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff::1", 64, "ip:2001:db8:1:2::/64"},
		{"2001:db8:1:2:3:4:5:6", 0, "ip:2001:db8:1:2::/64"},
		{"2001:db8:1:2:3:4:5:6", 128, "ip:2001:db8:1:2:3:4:5:6/128"},
	}
	for _, tc := range tests {
		if got := IPKey(netip.MustParseAddr(tc.addr), tc.bits); got != tc.want {
			t.Errorf("IPKey(%s, %d) = %q, want %q", tc.addr, tc.bits, got, tc.want)
		}
	}
}

func TestAccountKeys(t *testing.T) {
	account := func(r *http.Request) (string, error) { return r.Header.Get("X-User"), nil }
	e := &IPExtractor{}
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "198.51.100.1:9"
	r.Header.Set("X-User", "alice")
	if got, _ := AccountKey(account)(r); got != "acct:alice" {
		t.Errorf("AccountKey = %q, want acct:alice", got)
	}
	if got, _ := IPAccountKey(e, account)(r); got != "ipacct:198.51.100.1|alice" {
		t.Errorf("IPAccountKey = %q, want ipacct:198.51.100.1|alice", got)
	}
	r.Header.Del("X-User")
	if got, err := IPAccountKey(e, account)(r); got != "" || err != nil {
		t.Errorf("IPAccountKey without account = %q, %v, want empty key (skip)", got, err)
	}
}

// FuzzClientIP feeds arbitrary remote addresses and forwarding headers: no
// panic, and the result is always either an error or a valid address that
// is the remote address or appears in the header.
func FuzzClientIP(f *testing.F) {
	f.Add("10.0.0.1:80", "198.51.100.7, 10.0.0.2")
	f.Add("203.0.113.5:1", "1.2.3.4")
	f.Add("[2001:db8::1]:443", "[2001:db8:1::5]:80,,10.0.0.3")
	f.Add("10.0.0.1:80", "unknown")
	f.Add("10.9.9.9:1", strings.Repeat("10.0.0.1,", 40))
	e, _ := NewIPExtractor(WithTrustedProxies("10.0.0.0/8", "2001:db8::/48"))
	f.Fuzz(func(t *testing.T, remote, xff string) {
		a, err := clientIP(remote, []string{xff}, e)
		if err != nil {
			if !errors.Is(err, ErrNoClientAddr) {
				t.Fatalf("error %v does not wrap ErrNoClientAddr", err)
			}
			return
		}
		if !a.IsValid() || a.Zone() != "" || a.Is4In6() {
			t.Fatalf("ClientIP = %v, want a valid, unmapped address without zone", a)
		}
		if r, ok := parseHostAddr(remote); !ok || (r != a && !e.isTrusted(r)) {
			t.Fatalf("ClientIP = %v from untrusted or invalid remote %q", a, remote)
		}
	})
}
