package tollgate

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/internal/form"
	"github.com/tollgate/tollgate/ratelimit"
)

// safeMethod reports whether Protect passes requests of the method straight
// through.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// Protect returns h guarded by every check of the Gate. GET, HEAD and
// OPTIONS requests go straight to h (so one handler may serve the form and
// take its post); every other request, in this order:
//
//  1. has its body limited (WithMaxBodyBytes; the form is parsed once and
//     stays in r.PostForm for h);
//  2. is counted against the per-client-address limit and, with
//     WithAccountLimit, the per-account limit: over a limit it gets the
//     reject handler (default 429 with Retry-After);
//  3. is scored by the behavior Scorer from the collector's telemetry: at
//     or above the deceive verdict (default bot) the client is recorded in
//     the suspects registry and, after a random delay (default 3–5 s), gets
//     the decoy (WithDecoy) instead of h. The default Scorer names the
//     answer field with behavior.WithTypedFields: a post whose CAPTCHA
//     answer was not typed by a person (the answer field shows no trusted
//     key, paste, IME or input event) gets behavior.ReasonUntypedField
//     (weight 0.9, a bot on its own). Password managers fill names and
//     passwords by script, which the scorer forgives, but never a CAPTCHA
//     answer;
//  4. takes a seat in its class's lane (WithClassifier; default
//     ClassifyLogin): when the load sheds its class or the lane is full it
//     gets the reject handler (default 503 with Retry-After);
//  5. must carry a solved challenge: a verification token from the widget
//     (form field "tollgate_token") or a challenge id and answer
//     ("tollgate_id", "tollgate_answer"); otherwise it gets the CAPTCHA
//     error handler (WithCaptchaErrorHandler) and an EventDenied;
//  6. reaches h with an EventAllowed, the behavior Result in its context
//     (behavior.ResultFromContext) and the verification
//     (captcha.ResultFromContext).
//
// Every decision is reported as an Event. The returned handler is safe for
// concurrent use.
func (g *Gate) Protect(h http.Handler) http.Handler {
	allowed := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev := Event{Source: SourceGate, Type: EventAllowed, Time: g.now()}
		if res, ok := behavior.ResultFromContext(r.Context()); ok {
			ev.Verdict, ev.Score = res.Verdict.String(), res.Score
		}
		if c, ok := captcha.ResultFromContext(r.Context()); ok {
			ev.Kind = string(c.Kind)
		}
		g.Observe(r.Context(), ev)
		h.ServeHTTP(w, r)
	})
	var inner http.Handler = g.svc.Require(captcha.WithErrorHandler(func(w http.ResponseWriter, r *http.Request, err error) {
		g.Observe(r.Context(), Event{Source: SourceGate, Type: EventDenied, Time: g.now(), Reason: err.Error()})
		g.cfg.captchaErr(w, r, err)
	}))(allowed)
	if g.limiter != nil {
		inner = g.limiter.Middleware(g.cfg.classify, ratelimit.WithErrorHandler(g.cfg.onReject))(inner)
	}
	if !g.cfg.noBehavior {
		inner = behavior.Guard(g.scorer, g.guardOptions()...)(inner)
	}
	if g.acctLimit != nil {
		field := g.cfg.account
		inner = ratelimit.KeyMiddleware(g.acctLimit, ratelimit.AccountKey(func(r *http.Request) (string, error) {
			form.Parse(r) // what PostFormValue would do, faster (see internal/form)
			return sanitizeAccount(r.PostFormValue(field)), nil
		}), g.keyOptions("account")...)(inner)
	}
	if g.ipLimit != nil {
		inner = ratelimit.KeyMiddleware(g.ipLimit, g.ip.Key, g.keyOptions("ip")...)(inner)
	}
	checked := inner
	return g.track(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if safeMethod(r.Method) {
			h.ServeHTTP(w, r)
			return
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, g.cfg.maxBody)
		}
		checked.ServeHTTP(w, r)
	}))
}

func (g *Gate) keyOptions(policy string) []ratelimit.MiddlewareOption {
	return []ratelimit.MiddlewareOption{
		ratelimit.WithErrorHandler(g.cfg.onReject),
		ratelimit.WithPolicyName(policy),
		ratelimit.WithMiddlewareEventHook(g.rateLimitHook(policy)),
	}
}

func (g *Gate) guardOptions() []behavior.GuardOption {
	decoy := g.cfg.decoy
	if decoy == nil {
		// Look like a wrong CAPTCHA answer: the bot learns nothing.
		decoy = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			g.cfg.captchaErr(w, r, &captcha.WrongAnswerError{AttemptsLeft: 2})
		})
	}
	opts := []behavior.GuardOption{
		behavior.WithDecoy(decoy),
		behavior.WithSuspects(g.suspects),
		behavior.WithDeceiveAt(g.cfg.deceiveAt),
		behavior.WithKeyFunc(func(r *http.Request) string {
			k, err := g.ip.Key(r)
			if err != nil {
				return ""
			}
			return k
		}),
		behavior.WithEventHook(func(ctx context.Context, e behavior.Event) { g.Observe(ctx, FromBehavior(e)) }),
	}
	if g.cfg.delaySet {
		opts = append(opts, behavior.WithDelay(g.cfg.minDelay, g.cfg.maxDelay))
	}
	if g.cfg.elapsed != nil {
		opts = append(opts, behavior.WithElapsed(g.cfg.elapsed))
	}
	return opts
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
	mux.Handle("GET "+p+"/media/{id}", g.Lane(ClassMedia)(api))
	return g.track(mux)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// sanitizeAccount trims and lower-cases an account name and bounds its
// length, for per-account limit keys.
func sanitizeAccount(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) > 128 {
		s = s[:128]
	}
	return s
}

func remoteHost(r *http.Request) string { return behavior.RemoteHost(r) }
