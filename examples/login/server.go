package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/tollgate/tollgate"
	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/captcha/maptile"
	"github.com/tollgate/tollgate/captcha/maptile/osmsource"
	"github.com/tollgate/tollgate/prom"
	"github.com/tollgate/tollgate/ratelimit"
	"github.com/tollgate/tollgate/redisstore"
)

//go:embed web
var webFiles embed.FS

// config is everything newServer needs. Tests build one with
// defaultConfig and change what they need.
type config struct {
	Addr      string
	Lang      string // "auto", "en" or "ko"
	Redis     string
	Secret    string // hex
	Mode      string // "managed", "always" or "never" (see tollgate.WithMode)
	MapSource string // "procedural" or "osm"
	OSMFile   string
	Pool      int // 0 or less: no pool
	LogLevel  slog.Level

	// DeceiveMin and DeceiveMax bound the delay before a bot gets its fake
	// success.
	DeceiveMin, DeceiveMax time.Duration
	// IPLimit, AccountLimit and ChallengeLimit are the per-key limits.
	IPLimit, AccountLimit, ChallengeLimit ratelimit.Limit
	// MaxRefreshes is how many new challenges one screen may take.
	MaxRefreshes int
	// StatusToken, when set, opens the status page to whoever presents it
	// and to nobody else; unset, only a local operator sees the page.
	StatusToken string
}

// modes maps the -mode flag to the Gate's modes.
var modes = map[string]tollgate.Mode{"managed": tollgate.ModeManaged, "always": tollgate.ModeAlways, "never": tollgate.ModeNever}

func defaultConfig() config {
	return config{
		Addr:           "127.0.0.1:8080",
		Lang:           "auto",
		Mode:           "managed",
		MapSource:      "procedural",
		Pool:           16,
		DeceiveMin:     3 * time.Second,
		DeceiveMax:     5 * time.Second,
		IPLimit:        tollgate.DefaultIPLimit,
		AccountLimit:   ratelimit.Limit{Count: 10, Period: 10 * time.Minute, Burst: 6},
		ChallengeLimit: tollgate.DefaultChallengeLimit,
		MaxRefreshes:   3,
	}
}

func (c config) validate() error {
	switch c.Lang {
	case "auto", "en", "ko":
	default:
		return fmt.Errorf("-lang must be auto, en or ko, not %q", c.Lang)
	}
	switch c.MapSource {
	case "procedural":
	case "osm":
		if c.OSMFile == "" {
			return errors.New("-map osm needs -osm FILE (an .osm or .osm.pbf extract)")
		}
	default:
		return fmt.Errorf("-map must be procedural or osm, not %q", c.MapSource)
	}
	if c.Secret != "" {
		b, err := hex.DecodeString(c.Secret)
		if err != nil || len(b) < 32 {
			return errors.New("-secret must be at least 32 bytes in hex (64 hex digits)")
		}
	}
	if c.StatusToken != "" {
		if len(c.StatusToken) < 32 {
			return errors.New("-status-token must be at least 32 characters (try: openssl rand -hex 32)")
		}
		for i := 0; i < len(c.StatusToken); i++ {
			// It travels in a header and a URL: printable ASCII, no spaces.
			if b := c.StatusToken[i]; b <= ' ' || b > '~' {
				return errors.New("-status-token must be printable ASCII with no spaces")
			}
		}
	}
	if c.DeceiveMin < 0 || c.DeceiveMax < c.DeceiveMin {
		return fmt.Errorf("-deceive: bad range %v-%v", c.DeceiveMin, c.DeceiveMax)
	}
	return nil
}

// server is the example's HTTP server. It is safe for concurrent use.
type server struct {
	cfg      config
	log      *slog.Logger
	gate     *tollgate.Gate
	mux      *http.ServeMux
	pages    *pages
	users    *users
	sessions *sessions
	stats    *eventStats
	metrics  *prom.Collector
	rdb      *redis.Client
	started  time.Time
	closeMu  sync.Once

	// statusToken is the SHA-256 of cfg.StatusToken, nil when unset.
	statusToken *[sha256.Size]byte
	// loopbackListen is set when cfg.Addr is a loopback address: only
	// then may a local operator see the status page without the token.
	loopbackListen bool
	// maskKey keys the tags that stand for accounts on a masked status page.
	maskKey [32]byte
}

