package captcha

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/tollgate/tollgate/internal/intake"
)

// ErrMissingAnswer: a protected request carried neither a token nor a
// challenge id with an answer.
var ErrMissingAnswer = errors.New("captcha: no challenge answer or token in the request")

// Proof is what a protected request carries to show a solved challenge:
// a verification token (from the widget, after the HTTP API's verify), or
// a challenge id with an answer (forms without JavaScript). With a token,
// ID may name the token's challenge (the widget posts both) and Answer is
// ignored.
type Proof struct {
	ID, Answer, Token string
}

// Check verifies the proof of one protected request for action and spends
// it. A token is checked with VerifyToken, and must also be of challenge ID
// when ID is set (else ErrInvalidToken, the token spent all the same).
// Otherwise ID and Answer are both required (ErrMissingAnswer) and checked
// with Verify; the claims then name that challenge and action and expire
// now. The errors are those of VerifyToken and Verify.
func (s *Service) Check(ctx context.Context, p Proof, action string) (TokenClaims, error) {
	if p.Token != "" {
		return s.verifyToken(ctx, p.Token, action, p.ID)
	}
	if p.ID == "" || p.Answer == "" {
		return TokenClaims{}, ErrMissingAnswer
	}
	res, err := s.Verify(ctx, p.ID, p.Answer)
	if err != nil {
		return TokenClaims{}, err
	}
	return TokenClaims{Screen: res.Screen, Challenge: res.ID, Action: action, Kind: res.Kind, Expires: s.cfg.clock.Now()}, nil
}

// Fail spends p exactly as Check would and returns the error that a wrong
// answer would get, whatever p holds: it is the deception primitive, for a
// request already judged to come from software, which must learn nothing
// from the answer. A token is consumed and reported ErrInvalidToken; an id
// and answer cost one attempt, right or wrong (a *WrongAnswerError with the
// real AttemptsLeft, or ErrTooManyAttempts on the last), and the challenge
// accepts no answer any more (Store.Poison), so that sending the same
// answer to Verify cannot tell the deception from a wrong answer. Errors that Check
// would return before spending anything (a malformed or expired token, a
// missing answer, an invalid, unknown or expired id) and store failures are
// returned the same.
func (s *Service) Fail(ctx context.Context, p Proof, action string) error {
	if p.Token != "" {
		claims, _, err := s.takeToken(ctx, p.Token)
		if err != nil {
			s.tokenEvent(ctx, "token.rejected", claims, err)
			return err
		}
		s.tokenEvent(ctx, "token.rejected", claims, errTokenFailed)
		return ErrInvalidToken
	}
	if p.ID == "" || p.Answer == "" {
		return ErrMissingAnswer
	}
	if !ValidID(p.ID) {
		return ErrInvalidID
	}
	// The store counts one wrong attempt, the same outcome as a wrong
	// answer, and poisons the challenge: re-sending the right answer to the
	// API then gets a wrong answer too, as it would after a real one.
	_, err := s.attempt(ctx, p.ID, Digest{}, true)
	return err
}

// RequireOption configures Require.
type RequireOption func(*requireConfig)

type requireConfig struct {
	idField, answerField, tokenField string
	action                           string
	actionSet                        bool
	onError                          func(http.ResponseWriter, *http.Request, error)
}

// WithFormFields sets the names of the form fields that carry the challenge
// id, the answer and a verification token (defaults "tollgate_id",
// "tollgate_answer", "tollgate_token"). An empty name keeps the default.
func WithFormFields(id, answer, token string) RequireOption {
	return func(c *requireConfig) {
		if id != "" {
			c.idField = id
		}
		if answer != "" {
			c.answerField = answer
		}
		if token != "" {
			c.tokenField = token
		}
	}
}

// WithAction sets the action that tokens must be issued for (see
// Service.Token), the same for every request; the widget sends it from the
// data-tollgate-action attribute. The default is the request's path
// (r.URL.Path), which the widget sends by default, so a token for one form
// passes no other. A path that is not a valid action name (over 64 bytes,
// or with characters other than A-Z a-z 0-9 _ . / : -) admits no token:
// name the action. An invalid name makes every request fail with an
// internal error.
func WithAction(name string) RequireOption {
	return func(c *requireConfig) { c.action, c.actionSet = name, true }
}

// WithErrorHandler sets what answers a request that fails the check. The
// default writes the status and JSON of ErrorResponse (403 for a wrong
// answer, with whether a new challenge is needed; 400, 413 or 415 for a
// form that cannot be read).
func WithErrorHandler(fn func(w http.ResponseWriter, r *http.Request, err error)) RequireOption {
	return func(c *requireConfig) { c.onError = fn }
}

type resultKey struct{}

// ResultFromContext returns the verification that Require made for the
// request, if any.
func ResultFromContext(ctx context.Context) (TokenClaims, bool) {
	c, ok := ctx.Value(resultKey{}).(TokenClaims)
	return c, ok
}

// Require returns middleware that lets a request through only with a solved
// challenge. It reads the form once (the body limited by WithMaxBodyBytes;
// a malformed or oversized body, or one that is not a form, goes to the
// error handler as ErrBadRequest) and runs Check with the token field, or
// else the id and answer fields, for the action (WithAction; default the
// request's path). On success it calls next with the verification in the
// context (ResultFromContext) and r.Form parsed; on any failure it calls
// the error handler and not next.
func (s *Service) Require(opts ...RequireOption) func(http.Handler) http.Handler {
	cfg := requireConfig{}
	for _, o := range opts {
		o(&cfg)
	}
	cfg.idField = cmp.Or(cfg.idField, "tollgate_id")
	cfg.answerField = cmp.Or(cfg.answerField, "tollgate_answer")
	cfg.tokenField = cmp.Or(cfg.tokenField, "tollgate_token")
	if cfg.onError == nil {
		cfg.onError = func(w http.ResponseWriter, r *http.Request, err error) { writeError(w, err) }
	}
	var misconfigured error
	if cfg.actionSet && !validAction(cfg.action) {
		misconfigured = fmt.Errorf("captcha: Require: WithAction(%q) is not a valid action name", cfg.action)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if misconfigured != nil {
				cfg.onError(w, r, misconfigured)
				return
			}
			if err := intake.ParseForm(w, r, s.cfg.maxBody); err != nil {
				cfg.onError(w, r, err)
				return
			}
			action := cfg.action
			if !cfg.actionSet {
				action = r.URL.Path
			}
			p := Proof{ID: r.PostFormValue(cfg.idField), Answer: r.PostFormValue(cfg.answerField), Token: r.PostFormValue(cfg.tokenField)}
			claims, err := s.Check(r.Context(), p, action)
			if err != nil {
				cfg.onError(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(NewContext(r.Context(), claims)))
		})
	}
}
