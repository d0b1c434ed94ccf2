package tollgate

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/pow"
	"github.com/tollgate/tollgate/ratelimit"
)

// WithMode sets when the protected route shows a puzzle (default
// ModeManaged): a sign-up form can be stricter (ModeAlways) than a login.
func WithMode(m Mode) ProtectOption { return func(c *protectConfig) { c.mode = m } }

// EventChallenged: a protected post without a solved challenge was asked
// for one (managed mode); Reason lists Decide's reasons, comma-separated.
const EventChallenged = "tollgate.challenged"

// ErrChallengeRequired is matched by the *ChallengeRequiredError that the
// CAPTCHA error handler gets when a managed-mode post must come again with
// a solved challenge.
var ErrChallengeRequired = errors.New("tollgate: a challenge must be solved")

// ChallengeRequiredError asks the client to solve Challenge and post
// again. The default CAPTCHA error handler answers it with 403 and
//
//	{"ok":false,"code":"challenge_required","error":"tollgate: a challenge must be solved",
//	 "newChallenge":true,"challenge":{...the create API's JSON of a new challenge...}}
//
// which the widget shows inline, keeping what the person typed. The
// widget's own posts (header "X-Tollgate: 1") always get this JSON; plain
// form posts go to WithCaptchaErrorHandler, so that a host that renders its
// own forms shows Challenge the same way.
type ChallengeRequiredError struct {
	Challenge captcha.ChallengeJSON
}

// Error implements error.
func (e *ChallengeRequiredError) Error() string { return ErrChallengeRequired.Error() }

// Is reports whether target is ErrChallengeRequired.
func (e *ChallengeRequiredError) Is(target error) bool { return target == ErrChallengeRequired }

// errDenied answers a deceived post of a ModeNever route without a decoy.
var errDenied = errors.New("tollgate: request denied")

// challengeJSON is the body of a challenge_required answer.
type challengeJSON struct {
	captcha.ErrorJSON
	Challenge captcha.ChallengeJSON `json:"challenge"`
}

// challenge answers a managed-mode post from client key with a new
// challenge (per-address challenge limit applies).
func (g *Gate) challenge(w http.ResponseWriter, r *http.Request, key string) {
	ctx := r.Context()
	if _, ok := g.allowKey(w, r, g.chLimit, key, "challenge"); !ok {
		return
	}
	lang := r.PostForm.Get("tollgate_lang")
	if lang == "" {
		lang = captcha.AcceptLanguage(r.Header.Get("Accept-Language"))
	}
	iss, err := g.svc.Create(ctx, "", lang)
	if err != nil {
		g.cfg.captchaErr(w, r, err)
		return
	}
	err = &ChallengeRequiredError{Challenge: g.svc.IssuedJSON(iss)}
	if r.Header.Get(widgetHeader) != "" {
		writeCaptchaError(w, r, err) // the widget's protocol, whatever the host renders for plain posts
		return
	}
	g.cfg.captchaErr(w, r, err)
}

// widgetHeader marks the widget's own posts of a protected form (it submits
// with fetch in managed mode): a challenge is then always answered with
// the JSON of ChallengeRequiredError, whatever WithCaptchaErrorHandler
// renders for plain form posts.
const widgetHeader = "X-Tollgate"

// decide gathers the Signals of a post without a proof and runs Decide.
func (g *Gate) decide(ctx context.Context, r *http.Request, p *post, ipd ratelimit.Decision) Decision {
	now := g.now()
	s := Signals{Telemetry: p.telemetry, Verdict: p.res.Verdict, Score: p.res.Score, Work: g.verifyWork(ctx, r.PostForm.Get(FieldNameWork))}
	for _, code := range untypedReasons {
		s.Untyped = s.Untyped || p.res.Has(code)
	}
	if g.cfg.noBehavior {
		s.Telemetry = true // nothing to judge by: the other signals decide
	}
	if g.limiter != nil {
		s.Level = g.limiter.Level()
	}
	if g.suspects != nil {
		if _, ok, err := g.suspects.Lookup(ctx, p.key, now); ok || err != nil {
			s.Suspect = true
		}
	}
	s.NetworkFailures = g.failing(ctx, p.key)
	s.AccountFailures = p.account != "" && g.failing(ctx, p.account)
	if b := ipd.Limit.Burst; b > 0 {
		s.BusyNetwork = float64(ipd.Remaining) < float64(b)*(1-g.risk.BusyShare)
	}
	return Decide(s, g.risk)
}

