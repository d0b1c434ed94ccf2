package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tollgate/tollgate"
	"github.com/tollgate/tollgate/prom"
)

// healthz answers a load balancer's probe: 200 "ok" when the Gate's stores
// answer (tollgate.Gate.Health), else 503 naming each store out of reach.
// The store's errors (addresses, causes) go to the log, not to whoever
// asks; the load level and the pool are on the operator's status page.
func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	h, err := s.gate.Health(ctx)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err == nil {
		w.Write([]byte("ok\n"))
		return
	}
	s.event(r, slog.LevelWarn, "health.failed", slog.String(tollgate.FieldError, err.Error()))
	var b strings.Builder
	b.WriteString("unhealthy\n")
	for _, st := range h.Stores {
		if st.Err != nil {
			fmt.Fprintf(&b, "store %s: unreachable\n", st.Name)
		}
	}
	w.WriteHeader(http.StatusServiceUnavailable)
	w.Write([]byte(b.String()))
}

// metricsHandler serves the Prometheus metrics of the Gate (collected by
// c) with the process's Go runtime and process metrics, from a registry of
// this server's own (tests run several servers in one process).
func metricsHandler(c *prom.Collector) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), c)
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

// redisLog writes go-redis's own log lines (dial failures, pool trouble)
// to the server's logger, as "redis.client" warnings with the line as
// "error", instead of go-redis's default of plain lines on stderr.
// go-redis has one logger per process (redis.SetLogger); the library never
// sets it, the program does (newServer, with -redis).
type redisLog struct{ log *slog.Logger }

func (l redisLog) Printf(ctx context.Context, format string, v ...any) {
	if ctx == nil {
		ctx = context.Background()
	}
	if !l.log.Enabled(ctx, slog.LevelWarn) {
		return
	}
	a := []slog.Attr{slog.String(tollgate.FieldEvent, "redis.client"), slog.String(tollgate.FieldSource, "go-redis")}
	if ri, ok := tollgate.RequestInfoFrom(ctx); ok {
		a = append(a, slog.String(tollgate.FieldRequestID, ri.ID))
	}
	msg := strings.TrimPrefix(fmt.Sprintf(format, v...), "redis: ")
	l.log.LogAttrs(ctx, slog.LevelWarn, "redis.client", append(a, slog.String(tollgate.FieldError, msg))...)
}
