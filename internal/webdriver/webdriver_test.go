package webdriver

import (
	"errors"
	"strings"
	"testing"
)

func TestClick(t *testing.T) {
	src := Click(0, 0, 100, 50, 4, 200)
	acts := src["actions"].([]map[string]any)
	if len(acts) != 1+4+3 {
		t.Fatalf("Click(4 steps) has %d actions, want 8", len(acts))
	}
	last := acts[4]
	if last["x"] != 100 || last["y"] != 50 || last["duration"] != 50 {
		t.Errorf("last move = %v, want x 100, y 50, duration 50", last)
	}
	if acts[5]["type"] != "pointerDown" || acts[7]["type"] != "pointerUp" {
		t.Errorf("Click ends with %v, %v; want pointerDown … pointerUp", acts[5], acts[7])
	}
}

func TestKeyWithoutPauses(t *testing.T) {
	zero := func(int) int { return 0 }
	acts := Key("abc", zero, zero)["actions"].([]map[string]any)
	if len(acts) != 6 {
		t.Errorf("Key(abc, no pauses) has %d actions, want 6", len(acts))
	}
}

func TestDecodeEval(t *testing.T) {
	str := func(s string) *string { return &s }
	var n int
	if err := decodeEval(str(`42`), &n); err != nil || n != 42 {
		t.Errorf("decodeEval(42) = %v, %d; want nil, 42", err, n)
	}
	if err := decodeEval(str(`{"__error":"TypeError: x"}`), &n); err == nil {
		t.Error("decodeEval(thrown error) = nil, want an error")
	}
	if err := decodeEval(nil, &n); err == nil {
		t.Error("decodeEval(no value) = nil, want an error")
	}
}

func TestLookFirst(t *testing.T) {
	if _, err := lookFirst("/nonexistent/*/browser", "tollgate-no-such-binary"); !errors.Is(err, ErrNotInstalled) {
		t.Errorf("lookFirst(missing) = %v, want ErrNotInstalled", err)
	}
	if p, err := lookFirst("sh"); err != nil || p == "" {
		t.Errorf("lookFirst(sh) = %q, %v; want a path", p, err)
	}
}

func TestChromiumPathFromEnv(t *testing.T) {
	t.Setenv("TOLLGATE_CHROMIUM", "sh")
	if p, err := ChromiumPath(); err != nil || !strings.HasSuffix(p, "/sh") {
		t.Errorf("ChromiumPath() with TOLLGATE_CHROMIUM=sh = %q, %v; want the path of sh", p, err)
	}
	t.Setenv("TOLLGATE_CHROMIUM", "no-such-browser-here")
	if p, err := ChromiumPath(); err == nil {
		t.Errorf("ChromiumPath() with a missing TOLLGATE_CHROMIUM = %q, want an error", p)
	}
}
