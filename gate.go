package tollgate

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync/atomic"
	"time"

	"github.com/tollgate/tollgate/audio"
	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/captcha/maptile"
	"github.com/tollgate/tollgate/pow"
	"github.com/tollgate/tollgate/ratelimit"
)

// ErrConfig is wrapped by the errors New returns for options that cannot
// work together (for example a limiter without the classes the Gate uses).
var ErrConfig = errors.New("tollgate: invalid configuration")

// DefaultPool is the pool a Gate's captcha Service uses unless WithPool or
// WithoutPool says otherwise: 16 challenges per kind and language, one
// worker each.
var DefaultPool = captcha.PoolConfig{Size: 16, Workers: 1}

// Gate wires tollgate's parts into one protection for a form: the map
// CAPTCHA with its audio alternative (package captcha with captcha/maptile
// and audio), behavior scoring with deception of bots and a suspects
// registry (package behavior), and admission lanes with per-key limits
// (package ratelimit). Every part has a safe default and can be replaced
// with an option.
//
// A Gate is safe for concurrent use. Create one with New and Close it when
// done; the zero value is not usable.
type Gate struct {
	cfg       config
	svc       *captcha.Service
	ownSvc    bool
	scorer    *behavior.Scorer
	suspects  behavior.Suspects
	limiter   *ratelimit.Limiter
	ownLim    bool
	ip        *ratelimit.IPExtractor
	ipLimit   ratelimit.KeyLimiter
	acctLimit ratelimit.KeyLimiter
	chLimit   ratelimit.KeyLimiter
	metrics   *metrics
	recent    *recent
	logHook   func(context.Context, Event)
	ids       requestIDs
	now       func() time.Time
	delayed   atomic.Int64 // requests in the failure delay (see failLater)
	work      *pow.Issuer  // nil with WithoutProofOfWork
	noAudio   bool         // the Gate built its captcha Service without audio
	failures  ratelimit.KeyLimiter
	risk      RiskPolicy
}

// New returns a Gate. With no options it has:
//
//   - a captcha Service with the maptile Renderer (procedural maps) for
//     image challenges and the audio Synth for the audio alternative, a
//     pool (DefaultPool), an in-memory store and a random secret, served
//     under "/tollgate";
//   - a behavior Scorer with the default weights that also requires the
//     CAPTCHA answer to be typed by a person (see Protect), deception of
//     bots, a 3–5 s delay before every failed check's answer, and a
//     MemorySuspects registry;
//   - the default limiter (NewDefaultLimiter) and per-client-address
//     limits DefaultIPLimit (protected requests) and DefaultChallengeLimit
//     (new challenges), keyed by the peer address;
//   - no logging (see WithLogger) and no per-account limit (see
//     WithAccountLimit).
//
// Errors wrap ErrConfig, or come from the parts' constructors.
func New(opts ...Option) (*Gate, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.prefix == "" || cfg.prefix == "/" {
		cfg.prefix = "/tollgate"
	}
	if cfg.maxBody <= 0 {
		cfg.maxBody = 256 << 10
	}
	if cfg.recentLen <= 0 {
		cfg.recentLen = 50
	}
	if cfg.classify == nil {
		cfg.classify = ClassifyLogin
	}
	if cfg.captchaErr == nil {
		cfg.captchaErr = writeCaptchaError
	}
	if cfg.onReject == nil {
		cfg.onReject = ratelimit.DefaultErrorHandler
	}
	if !cfg.delaySet {
		cfg.minDelay, cfg.maxDelay = behavior.DefaultMinDelay, behavior.DefaultMaxDelay
	}
	cfg.minDelay = max(cfg.minDelay, 0)
	cfg.maxDelay = max(cfg.maxDelay, cfg.minDelay)
	if cfg.deceiveAt < behavior.VerdictSuspect {
		cfg.deceiveAt = behavior.VerdictBot
	}
	g := &Gate{cfg: cfg, metrics: newMetrics(), recent: newRecent(cfg.recentLen), now: time.Now}
	g.logHook = LogHook(cfg.logger)
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("tollgate: request id prefix: %w", err)
	}
	g.ids.prefix = fmt.Sprintf("%x-", b)
	g.ip = cfg.ip
	if g.ip == nil {
		g.ip = &ratelimit.IPExtractor{}
	}
	if err := g.buildCaptcha(); err != nil {
		return nil, err
	}
	if err := g.buildLimits(); err != nil {
		g.Close()
		return nil, err
	}
	if err := g.buildRisk(); err != nil {
		g.Close()
		return nil, err
	}
	g.scorer = cfg.scorer
	if g.scorer == nil {
		g.scorer = newScorer(cfg.expected)
	}
	g.suspects = cfg.suspects
	if g.suspects == nil {
		g.suspects = behavior.NewMemorySuspects()
	}
	return g, nil
}

