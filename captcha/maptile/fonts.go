package maptile

import (
	_ "embed"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomedium"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

//go:embed fonts/TollgateSansKR-Regular.otf
var krRegular []byte

//go:embed fonts/TollgateSansKR-Bold.otf
var krBold []byte

// ErrMissingGlyph is returned when a label holds a character that none of
// the fonts for its language can draw.
var ErrMissingGlyph = errors.New("maptile: no font has a glyph for the text")

// Font is a parsed OpenType or TrueType font that labels are drawn with. It
// is parsed once and caches the outlines of the glyphs it has drawn, so one
// Font serves any number of renders. A Font is safe for concurrent use.
type Font struct {
	name    string
	f       *sfnt.Font
	upem    float32
	xHeight float32 // height of a lowercase x, in ems

	mu     sync.RWMutex
	glyphs map[rune]*glyph
}

// glyph is one cached glyph outline in ems, y axis down.
type glyph struct {
	ok      bool // false for a rune the font lacks
	advance float32
	ops     []pathOp
	minY    float32 // top of the ink box (negative: above the baseline)
	maxY    float32
}

// pathOp is one outline segment: op is 'M', 'L', 'Q' or 'C'; p holds 1-3
// points as x, y pairs.
type pathOp struct {
	op byte
	p  [6]float32
}

// ParseFont parses an OpenType (TrueType or CFF outlines) font for labels.
// name identifies it in errors and in a Rendering.
func ParseFont(name string, data []byte) (*Font, error) {
	f, err := opentype.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("maptile: parse font %s: %w", name, err)
	}
	ft := &Font{name: name, f: f, upem: float32(f.UnitsPerEm()), glyphs: make(map[rune]*glyph)}
	x := ft.glyph('x')
	if !x.ok || x.minY >= 0 {
		return nil, fmt.Errorf("maptile: font %s has no usable glyph for 'x'", name)
	}
	ft.xHeight = -x.minY
	return ft, nil
}

// Name returns the name the font was parsed with.
func (ft *Font) Name() string { return ft.name }

// XHeight returns the height of a lowercase x at the given size in pixels
// per em.
func (ft *Font) XHeight(size float64) float64 { return float64(ft.xHeight) * size }

// HasGlyph reports whether the font draws r with a glyph of its own rather
// than the missing-glyph box ("tofu").
func (ft *Font) HasGlyph(r rune) bool { return ft.glyph(r).ok }

// glyph returns the cached outline of r, loading it on first use.
func (ft *Font) glyph(r rune) *glyph {
	ft.mu.RLock()
	g := ft.glyphs[r]
	ft.mu.RUnlock()
	if g != nil {
		return g
	}
	g = ft.load(r)
	ft.mu.Lock()
	if old := ft.glyphs[r]; old != nil {
		g = old
	} else if len(ft.glyphs) < maxCachedGlyphs {
		ft.glyphs[r] = g
	}
	ft.mu.Unlock()
	return g
}

// maxCachedGlyphs bounds each font's outline cache; renders beyond it load
// outlines again instead of growing the cache.
const maxCachedGlyphs = 8192

func (ft *Font) load(r rune) *glyph {
	var b sfnt.Buffer
	g := &glyph{}
	gi, err := ft.f.GlyphIndex(&b, r)
	if err != nil || gi == 0 {
		return g
	}
	ppem := fixed.Int26_6(ft.upem * 64)
	adv, err := ft.f.GlyphAdvance(&b, gi, ppem, 0)
	if err != nil {
		return g
	}
	segs, err := ft.f.LoadGlyph(&b, gi, ppem, nil)
	if err != nil {
		return g
	}
	s := 1 / (ft.upem * 64)
	g.ok = true
	g.advance = float32(adv) * s
	g.ops = make([]pathOp, 0, len(segs))
	first := true
	for _, seg := range segs {
		var op pathOp
		n := 1
		switch seg.Op {
		case sfnt.SegmentOpMoveTo:
			op.op = 'M'
		case sfnt.SegmentOpLineTo:
			op.op = 'L'
		case sfnt.SegmentOpQuadTo:
			op.op, n = 'Q', 2
		case sfnt.SegmentOpCubeTo:
			op.op, n = 'C', 3
		}
		for i := 0; i < n; i++ {
			x, y := float32(seg.Args[i].X)*s, float32(seg.Args[i].Y)*s
			op.p[2*i], op.p[2*i+1] = x, y
			if first || y < g.minY {
				g.minY = y
			}
			if first || y > g.maxY {
				g.maxY = y
			}
			first = false
		}
		g.ops = append(g.ops, op)
	}
	return g
}

// fontSet is the fonts of one language: labels pick among them.
type fontSet struct {
	regular []*Font // lighter faces: streets, watermarks
	bold    []*Font // heavier faces: places
}

func (fs fontSet) all() []*Font {
	out := append([]*Font(nil), fs.regular...)
	return append(out, fs.bold...)
}

// defaultFonts parses the embedded fonts. Each Renderer parses its own
// copies, so renderers share no mutable state.
func defaultFonts() (map[string]fontSet, error) {
	var firstErr error
	parse := func(name string, data []byte) *Font {
		f, err := ParseFont(name, data)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return f
	}
	goReg := parse("Go Regular", goregular.TTF)
	goMed := parse("Go Medium", gomedium.TTF)
	goBold := parse("Go Bold", gobold.TTF)
	krReg := parse("Tollgate Sans KR", krRegular)
	krB := parse("Tollgate Sans KR Bold", krBold)
	if firstErr != nil {
		return nil, firstErr
	}
	return map[string]fontSet{
		"en": {regular: []*Font{goReg, goMed}, bold: []*Font{goMed, goBold}},
		"ko": {regular: []*Font{krReg}, bold: []*Font{krB, krReg}},
	}, nil
}
