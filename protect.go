package tollgate

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/internal/intake"
	"github.com/tollgate/tollgate/pow"
	"github.com/tollgate/tollgate/ratelimit"
)

// safeMethod reports whether Protect passes requests of the method straight
// through.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead
}

// ProtectOption configures one protected route (see Protect).
type ProtectOption func(*protectConfig)

type protectConfig struct {
	action string
	mode   Mode
}

// WithAction names the protected action that verification tokens must be
// issued for (default: the request's URL path, which is what the widget
// sends for a form posting to that path). Give the same name to the
// widget with data-tollgate-action when the form's action URL differs from
// the path Protect sees.
func WithAction(name string) ProtectOption { return func(c *protectConfig) { c.action = name } }

// maxDelayed bounds the protected requests parked in the failure delay at
// once, so that a flood of failing posts cannot hold unbounded memory;
// past it failures are answered at once, real and deceived alike.
const maxDelayed = 4096

// Protect returns h guarded by every check of the Gate. GET and HEAD
// requests go straight to h (so one handler may serve the form and take
// its post: h must act only on other methods); every other request, OPTIONS
// included, goes through one straight line:
//
//  1. intake: the body is limited (WithMaxBodyBytes) and the URL query and
//     form are parsed once (they stay in r.Form and r.PostForm for h). A
//     query or body that cannot be parsed, a body over the limit, or a
//     body that is not a form is refused (400, 413, 415 through the CAPTCHA
//     error handler) before any check runs;
//  2. the per-client-address limit and, with WithAccountLimit, the
//     per-account limit (the account field of the body; posts that name no
//     account share one key): over a limit the request gets the reject
//     handler (default 429 with Retry-After);
//  3. a seat in its class's lane (WithClassifier; default ClassifyLogin):
//     when the load sheds its class or the lane is full it gets the reject
//     handler (default 503 with Retry-After). The seat is held while the
//     checks and h run, and given back before any failure delay;
//  4. the behavior Scorer, from the collector's telemetry;
//  5. a post that carries a CAPTCHA proof, and every post of a ModeAlways
//     route: a verdict at or above the deceive verdict (default bot) on
//     posted telemetry deceives it: the client is recorded as a suspect,
//     its proof is spent exactly as a failed check spends it
//     (captcha.Service.Fail: a token is consumed, an answer costs an
//     attempt) and it gets the answer of that failure (or the WithDecoy
//     handler) after the failure delay. Otherwise the proof is checked
//     (captcha.Service.Check): a verification token issued for this
//     route's action (WithAction) and, when the form names one, the
//     challenge it solved ("tollgate_token", "tollgate_id"), or a challenge
//     id and its answer ("tollgate_id", "tollgate_answer"). A failure gets
//     the CAPTCHA error handler after the failure delay and an EventDenied;
//  6. a post without a proof on a ModeManaged route (the default) is
//     decided by Decide from the Signals: the verdict, the suspects
//     registry, recent failures of its network and account, how busy its
//     network is, the load level and the widget's proof of work
//     ("tollgate_pow", spent). Pass goes on to h with no puzzle.
//     Challenge gets a *ChallengeRequiredError (default: 403 JSON with a
//     new challenge, which the widget shows inline) and an
//     EventChallenged. Deceive (positive bot evidence only: missing
//     telemetry alone means Challenge) records a suspect and answers at
//     once, as the outcome it imitates does: with the WithDecoy handler (a
//     fake Pass), else exactly as Challenge does. On a ModeNever route
//     Challenge becomes Pass, and Deceive without a decoy gets 403
//     "denied";
//  7. h, with an EventAllowed, the behavior Result in its context
//     (behavior.ResultFromContext) and, after a checked proof, the
//     verification (captcha.ResultFromContext).
//
// Every failed check of a proof, deceived or not, is answered after the
// same random delay (WithDeceiveDelay, default 3–5 s), so that neither the
// answer nor its timing tells a deceived bot from a real failure; while it
// waits the request holds no lane seat and no parsed form. Every decision
// is reported as an Event. The returned handler is safe for concurrent
// use.
func (g *Gate) Protect(h http.Handler, opts ...ProtectOption) http.Handler {
	var pc protectConfig
	for _, o := range opts {
		o(&pc)
	}
	return g.track(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if safeMethod(r.Method) {
			h.ServeHTTP(w, r)
			return
		}
		ctx := r.Context()
		if err := intake.ParseForm(w, r, g.cfg.maxBody); err != nil {
			g.Observe(ctx, Event{Source: SourceGate, Type: EventDenied, Reason: err.Error(), Err: err})
			g.cfg.captchaErr(w, r, err)
			return
		}
		key, err := g.ip.Key(r)
		if err != nil {
			g.cfg.onReject(w, r, err)
			return
		}
		ipd, ok := g.allowKey(w, r, g.ipLimit, key, "ip")
		if !ok {
			return
		}
		account := ""
		if g.acctLimit != nil {
			account = accountKey(r.PostFormValue(g.cfg.account))
			if _, ok := g.allowKey(w, r, g.acctLimit, account, "account"); !ok {
				return
			}
		}
		release := func() {}
		if g.limiter != nil {
			t, err := g.limiter.Acquire(ctx, g.cfg.classify(r))
			if err != nil {
				g.cfg.onReject(w, r, err)
				return
			}
			release = t.Release
		}
		p := post{key: key, account: account, action: pc.action, proof: captcha.Proof{
			ID:     r.PostForm.Get(FieldNameID),
			Answer: r.PostForm.Get(FieldNameAnswer),
			Token:  r.PostForm.Get(FieldNameToken),
		}}
		if p.action == "" {
			p.action = r.URL.Path
		}
		if !g.cfg.noBehavior {
			var elapsed time.Duration
			if g.cfg.elapsed != nil {
				elapsed = g.cfg.elapsed(r)
			}
			p.res = g.scorer.ScoreForm(r.PostForm, elapsed)
			p.telemetry = !p.res.Has(behavior.ReasonNoTelemetry)
			g.Observe(ctx, FromBehavior(behavior.Event{Type: behavior.EventVerdict, Time: g.now(), Key: key, Result: p.res}))
		}
		proven := p.proof.Token != "" || (p.proof.ID != "" && p.proof.Answer != "")
		if pc.mode == ModeAlways || proven {
			g.checkProof(w, r, h, &p, release)
			return
		}
		decideStart := time.Now()
		d := g.decide(ctx, r, &p, ipd)
		took := time.Since(decideStart)
		if pc.mode == ModeNever && d.Outcome == Challenge {
			d = Decision{Outcome: Pass}
		}
		switch d.Outcome {
		case Pass:
			defer release()
			g.allow(ctx, w, r, h, &p, captcha.TokenClaims{}, took)
		case Challenge:
			release()
			g.Observe(ctx, Event{Source: SourceGate, Type: EventChallenged, Reason: strings.Join(d.Reasons, ","), Decision: took})
			g.challenge(w, r, key)
		case Deceive:
			release()
			g.recordSuspect(ctx, key, p.res)
			g.noteFailure(ctx, &p)
			g.Observe(ctx, FromBehavior(behavior.Event{Type: behavior.EventDeceived, Time: g.now(), Key: key, Result: p.res}))
			switch {
			case g.cfg.decoy != nil:
				g.cfg.decoy.ServeHTTP(w, r) // imitates Pass, at once as a pass is
			case pc.mode == ModeNever:
				g.cfg.captchaErr(w, r, errDenied)
			default:
				g.challenge(w, r, key) // what a real Challenge answers, at once as it is
			}
		}
	}))
}

