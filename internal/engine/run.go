// Package engine runs external recognition programs (OCR and
// speech-to-text engines) for the audit packages: resolved on PATH, run
// without a shell, with a timeout and capped output.
package engine

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"time"
)

// Limits on what an engine may print; output beyond them is dropped.
const (
	maxStdout = 4 << 20
	// MaxStderr is how much of a program's error output is kept.
	MaxStderr = 512
)

// Runner runs one program. It is safe for concurrent use.
type Runner struct {
	bin     string // resolved path
	timeout time.Duration
	env     []string
}

// Look resolves bin on PATH (or as a path); ok is false when it is missing.
// Each run may take at most timeout, with env added to the environment.
func Look(bin string, timeout time.Duration, env ...string) (r *Runner, ok bool) {
	path, err := exec.LookPath(bin)
	if err != nil {
		return nil, false
	}
	return &Runner{bin: path, timeout: timeout, env: env}, true
}

// Bin returns the resolved path of the program.
func (r *Runner) Bin() string { return r.bin }

// RunError reports a run that failed or timed out.
type RunError struct {
	// TimedOut is set when the run was killed at its timeout.
	TimedOut bool
	// Err is the error from os/exec.
	Err error
	// Stderr is the start of the program's error output.
	Stderr string
}

// Error implements error.
func (e *RunError) Error() string { return e.Err.Error() }

// Unwrap returns the os/exec error.
func (e *RunError) Unwrap() error { return e.Err }

// Run executes the program with args in dir and returns its standard
// output. A cancelled ctx gives ctx.Err(); a failure or timeout a *RunError.
func (r *Runner) Run(ctx context.Context, dir string, args ...string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	tctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	cmd := exec.CommandContext(tctx, r.bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), r.env...)
	cmd.WaitDelay = 2 * time.Second
	var stdout, stderr capped
	stdout.limit, stderr.limit = maxStdout, MaxStderr
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &RunError{
			TimedOut: errors.Is(tctx.Err(), context.DeadlineExceeded),
			Err:      err,
			Stderr:   string(bytes.TrimSpace(stderr.buf.Bytes())),
		}
	}
	return stdout.buf.Bytes(), nil
}

// capped is an io.Writer that keeps the first limit bytes and discards the
// rest, so a runaway engine cannot exhaust memory.
type capped struct {
	buf   bytes.Buffer
	limit int
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.limit - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}
