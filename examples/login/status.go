package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/tollgate/tollgate"
	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/ratelimit"
)

// The status page (/status and /status.json) is the operator's view: it
// lists client addresses, accounts and verdicts, deception included, so
// nobody else may find it. Without -status-token only a local operator
// sees it; with one, whoever presents the token does, and nobody else.
// Everyone else gets the 404 of a path that does not exist, whatever the
// method. No viewer is shown the records about its own address.

// statusView is how much of the status page one request may see.
type statusView int

const (
	viewNone   statusView = iota // 404: the page is not there
	viewMasked                   // client addresses cut to a prefix, accounts to a tag
	viewFull
)

// proxyHeaders are the headers reverse proxies add. A request that carries
// one was relayed for someone else, so it is not a local operator's,
// whatever its peer address says.
var proxyHeaders = []string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Real-Ip", "Via"}

func (s *server) statusView(r *http.Request) statusView {
	local := s.localOperator(r)
	if s.statusToken != nil {
		if !s.tokenPresented(r) {
			return viewNone
		}
	} else if !local {
		return viewNone
	}
	if local {
		return viewFull
	}
	return viewMasked
}

// localOperator reports whether r comes from this machine to a server that
// listens on loopback only: its TCP peer is a loopback address, its Host
// names loopback (a DNS-rebinding page names its own domain) and no proxy
// relayed it. Forwarding headers never grant anything here.
func (s *server) localOperator(r *http.Request) bool {
	if !s.loopbackListen || !loopbackHost(r.Host) {
		return false
	}
	if peer, ok := peerAddr(r); !ok || !peer.IsLoopback() {
		return false
	}
	for _, h := range proxyHeaders {
		if _, ok := r.Header[h]; ok {
			return false
		}
	}
	return true
}

// tokenPresented reports whether r carries the status token, as
// "Authorization: Bearer TOKEN" or as ?token=TOKEN.
func (s *server) tokenPresented(r *http.Request) bool {
	ok := false
	if scheme, tok, found := strings.Cut(r.Header.Get("Authorization"), " "); found && strings.EqualFold(scheme, "Bearer") {
		ok = s.tokenMatches(strings.TrimSpace(tok))
	}
	if q := r.URL.Query().Get("token"); q != "" {
		ok = s.tokenMatches(q) || ok
	}
	return ok
}

// tokenMatches compares hashes in constant time, so neither the token's
// bytes nor its length show in the timing.
func (s *server) tokenMatches(tok string) bool {
	h := sha256.Sum256([]byte(tok))
	return subtle.ConstantTimeCompare(h[:], s.statusToken[:]) == 1
}

// peerAddr is r's TCP peer address, IPv4-mapped addresses unmapped.
func peerAddr(r *http.Request) (netip.Addr, bool) {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}, false
	}
	return ap.Addr().Unmap(), true
}

// loopbackHost reports whether host (with or without a port) is
// "localhost" or a loopback address.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// maskClient cuts a client address to its /24 (IPv4) or /48 (IPv6): enough
// to see a network at work, not enough to name a subscriber. Anything that
// is not an address becomes a tag.
func (s *server) maskClient(c string) string {
	if c == "" {
		return ""
	}
	a, err := netip.ParseAddr(c)
	if err != nil {
		return s.tag("client", c)
	}
	a = a.Unmap().WithZone("")
	bits := 48
	if a.Is4() {
		bits = 24
	}
	p, _ := a.Prefix(bits)
	return p.String()
}

// maskAccount replaces an account with a tag: one account gives one tag, so
// an operator still sees an account under attack, but the tag is keyed with
// this server's random key, so a list of addresses cannot be tried against it.
func (s *server) maskAccount(a string) string {
	a = strings.ToLower(strings.TrimSpace(a))
	if a == "" {
		return ""
	}
	return s.tag("account", a)
}

func (s *server) tag(kind, v string) string {
	m := hmac.New(sha256.New, s.maskKey[:])
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(v))
	return "#" + hex.EncodeToString(m.Sum(nil)[:4])
}

type classRow struct {
	Name        string `json:"name"`
	Criticality string `json:"criticality"`
	Shedding    bool   `json:"shedding"`
	InFlight    int    `json:"inFlight"`
	Queued      int    `json:"queued"`
	Admitted    uint64 `json:"admitted"`
	Shed        uint64 `json:"shed"`
	Rejected    uint64 `json:"rejected"`
}

type verdictRow struct {
	Time     time.Time `json:"time"`
	Client   string    `json:"client"`
	Path     string    `json:"path"`
	Verdict  string    `json:"verdict"`
	Score    float64   `json:"score"`
	Reasons  []string  `json:"reasons"`
	Details  []string  `json:"details"`
	Deceived bool      `json:"deceived"`
}