// untypedReasons are the behavior reasons that make Signals.Untyped.
var untypedReasons = [...]string{behavior.ReasonUntrustedEvents, behavior.ReasonBareInsert,
	behavior.ReasonValueWithoutInput, behavior.ReasonNoEvents, behavior.ReasonNoTrustedInput,
	behavior.ReasonLengthMismatch}

// failing reports whether key used up its failure budget (a store error
// counts as yes: the post is challenged, never waved through).
func (g *Gate) failing(ctx context.Context, key string) bool {
	d, err := g.failures.AllowN(ctx, key, g.now(), 0)
	return err != nil || d.Remaining == 0
}

// noteFailure counts one failed check against the post's network and
// account.
func (g *Gate) noteFailure(ctx context.Context, p *post) {
	now := g.now()
	g.failures.AllowN(ctx, p.key, now, 1)
	if p.account != "" {
		g.failures.AllowN(ctx, p.account, now, 1)
	}
}

// verifyWork reports whether solution is a valid, unspent proof of work
// of at least the current difficulty less workSlack (always true with
// WithoutProofOfWork), and spends it: a puzzle fetched before the load
// rose does not pass at the higher level.
func (g *Gate) verifyWork(ctx context.Context, solution string) bool {
	if g.work == nil {
		return true
	}
	if solution == "" {
		return false
	}
	res, err := g.work.Verify(ctx, solution, g.now())
	return err == nil && res.Difficulty >= g.workDifficulty(nil)-workSlack
}

// workDifficulty is the proof of work asked of every client: the base
// difficulty and 2 bits more for each load level above normal, so that a
// flood pays more per attempt. It is the same for every client, suspect or
// not: a difficulty that followed the suspects registry would tell a
// deceived bot it was caught (suspects are challenged anyway).
func (g *Gate) workDifficulty(*http.Request) int {
	d := g.cfg.workBits
	if g.limiter != nil {
		d += 2 * int(g.limiter.Level())
	}
	return min(d, maxWorkBits)
}

// workSlack is how many bits below the current difficulty a solved puzzle
// may be: the load level may rise while a person types.
const workSlack = 2

// Proof-of-work difficulties, in leading zero bits of SHA-256.
const (
	// DefaultWorkBits is the base difficulty (WithProofOfWork): about
	// 2^DefaultWorkBits digests in the browser's worker, measured at 0.13 to
	// 0.16 s in Chromium, Firefox and WebKitGTK on one core of a 2-core VM
	// (0.27 s at the slowest; see pow/README.md). Web Crypto exists only in
	// secure contexts (HTTPS or localhost): on a plain-HTTP page the widget
	// cannot do the work, and managed mode then asks everyone for a puzzle.
	DefaultWorkBits = 15
	maxWorkBits     = 26
)

// secretFor derives a subkey of secret for one part of the Gate.
func secretFor(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("tollgate/" + purpose))
	return m.Sum(nil)
}

// workStore keeps live proof-of-work puzzles in the captcha Store, as
// tokens are kept, so that several servers share them.
type workStore struct{ s captcha.Store }

func (w workStore) Put(ctx context.Context, nonce string, expires time.Time) error {
	return w.s.PutToken(ctx, "pow."+nonce, expires)
}

func (w workStore) Take(ctx context.Context, nonce string, now time.Time) (bool, error) {
	return w.s.TakeToken(ctx, "pow."+nonce, now)
}

