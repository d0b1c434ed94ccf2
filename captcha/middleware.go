package captcha

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
)

// ErrMissingAnswer: a protected request carried neither a token nor a
// challenge id with an answer.
var ErrMissingAnswer = errors.New("captcha: no challenge answer or token in the request")

// RequireOption configures Require.
type RequireOption func(*requireConfig)

type requireConfig struct {
	idField, answerField, tokenField string
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

// WithErrorHandler sets what answers a request that fails the check. The
// default writes the status and JSON of ErrorResponse (403 for a wrong
// answer, with whether a new challenge is needed).
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
// challenge. It reads the form (the body limited by WithMaxBodyBytes with
// http.MaxBytesReader): a token field is checked with VerifyToken; otherwise
// the id and answer fields are checked with Verify. On success it calls next
// with the verification in the context (ResultFromContext) and r.Form
// parsed; on any failure it calls the error handler and not next.
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
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			claims, err := s.CheckRequest(w, r, cfg.idField, cfg.answerField, cfg.tokenField)
			if err != nil {
				cfg.onError(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), resultKey{}, claims)))
		})
	}
}

// CheckRequest does Require's check on one request without calling a
// handler: it parses the form (limited by WithMaxBodyBytes) and verifies the
// token field, or else the id and answer fields.
func (s *Service) CheckRequest(w http.ResponseWriter, r *http.Request, idField, answerField, tokenField string) (TokenClaims, error) {
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.maxBody)
	}
	if err := r.ParseForm(); err != nil {
		return TokenClaims{}, fmt.Errorf("%w: %v", errBadRequest, err)
	}
	if tok := r.PostFormValue(tokenField); tok != "" {
		return s.VerifyToken(r.Context(), tok)
	}
	id, answer := r.PostFormValue(idField), r.PostFormValue(answerField)
	if id == "" || answer == "" {
		return TokenClaims{}, ErrMissingAnswer
	}
	res, err := s.Verify(r.Context(), id, answer)
	if err != nil {
		return TokenClaims{}, err
	}
	return TokenClaims{Screen: res.Screen, Kind: res.Kind, Expires: s.cfg.clock.Now()}, nil
}