// post is what Protect knows of one protected post.
type post struct {
	key, account, action string
	proof                captcha.Proof
	res                  behavior.Result
	telemetry            bool // a telemetry document was posted
}

// checkProof is the check of a post that carries a CAPTCHA proof (and of
// every post in ModeAlways): deceive on positive bot evidence, else
// captcha.Service.Check.
func (g *Gate) checkProof(w http.ResponseWriter, r *http.Request, h http.Handler, p *post, release func()) {
	ctx := r.Context()
	if p.res.Deceives(g.cfg.deceiveAt) {
		g.recordSuspect(ctx, p.key, p.res)
		g.noteFailure(ctx, p)
		err := g.svc.Fail(ctx, p.proof, p.action)
		release()
		g.deceive(w, r, p.key, p.res, err)
		return
	}
	claims, err := g.svc.Check(ctx, p.proof, p.action)
	if err != nil {
		release()
		g.noteFailure(ctx, p)
		g.Observe(ctx, Event{Source: SourceGate, Type: EventDenied, Reason: err.Error(), Err: err})
		g.failLater(w, r, func() { g.cfg.captchaErr(w, r, err) })
		return
	}
	defer release()
	g.allow(ctx, w, r, h, p, claims, 0)
}

// allow reports EventAllowed and serves h.
func (g *Gate) allow(ctx context.Context, w http.ResponseWriter, r *http.Request, h http.Handler, p *post, claims captcha.TokenClaims, decided time.Duration) {
	ev := Event{Source: SourceGate, Type: EventAllowed, Kind: string(claims.Kind), Decision: decided}
	if !g.cfg.noBehavior {
		ev.Verdict, ev.Score = p.res.Verdict.String(), p.res.Score
		ctx = behavior.NewContext(ctx, p.res)
	}
	if claims.Challenge != "" {
		ctx = captcha.NewContext(ctx, claims)
	}
	g.Observe(ctx, ev)
	h.ServeHTTP(w, r.WithContext(ctx))
}

