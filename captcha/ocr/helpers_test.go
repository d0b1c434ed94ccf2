package ocr

import (
	"context"
	"errors"
	"image"
	"os"
	"os/exec"
	"sync"
	"testing"

	"github.com/tollgate/tollgate/captcha"
)

// fakeRec is a Recognizer that returns fixed candidates, or the result of
// fn when set, and records the sizes of the images it saw.
type fakeRec struct {
	name  string
	cands []captcha.Candidate
	fn    func(i int, img image.Image) ([]captcha.Candidate, error)
	mu    sync.Mutex
	calls int
	sizes []image.Point
}

func (f *fakeRec) Name() string { return f.name }

func (f *fakeRec) Recognize(ctx context.Context, img image.Image) ([]captcha.Candidate, error) {
	f.mu.Lock()
	i := f.calls
	f.calls++
	f.sizes = append(f.sizes, img.Bounds().Size())
	f.mu.Unlock()
	if f.fn != nil {
		return f.fn(i, img)
	}
	return f.cands, nil
}

var errBroken = errors.New("broken engine")

// requireBinary skips the test when bin is not installed, unless
// TOLLGATE_REQUIRE_INTEGRATION is set, in which case it fails.
func requireBinary(t *testing.T, bin string) {
	t.Helper()
	if _, err := exec.LookPath(bin); err != nil {
		if os.Getenv("TOLLGATE_REQUIRE_INTEGRATION") != "" {
			t.Fatalf("%s is not installed and TOLLGATE_REQUIRE_INTEGRATION is set", bin)
		}
		t.Skipf("%s is not installed", bin)
	}
}
