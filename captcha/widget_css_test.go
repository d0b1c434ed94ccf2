package captcha

import (
	"io/fs"
	"maps"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// cssBlock returns the custom properties of the first rule whose selector
// is exactly sel in css.
func cssBlock(t *testing.T, css, sel string) map[string]string {
	t.Helper()
	i := strings.Index(css, sel+" {")
	if i < 0 {
		t.Fatalf("widget.css has no rule %q", sel)
	}
	body := css[i+len(sel)+2:]
	body = body[:strings.Index(body, "}")]
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`(--tg-[a-z-]+):\s*([^;]+);`).FindAllStringSubmatch(body, -1) {
		vars[m[1]] = strings.TrimSpace(m[2])
	}
	return vars
}

// luminance is the WCAG 2.1 relative luminance of a #rrggbb colour.
func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	if len(hex) != 7 || hex[0] != '#' {
		t.Fatalf("colour %q is not #rrggbb", hex)
	}
	var c [3]float64
	for i := range c {
		v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		if err != nil {
			t.Fatalf("colour %q: %v", hex, err)
		}
		s := float64(v) / 255
		if s <= 0.03928 {
			c[i] = s / 12.92
		} else {
			c[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}

func contrast(t *testing.T, a, b string) float64 {
	t.Helper()
	la, lb := luminance(t, a), luminance(t, b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// TestWidgetPaletteContrast: in the light and the dark palette, every text
// colour has a contrast of at least 4.5:1 on the backgrounds it is used on
// (WCAG 2.1 AA), and the focus ring and the input border 3:1 (non-text).
func TestWidgetPaletteContrast(t *testing.T) {
	b, err := fs.ReadFile(Static(), "widget.css")
	if err != nil {
		t.Fatal(err)
	}
	css := string(b)
	light := cssBlock(t, css, ".tg")
	dark := cssBlock(t, css, `.tg[data-theme="dark"]`)
	if auto := cssBlock(t, css, `  .tg:not([data-theme="light"])`); !maps.Equal(auto, dark) {
		t.Errorf("the prefers-color-scheme dark palette %v differs from data-theme=dark %v", auto, dark)
	}
	pairs := []struct {
		fg, bg string
		min    float64
	}{
		{"--tg-ink", "--tg-bg", 4.5},
		{"--tg-ink", "--tg-soft", 4.5},
		{"--tg-muted", "--tg-bg", 4.5},
		{"--tg-muted", "--tg-soft", 4.5},
		{"--tg-error", "--tg-bg", 4.5},
		{"--tg-ok", "--tg-bg", 4.5},
		{"--tg-ok", "--tg-soft", 4.5}, // the accepted answer, read-only
		{"--tg-accent-ink", "--tg-accent", 4.5},
		{"--tg-accent", "--tg-bg", 3},
		{"--tg-accent", "--tg-soft", 3},
		{"--tg-control", "--tg-bg", 3},
	}
	for name, pal := range map[string]map[string]string{"light": light, "dark": dark} {
		for _, p := range pairs {
			got := contrast(t, pal[p.fg], pal[p.bg])
			if got < p.min {
				t.Errorf("%s: contrast(%s %s, %s %s) = %.2f, want at least %.1f", name, p.fg, pal[p.fg], p.bg, pal[p.bg], got, p.min)
			}
			t.Logf("%-5s %-16s on %-12s %.2f:1", name, p.fg, p.bg, got)
		}
	}
}
