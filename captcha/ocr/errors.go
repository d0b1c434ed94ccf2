package ocr

import (
	"errors"
	"fmt"
)

// Sentinel errors to test with errors.Is. Their messages start with "ocr:".
var (
	// ErrNotInstalled: the engine's program (or the language data it
	// needs) is not installed. A *NotInstalledError names the engine.
	ErrNotInstalled = errors.New("ocr: engine not installed")
	// ErrUnsupported: the installed engine cannot run the requested
	// configuration, such as Tesseract's legacy engine with LSTM-only
	// language data.
	ErrUnsupported = errors.New("ocr: configuration not supported by the installed engine")
	// ErrEngine: the engine ran but failed (non-zero exit, unreadable
	// output). An *EngineError carries its exit status and error output.
	ErrEngine = errors.New("ocr: engine failed")
	// ErrTimeout: the engine did not finish within its timeout (see
	// WithTimeout) and was killed.
	ErrTimeout = errors.New("ocr: engine timed out")
	// ErrInvalidOption: an option or argument is out of range.
	ErrInvalidOption = errors.New("ocr: invalid option")
)

// NotInstalledError reports a missing engine program or language data. It
// matches ErrNotInstalled.
type NotInstalledError struct {
	// Engine is the engine's name, such as "tesseract".
	Engine string
	// What is the missing program or file, such as "gocr" or
	// "kor.traineddata".
	What string
	// Hint says how to install it, such as "apt-get install gocr".
	Hint string
}

// Error implements error.
func (e *NotInstalledError) Error() string {
	msg := fmt.Sprintf("ocr: %s not installed: %s not found", e.Engine, e.What)
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

// Is reports whether target is ErrNotInstalled.
func (e *NotInstalledError) Is(target error) bool { return target == ErrNotInstalled }

// EngineError reports an engine that exited with an error. It matches
// ErrEngine.
type EngineError struct {
	// Engine is the engine's name.
	Engine string
	// Err is the underlying error from os/exec or from parsing.
	Err error
	// Stderr is the start of the engine's error output (at most 512 bytes).
	Stderr string
}

// Error implements error.
func (e *EngineError) Error() string {
	msg := fmt.Sprintf("ocr: %s failed: %v", e.Engine, e.Err)
	if e.Stderr != "" {
		msg += ": " + e.Stderr
	}
	return msg
}

// Unwrap returns ErrEngine and the underlying error.
func (e *EngineError) Unwrap() []error { return []error{ErrEngine, e.Err} }

// errorf returns an error matching ErrInvalidOption with the message.
func errorf(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidOption, fmt.Sprintf(format, a...))
}
