// Command ratelimit-only uses package ratelimit alone: an API whose
// interactive requests are never shed while batch requests are shed first
// under load, with a per-client-address limit in front and a JSON status.
//
//	go run ./examples/ratelimit-only   # curl http://127.0.0.1:8083/api/search
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/tollgate/tollgate"
	"github.com/tollgate/tollgate/ratelimit"
)

func newHandler(logger *slog.Logger, perIP ratelimit.Limit) (http.Handler, *ratelimit.Limiter, error) {
	hook := tollgate.RateLimitLogHook(logger)
	lim, err := ratelimit.NewLimiter(ratelimit.WithTotal(32), ratelimit.WithEventHook(hook), ratelimit.WithClasses(
		ratelimit.Class{Name: "interactive", Criticality: ratelimit.NeverShed, Share: 3, QueueLen: 32, MaxWait: time.Second},
		ratelimit.Class{Name: "batch", Criticality: ratelimit.Sheddable, Share: 1, QueueLen: 4, MaxWait: 200 * time.Millisecond},
	))
	if err != nil {
		return nil, nil, err
	}
	ips, err := ratelimit.NewMemoryKeyLimiter(perIP)
	if err != nil {
		lim.Close()
		return nil, nil, err
	}
	var ipx ratelimit.IPExtractor // no trusted proxies: the peer address
	classify := func(r *http.Request) string {
		if r.Header.Get("X-Priority") == "batch" {
			return "batch"
		}
		return "interactive"
	}
	api := lim.Middleware(classify,
		ratelimit.WithKeyLimit(ips, ipx.Key),
		ratelimit.WithPolicyName("ip"),
		ratelimit.WithMiddlewareEventHook(hook))
	mux := http.NewServeMux()
	mux.Handle("GET /api/search", api(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, `{"results":[]}`)
	})))
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(lim.Stats())
	})
	return mux, lim, nil
}

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	h, lim, err := newHandler(logger, ratelimit.Limit{Count: 20, Period: time.Second, Burst: 40})
	if err != nil {
		log.Fatal(err)
	}
	defer lim.Close()
	log.Fatal(http.ListenAndServe("127.0.0.1:8083", h))
}
