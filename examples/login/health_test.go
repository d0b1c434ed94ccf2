package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// syncBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startRedis starts a redis-server for t and returns its address and a
// function that kills it. Without the binary it skips, or fails when
// TOLLGATE_REQUIRE_INTEGRATION is set.
func startRedis(t *testing.T) (string, func()) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("TOLLGATE_REQUIRE_INTEGRATION") != "" {
			t.Fatal("redis-server not found and TOLLGATE_REQUIRE_INTEGRATION is set")
		}
		t.Skip("redis-server not installed")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop := func() { once.Do(func() { cmd.Process.Kill(); cmd.Wait() }) }
	t.Cleanup(stop)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	for i := 0; c.Ping(context.Background()).Err() != nil; i++ {
		if i > 100 {
			t.Fatal("redis-server did not start")
		}
		time.Sleep(30 * time.Millisecond)
	}
	return addr, stop
}

// TestHealthzRedisDown: /healthz is ok while Redis answers, and 503 naming
// the stores, not their addresses, once it is gone; go-redis's own log
// lines then reach the server's logger, not stderr.
func TestHealthzRedisDown(t *testing.T) {
	addr, stop := startRedis(t)
	cfg := defaultConfig()
	cfg.Redis, cfg.Pool = addr, 0
	logs := &syncBuffer{}
	srv, err := newServer(context.Background(), cfg, slog.New(slog.NewJSONHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	healthz := func() (int, string) {
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, httptest.NewRequest("GET", "/healthz", nil))
		return w.Code, w.Body.String()
	}
	if code, body := healthz(); code != http.StatusOK || body != "ok\n" {
		t.Fatalf("healthz with Redis up = %d %q, want 200 ok", code, body)
	}

	stop()
	code, body := healthz()
	if code != http.StatusServiceUnavailable || !strings.HasPrefix(body, "unhealthy\n") {
		t.Fatalf("healthz with Redis down = %d %q, want 503 unhealthy", code, body)
	}
	for _, want := range []string{"store captcha: unreachable", "store suspects: unreachable", "store limit:ip: unreachable"} {
		if !strings.Contains(body, want) {
			t.Errorf("healthz body %q lacks %q", body, want)
		}
	}
	if strings.Contains(body, addr) {
		t.Errorf("healthz body %q shows the Redis address", body)
	}
	out := logs.String()
	if !strings.Contains(out, `"msg":"health.failed"`) || !strings.Contains(out, addr) {
		t.Errorf("log lacks the health.failed record with the cause:\n%s", out)
	}
	if !strings.Contains(out, `"msg":"redis.client","event":"redis.client","source":"go-redis"`) {
		t.Errorf("go-redis's dial failures did not reach the server's logger:\n%s", out)
	}
}

// TestMetricsCollector: the showcase serves the Prometheus collector's
// metrics beside the Go runtime's, to its operator.
func TestMetricsCollector(t *testing.T) {
	_, ts := testServer(t, nil)
	res, body := get(t, client(), ts.URL+"/metrics")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/metrics = %d", res.StatusCode)
	}
	for _, want := range []string{"# TYPE tollgate_decisions_total counter", "# TYPE tollgate_ratelimit_in_flight gauge",
		"tollgate_captcha_pool_ready ", "# TYPE go_goroutines gauge"} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
