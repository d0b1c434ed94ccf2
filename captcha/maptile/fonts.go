package maptile

import (
	_ "embed"
	"errors"
	"fmt"
	"math"
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
	stem    float32 // typical stroke width, in ems
	// reverse is set when the font's outer contours wind counter-clockwise
	// on screen; outlines are then reversed as they load, so that glyphs
	// wind like the strokes drawn with them and the two unite.
	reverse bool

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
	if a, _ := outlineAreaPerimeter(x.ops); a > 0 {
		ft.reverse = true
		clear(ft.glyphs)
		x = ft.glyph('x')
	}
	ft.xHeight = -x.minY
	ft.stem = ft.stemWidth()
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
	if ft.reverse {
		g.ops = reverseContours(g.ops)
	}
	return g
}

// reverseContours returns the outline ops with every contour traced the
// other way round. Contours are closed implicitly, from their last point
// back to their first.
func reverseContours(ops []pathOp) []pathOp {
	out := make([]pathOp, 0, len(ops))
	end := func(op pathOp) [2]float32 {
		switch op.op {
		case 'Q':
			return [2]float32{op.p[2], op.p[3]}
		case 'C':
			return [2]float32{op.p[4], op.p[5]}
		}
		return [2]float32{op.p[0], op.p[1]}
	}
	for i := 0; i < len(ops); {
		j := i + 1
		for j < len(ops) && ops[j].op != 'M' {
			j++
		}
		c := ops[i:j] // c[0] is the move, unless the outline lacks one
		last := end(c[len(c)-1])
		out = append(out, pathOp{op: 'M', p: [6]float32{last[0], last[1]}})
		for k := len(c) - 1; k >= 1; k-- {
			prev := end(c[k-1])
			op := c[k]
			switch op.op {
			case 'L':
				out = append(out, pathOp{op: 'L', p: [6]float32{prev[0], prev[1]}})
			case 'Q':
				out = append(out, pathOp{op: 'Q', p: [6]float32{op.p[0], op.p[1], prev[0], prev[1]}})
			case 'C':
				out = append(out, pathOp{op: 'C', p: [6]float32{op.p[2], op.p[3], op.p[0], op.p[1], prev[0], prev[1]}})
			}
		}
		i = j
	}
	return out
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

// stemWidth estimates the font's stroke width in ems as 2·area/perimeter
// of the outlines of letters drawn with plain strokes: for long strokes of
// width w, area ≈ perimeter·w/2. It measures Latin "lnmuh" and Hangul
// "이나한글", whichever the font has, and returns the thinner; 0.09 when
// the font has none of them.
func (ft *Font) stemWidth() float32 {
	stem := float32(0)
	for _, sample := range []string{"lnmuh", "이나한글"} {
		var area, perim float64
		for _, r := range sample {
			g := ft.glyph(r)
			if !g.ok {
				continue
			}
			a, p := outlineAreaPerimeter(g.ops)
			area += math.Abs(a)
			perim += p
		}
		if area > 0 && perim > 0 {
			w := float32(2 * area / perim)
			if stem == 0 || w < stem {
				stem = w
			}
		}
	}
	if stem == 0 {
		return 0.09
	}
	return stem
}

// outlineAreaPerimeter returns the signed area (outer contours minus holes;
// negative when the outer contours run clockwise on screen) and the total
// contour length of a glyph outline, with curves flattened.
func outlineAreaPerimeter(ops []pathOp) (area, perim float64) {
	var signed float64
	var start, cur [2]float64
	open := false
	edge := func(q [2]float64) {
		signed += cur[0]*q[1] - q[0]*cur[1]
		perim += math.Hypot(q[0]-cur[0], q[1]-cur[1])
		cur = q
	}
	closeContour := func() {
		if open {
			edge(start)
		}
	}
	pt := func(op pathOp, i int) [2]float64 { return [2]float64{float64(op.p[2*i]), float64(op.p[2*i+1])} }
	const steps = 8
	for _, op := range ops {
		switch op.op {
		case 'M':
			closeContour()
			start, cur, open = pt(op, 0), pt(op, 0), true
		case 'L':
			edge(pt(op, 0))
		case 'Q':
			p0, c, e := cur, pt(op, 0), pt(op, 1)
			for k := 1; k <= steps; k++ {
				t := float64(k) / steps
				u := 1 - t
				edge([2]float64{u*u*p0[0] + 2*u*t*c[0] + t*t*e[0], u*u*p0[1] + 2*u*t*c[1] + t*t*e[1]})
			}
		case 'C':
			p0, c1, c2, e := cur, pt(op, 0), pt(op, 1), pt(op, 2)
			for k := 1; k <= steps; k++ {
				t := float64(k) / steps
				u := 1 - t
				a, b, cc, d := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
				edge([2]float64{a*p0[0] + b*c1[0] + cc*c2[0] + d*e[0], a*p0[1] + b*c1[1] + cc*c2[1] + d*e[1]})
			}
		}
	}
	closeContour()
	return signed / 2, perim
}
