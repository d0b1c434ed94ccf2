package captcha

import (
	"context"
	"io"
	"time"
)

// Option configures a Service. Options are applied in order, then defaults
// fill in whatever was left unset.
type Option func(*config)

type config struct {
	store        Store
	clock        Clock
	random       io.Reader
	secret       []byte
	generators   map[Kind]Generator
	defaultKind  Kind
	langs        []string
	ttl          time.Duration
	tokenTTL     time.Duration
	maxAttempts  int
	maxRefreshes int
	pathPrefix   string
	onEvent      func(context.Context, Event)
	pool         *PoolConfig
	vetter       Vetter
	mediaCache   int64 // bytes
	maxBody      int64
}

// WithStore sets where challenges live (default: a new MemoryStore). Use a
// shared store (package redisstore) when several servers serve one site.
func WithStore(s Store) Option { return func(c *config) { c.store = s } }

// WithClock sets the clock (default: the system clock).
func WithClock(cl Clock) Option { return func(c *config) { c.clock = cl } }

// WithRandom sets the source of ids, screens and token nonces (default:
// crypto/rand.Reader). Tests use it for determinism; production code should
// not.
func WithRandom(r io.Reader) Option { return func(c *config) { c.random = r } }

// WithSecret sets the server secret that keys answer digests, rendering
// seeds and tokens (default: 32 random bytes per Service). Servers that
// share a store must share the secret; keep it at least 32 random bytes.
func WithSecret(secret []byte) Option {
	return func(c *config) { c.secret = append([]byte(nil), secret...) }
}

// WithGenerator registers the generator for a kind of challenge. The first
// kind registered is the default kind unless WithDefaultKind says otherwise.
func WithGenerator(kind Kind, g Generator) Option {
	return func(c *config) {
		if c.generators == nil {
			c.generators = make(map[Kind]Generator)
		}
		if c.defaultKind == "" {
			c.defaultKind = kind
		}
		c.generators[kind] = g
	}
}

// WithDefaultKind sets the kind created when a request names none.
func WithDefaultKind(kind Kind) Option { return func(c *config) { c.defaultKind = kind } }

// WithLanguages sets the languages offered, the first being the fallback
// (default: "en", "ko").
func WithLanguages(langs ...string) Option {
	return func(c *config) { c.langs = append([]string(nil), langs...) }
}

// WithTTL sets how long a challenge may be answered (default 2 minutes).
func WithTTL(d time.Duration) Option { return func(c *config) { c.ttl = d } }

// WithTokenTTL sets how long a verification token is valid (default 2
// minutes).
func WithTokenTTL(d time.Duration) Option { return func(c *config) { c.tokenTTL = d } }

// WithMaxAttempts sets how many answers a challenge accepts (default 3).
func WithMaxAttempts(n int) Option { return func(c *config) { c.maxAttempts = n } }

// WithMaxRefreshes sets how many new challenges one screen may take after
// its first (default 3). A switch to the audio alternative is not counted.
func WithMaxRefreshes(n int) Option { return func(c *config) { c.maxRefreshes = n } }

// WithPathPrefix sets the path under which Handler serves (default
// "/tollgate"). Media URLs in responses start with it.
func WithPathPrefix(p string) Option { return func(c *config) { c.pathPrefix = p } }

// WithEventHook sets a function called for every decision (see Event). It is
// called synchronously; keep it fast.
func WithEventHook(fn func(context.Context, Event)) Option {
	return func(c *config) { c.onEvent = fn }
}

// WithPool renders challenges ahead of demand in background goroutines (see
// PoolConfig). Call Service.Close to stop them. Without it every challenge is
// rendered when it is requested.
func WithPool(pc PoolConfig) Option { return func(c *config) { p := pc; c.pool = &p } }

// WithVetter makes the pool discard challenges that v rejects, for example
// because an OCR engine reads the answer. It has effect only with WithPool,
// where it runs in the background.
func WithVetter(v Vetter) Option { return func(c *config) { c.vetter = v } }

// WithMediaCacheBytes bounds the memory of the rendered media the Service
// keeps for fast serving, counting each clip or image with its key and
// bookkeeping (default 32 MiB; 0 or less means the default). The least
// recently used media goes first; media larger than the whole bound is not
// cached; a challenge's media goes when it is solved, used up, refreshed or
// expired. A miss renders the media again from the challenge's seed, which
// gives the same bytes: the bound trades CPU for memory, never correctness.
func WithMediaCacheBytes(n int64) Option { return func(c *config) { c.mediaCache = n } }

// WithMaxBodyBytes limits request bodies read by Handler and Require
// (default 64 KiB).
func WithMaxBodyBytes(n int64) Option { return func(c *config) { c.maxBody = n } }
