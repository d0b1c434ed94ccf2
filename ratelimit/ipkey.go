package ratelimit

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// KeyFunc returns the per-key limit key of a request. An empty key with a
// nil error skips the per-key limit for that request.
// The middleware calls it from many goroutines at once, so it must be safe
// for concurrent use.
type KeyFunc func(*http.Request) (string, error)

// maxForwardedHops bounds how many X-Forwarded-For entries are examined.
const maxForwardedHops = 32

// IPOption configures NewIPExtractor.
// Options are safe for concurrent use.
type IPOption func(*IPExtractor) error

// WithTrustedProxies trusts the given proxy addresses or CIDR prefixes
// ("10.0.0.0/8", "192.0.2.7", "2001:db8::/32"). Only a request whose direct
// peer (RemoteAddr) is trusted has its forwarding header read at all.
func WithTrustedProxies(prefixes ...string) IPOption {
	return func(e *IPExtractor) error {
		for _, s := range prefixes {
			p, err := parsePrefix(s)
			if err != nil {
				return err
			}
			e.trusted = append(e.trusted, p)
		}
		return nil
	}
}

// WithTrustedPrefixes is WithTrustedProxies with parsed prefixes.
func WithTrustedPrefixes(prefixes ...netip.Prefix) IPOption {
	return func(e *IPExtractor) error {
		for _, p := range prefixes {
			if !p.IsValid() {
				return fmt.Errorf("%w: invalid trusted prefix", ErrInvalidConfig)
			}
			e.trusted = append(e.trusted, p.Masked())
		}
		return nil
	}
}

// WithForwardedHeader sets the header a trusted proxy appends the client
// address to (default "X-Forwarded-For"). The header is a comma-separated
// list; each proxy appends its peer's address at the right.
func WithForwardedHeader(name string) IPOption {
	return func(e *IPExtractor) error {
		if name == "" {
			return fmt.Errorf("%w: empty forwarded header name", ErrInvalidConfig)
		}
		e.header = http.CanonicalHeaderKey(name)
		return nil
	}
}

// WithIPv6Prefix sets how many leading bits of an IPv6 address identify a
// client in Key (default 64: one customer network); 1..128.
func WithIPv6Prefix(bits int) IPOption {
	return func(e *IPExtractor) error {
		if bits < 1 || bits > 128 {
			return fmt.Errorf("%w: IPv6 prefix %d outside 1..128", ErrInvalidConfig, bits)
		}
		e.v6bits = bits
		return nil
	}
}

// IPExtractor finds a request's client address. By default it trusts no
// proxy and uses RemoteAddr only, so a client cannot choose its address with
// a forged X-Forwarded-For. With trusted proxies, it walks the forwarding
// header from the right (the entry the nearest proxy appended) past trusted
// addresses, and returns the first untrusted one: entries to its left were
// written by the client and are never believed. If every entry is trusted,
// the leftmost is returned. A malformed entry where a trusted proxy should
// have written an address is an error wrapping ErrNoClientAddr.
//
// The zero value is ready to use (no trusted proxies, IPv6 /64 keys). An
// IPExtractor is safe for concurrent use once built.
type IPExtractor struct {
	trusted []netip.Prefix
	header  string
	v6bits  int
}