// allowKey runs one per-key limit; it reports whether the request may go
// on, and otherwise has answered it. A failing KeyLimiter refuses (fail
// closed).
func (g *Gate) allowKey(w http.ResponseWriter, r *http.Request, kl ratelimit.KeyLimiter, key, policy string) (ratelimit.Decision, bool) {
	if kl == nil || key == "" {
		return ratelimit.Decision{Allowed: true}, true
	}
	d, err := kl.AllowN(r.Context(), key, g.now(), 1)
	if err != nil {
		g.cfg.onReject(w, r, err)
		return d, false
	}
	ratelimit.SetRateLimitHeaders(w.Header(), policy, d)
	if d.Allowed {
		return d, true
	}
	g.rateLimitHook(policy)(r.Context(), ratelimit.Event{Type: ratelimit.EventKeyLimited, Reason: ratelimit.ReasonLimited, Key: key, RetryAfter: d.RetryAfter})
	g.cfg.onReject(w, r, &ratelimit.LimitedError{Key: key, Decision: d})
	return d, false
}

func (g *Gate) recordSuspect(ctx context.Context, key string, res behavior.Result) {
	if g.suspects == nil || key == "" {
		return
	}
	reason := ""
	if len(res.Reasons) > 0 {
		reason = res.Reasons[0].Code
	}
	if err := g.suspects.Record(ctx, key, reason, g.now()); err != nil {
		g.Observe(ctx, FromBehavior(behavior.Event{Type: behavior.EventError, Time: g.now(), Key: key, Err: err}))
	}
}

// deceive answers a deceived request after the failure delay: with the
// WithDecoy handler, or as the CAPTCHA check would have answered the
// failure err that spending its proof produced.
func (g *Gate) deceive(w http.ResponseWriter, r *http.Request, key string, res behavior.Result, err error) {
	respond := func() { g.cfg.captchaErr(w, r, err) }
	if g.cfg.decoy != nil {
		respond = func() { g.cfg.decoy.ServeHTTP(w, r) }
	}
	ctx := r.Context()
	d, ok := g.failLater(w, r, respond)
	typ := behavior.EventDeceived
	if !ok {
		typ = behavior.EventCanceled
	}
	g.Observe(ctx, FromBehavior(behavior.Event{Type: typ, Time: g.now(), Key: key, Result: res, Delay: d}))
}

