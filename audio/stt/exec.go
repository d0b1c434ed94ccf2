package stt

import (
	"context"
	"errors"
	"time"

	"github.com/tollgate/tollgate/internal/engine"
)

// DefaultTimeout is how long one engine run may take unless WithTimeout
// says otherwise.
const DefaultTimeout = 2 * time.Minute

// runner runs one engine program without a shell.
type runner struct {
	engine string
	r      *engine.Runner
}

// newRunner resolves bin on PATH (or as a path) and reports a
// *NotInstalledError naming the engine when it is missing.
func newRunner(name, bin, hint string, timeout time.Duration, env ...string) (*runner, error) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	r, ok := engine.Look(bin, timeout, env...)
	if !ok {
		return nil, &NotInstalledError{Engine: name, What: bin, Hint: hint}
	}
	return &runner{engine: name, r: r}, nil
}

// run executes the program with args in dir and returns its standard
// output. A timeout gives an error matching ErrTimeout; a cancelled ctx
// gives ctx.Err(); a failed run gives an *EngineError.
func (r *runner) run(ctx context.Context, dir string, args ...string) ([]byte, error) {
	out, err := r.r.Run(ctx, dir, args...)
	var re *engine.RunError
	switch {
	case errors.As(err, &re) && re.TimedOut:
		return nil, &EngineError{Engine: r.engine, Err: ErrTimeout}
	case errors.As(err, &re):
		return nil, &EngineError{Engine: r.engine, Err: re.Err, Stderr: re.Stderr}
	}
	return out, err
}
