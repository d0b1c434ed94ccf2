package tollgate

import (
	"context"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// RequestInfo describes the HTTP request an event belongs to. The Gate puts
// it in the context of every request it serves, so that events from all
// packages carry the same request id and client.
type RequestInfo struct {
	// ID is unique per request within a Gate: a random per-Gate prefix and
	// a counter, to correlate the events of one request.
	ID string
	// Method and Path are the request's method and URL path.
	Method, Path string
	// Client is the client address as the Gate's IPExtractor finds it
	// (the peer's address unless trusted proxies are configured).
	Client string
	// Start is when the Gate began serving the request, by its clock: an
	// event's Time minus Start is how far into the request it happened
	// (package prom's latency histograms are built on it).
	Start time.Time
}

type requestInfoKey struct{}

// RequestInfoFrom returns the RequestInfo the Gate stored in ctx.
func RequestInfoFrom(ctx context.Context) (RequestInfo, bool) {
	ri, ok := ctx.Value(requestInfoKey{}).(RequestInfo)
	return ri, ok
}

// requestIDs makes request ids: a random prefix per Gate and a counter.
type requestIDs struct {
	prefix string
	n      atomic.Uint64
}

func (g *Gate) next() string {
	return g.ids.prefix + strconv.FormatUint(g.ids.n.Add(1), 36)
}

// track stores the RequestInfo of r in its context (once: nested Gate
// handlers keep the outer one).
func (g *Gate) track(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := RequestInfoFrom(r.Context()); !ok {
			ri := RequestInfo{ID: g.next(), Method: r.Method, Path: r.URL.Path, Client: g.client(r), Start: g.now()}
			r = r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, ri))
		}
		next.ServeHTTP(w, r)
	})
}

// client returns the client address of r as text, or the raw RemoteAddr
// host when it cannot be parsed.
func (g *Gate) client(r *http.Request) string {
	if a, err := g.ip.ClientIP(r); err == nil {
		return a.String()
	}
	return remoteHost(r)
}
