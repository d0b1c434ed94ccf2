package prom_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tollgate/tollgate"
	"github.com/tollgate/tollgate/prom"
)

// The Collector is the Gate's event hook and reads the Gate at each
// scrape; it sits on the host's registry beside the Go and process
// collectors.
func Example() {
	metrics := prom.NewCollector()
	g, err := tollgate.New(tollgate.WithEventHook(metrics.Observe), tollgate.WithoutPool(), tollgate.WithDeceiveDelay(0, 0))
	if err != nil {
		panic(err)
	}
	defer g.Close()
	metrics.Watch(g)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), metrics)

	mux := http.NewServeMux()
	mux.Handle("/login", g.Protect(http.NotFoundHandler()))
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{})) // operators only
	// A post with no telemetry and no proof: the managed mode asks for a
	// challenge.
	req := httptest.NewRequest("POST", "/login", strings.NewReader("username=kim"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	mux.ServeHTTP(httptest.NewRecorder(), req)

	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, line := range strings.Split(rec.Body.String(), "\n") {
		switch {
		case strings.HasPrefix(line, "go_goroutines "):
			fmt.Println("go_goroutines ...") // from the host's Go collector
		case strings.HasPrefix(line, "tollgate_decisions_total"), strings.HasPrefix(line, "tollgate_decision_duration_seconds_count"),
			strings.HasPrefix(line, "tollgate_ratelimit_level "):
			fmt.Println(line)
		}
	}
	// Output:
	// go_goroutines ...
	// tollgate_decision_duration_seconds_count{decision="challenged"} 1
	// tollgate_decisions_total{decision="allowed",reason="passed"} 0
	// tollgate_decisions_total{decision="allowed",reason="solved"} 0
	// tollgate_decisions_total{decision="challenged",reason="no_telemetry"} 1
	// tollgate_ratelimit_level 0
}