// newServer builds the server: the tollgate Gate with the configured map
// source and stores, and the routes.
func newServer(ctx context.Context, cfg config, log *slog.Logger) (*server, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &server{
		cfg:      cfg,
		log:      log,
		users:    newUsers(),
		sessions: newSessions(10_000),
		stats:    newEventStats(40),
		metrics:  prom.NewCollector(),
		started:  time.Now(),
	}
	if cfg.StatusToken != "" {
		h := sha256.Sum256([]byte(cfg.StatusToken))
		s.statusToken = &h
	}
	if host, _, err := net.SplitHostPort(cfg.Addr); err == nil && host != "" {
		s.loopbackListen = loopbackHost(host)
	}
	rand.Read(s.maskKey[:])
	var err error
	if s.pages, err = newPages(); err != nil {
		return nil, err
	}

	// The map source: procedural (built in) or an OpenStreetMap extract.
	var mopts []maptile.Option
	if cfg.MapSource == "osm" {
		src, err := osmsource.Open(ctx, cfg.OSMFile)
		if err != nil {
			return nil, fmt.Errorf("opening the OSM extract: %w", err)
		}
		mopts = append(mopts, maptile.WithSource(src))
	}
	renderer, err := maptile.New(mopts...)
	if err != nil {
		return nil, err
	}

	copts := []captcha.Option{captcha.WithMaxRefreshes(cfg.MaxRefreshes)}
	if cfg.Secret != "" {
		secret, _ := hex.DecodeString(cfg.Secret)
		copts = append(copts, captcha.WithSecret(secret))
	}
	gopts := []tollgate.Option{
		tollgate.WithLogger(log),
		tollgate.WithEventHook(s.stats.observe),
		tollgate.WithEventHook(s.metrics.Observe),
		tollgate.WithImageGenerator(renderer),
		tollgate.WithExpectedFields("email", "password"),
		tollgate.WithDecoy(http.HandlerFunc(s.fakeSuccess)),
		tollgate.WithDeceiveDelay(cfg.DeceiveMin, cfg.DeceiveMax),
		tollgate.WithCaptchaErrorHandler(s.captchaFailed),
		tollgate.WithRejectHandler(s.rejected),
	}
	if cfg.Pool > 0 {
		gopts = append(gopts, tollgate.WithPool(captcha.PoolConfig{Size: cfg.Pool, Workers: 1}))
	} else {
		gopts = append(gopts, tollgate.WithoutPool())
	}

	// Stores: in memory by default, Redis with -redis.
	mem := func(l ratelimit.Limit) (ratelimit.KeyLimiter, error) { return ratelimit.NewMemoryKeyLimiter(l) }
	limiter := mem
	if cfg.Redis != "" {
		redis.SetLogger(redisLog{log}) // process-wide: go-redis has no per-client logger
		s.rdb = redis.NewClient(&redis.Options{Addr: cfg.Redis, ContextTimeoutEnabled: true})
		pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		err := s.rdb.Ping(pctx).Err()
		cancel()
		if err != nil {
			s.rdb.Close()
			return nil, fmt.Errorf("redis at %s: %w", cfg.Redis, err)
		}
		if cfg.Secret == "" {
			log.Warn("config.warning", "event", "config.warning", "source", "example",
				"reason", "no -secret: challenges issued by this server verify only on this server")
		}
		hook := redisstore.WithEventHook(func(ctx context.Context, e redisstore.Event) {
			if s.gate != nil {
				s.gate.Observe(ctx, tollgate.FromRedis(e, time.Now()))
			}
		})
		store, err := redisstore.NewCaptchaStore(s.rdb, hook)
		if err != nil {
			return nil, err
		}
		sus, err := redisstore.NewSuspects(s.rdb, hook)
		if err != nil {
			return nil, err
		}
		copts = append(copts, captcha.WithStore(store))
		gopts = append(gopts, tollgate.WithSuspects(sus))
		limiter = func(l ratelimit.Limit) (ratelimit.KeyLimiter, error) { return redisstore.NewLimiter(s.rdb, l, hook) }
	}
	ipl, err := limiter(cfg.IPLimit)
	if err != nil {
		return nil, err
	}
	acl, err := limiter(cfg.AccountLimit)
	if err != nil {
		return nil, err
	}
	chl, err := limiter(cfg.ChallengeLimit)
	if err != nil {
		return nil, err
	}
	gopts = append(gopts,
		tollgate.WithIPLimit(ipl),
		tollgate.WithAccountLimit("email", acl),
		tollgate.WithChallengeLimit(chl),
		tollgate.WithCaptchaOptions(copts...),
	)
	if s.gate, err = tollgate.New(gopts...); err != nil {
		if s.rdb != nil {
			s.rdb.Close()
		}
		return nil, err
	}
	s.metrics.Watch(s.gate)
	s.routes()
	return s, nil
}

