package main

import (
	"context"
	"encoding/json"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

// redisAddr returns TOLLGATE_REDIS_ADDR, or starts a throwaway redis-server
// for t. Without either it skips, or fails when TOLLGATE_REQUIRE_INTEGRATION
// is set.
func redisAddr(t *testing.T) string {
	t.Helper()
	if a := os.Getenv("TOLLGATE_REDIS_ADDR"); a != "" {
		return a
	}
	addr, _ := startRedis(t)
	return addr
}

func TestRedisStores(t *testing.T) {
	addr := redisAddr(t)
	secret := strings.Repeat("ab", 32)
	srv, ts := testServer(t, func(c *config) { c.Redis, c.Secret = addr, secret })
	if srv.storeName() != "redis" {
		t.Fatalf("store = %s", srv.storeName())
	}
	// A challenge issued by one server verifies on another that shares the
	// Redis and the secret.
	_, ts2 := testServer(t, func(c *config) { c.Redis, c.Secret = addr, secret })
	res, err := client().Post(ts.URL+"/tollgate/challenge", "application/json", strings.NewReader(`{"lang":"en"}`))
	if err != nil {
		t.Fatal(err)
	}
	var ch struct{ ID string }
	json.NewDecoder(res.Body).Decode(&ch)
	res.Body.Close()
	if res.StatusCode != 201 || ch.ID == "" {
		t.Fatalf("create = %d", res.StatusCode)
	}
	// The other server, sharing Redis and the secret, knows the challenge.
	res, err = client().Post(ts2.URL+"/tollgate/challenge/"+ch.ID+"/verify", "application/json", strings.NewReader(`{"answer":"nope"}`))
	if err != nil {
		t.Fatal(err)
	}
	var ver struct{ Code string }
	json.NewDecoder(res.Body).Decode(&ver)
	res.Body.Close()
	if ver.Code != "wrong_answer" {
		t.Fatalf("verify on the other server = %d %q, want wrong_answer", res.StatusCode, ver.Code)
	}
	// A bot is recorded as a suspect in Redis, visible to every server.
	res, err = client().PostForm(ts2.URL+"/login", url.Values{"email": {"x@y"}, "password": {"z"}, "tollgate_behavior": {forged}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	s, ok, err := srv.gate.Suspects().Lookup(context.Background(), "ip:127.0.0.1", time.Now())
	if err != nil || !ok || s.Count < 1 {
		t.Fatalf("suspect seen by the other server = %+v %v %v", s, ok, err)
	}
}

func TestRedisUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cfg := defaultConfig()
	cfg.Redis, cfg.Pool = addr, 0
	if _, err := newServer(context.Background(), cfg, nil); err == nil || !strings.Contains(err.Error(), "redis at") {
		t.Fatalf("newServer with no Redis listening: %v", err)
	}
}
