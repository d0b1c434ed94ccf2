package ocr

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
	maxStderr = 512
)

// DefaultTimeout is how long one engine run may take unless WithTimeout
// says otherwise.
const DefaultTimeout = 2 * time.Minute

// runner runs one engine program without a shell.
type runner struct {
	engine  string
	bin     string // resolved path
	timeout time.Duration
	env     []string
}

// newRunner resolves bin on PATH (or as a path) and reports a
// *NotInstalledError naming the engine when it is missing.
func newRunner(engine, bin, hint string, timeout time.Duration, env ...string) (*runner, error) {
	path, err := exec.LookPath(bin)
	if err != nil {
		return nil, &NotInstalledError{Engine: engine, What: bin, Hint: hint}
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &runner{engine: engine, bin: path, timeout: timeout, env: env}, nil
}

// run executes the program with args in dir and returns its standard
// output. A timeout gives an error matching ErrTimeout; a cancelled ctx
// gives ctx.Err(); a failed run gives an *EngineError.
func (r *runner) run(ctx context.Context, dir string, args ...string) ([]byte, error) {
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
	stdout.limit, stderr.limit = maxStdout, maxStderr
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(tctx.Err(), context.DeadlineExceeded) {
			return nil, &EngineError{Engine: r.engine, Err: ErrTimeout}
		}
		return nil, &EngineError{Engine: r.engine, Err: err, Stderr: string(bytes.TrimSpace(stderr.buf.Bytes()))}
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