// failLater calls respond after the failure delay, parked on a timer and
// the request's context; it reports the delay and false when the client
// went away first (nothing is written then).
func (g *Gate) failLater(w http.ResponseWriter, r *http.Request, respond func()) (time.Duration, bool) {
	d := g.cfg.minDelay
	if span := g.cfg.maxDelay - g.cfg.minDelay; span > 0 {
		d += rand.N(span)
	}
	if d <= 0 || g.delayed.Add(1) > maxDelayed {
		g.delayed.Add(-1)
		respond()
		return 0, true
	}
	defer g.delayed.Add(-1)
	if g.cfg.decoy == nil {
		// The default answers need nothing of the form: let it go.
		r.Form, r.PostForm, r.MultipartForm = nil, nil, nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		respond()
		return d, true
	case <-r.Context().Done():
		return d, false
	}
}

// Lane returns middleware that admits requests through the lane of class
// (for example ClassBackground for an automatic session renewal that needs
// no CAPTCHA), with the reject handler for requests the limiter turns away.
// Without a limiter it only tags requests for events. The class must be one
// of the limiter's; an unknown class is rejected as a configuration error
// (500 from the default reject handler).
func (g *Gate) Lane(class string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if g.limiter == nil {
			return g.track(next)
		}
		return g.track(g.limiter.Middleware(func(*http.Request) string { return class },
			ratelimit.WithErrorHandler(g.cfg.onReject))(next))
	}
}

// Handler returns the handler of everything the browser widget needs, under
// the path prefix (default "/tollgate"); mount it with
// mux.Handle(g.PathPrefix()+"/", g.Handler()):
//
//	GET  {prefix}/static/widget.js, widget.css  the widget (package captcha)
//	GET  {prefix}/behavior.js                   the behavior collector
//	POST {prefix}/challenge                     new challenge (lane ClassChallenge, per-address limit)
//	POST {prefix}/challenge/{id}/refresh        new challenge on the same screen (same)
//	POST {prefix}/challenge/{id}/verify         verify an answer, get a token (lane ClassChallenge)
//	GET  {prefix}/media/{id}                    image or audio (lane ClassMedia)
//
// See captcha.Service.Handler for the JSON API. The handler is safe for
// concurrent use.
func (g *Gate) Handler() http.Handler {
	p := strings.TrimSuffix(g.cfg.prefix, "/")
	api := g.svc.Handler()
	mux := http.NewServeMux()
	if !g.cfg.noBehavior {
		mux.Handle("GET "+p+"/behavior.js", behavior.CollectorHandler())
	}
	mux.Handle("GET "+p+"/static/", api)
	creates := g.Lane(ClassChallenge)(api)
	if g.chLimit != nil {
		creates = ratelimit.KeyMiddleware(g.chLimit, g.ip.Key, g.keyOptions("challenge")...)(creates)
	}
	mux.Handle("POST "+p+"/challenge", creates)
	mux.Handle("POST "+p+"/challenge/{id}/refresh", creates)
	mux.Handle("POST "+p+"/challenge/{id}/verify", g.Lane(ClassChallenge)(api))
	if g.work != nil {
		var puzzles http.Handler = g.work.Handler(g.workDifficulty)
		if g.chLimit != nil {
			puzzles = ratelimit.KeyMiddleware(g.chLimit, g.ip.Key, g.keyOptions("challenge")...)(puzzles)
		}
		mux.Handle("POST "+p+"/pow", g.Lane(ClassChallenge)(puzzles))
		mux.Handle("GET "+p+"/static/pow-worker.js", pow.WorkerHandler())
	}
	mux.Handle("GET "+p+"/media/{id}", g.Lane(ClassMedia)(api))
	return g.track(mux)
}

func (g *Gate) keyOptions(policy string) []ratelimit.MiddlewareOption {
	return []ratelimit.MiddlewareOption{
		ratelimit.WithErrorHandler(g.cfg.onReject),
		ratelimit.WithPolicyName(policy),
		ratelimit.WithMiddlewareEventHook(g.rateLimitHook(policy)),
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// accountKey trims and lower-cases an account name and bounds its length,
// for per-account limit keys. A post that names no account gets the key
// of the empty name, shared by all such posts: leaving the field out (and
// putting it in the URL query, for a handler reading r.FormValue) must not
// escape the limit.
func accountKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) > 128 {
		s = s[:128]
	}
	return "acct:" + s
}

func remoteHost(r *http.Request) string { return behavior.RemoteHost(r) }
