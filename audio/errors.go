package audio

import (
	"errors"
	"fmt"
)

var (
	// ErrWrongAnswer is returned by Check when the answer matches neither
	// the puzzle's answers nor its decoys.
	ErrWrongAnswer = errors.New("audio: wrong answer")
	// ErrDecoyAnswer is returned by Check when the answer equals a decoy
	// sequence (digits spoken by a voice the instruction excluded, or the
	// whole clip transcribed): a strong sign of a speech-to-text bot.
	ErrDecoyAnswer = errors.New("audio: answer matches a decoy voice")
	// ErrNilPuzzle is returned by Check for a nil puzzle.
	ErrNilPuzzle = errors.New("audio: nil puzzle")
	// ErrInvalidOption is wrapped by the errors New returns for option
	// values out of range.
	ErrInvalidOption = errors.New("audio: invalid option")
)

// PackError reports a problem with a voice pack: a missing or malformed
// file, or contents out of the documented limits. It is immutable once
// returned and safe for concurrent use.
type PackError struct {
	// Path is the offending file or directory within the pack's fs.FS.
	Path string
	// Err is the underlying problem.
	Err error
}

// Error implements error.
func (e *PackError) Error() string {
	return fmt.Sprintf("audio: voice pack: %s: %v", e.Path, e.Err)
}

// Unwrap returns e.Err.
func (e *PackError) Unwrap() error { return e.Err }
