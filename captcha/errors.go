package captcha

import (
	"errors"
	"fmt"

	"github.com/tollgate/tollgate/internal/intake"
)

// Sentinel errors a caller can tell apart with errors.Is. Their messages
// start with "captcha:", except ErrBadRequest's.
var (
	// ErrNotFound: no live challenge has the id (never issued, already
	// solved, deleted after too many attempts, or evicted).
	ErrNotFound = errors.New("captcha: challenge not found")
	// ErrExpired: the challenge existed but its time ran out; it is deleted.
	ErrExpired = errors.New("captcha: challenge expired")
	// ErrWrongAnswer: the answer did not match; a *WrongAnswerError says
	// how many attempts are left.
	ErrWrongAnswer = errors.New("captcha: wrong answer")
	// ErrDecoyAnswer: the answer matched a decoy (for example the digits of
	// a decoy voice), a strong sign of software. It also matches
	// ErrWrongAnswer.
	ErrDecoyAnswer = errors.New("captcha: decoy answer")
	// ErrTooManyAttempts: the last allowed attempt was wrong; the challenge
	// is deleted and a new one is needed.
	ErrTooManyAttempts = errors.New("captcha: too many attempts")
	// ErrRefreshLimit: the screen has used all its new challenges; the
	// person must restart the screen (reload the page).
	ErrRefreshLimit = errors.New("captcha: refresh limit reached; reload the page to start again")
	// ErrStore: the store failed (for example Redis was unreachable). The
	// underlying error is wrapped too.
	ErrStore = errors.New("captcha: store failure")
	// ErrInvalidID: the id is not one that this package could have issued.
	ErrInvalidID = errors.New("captcha: invalid challenge id")
	// ErrInvalidToken: a verification token is malformed, not in its
	// canonical encoding, forged, for another action or challenge, or not
	// live (already used, or lost by the store).
	ErrInvalidToken = errors.New("captcha: invalid token")
	// ErrTokenExpired: a verification token's time ran out.
	ErrTokenExpired = errors.New("captcha: token expired")
	// ErrUnknownKind: no generator is registered for the requested kind.
	ErrUnknownKind = errors.New("captcha: unknown challenge kind")
	// ErrExists: Store.Put was given an id that is already stored.
	ErrExists = errors.New("captcha: challenge id already exists")
	// ErrBadRequest: a request could not be read: a malformed or oversized
	// body or query, a body of the wrong media type, or a field out of
	// bounds (such as an action name). It is the error of the root
	// package's form reader too, so one errors.Is covers both; its message
	// starts with "tollgate:". ErrorResponse answers it with 400, 413 or
	// 415.
	ErrBadRequest = intake.ErrBadRequest
)

// badRequest returns an error of the JSON API that matches ErrBadRequest
// and carries the HTTP status (400 or 413) for ErrorResponse.
func badRequest(status int, format string, args ...any) error {
	return &requestError{&intake.Error{Status: status, Msg: fmt.Sprintf(format, args...)}}
}

// requestError is a bad request of this package: its message starts with
// "captcha:", and it unwraps to the intake error that gives the status.
type requestError struct{ cause *intake.Error }

func (e *requestError) Error() string { return "captcha: bad request: " + e.cause.Msg }
func (e *requestError) Unwrap() error { return e.cause }

// WrongAnswerError reports a wrong answer and the attempts that remain. It
// matches ErrWrongAnswer with errors.Is, and ErrDecoyAnswer too when Decoy
// is set.
type WrongAnswerError struct {
	// AttemptsLeft is how many more answers the challenge accepts (at least 1).
	AttemptsLeft int
	// Decoy is set when the answer matched one of the challenge's decoys.
	Decoy bool
}

// Error implements error.
func (e *WrongAnswerError) Error() string {
	if e.Decoy {
		return fmt.Sprintf("captcha: decoy answer (%d attempts left)", e.AttemptsLeft)
	}
	return fmt.Sprintf("captcha: wrong answer (%d attempts left)", e.AttemptsLeft)
}

// Is reports whether target is ErrWrongAnswer, or ErrDecoyAnswer for a decoy.
func (e *WrongAnswerError) Is(target error) bool {
	return target == ErrWrongAnswer || (e.Decoy && target == ErrDecoyAnswer)
}

// storeError wraps a failure of the Store so that it matches ErrStore and
// still unwraps to the cause.
type storeError struct{ err error }

func (e *storeError) Error() string   { return "captcha: store failure: " + e.err.Error() }
func (e *storeError) Unwrap() []error { return []error{ErrStore, e.err} }

// wrapStore returns err unchanged when it is one of this package's own
// outcomes, and wraps anything else as a store failure.
func wrapStore(err error) error {
	if err == nil {
		return nil
	}
	for _, known := range []error{ErrNotFound, ErrExpired, ErrWrongAnswer, ErrTooManyAttempts,
		ErrRefreshLimit, ErrStore, ErrExists, ErrInvalidToken, ErrTokenExpired} {
		if errors.Is(err, known) {
			return err
		}
	}
	return &storeError{err}
}
