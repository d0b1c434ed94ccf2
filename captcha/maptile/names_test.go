package maptile

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/tollgate/tollgate/captcha"
)

// realNames loads testdata/osm/realnames.txt: every name in the
// OpenStreetMap extracts the project tests with.
func realNames(t *testing.T) map[string]bool {
	t.Helper()
	f, err := os.Open("../../testdata/osm/realnames.txt")
	if err != nil {
		t.Fatalf("open real names: %v", err)
	}
	defer f.Close()
	names := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := sc.Text(); l != "" && !strings.HasPrefix(l, "#") {
			names[normName(l)] = true
		}
	}
	if len(names) < 500 {
		t.Fatalf("only %d real names loaded", len(names))
	}
	return names
}

func TestInventedNamesAreNotReal(t *testing.T) {
	real := realNames(t)
	// The list holds names like the ones generated, so the check means
	// something: real Korean stations and English streets.
	for _, n := range []string{"공덕역", "만리시장", "Gongdeok Station"} {
		if !real[normName(n)] {
			t.Fatalf("real-name list lacks %q", n)
		}
	}
	for _, lang := range []string{"en", "ko"} {
		var s captcha.Seed
		s[0] = lang[0]
		rng := s.Rand()
		var n *namer
		var seen map[string]bool
		for i := 0; i < 3000; i++ {
			if i%40 == 0 {
				// a fresh map
				n = newNamer(lang, rng, nil)
				seen = map[string]bool{}
			}
			var name string
			switch i % 3 {
			case 0:
				name = n.place(PlaceKind(i % int(numPlaceKinds)))
			case 1:
				name = n.street()
			default:
				name = n.water()
			}
			if real[normName(name)] {
				t.Errorf("%s: invented name %q is real", lang, name)
			}
			if seen[normName(name)] {
				t.Errorf("%s: name %q invented twice on one map", lang, name)
			}
			seen[normName(name)] = true
			for _, stem := range strings.Fields(name) {
				if bannedStems[strings.ToLower(stem)] {
					t.Errorf("%s: name %q uses banned stem %q", lang, name, stem)
				}
			}
		}
	}
}

func TestNamerAlwaysEnds(t *testing.T) {
	var s captcha.Seed
	n := newNamer("en", s.Rand(), nil)
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ { // more names than stems
		name := n.place(PlaceCafe)
		if seen[normName(name)] {
			t.Fatalf("name %q invented twice", name)
		}
		seen[normName(name)] = true
	}
}

func TestNamerHonoursReserved(t *testing.T) {
	var s captcha.Seed
	free := newNamer("en", s.Rand(), nil)
	first := free.place(PlaceCafe)
	n := newNamer("en", s.Rand(), func(name string) bool { return name == first })
	if got := n.place(PlaceCafe); got == first {
		t.Errorf("place() = %q, a reserved name", got)
	}
}

// TestKoreanNoTofu checks that every letter the Korean name generator can
// write, and every glyph of rendered Korean labels, is in the embedded
// Korean fonts.
func TestKoreanNoTofu(t *testing.T) {
	fonts, err := defaultFonts()
	if err != nil {
		t.Fatal(err)
	}
	ko := fonts["ko"]
	alphabet := nameAlphabet("ko")
	if len(alphabet) < 100 {
		t.Fatalf("Korean alphabet has %d letters", len(alphabet))
	}
	for _, f := range ko.all() {
		for _, r := range alphabet {
			if !f.HasGlyph(r) {
				t.Errorf("font %s lacks %q (U+%04X)", f.Name(), r, r)
			}
		}
		if f.HasGlyph('\u4e00') {
			t.Errorf("font %s has a CJK ideograph: the subset is wrong", f.Name())
		}
	}
	for _, f := range fonts["en"].all() {
		for _, r := range nameAlphabet("en") {
			if !f.HasGlyph(r) {
				t.Errorf("font %s lacks %q", f.Name(), r)
			}
		}
	}
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		var s captcha.Seed
		s[3] = byte(i)
		pl, err := r.planMap(t.Context(), s.Rand(), "ko")
		if err != nil {
			t.Fatalf("seed %d: %v", i, err)
		}
		for _, l := range append(pl.labels, pl.watermarks...) {
			if l.lay.missing() {
				t.Errorf("seed %d: label %q has a missing glyph", i, l.lay.text)
			}
			for _, g := range l.lay.glyphs {
				if len(g.g.ops) == 0 {
					t.Errorf("seed %d: label %q has an empty glyph", i, l.lay.text)
				}
			}
		}
	}
}

func TestSubsetFontIsSmall(t *testing.T) {
	for _, b := range [][]byte{krRegular, krBold} {
		if len(b) > 1500<<10 {
			t.Errorf("embedded Korean font is %d bytes, want <= 1.5 MB", len(b))
		}
	}
}