// NoScript returns the fragment to put inside a protected form for people
// with JavaScript off: in a <noscript> element, a new challenge rendered by
// the server (the map image, or with ?tollgate_kind=audio in the page's
// URL the audio clip), its hidden id, the answer field and a link to the
// other kind (when the Gate has an audio generator). A browser with
// JavaScript on ignores it (the widget handles the form). Each call creates
// a challenge, from the pool when it has one, under the per-address
// challenge limit and the challenge lane; past them the fragment asks the
// person to reload later. The language is the request's (Accept-Language,
// or ?lang=).
func (g *Gate) NoScript(r *http.Request) (template.HTML, error) {
	kind, other, otherLabel := captcha.KindImage, "audio", noscriptText{"Listen to an audio challenge instead", "음성 문제로 바꾸기"}
	if r.URL.Query().Get("tollgate_kind") == "audio" {
		kind, other, otherLabel = captcha.KindAudio, "image", noscriptText{"Show the map challenge instead", "지도 문제로 바꾸기"}
	}
	lang := r.URL.Query().Get("lang")
	if lang == "" {
		lang = captcha.AcceptLanguage(r.Header.Get("Accept-Language"))
	}
	ko := g.svc.Lang(lang) == "ko"
	// A page view costs a challenge: the per-address challenge limit and
	// the challenge lane apply, as to the create API.
	busy := `<noscript><p class="tg-noscript">` + noscriptText{"The security check is busy. Reload the page in a minute.",
		"보안 확인 요청이 많습니다. 잠시 후 페이지를 다시 불러오세요."}.in(ko) + `</p></noscript>`
	if key, err := g.ip.Key(r); err == nil && g.chLimit != nil {
		if d, err := g.chLimit.AllowN(r.Context(), key, g.now(), 1); err != nil || !d.Allowed {
			return template.HTML(busy), nil
		}
	}
	if g.limiter != nil {
		t, err := g.limiter.Acquire(r.Context(), ClassChallenge)
		if err != nil {
			return template.HTML(busy), nil
		}
		defer t.Release()
	}
	iss, err := g.svc.Create(r.Context(), kind, lang)
	if err != nil {
		return "", fmt.Errorf("tollgate: noscript challenge: %w", err)
	}
	cj := g.svc.IssuedJSON(iss)
	q := r.URL.Query()
	q.Set("tollgate_kind", other)
	var media template.HTML
	if strings.HasPrefix(cj.MediaType, "audio/") {
		media = template.HTML(`<audio controls preload="none" src="` + template.HTMLEscapeString(cj.MediaURL) + `"></audio>`)
	} else {
		media = template.HTML(`<img src="` + template.HTMLEscapeString(cj.MediaURL) + `" width="480" height="320" alt="` + template.HTMLEscapeString(cj.Prompt) + `">`)
	}
	answer := noscriptText{"Answer", "답"}
	switchLink := ""
	if !g.noAudio {
		switchLink = ` <a href="?` + template.HTMLEscapeString(q.Encode()) + `">` + otherLabel.in(ko) + `</a>`
	}
	out := `<noscript><div class="tg-noscript" lang="` + template.HTMLEscapeString(iss.Lang) + `">` +
		`<p id="tg-noscript-prompt">` + template.HTMLEscapeString(cj.Prompt) + `</p>` + string(media) +
		`<input type="hidden" id="tg-noscript-id" name="` + FieldNameID + `" value="` + template.HTMLEscapeString(cj.ID) + `">` +
		`<label>` + answer.in(ko) + ` <input name="` + FieldNameAnswer + `" autocomplete="off" autocapitalize="off" spellcheck="false" required aria-describedby="tg-noscript-prompt"></label>` +
		switchLink + `</div></noscript>`
	return template.HTML(out), nil
}

type noscriptText struct{ en, ko string }

func (t noscriptText) in(ko bool) string {
	if ko {
		return template.HTMLEscapeString(t.ko)
	}
	return template.HTMLEscapeString(t.en)
}

var _ pow.Store = workStore{}