// buildRisk builds what the managed mode decides with: the proof-of-work
// issuer, keeping its puzzles in the captcha Store, and the failure
// counters.
func (g *Gate) buildRisk() error {
	cfg := &g.cfg
	g.risk = cfg.risk
	if g.risk.DeceiveAt < behavior.VerdictSuspect {
		g.risk.DeceiveAt = cfg.deceiveAt
	}
	g.risk = g.risk.withDefaults()
	g.failures = cfg.failureLimit
	if g.failures == nil {
		m, err := ratelimit.NewMemoryKeyLimiter(g.risk.Failures)
		if err != nil {
			return fmt.Errorf("tollgate: failure limit: %w", err)
		}
		g.failures = m
	}
	if cfg.noWork {
		return nil
	}
	if cfg.workBits <= 0 {
		cfg.workBits = DefaultWorkBits
	}
	secret := cfg.secret
	if len(secret) == 0 {
		secret = make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			return fmt.Errorf("tollgate: making a secret: %w", err)
		}
	}
	// Puzzles live beside the tokens in a shared store (several servers),
	// but in their own bounded table in one process, so that fetching
	// puzzles cannot evict verification tokens.
	var store pow.Store = workStore{g.svc.Store()}
	if _, ok := g.svc.Store().(*captcha.MemoryStore); ok {
		store = pow.NewMemoryStore(0)
	}
	w, err := pow.New(secretFor(secret, "pow"), pow.WithStore(store))
	if err != nil {
		return fmt.Errorf("tollgate: proof of work: %w", err)
	}
	g.work = w
	return nil
}

func (g *Gate) buildCaptcha() error {
	cfg := &g.cfg
	if cfg.service != nil {
		g.svc = cfg.service
		return nil
	}
	image := cfg.image
	if !cfg.imageSet {
		r, err := maptile.New()
		if err != nil {
			return fmt.Errorf("tollgate: image generator: %w", err)
		}
		image = r
	}
	if image == nil {
		return fmt.Errorf("%w: an image generator is required", ErrConfig)
	}
	au := cfg.audio
	if !cfg.audioSet {
		s, err := audio.New(audio.WithEventHook(func(ctx context.Context, e audio.Event) {
			g.Observe(ctx, FromAudio(e, g.now()))
		}))
		if err != nil {
			return fmt.Errorf("tollgate: audio generator: %w", err)
		}
		au = s
	}
	var copts []captcha.Option
	if len(cfg.secret) > 0 {
		copts = append(copts, captcha.WithSecret(secretFor(cfg.secret, "captcha")))
	}
	copts = append(copts,
		captcha.WithGenerator(captcha.KindImage, image),
		captcha.WithPathPrefix(cfg.prefix),
		captcha.WithEventHook(func(ctx context.Context, e captcha.Event) { g.Observe(ctx, FromCaptcha(e)) }),
	)
	if au != nil {
		copts = append(copts, captcha.WithGenerator(captcha.KindAudio, au))
	}
	g.noAudio = au == nil
	if !cfg.noPool {
		pc := DefaultPool
		if cfg.pool != nil {
			pc = *cfg.pool
		}
		copts = append(copts, captcha.WithPool(pc))
	}
	svc, err := captcha.New(append(copts, cfg.captchaOpts...)...)
	if err != nil {
		return fmt.Errorf("tollgate: captcha: %w", err)
	}
	g.svc, g.ownSvc = svc, true
	return nil
}

func (g *Gate) buildLimits() error {
	cfg := &g.cfg
	if !cfg.noLimiter {
		if cfg.limiter != nil {
			g.limiter = cfg.limiter
			have := make([]string, 0, 8)
			for _, c := range g.limiter.Classes() {
				have = append(have, c.Name)
			}
			need := []string{ClassChallenge, ClassMedia}
			if !cfg.classifySet {
				need = append(need, ClassLogin, ClassBackground)
			}
			for _, need := range need {
				if !slices.Contains(have, need) {
					return fmt.Errorf("%w: the limiter has no class %q", ErrConfig, need)
				}
			}
		} else {
			l, err := NewDefaultLimiter(ratelimit.WithEventHook(g.rateLimitHook("")))
			if err != nil {
				return fmt.Errorf("tollgate: limiter: %w", err)
			}
			g.limiter, g.ownLim = l, true
		}
	}
	mem := func(l ratelimit.Limit) (ratelimit.KeyLimiter, error) {
		m, err := ratelimit.NewMemoryKeyLimiter(l)
		if err != nil {
			return nil, fmt.Errorf("tollgate: key limiter: %w", err)
		}
		return m, nil
	}
	var err error
	g.ipLimit = cfg.ipLimit
	if !cfg.ipLimitSet {
		if g.ipLimit, err = mem(DefaultIPLimit); err != nil {
			return err
		}
	}
	g.chLimit = cfg.challengeLimit
	if !cfg.challengeSet {
		if g.chLimit, err = mem(DefaultChallengeLimit); err != nil {
			return err
		}
	}
	if cfg.account != "" {
		g.acctLimit = cfg.accountLimit
		if g.acctLimit == nil {
			if g.acctLimit, err = mem(DefaultAccountLimit); err != nil {
				return err
			}
		}
	}
	return nil
}

