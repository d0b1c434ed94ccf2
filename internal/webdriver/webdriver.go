// Package webdriver drives real browsers for tollgate's own tests: WebKitGTK
// through WebKitWebDriver (W3C WebDriver over HTTP) and Firefox through
// WebDriver BiDi, which Firefox speaks itself (no geckodriver). Chromium is
// driven with chromedp elsewhere. Both sessions take the same W3C input
// actions, so a test types and clicks the same way in every browser; the
// browsers dispatch those as trusted input events.
//
// It is a test helper, not API: only the few commands the tests need.
package webdriver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Session is one browser window under automation. Its methods are not safe
// for concurrent use.
type Session interface {
	// Navigate loads url and waits for the load event.
	Navigate(ctx context.Context, url string) error
	// Eval evaluates the JavaScript expression js in the page and decodes
	// its value, passed through JSON.stringify, into out (nil: ignored).
	// A promise is awaited.
	Eval(ctx context.Context, js string, out any) error
	// Perform runs W3C input action sources (key and pointer; see
	// https://www.w3.org/TR/webdriver2/#actions) and releases them.
	Perform(ctx context.Context, sources []Source) error
	// Close ends the session and stops the processes it started.
	Close() error
}

// Source is one W3C input source with its actions, as JSON.
type Source = map[string]any

// ErrNotInstalled is returned by the Start functions when a browser or
// driver binary is missing.
var ErrNotInstalled = errors.New("webdriver: browser not installed")

// lookFirst returns the first of paths (names on PATH or glob patterns)
// that exists.
func lookFirst(paths ...string) (string, error) {
	for _, p := range paths {
		if filepath.IsAbs(p) {
			m, _ := filepath.Glob(p)
			for _, f := range m {
				if st, err := os.Stat(f); err == nil && !st.IsDir() {
					return f, nil
				}
			}
			continue
		}
		if f, err := exec.LookPath(p); err == nil {
			return f, nil
		}
	}
	return "", fmt.Errorf("%w: none of %q", ErrNotInstalled, paths)
}

// Key returns the key actions that type text: for each character a
// keyDown, a pause of hold(i), a keyUp and a pause of gap(i) (ms; 0 means
// none).
func Key(text string, hold, gap func(i int) int) Source {
	var acts []map[string]any
	for i, r := range []rune(text) {
		acts = append(acts, map[string]any{"type": "keyDown", "value": string(r)})
		if h := hold(i); h > 0 {
			acts = append(acts, map[string]any{"type": "pause", "duration": h})
		}
		acts = append(acts, map[string]any{"type": "keyUp", "value": string(r)})
		if g := gap(i); g > 0 {
			acts = append(acts, map[string]any{"type": "pause", "duration": g})
		}
	}
	return Source{"type": "key", "id": "keyboard", "actions": acts}
}

// Click returns pointer actions that move a mouse from (x0, y0) to (x, y)
// in steps moves over ms milliseconds (viewport CSS px), then press and
// release it.
func Click(x0, y0, x, y float64, steps, ms int) Source {
	acts := []map[string]any{{"type": "pointerMove", "x": int(x0), "y": int(y0), "origin": "viewport", "duration": 0}}
	for i := 1; i <= steps; i++ {
		f := float64(i) / float64(steps)
		acts = append(acts, map[string]any{"type": "pointerMove", "origin": "viewport", "duration": ms / steps,
			"x": int(x0 + (x-x0)*f), "y": int(y0 + (y-y0)*f)})
	}
	acts = append(acts,
		map[string]any{"type": "pointerDown", "button": 0},
		map[string]any{"type": "pause", "duration": 80},
		map[string]any{"type": "pointerUp", "button": 0})
	return Source{"type": "pointer", "id": "mouse", "parameters": map[string]any{"pointerType": "mouse"}, "actions": acts}
}

// ChromiumPath returns the Chromium to drive: $TOLLGATE_CHROMIUM when set,
// else the first of chromium, chromium-browser and google-chrome on PATH.
func ChromiumPath() (string, error) {
	if p := os.Getenv("TOLLGATE_CHROMIUM"); p != "" {
		return exec.LookPath(p)
	}
	return lookFirst("chromium", "chromium-browser", "google-chrome")
}