// NewIPExtractor returns an IPExtractor configured by opts. The error wraps
// ErrInvalidConfig.
func NewIPExtractor(opts ...IPOption) (*IPExtractor, error) {
	e := &IPExtractor{}
	for _, o := range opts {
		if err := o(e); err != nil {
			return nil, err
		}
	}
	return e, nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%w: trusted proxy %q: %v", ErrInvalidConfig, s, err)
		}
		if p.Addr().Is4In6() {
			// 4-in-6 prefixes are rare; compare in IPv4 form.
			if p.Bits() < 96 {
				return netip.Prefix{}, fmt.Errorf("%w: trusted proxy %q: IPv4-mapped prefix shorter than /96", ErrInvalidConfig, s)
			}
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%w: trusted proxy %q: %v", ErrInvalidConfig, s, err)
	}
	a = a.Unmap().WithZone("")
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func (e *IPExtractor) isTrusted(a netip.Addr) bool {
	for _, p := range e.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ClientIP returns the client address of r (see IPExtractor). IPv4-mapped
// IPv6 addresses are returned as IPv4, zones are dropped.
func (e *IPExtractor) ClientIP(r *http.Request) (netip.Addr, error) {
	header := "X-Forwarded-For"
	if e.header != "" {
		header = e.header
	}
	return clientIP(r.RemoteAddr, r.Header.Values(header), e)
}

// clientIP is ClientIP on raw values; it is the fuzzed decoder.
func clientIP(remote string, forwarded []string, e *IPExtractor) (netip.Addr, error) {
	addr, ok := parseHostAddr(remote)
	if !ok {
		return netip.Addr{}, fmt.Errorf("%w: bad remote address %q", ErrNoClientAddr, truncate(remote))
	}
	if len(e.trusted) == 0 || !e.isTrusted(addr) {
		return addr, nil
	}
	hops := 0
	for i := len(forwarded) - 1; i >= 0; i-- {
		line := forwarded[i]
		for line != "" {
			var entry string
			if j := strings.LastIndexByte(line, ','); j >= 0 {
				entry, line = line[j+1:], line[:j]
			} else {
				entry, line = line, ""
			}
			entry = strings.TrimSpace(entry)
			if entry == "" {
				continue // tolerate empty list members
			}
			if hops++; hops > maxForwardedHops {
				return addr, nil
			}
			a, ok := parseHostAddr(entry)
			if !ok {
				return netip.Addr{}, fmt.Errorf("%w: bad forwarded entry %q from trusted proxy %v", ErrNoClientAddr, truncate(entry), addr)
			}
			addr = a
			if !e.isTrusted(addr) {
				return addr, nil
			}
		}
	}
	return addr, nil
}

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// parseHostAddr parses "ip", "ip:port", "[ip]" or "[ip]:port".
func parseHostAddr(s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(s); err == nil {
		return normalize(a), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return normalize(ap.Addr()), true
	}
	if len(s) > 2 && s[0] == '[' && s[len(s)-1] == ']' {
		if a, err := netip.ParseAddr(s[1 : len(s)-1]); err == nil {
			return normalize(a), true
		}
	}
	if host, _, err := net.SplitHostPort(s); err == nil {
		if a, err := netip.ParseAddr(host); err == nil {
			return normalize(a), true
		}
	}
	return netip.Addr{}, false
}

func normalize(a netip.Addr) netip.Addr { return a.Unmap().WithZone("") }

// Key returns the IP key of r's client (see IPKey); it is a KeyFunc.
func (e *IPExtractor) Key(r *http.Request) (string, error) {
	a, err := e.ClientIP(r)
	if err != nil {
		return "", err
	}
	bits := 64
	if e.v6bits != 0 {
		bits = e.v6bits
	}
	return IPKey(a, bits), nil
}

// IPKey returns the limit key of a client address: "ip:" and the IPv4
// address, or "ip:" and the IPv6 prefix of v6bits bits (e.g.
// "ip:2001:db8:1:2::/64"), so that one customer network, which typically
// holds a whole /64, counts as one client. v6bits outside 1..128 means 64.
func IPKey(a netip.Addr, v6bits int) string {
	a = normalize(a)
	if a.Is4() {
		return "ip:" + a.String()
	}
	if v6bits < 1 || v6bits > 128 {
		v6bits = 64
	}
	p, err := a.Prefix(v6bits)
	if err != nil {
		return "ip:" + a.String()
	}
	return "ip:" + p.String()
}

// AccountKey returns a KeyFunc keying requests by account: "acct:" and the
// account account(r) returns. An empty account skips the per-key limit.
func AccountKey(account func(*http.Request) (string, error)) KeyFunc {
	return func(r *http.Request) (string, error) {
		a, err := account(r)
		if err != nil || a == "" {
			return "", err
		}
		return "acct:" + a, nil
	}
}

// IPAccountKey returns a KeyFunc keying requests by client address and
// account together ("ipacct:" IP key "|" account), to slow down guessing of
// one account's password from one network without locking the account for
// everyone. An empty account skips the per-key limit.
func IPAccountKey(e *IPExtractor, account func(*http.Request) (string, error)) KeyFunc {
	return func(r *http.Request) (string, error) {
		a, err := account(r)
		if err != nil || a == "" {
			return "", err
		}
		ip, err := e.Key(r)
		if err != nil {
			return "", err
		}
		return "ipacct:" + ip[len("ip:"):] + "|" + a, nil
	}
}
