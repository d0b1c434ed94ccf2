package stt

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"sync"
	"testing"
)

// fakeRec is an audio.Recognizer returning fn(i) for its i-th call.
type fakeRec struct {
	name  string
	fn    func(i int) (string, error)
	mu    sync.Mutex
	calls int
}

func (f *fakeRec) Name() string { return f.name }

func (f *fakeRec) Recognize(ctx context.Context, wav []byte) (string, error) {
	f.mu.Lock()
	i := f.calls
	f.calls++
	f.mu.Unlock()
	return f.fn(i)
}

var errBroken = errors.New("broken engine")

// requirePocketSphinx skips the test when no PocketSphinx program is
// installed, unless TOLLGATE_REQUIRE_INTEGRATION is set (then it fails).
func requirePocketSphinx(t *testing.T) {
	t.Helper()
	for _, b := range []string{"pocketsphinx_continuous", "pocketsphinx"} {
		if _, err := exec.LookPath(b); err == nil {
			if _, err := os.Stat(DefaultModelDir); err == nil {
				return
			}
		}
	}
	if os.Getenv("TOLLGATE_REQUIRE_INTEGRATION") != "" {
		t.Fatal("pocketsphinx (with pocketsphinx-en-us) is not installed and TOLLGATE_REQUIRE_INTEGRATION is set")
	}
	t.Skip("pocketsphinx is not installed")
}
