package stt

import (
	"errors"
	"fmt"
)

// Sentinel errors to test with errors.Is. Their messages start with "stt:".
var (
	// ErrNotInstalled: the engine's program or model is not installed. A
	// *NotInstalledError names what is missing.
	ErrNotInstalled = errors.New("stt: engine not installed")
	// ErrUnsupported: the installed engine cannot run the requested
	// configuration, such as a general language model for a language
	// without one.
	ErrUnsupported = errors.New("stt: configuration not supported by the installed engine")
	// ErrEngine: the engine ran but failed. An *EngineError carries its
	// error output.
	ErrEngine = errors.New("stt: engine failed")
	// ErrTimeout: the engine did not finish within its timeout and was
	// killed.
	ErrTimeout = errors.New("stt: engine timed out")
	// ErrBadWAV: the clip is not a WAV file this package decodes.
	ErrBadWAV = errors.New("stt: bad WAV clip")
	// ErrInvalidOption: an option or argument is out of range.
	ErrInvalidOption = errors.New("stt: invalid option")
)

// NotInstalledError reports a missing engine program or model. It matches
// ErrNotInstalled.
type NotInstalledError struct {
	// Engine is the engine's name, such as "pocketsphinx".
	Engine string
	// What is the missing program or file.
	What string
	// Hint says how to install it.
	Hint string
}

// Error implements error.
func (e *NotInstalledError) Error() string {
	msg := fmt.Sprintf("stt: %s not installed: %s not found", e.Engine, e.What)
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

// Is reports whether target is ErrNotInstalled.
func (e *NotInstalledError) Is(target error) bool { return target == ErrNotInstalled }

// EngineError reports an engine that failed. It matches ErrEngine.
type EngineError struct {
	// Engine is the engine's name.
	Engine string
	// Err is the underlying error.
	Err error
	// Stderr is the start of the engine's error messages.
	Stderr string
}

// Error implements error.
func (e *EngineError) Error() string {
	msg := fmt.Sprintf("stt: %s failed: %v", e.Engine, e.Err)
	if e.Stderr != "" {
		msg += ": " + e.Stderr
	}
	return msg
}

// Unwrap returns ErrEngine and the underlying error.
func (e *EngineError) Unwrap() []error { return []error{ErrEngine, e.Err} }

func errorf(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidOption, fmt.Sprintf(format, a...))
}
