package tollgate

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/ratelimit"
)

// Option configures a Gate. Options are applied in order; defaults fill in
// whatever was left unset afterwards.
type Option func(*config)

type config struct {
	prefix    string
	maxBody   int64
	logger    *slog.Logger
	hooks     []func(context.Context, Event)
	recentLen int
	secret    []byte

	// managed mode
	risk         RiskPolicy
	failureLimit ratelimit.KeyLimiter
	workBits     int
	noWork       bool

	// captcha
	service      *captcha.Service
	captchaOpts  []captcha.Option
	image, audio captcha.Generator
	imageSet     bool
	audioSet     bool
	pool         *captcha.PoolConfig
	noPool       bool
	captchaErr   func(http.ResponseWriter, *http.Request, error)

	// behavior
	scorer     *behavior.Scorer
	expected   []string
	suspects   behavior.Suspects
	decoy      http.Handler
	minDelay   time.Duration
	maxDelay   time.Duration
	delaySet   bool
	deceiveAt  behavior.Verdict
	elapsed    func(*http.Request) time.Duration
	noBehavior bool

	// ratelimit
	limiter        *ratelimit.Limiter
	noLimiter      bool
	classify       func(*http.Request) string
	classifySet    bool
	ip             *ratelimit.IPExtractor
	ipLimit        ratelimit.KeyLimiter
	ipLimitSet     bool
	account        string
	accountLimit   ratelimit.KeyLimiter
	challengeLimit ratelimit.KeyLimiter
	challengeSet   bool
	onReject       ratelimit.ErrorHandler
}

// WithPathPrefix sets the path under which Handler serves the widget,
// challenges, media and collector (default "/tollgate"). It is passed to
// the captcha Service too.
func WithPathPrefix(p string) Option {
	return func(c *config) { c.prefix = "/" + strings.Trim(p, "/") }
}

// WithMaxBodyBytes limits the body of a protected request (default 256 KiB:
// a login form with its behavior telemetry needs well under 100 KiB).
func WithMaxBodyBytes(n int64) Option { return func(c *config) { c.maxBody = n } }

// WithSecret sets the secret that keys the CAPTCHA's answer digests,
// rendering seeds and tokens and the proof-of-work puzzles (default: 32
// random bytes per Gate). Servers that share a store must share it; keep
// it at least 32 random bytes.
func WithSecret(secret []byte) Option {
	return func(c *config) { c.secret = append([]byte(nil), secret...) }
}

// WithRisk sets the thresholds of the managed mode's risk decision (see
// RiskPolicy and Decide; zero fields keep their defaults).
func WithRisk(p RiskPolicy) Option { return func(c *config) { c.risk = p } }

// WithFailureLimit sets where the managed mode counts failed checks per
// network and per account (default: in memory, RiskPolicy.Failures). Pass
// a shared KeyLimiter (package redisstore) when several servers serve one
// site.
func WithFailureLimit(kl ratelimit.KeyLimiter) Option { return func(c *config) { c.failureLimit = kl } }

// WithProofOfWork sets the base difficulty of the widget's proof of work,
// in leading zero bits of SHA-256 (default DefaultWorkBits); every load
// level above normal adds 2 bits, for every client.
func WithProofOfWork(bits int) Option { return func(c *config) { c.workBits, c.noWork = bits, false } }

// WithoutProofOfWork turns the proof of work off: Handler serves no
// puzzles and the managed mode does not ask for one.
func WithoutProofOfWork() Option { return func(c *config) { c.noWork = true } }

// WithLogger writes every Event to l as one record (see the package
// documentation for the message and field names). Without it nothing is
// logged: the Gate never uses slog.Default.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithEventHook adds a function called with every Event, synchronously on
// the goroutine that made the decision; it must be fast and safe for
// concurrent use. Several hooks may be added.
func WithEventHook(fn func(context.Context, Event)) Option {
	return func(c *config) {
		if fn != nil {
			c.hooks = append(c.hooks, fn)
		}
	}
}

// WithRecentVerdicts sets how many behavior verdicts RecentVerdicts keeps
// (default 50).
func WithRecentVerdicts(n int) Option { return func(c *config) { c.recentLen = n } }

// WithCaptcha replaces the captcha Service the Gate would build. The Gate
// then neither sets its event hook nor closes it; to see its events, set
// its hook to call Gate.Observe with FromCaptcha. The Service's path prefix
// must equal the Gate's (WithPathPrefix).
func WithCaptcha(s *captcha.Service) Option { return func(c *config) { c.service = s } }

// WithCaptchaOptions adds options for the captcha Service the Gate builds,
// applied after the Gate's own (generators, pool, prefix, event hook): for
// example captcha.WithStore with a shared store and captcha.WithSecret.
func WithCaptchaOptions(opts ...captcha.Option) Option {
	return func(c *config) { c.captchaOpts = append(c.captchaOpts, opts...) }
}

// WithImageGenerator sets the generator of image challenges (default: a
// captcha/maptile Renderer with the procedural map source).
func WithImageGenerator(g captcha.Generator) Option {
	return func(c *config) { c.image, c.imageSet = g, true }
}

// WithAudioGenerator sets the generator of the audio alternative (default:
// an audio Synth with the built-in voices). nil turns the audio alternative
// off.
func WithAudioGenerator(g captcha.Generator) Option {
	return func(c *config) { c.audio, c.audioSet = g, true }
}

