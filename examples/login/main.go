// Command login is tollgate's showcase: the sign-in page of a made-up
// product, "Haneul Cloud", protected by the whole library — the map CAPTCHA
// with its audio alternative, behavior scoring that deceives bots with a
// fake success, admission lanes and per-address and per-account limits —
// with a status page, Prometheus metrics and one JSON log line per
// decision.
//
//	go run ./examples/login                  # http://127.0.0.1:8080/login
//	go run ./examples/login -lang ko -redis 127.0.0.1:6379
//	go run ./examples/login -map osm -osm testdata/osm/seoul-gongdeok-small.osm
//
// Flags (each has an environment variable):
//
//	-addr         TOLLGATE_ADDR          listen address (default 127.0.0.1:8080)
//	-lang         TOLLGATE_LANG          page language: auto (from the browser), en or ko (default auto)
//	-redis        TOLLGATE_REDIS         Redis address; empty keeps everything in memory (default)
//	-secret       TOLLGATE_SECRET        hex server secret shared by every server on one Redis
//	-map          TOLLGATE_MAP           map source: procedural or osm (default procedural)
//	-osm          TOLLGATE_OSM           OpenStreetMap extract (.osm or .osm.pbf) for -map osm
//	-pool         TOLLGATE_POOL          challenges rendered ahead per kind and language (default 16; -1: none)
//	-deceive      TOLLGATE_DECEIVE       decoy delay range for bots, e.g. 3s-5s (default 3s-5s)
//	-log-level    TOLLGATE_LOG_LEVEL     debug, info, warn or error (default info)
//	-status-token TOLLGATE_STATUS_TOKEN  secret that opens the status page to whoever presents it (at least 32 characters)
//
// Demo account: demo@haneul.example / correct-horse-battery. Pages: /login,
// /status and /status.json (the operator's view), /metrics (Prometheus,
// from package prom, with the Go runtime's and the process's metrics) and
// /healthz (for a load balancer: "ok", or 503 naming the stores out of
// reach). With -redis, go-redis's own log lines go to the JSON log too.
// The process stops gracefully on SIGINT and SIGTERM.
//
// The status page lists client addresses, accounts, verdicts and who was
// deceived, and the metrics count bots and deceptions, so they are served
// only to the operator; to anyone else /status, /status.json and /metrics
// answer 404, like a path that does not exist, whatever the method (a
// Prometheus server scrapes /metrics with the token as its bearer token):
//
//   - Without -status-token, only from this machine: the server must listen
//     on a loopback address (the default 127.0.0.1:8080, not :8080), the TCP
//     peer must be a loopback address, the Host header must name loopback
//     (localhost, 127.0.0.1, [::1]) and the request must carry no proxy
//     header (Forwarded, X-Forwarded-For, X-Real-IP, Via and the like).
//     Forwarding headers never grant access. A reverse proxy on this machine
//     that adds none of them makes everyone it relays look local: behind
//     one, set -status-token.
//   - With -status-token (better given as TOLLGATE_STATUS_TOKEN, which ps
//     does not show), only to whoever presents the token, from anywhere,
//     loopback included: "Authorization: Bearer TOKEN" (for scripts:
//     curl -H "Authorization: Bearer $TOLLGATE_STATUS_TOKEN"
//     http://HOST/status.json) or /status?token=TOKEN (for a browser; the
//     page's refresh and its /status.json link keep the token). The token is
//     compared in constant time. Viewers that are not local operators see
//     client addresses cut to their /24 or /48 and accounts as tags keyed by
//     this process.
//
// No viewer is shown the records about its own address: the page never
// tells a client how it was judged or that it was deceived. To watch your
// own test bot on the page from the same machine, send it from another
// loopback address (on Linux: curl --interface 127.0.0.2 ...).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "login:", err)
		os.Exit(1)
	}
}

// parseConfig reads flags, with environment variables as their defaults.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	cfg := defaultConfig()
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet("login", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", env("TOLLGATE_ADDR", cfg.Addr), "listen address")
	fs.StringVar(&cfg.Lang, "lang", env("TOLLGATE_LANG", cfg.Lang), "page language: auto, en or ko")
	fs.StringVar(&cfg.Redis, "redis", env("TOLLGATE_REDIS", ""), "Redis address (empty: in memory)")
	fs.StringVar(&cfg.Secret, "secret", env("TOLLGATE_SECRET", ""), "hex server secret (share it between servers on one Redis)")
	fs.StringVar(&cfg.Mode, "mode", env("TOLLGATE_MODE", cfg.Mode), "when the puzzle shows: managed (only when risky), always, or never")
	fs.StringVar(&cfg.MapSource, "map", env("TOLLGATE_MAP", cfg.MapSource), "map source: procedural or osm")
	fs.StringVar(&cfg.OSMFile, "osm", env("TOLLGATE_OSM", ""), "OpenStreetMap extract for -map osm")
	pool := fs.Int("pool", 0, "challenges rendered ahead per kind and language")
	deceive := fs.String("deceive", env("TOLLGATE_DECEIVE", "3s-5s"), "decoy delay range for bots, e.g. 3s-5s")
	level := fs.String("log-level", env("TOLLGATE_LOG_LEVEL", "info"), "log level: debug, info, warn, error")
	fs.StringVar(&cfg.StatusToken, "status-token", env("TOLLGATE_STATUS_TOKEN", ""),
		"secret that opens /status to whoever presents it, from anywhere (prefer TOLLGATE_STATUS_TOKEN)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if _, ok := modes[cfg.Mode]; !ok {
		return cfg, fmt.Errorf("-mode %q: want managed, always or never", cfg.Mode)
	}
	cfg.Pool = *pool
	if cfg.Pool == 0 {
		if v := getenv("TOLLGATE_POOL"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return cfg, fmt.Errorf("TOLLGATE_POOL: %w", err)
			}
			cfg.Pool = n
		} else {
			cfg.Pool = 16
		}
	}
	lo, hi, ok := strings.Cut(*deceive, "-")
	if !ok {
		hi = lo
	}
	var err error
	if cfg.DeceiveMin, err = time.ParseDuration(strings.TrimSpace(lo)); err != nil {
		return cfg, fmt.Errorf("-deceive: %w", err)
	}
	if cfg.DeceiveMax, err = time.ParseDuration(strings.TrimSpace(hi)); err != nil {
		return cfg, fmt.Errorf("-deceive: %w", err)
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(*level)); err != nil {
		return cfg, fmt.Errorf("-log-level: %w", err)
	}
	return cfg, cfg.validate()
}

// run serves until ctx is done (main cancels it on SIGINT or SIGTERM), then
// shuts down gracefully: it stops accepting connections, waits up to 10 s
// for requests in flight (bots waiting for their decoy included) and
// releases the Gate.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stdout, &slog.HandlerOptions{Level: cfg.LogLevel}))

	srv, err := newServer(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("server.started", "event", "server.started", "source", "example", "addr", "http://"+ln.Addr().String()+"/login",
		"map", cfg.MapSource, "store", srv.storeName(), "lang", cfg.Lang)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("server.stopping", "event", "server.stopping", "source", "example")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("server.stopped", "event", "server.stopped", "source", "example")
	return nil
}
