package behavior

import (
	"errors"
	"fmt"

	"github.com/tollgate/tollgate/internal/intake"
)

// Sentinel errors. Decode errors are *DecodeError values that wrap one of
// ErrTooLarge, ErrVersion, ErrLimit or ErrMalformed; test with errors.Is.
var (
	// ErrNoTelemetry: the request carried no telemetry field, or it was empty.
	ErrNoTelemetry = errors.New("behavior: no telemetry")
	// ErrTooLarge: the document is longer than Limits.MaxBytes.
	ErrTooLarge = errors.New("behavior: telemetry too large")
	// ErrVersion: the document's "v" is not a version this package reads.
	ErrVersion = errors.New("behavior: unsupported telemetry version")
	// ErrLimit: more fields or events than Limits allow.
	ErrLimit = errors.New("behavior: telemetry over limits")
	// ErrMalformed: bad JSON, an unknown or missing member, a value out of
	// range, or times out of order.
	ErrMalformed = errors.New("behavior: malformed telemetry")
	// ErrBadRequest: the request's URL query or form body cannot be
	// parsed, is over MaxFormBytes, or is not a form. Guard answers it with
	// 400 (413, 415) and never passes such a request on. It is the same
	// error value as captcha.ErrBadRequest.
	ErrBadRequest = intake.ErrBadRequest
	// ErrInvalidKey: a Suspects key that is empty or too long.
	ErrInvalidKey = errors.New("behavior: invalid suspect key")
)

// DecodeError reports why a telemetry document was rejected (a plain
// value).
type DecodeError struct {
	// Offset is the byte offset in the document where the problem was found.
	Offset int
	// Err is ErrTooLarge, ErrVersion, ErrLimit or ErrMalformed.
	Err error
	// Msg says what was wrong.
	Msg string
}

// Error returns e.g. "behavior: malformed telemetry at offset 12: expected ':'".
func (e *DecodeError) Error() string {
	return fmt.Sprintf("%v at offset %d: %s", e.Err, e.Offset, e.Msg)
}

// Unwrap returns the sentinel error.
func (e *DecodeError) Unwrap() error { return e.Err }
