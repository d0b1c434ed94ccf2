package tollgate

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tollgate/tollgate/captcha"
)

func widgetFile(t *testing.T, name string) string {
	t.Helper()
	b, err := fs.ReadFile(captcha.Static(), name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// textKeys returns the keys of one language's block of the widget's TEXTS.
func textKeys(t *testing.T, js, lang string) []string {
	t.Helper()
	start := strings.Index(js, "\n    "+lang+": {\n")
	if start < 0 {
		t.Fatalf("no %s texts in widget.js", lang)
	}
	end := strings.Index(js[start:], "\n    }")
	keys := regexp.MustCompile(`(?m)^      ([a-zA-Z0-9]+): '`).FindAllStringSubmatch(js[start:start+end], -1)
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k[1]
	}
	slices.Sort(out)
	return out
}

func TestWidgetTextsComplete(t *testing.T) {
	js := widgetFile(t, "widget.js")
	en, ko := textKeys(t, js, "en"), textKeys(t, js, "ko")
	if len(en) < 30 || !slices.Equal(en, ko) {
		t.Fatalf("English texts %v\nKorean texts %v\nwant the same keys", en, ko)
	}
	// Every text the code uses exists.
	for _, m := range regexp.MustCompile(`\bt\.([a-zA-Z0-9]+)\b`).FindAllStringSubmatch(js, -1) {
		if !slices.Contains(en, m[1]) {
			t.Errorf("widget.js uses t.%s, which has no text", m[1])
		}
	}
}

func TestWidgetHasNoDependencies(t *testing.T) {
	for _, name := range []string{"widget.js", "widget.css"} {
		src := widgetFile(t, name)
		for _, bad := range []string{"http://", "https://", "import ", "require(", "@import", "eval(", "new Function"} {
			if strings.Contains(src, bad) {
				t.Errorf("%s contains %q", name, bad)
			}
		}
	}
	css := widgetFile(t, "widget.css")
	if strings.Count(css, "{") != strings.Count(css, "}") {
		t.Fatal("widget.css has unbalanced braces")
	}
	js := widgetFile(t, "widget.js")
	for _, want := range []string{"aria-live", "role", "pointerdown", "wheel", "ArrowLeft", "'+'", "'-'",
		"tollgate_token", "behavior.js", "T.behavior.attach", "refresh_limit", "attemptsLeft"} {
		if !strings.Contains(js, want) {
			t.Errorf("widget.js lacks %s", want)
		}
	}
}

// TestWidgetParses checks the widget's syntax with Node, when installed.
func TestWidgetParses(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("TOLLGATE_REQUIRE_INTEGRATION") != "" {
			t.Fatal("node not found and TOLLGATE_REQUIRE_INTEGRATION is set")
		}
		t.Skip("node not installed")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "widget.js")
	if err := os.WriteFile(p, []byte(widgetFile(t, "widget.js")), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(node, "--check", p).CombinedOutput(); err != nil {
		t.Fatalf("node --check widget.js: %v\n%s", err, out)
	}
}