// rateLimitHook returns the hook for ratelimit events of one policy ("" for
// the limiter's own).
func (g *Gate) rateLimitHook(policy string) ratelimit.EventHook {
	return func(ctx context.Context, e ratelimit.Event) {
		ev := FromRateLimit(e, g.now())
		ev.Policy = policy
		g.Observe(ctx, ev)
	}
}

// Observe handles one event as the Gate's own: it is counted in the
// metrics, kept for RecentVerdicts when it is a behavior verdict, passed to
// the hooks (WithEventHook) and logged (WithLogger). The Request is filled
// in from ctx when empty. Use it to feed events of parts the Gate did not
// build (WithCaptcha, a redisstore's hook). It is safe for concurrent use.
func (g *Gate) Observe(ctx context.Context, e Event) {
	if ctx == nil {
		ctx = context.Background()
	}
	if e.Request.ID == "" {
		if ri, ok := RequestInfoFrom(ctx); ok {
			e.Request = ri
		}
	}
	if e.Time.IsZero() {
		e.Time = g.now()
	}
	g.metrics.observe(e)
	if e.Behavior != nil && e.Type == behavior.EventVerdict {
		res := e.Behavior.Result
		g.recent.add(VerdictRecord{
			Time: e.Time, Request: e.Request, Key: e.Behavior.Key, Verdict: res.Verdict, Score: res.Score,
			Reasons: append([]behavior.Reason(nil), res.Reasons...), Deceived: res.Deceives(g.cfg.deceiveAt),
		})
	}
	for _, h := range g.cfg.hooks {
		h(ctx, e)
	}
	g.logHook(ctx, e)
}

// Close stops the background work of the parts the Gate built (the
// challenge pool and the limiter's sampler). Parts passed in with options
// are left to their owner. Handlers keep working after Close, rendering
// challenges on request; the limiter rejects new requests. Close is
// idempotent.
func (g *Gate) Close() error {
	var errs []error
	if g.ownSvc && g.svc != nil {
		errs = append(errs, g.svc.Close())
	}
	if g.ownLim && g.limiter != nil {
		errs = append(errs, g.limiter.Close())
	}
	return errors.Join(errs...)
}

// Captcha returns the captcha Service (for its Handler, Create, Verify,
// Token...).
func (g *Gate) Captcha() *captcha.Service { return g.svc }

// Scorer returns the behavior Scorer.
func (g *Gate) Scorer() *behavior.Scorer { return g.scorer }

// Suspects returns the suspects registry.
func (g *Gate) Suspects() behavior.Suspects { return g.suspects }

// Limiter returns the admission limiter, or nil with WithoutLimiter. Its
// Stats give the load level and per-class counts for a status page.
func (g *Gate) Limiter() *ratelimit.Limiter { return g.limiter }

// PathPrefix returns the path Handler serves under, such as "/tollgate".
func (g *Gate) PathPrefix() string { return g.cfg.prefix }

// writeCaptchaError is the default CAPTCHA error handler: the status and
// JSON of captcha.ErrorResponse.
func writeCaptchaError(w http.ResponseWriter, _ *http.Request, err error) {
	var cr *ChallengeRequiredError
	switch {
	case errors.As(err, &cr):
		writeJSON(w, http.StatusForbidden, challengeJSON{
			ErrorJSON: captcha.ErrorJSON{Error: cr.Error(), Code: "challenge_required", NewChallenge: true},
			Challenge: cr.Challenge,
		})
		return
	case errors.Is(err, errDenied):
		writeJSON(w, http.StatusForbidden, captcha.ErrorJSON{Error: errDenied.Error(), Code: "denied"})
		return
	}
	status, body := captcha.ErrorResponse(err)
	writeJSON(w, status, body)
}