// statusData is what the status page and /status.json show.
type statusData struct {
	Lang   string            `json:"-"`
	T      map[string]string `json:"-"`
	Uptime string            `json:"uptime"`
	Store  string            `json:"store"`

	Level    string     `json:"loadLevel"`
	LevelN   int        `json:"loadLevelN"`
	Total    int        `json:"seats"`
	InFlight int        `json:"inFlight"`
	Queued   int        `json:"queued"`
	Classes  []classRow `json:"classes"`

	Issued         uint64 `json:"challengesIssued"`
	Refreshed      uint64 `json:"challengesRefreshed"`
	Solved         uint64 `json:"challengesSolved"`
	Failed         uint64 `json:"challengesFailed"`
	Tokens         uint64 `json:"tokensVerified"`
	TokensRejected uint64 `json:"tokensRejected"`
	PoolReady      int    `json:"poolReady"`

	Human    uint64 `json:"human"`
	Suspect  uint64 `json:"suspect"`
	Bot      uint64 `json:"bot"`
	Deceived uint64 `json:"deceived"`

	LimitedIP        uint64 `json:"limitedIP"`
	LimitedAccount   uint64 `json:"limitedAccount"`
	LimitedChallenge uint64 `json:"limitedChallenge"`

	Verdicts []verdictRow  `json:"verdicts"`
	Logins   []loginRecord `json:"logins"`
	// OwnHidden counts the records about the viewer's own address, which
	// are left out of Verdicts and Logins.
	OwnHidden int `json:"ownRecordsHidden"`
	// Masked is set when client addresses and accounts are masked.
	Masked bool `json:"masked"`
	// Token is the status token when the page was opened with ?token=, so
	// that its link to /status.json carries it too.
	Token string `json:"-"`
}

// statusData gathers the page for r as view allows: the records about r's
// own address left out, the others masked unless view is viewFull.
func (s *server) statusData(r *http.Request, view statusView, lang string) statusData {
	d := statusData{Lang: lang, T: textsFor(lang), Store: s.storeName(), Masked: view != viewFull,
		Uptime: time.Since(s.started).Round(time.Second).String()}
	if lim := s.gate.Limiter(); lim != nil {
		st := lim.Stats()
		d.Level, d.LevelN, d.Total, d.InFlight, d.Queued = st.Level.String(), int(st.Level), st.Total, st.InFlight, st.Queued
		for _, c := range st.Classes {
			d.Classes = append(d.Classes, classRow{
				Name: c.Name, Criticality: c.Criticality.String(), Shedding: c.Shedding, InFlight: c.InFlight,
				Queued: c.Queued, Admitted: c.Admitted, Shed: c.Shed, Rejected: c.Rejected() - c.Shed,
			})
		}
	}
	c := s.stats.count
	d.Issued, d.Refreshed, d.Solved, d.Failed = c("challenge.issued"), c("challenge.refreshed"), c("challenge.solved"), c("challenge.failed")
	d.Tokens, d.TokensRejected = c("token.verified"), c("token.rejected")
	d.PoolReady = s.gate.Captcha().PoolStats().Ready
	d.Deceived = c(behavior.EventDeceived)
	d.LimitedIP = c(ratelimit.EventKeyLimited + "/ip")
	d.LimitedAccount = c(ratelimit.EventKeyLimited + "/account")
	d.LimitedChallenge = c(ratelimit.EventKeyLimited + "/challenge")
	d.Human = c(behavior.EventVerdict + "/human")
	d.Suspect = c(behavior.EventVerdict + "/suspect")
	d.Bot = c(behavior.EventVerdict + "/bot")
	own := ownAddress(r)
	d.Verdicts, d.Logins = []verdictRow{}, []loginRecord{} // [] rather than null in JSON
	for _, v := range s.gate.RecentVerdicts() {
		if own(v.Request.Client) {
			d.OwnHidden++
			continue
		}
		row := verdictRowOf(v)
		if d.Masked {
			row.Client = s.maskClient(row.Client)
		}
		d.Verdicts = append(d.Verdicts, row)
	}
	for _, l := range s.stats.recentLogins() {
		if own(l.Client) {
			d.OwnHidden++
			continue
		}
		if d.Masked {
			l.Client, l.Account = s.maskClient(l.Client), s.maskAccount(l.Account)
		}
		d.Logins = append(d.Logins, l)
	}
	return d
}

// ownAddress returns a test for whether a record's client is r's own TCP
// peer: the page never tells a client how it was judged, or that it was
// deceived.
func ownAddress(r *http.Request) func(client string) bool {
	peer, ok := peerAddr(r)
	raw := hostOnly(r.RemoteAddr)
	return func(client string) bool {
		a, err := netip.ParseAddr(client)
		if err != nil || !ok {
			return client == raw
		}
		return a.Unmap().WithZone("") == peer.WithZone("")
	}
}

func verdictRowOf(v tollgate.VerdictRecord) verdictRow {
	row := verdictRow{Time: v.Time, Client: v.Request.Client, Path: v.Request.Path, Verdict: v.Verdict.String(),
		Score: v.Score, Deceived: v.Deceived, Reasons: []string{}, Details: []string{}}
	for _, r := range v.Reasons {
		row.Reasons = append(row.Reasons, r.Code)
		row.Details = append(row.Details, r.Code+": "+r.Detail)
	}
	return row
}

// statusAllowed answers r with a 404 unless it may see the status page,
// and with a 405 unless it is a GET or HEAD. It reports the view granted.
func (s *server) statusAllowed(w http.ResponseWriter, r *http.Request) (statusView, bool) {
	view := s.statusView(r)
	if view == viewNone {
		http.NotFound(w, r)
		return view, false
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return view, false
	}
	return view, true
}

func (s *server) status(w http.ResponseWriter, r *http.Request) {
	view, ok := s.statusAllowed(w, r)
	if !ok {
		return
	}
	d := s.statusData(r, view, s.lang(r))
	if q := r.URL.Query().Get("token"); q != "" && s.statusToken != nil && s.tokenMatches(q) {
		d.Token = q
	}
	s.pages.render(w, http.StatusOK, "status.html", d)
}

func (s *server) statusJSON(w http.ResponseWriter, r *http.Request) {
	view, ok := s.statusAllowed(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(s.statusData(r, view, "en"))
}
