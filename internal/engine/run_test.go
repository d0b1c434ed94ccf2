package engine

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestLookMissing(t *testing.T) {
	if r, ok := Look("tollgate-no-such-program", time.Second); ok || r != nil {
		t.Fatalf("Look(missing) = %v, %v; want nil, false", r, ok)
	}
}

func TestRun(t *testing.T) {
	r, ok := Look("sh", 200*time.Millisecond)
	if !ok {
		t.Skip("no sh on this machine")
	}
	out, err := r.Run(context.Background(), t.TempDir(), "-c", "echo hello")
	if err != nil || strings.TrimSpace(string(out)) != "hello" {
		t.Fatalf("Run(echo) = %q, %v; want hello", out, err)
	}
	_, err = r.Run(context.Background(), t.TempDir(), "-c", "echo oops >&2; exit 3")
	var re *RunError
	if !errors.As(err, &re) || re.TimedOut || re.Stderr != "oops" {
		t.Fatalf("Run(exit 3) = %v; want a RunError with stderr oops", err)
	}
	_, err = r.Run(context.Background(), t.TempDir(), "-c", "sleep 5")
	if !errors.As(err, &re) || !re.TimedOut {
		t.Fatalf("Run(sleep past timeout) = %v; want a timed-out RunError", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Run(ctx, t.TempDir(), "-c", "true"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run(cancelled) = %v; want context.Canceled", err)
	}
}

func TestCapped(t *testing.T) {
	c := capped{limit: 4}
	n, err := c.Write([]byte("abcdef"))
	if n != 6 || err != nil || c.buf.String() != "abcd" {
		t.Fatalf("Write(abcdef) into 4 = %d, %v, kept %q; want 6, nil, abcd", n, err, c.buf.String())
	}
}