func (s *server) routes() {
	g := s.gate
	mux := http.NewServeMux()
	assets, _ := fs.Sub(webFiles, "web/assets")
	mux.Handle("GET /assets/", http.StripPrefix("/assets/", cacheFor(time.Hour, http.FileServerFS(assets))))
	mux.Handle(g.PathPrefix()+"/", g.Handler())
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
	})
	mux.Handle("/login", g.Protect(http.HandlerFunc(s.login), tollgate.WithMode(modes[s.cfg.Mode])))
	mux.Handle("POST /session/renew", g.Lane(tollgate.ClassBackground)(http.HandlerFunc(s.renew)))
	mux.HandleFunc("GET /welcome", s.welcome)
	mux.HandleFunc("POST /logout", s.logout)
	// No method in these patterns: a POST must get the same 404 as any
	// other request that may not see the page, not a 405 that shows it exists.
	mux.HandleFunc("/status", s.status)
	mux.HandleFunc("/status.json", s.statusJSON)
	// The metrics count bots and deceptions: operators only, as the status page.
	metrics := metricsHandler(s.metrics)
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := s.statusAllowed(w, r); ok {
			metrics.ServeHTTP(w, r)
		}
	})
	mux.HandleFunc("GET /healthz", s.healthz)
	s.mux = mux
}

// ServeHTTP serves every route with the headers a login page should have.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	s.mux.ServeHTTP(w, r)
}

// Close releases the Gate and the Redis client.
func (s *server) Close() {
	s.closeMu.Do(func() {
		s.gate.Close()
		if s.rdb != nil {
			s.rdb.Close()
		}
	})
}

func (s *server) storeName() string {
	if s.rdb != nil {
		return "redis"
	}
	return "memory"
}

// lang picks the page language: the configured one, else ?lang=, else the
// lang cookie, else Accept-Language.
func (s *server) lang(r *http.Request) string {
	if q := r.URL.Query().Get("lang"); q == "ko" || q == "en" {
		return q
	}
	if c, err := r.Cookie("lang"); err == nil && (c.Value == "ko" || c.Value == "en") {
		return c.Value
	}
	if s.cfg.Lang != "auto" {
		return s.cfg.Lang
	}
	if captcha.AcceptLanguage(r.Header.Get("Accept-Language")) == "ko" {
		return "ko"
	}
	return "en"
}

func cacheFor(d time.Duration, h http.Handler) http.Handler {
	v := fmt.Sprintf("public, max-age=%d", int(d.Seconds()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", v)
		h.ServeHTTP(w, r)
	})
}

// event logs one decision of the example itself, with the same field names
// as the library's events.
func (s *server) event(r *http.Request, level slog.Level, typ string, attrs ...slog.Attr) {
	a := []slog.Attr{slog.String(tollgate.FieldEvent, typ), slog.String(tollgate.FieldSource, "example")}
	if ri, ok := tollgate.RequestInfoFrom(r.Context()); ok {
		a = append(a, slog.String(tollgate.FieldRequestID, ri.ID), slog.String(tollgate.FieldClient, ri.Client))
	} else {
		a = append(a, slog.String(tollgate.FieldClient, hostOnly(r.RemoteAddr)))
	}
	a = append(a, slog.String(tollgate.FieldMethod, r.Method), slog.String(tollgate.FieldPath, r.URL.Path))
	s.log.LogAttrs(r.Context(), level, typ, append(a, attrs...)...)
}

func hostOnly(addr string) string {
	if i := strings.LastIndexByte(addr, ':'); i > 0 && !strings.Contains(addr[i:], "]") {
		return strings.Trim(addr[:i], "[]")
	}
	return addr
}