// WithPool sets how many challenges are rendered ahead of demand (default
// 16 per kind and language, one worker each).
func WithPool(pc captcha.PoolConfig) Option {
	return func(c *config) { p := pc; c.pool, c.noPool = &p, false }
}

// WithoutPool renders every challenge on request, with no background
// goroutines: for tests and tiny deployments.
func WithoutPool() Option { return func(c *config) { c.pool, c.noPool = nil, true } }

// WithCaptchaErrorHandler sets what answers a protected request whose
// CAPTCHA check fails (no answer, wrong answer, spent token...). The default
// writes the JSON of captcha.ErrorResponse with its status. A form-based
// page usually renders the form again with a message instead.
func WithCaptchaErrorHandler(fn func(w http.ResponseWriter, r *http.Request, err error)) Option {
	return func(c *config) { c.captchaErr = fn }
}

// WithScorer replaces the behavior Scorer (default behavior.NewScorer with
// the fields of WithExpectedFields and the CAPTCHA answer field expected,
// and the answer field typed: behavior.WithTypedFields(FieldNameAnswer),
// which a replacement should keep).
func WithScorer(s *behavior.Scorer) Option { return func(c *config) { c.scorer = s } }

// WithExpectedFields names the form fields people type into (for example
// "username", "password"), which the default Scorer checks even when the
// telemetry does not mention them.
func WithExpectedFields(names ...string) Option {
	return func(c *config) { c.expected = append(c.expected, names...) }
}

// WithSuspects sets the registry where clients judged bots are recorded
// under their IP key (default: a behavior.MemorySuspects).
func WithSuspects(s behavior.Suspects) Option { return func(c *config) { c.suspects = s } }

// WithDecoy sets what answers a request judged a bot, after the failure
// delay and after its proof was spent (see Protect). The default answers
// exactly as the CAPTCHA check answers the failure that spending the proof
// gives (a wrong answer with the attempts really left, an invalid token),
// through the CAPTCHA error handler, which tells a bot nothing. A decoy
// must be indistinguishable from a real outcome of the protected route.
func WithDecoy(h http.Handler) Option { return func(c *config) { c.decoy = h } }

// WithDeceiveDelay sets the bounds of the random delay before a protected
// request that failed a check is answered, deceived or not (default 3 s to
// 5 s): one delay for both, so timing does not tell them apart. Negative
// values count as 0; max below min is raised to min.
func WithDeceiveDelay(minDelay, maxDelay time.Duration) Option {
	return func(c *config) { c.minDelay, c.maxDelay, c.delaySet = minDelay, maxDelay, true }
}

// WithDeceiveAt sets the lowest verdict that is deceived (default
// behavior.VerdictBot).
func WithDeceiveAt(v behavior.Verdict) Option { return func(c *config) { c.deceiveAt = v } }

// WithElapsed sets a function that returns the server's own time from
// serving the form to the post, for the scorer (Submission.Elapsed).
func WithElapsed(f func(*http.Request) time.Duration) Option {
	return func(c *config) { c.elapsed = f }
}

// WithoutBehavior turns behavior scoring and deception off: Protect then
// checks rate limits and the CAPTCHA only, and Handler does not serve the
// collector script.
func WithoutBehavior() Option { return func(c *config) { c.noBehavior = true } }

// WithLimiter replaces the admission limiter (default: NewDefaultLimiter).
// It must declare ClassChallenge and ClassMedia, and the classes Protect's
// classifier returns (ClassLogin and ClassBackground unless WithClassifier
// says otherwise). The Gate does not close a limiter it did
// not create.
func WithLimiter(l *ratelimit.Limiter) Option { return func(c *config) { c.limiter = l } }

// WithoutLimiter turns admission lanes off (per-key limits stay).
func WithoutLimiter() Option { return func(c *config) { c.noLimiter = true } }

// WithClassifier sets how Protect names the class of a request (default
// ClassifyLogin: ClassBackground for "X-Login-Kind: background", else
// ClassLogin).
func WithClassifier(fn func(*http.Request) string) Option {
	return func(c *config) { c.classify, c.classifySet = fn, fn != nil }
}

// WithIPExtractor sets how client addresses are found (default: RemoteAddr
// only, which is right unless a proxy you run sits in front; see
// ratelimit.WithTrustedProxies).
func WithIPExtractor(e *ratelimit.IPExtractor) Option { return func(c *config) { c.ip = e } }

// WithIPLimit sets the per-client-address limit of protected requests
// (default DefaultIPLimit in memory). nil turns it off.
func WithIPLimit(kl ratelimit.KeyLimiter) Option {
	return func(c *config) { c.ipLimit, c.ipLimitSet = kl, true }
}

// WithAccountLimit limits protected requests per account, read from the
// form field (for example "username"); kl nil means DefaultAccountLimit in
// memory. Without this option there is no per-account limit.
func WithAccountLimit(field string, kl ratelimit.KeyLimiter) Option {
	return func(c *config) { c.account, c.accountLimit = field, kl }
}

// WithChallengeLimit sets the per-client-address limit of new challenges
// (create and refresh; default DefaultChallengeLimit in memory). nil turns
// it off.
func WithChallengeLimit(kl ratelimit.KeyLimiter) Option {
	return func(c *config) { c.challengeLimit, c.challengeSet = kl, true }
}

// WithRejectHandler sets what answers requests the limits reject (default
// ratelimit.DefaultErrorHandler: 429 or 503 with Retry-After).
func WithRejectHandler(h ratelimit.ErrorHandler) Option { return func(c *config) { c.onReject = h } }
