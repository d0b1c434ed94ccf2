package maptile

import (
	"encoding/binary"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"unicode"
)

// textLayout is a line of text laid out on a straight baseline, in layout
// pixels with the origin at the start of the baseline and y down.
type textLayout struct {
	text   string
	font   *Font
	size   float64
	glyphs []placedGlyph
	width  float64
	top    float64 // ink top relative to the baseline (negative)
	bottom float64 // ink bottom relative to the baseline
	// marks are strokes drawn with the text, in the same coordinates as
	// the glyphs.
	marks []textMark
	// The baseline is y = waveAmp·sin(waveK·x + wavePhase) (0 when the
	// layout does not wave); letters turn with it by at most maxTurn.
	waveAmp, waveK, wavePhase float64
	maxTurn                   float64
}

// baselineAt returns the height and slope of the layout's baseline at x.
func (l *textLayout) baselineAt(x float64) (y, slope float64) {
	if l.waveAmp == 0 {
		return 0, 0
	}
	s, c := math.Sincos(l.waveK*x + l.wavePhase)
	return l.waveAmp * s, l.waveAmp * l.waveK * c
}

// placedGlyph is one glyph of a layout: its origin on the baseline, a size
// change (the glyph grows from its origin, so it keeps its baseline) and a
// turn about the middle of its x-height.
type placedGlyph struct {
	g     *glyph
	x, y  float64
	rot   float64 // radians, clockwise on screen
	scale float64 // size multiplier; 0 means 1
}

// textMark is a polyline in layout coordinates, at most maxMarkPoints
// long, stroked with half width hw (layout pixels) in the text colour.
type textMark struct {
	pts []Point
	hw  float64
}

const maxMarkPoints = 64

// spacing says how irregularly a label's letters are spaced.
type spacing struct {
	letter [2]float64 // extra space between letters, in ems: [min, max)
	space  [2]float64 // width of a space, as a multiple of its advance
	breakP float64    // chance of a stray word break inside a word
	wobble float64    // baseline jitter per glyph, in ems
	rot    float64    // largest random turn of a glyph, radians
	scale  [2]float64 // size multiplier per glyph: [min, max); zero means 1
	// waveA and waveP bend the baseline into a sine wave of amplitude
	// waveA and period waveP (ems, [min, max)); glyphs turn with it, by at
	// most maxTurn in all.
	waveA, waveP [2]float64
	maxTurn      float64
}

// plainSpacing sets text evenly on a straight baseline. See distort.go for
// labelSpacing.
var plainSpacing = spacing{letter: [2]float64{0, 0}, space: [2]float64{1, 1}}

// layoutText lays out s in font f at size (pixels per em at scale 1). rng
// (may be nil for plainSpacing) drives the irregular spacing.
func layoutText(f *Font, size float64, s string, sp spacing, rng *rand.Rand) textLayout {
	lay := textLayout{text: s, font: f, size: size}
	runes := []rune(s)
	breakAt := -1
	if rng != nil && sp.breakP > 0 && rng.Float64() < sp.breakP && len(runes) > 3 {
		breakAt = 1 + rng.IntN(len(runes)-2)
	}
	uniform := func(r [2]float64) float64 {
		if rng == nil || r[1] <= r[0] {
			return r[0]
		}
		return r[0] + (r[1]-r[0])*rng.Float64()
	}
	x := 0.0
	first := true
	for i, r := range runes {
		g := f.glyph(r)
		if unicode.IsSpace(r) {
			x += float64(f.glyph(' ').advance) * size * uniform(sp.space)
			continue
		}
		if !first {
			x += uniform(sp.letter) * size
			if i == breakAt && !unicode.IsSpace(runes[i-1]) {
				x += size * uniform([2]float64{0.22, 0.42})
			}
		}
		first = false
		y := 0.0
		if rng != nil && sp.wobble > 0 {
			y = (rng.Float64()*2 - 1) * sp.wobble * size
		}
		pg := placedGlyph{g: g, x: x, y: y, scale: 1}
		if rng != nil && sp.rot > 0 {
			pg.rot = (rng.Float64()*2 - 1) * sp.rot
		}
		if rng != nil && sp.scale[1] > sp.scale[0] {
			pg.scale = uniform(sp.scale)
		}
		lay.glyphs = append(lay.glyphs, pg)
		if g.ok {
			top, bottom := lay.glyphExtent(&pg)
			lay.top = math.Min(lay.top, top)
			lay.bottom = math.Max(lay.bottom, bottom)
		}
		x += float64(g.advance) * size * pg.scale
	}
	lay.width = x
	if rng != nil && sp.waveA[1] > 0 && sp.waveP[0] > 0 {
		amp := uniform(sp.waveA) * size
		period := uniform(sp.waveP) * size
		ph := rng.Float64() * 2 * math.Pi
		k := 2 * math.Pi / period
		lay.waveAmp, lay.waveK, lay.wavePhase, lay.maxTurn = amp, k, ph, sp.maxTurn
		lay.top, lay.bottom = 0, 0
		for i := range lay.glyphs {
			pg := &lay.glyphs[i]
			xc := pg.x + float64(pg.g.advance)*size*pg.scale/2
			pg.y += amp * math.Sin(k*xc+ph)
			pg.rot += math.Atan(amp * k * math.Cos(k*xc+ph))
			if sp.maxTurn > 0 {
				pg.rot = min(max(pg.rot, -sp.maxTurn), sp.maxTurn)
			}
			if pg.g.ok {
				top, bottom := lay.glyphExtent(pg)
				lay.top = math.Min(lay.top, top)
				lay.bottom = math.Max(lay.bottom, bottom)
			}
		}
	}
	return lay
}

// glyphTransform returns the matrix that maps a glyph's outline (in ems)
// into layout coordinates: x = a*px + b*py + e, y = c*px + d*py + f.
func (l *textLayout) glyphTransform(pg *placedGlyph) (a, b, c, d, e, f float64) {
	sc := pg.scale
	if sc == 0 {
		sc = 1
	}
	k := l.size * sc
	if pg.rot == 0 {
		return k, 0, 0, k, pg.x, pg.y
	}
	sin, cos := math.Sincos(pg.rot)
	// Turn about the middle of the x-height: (adv/2, -xHeight/2) in ems.
	cx, cy := float64(pg.g.advance)/2*k, -float64(l.font.xHeight)/2*k
	a, b, c, d = k*cos, -k*sin, k*sin, k*cos
	e = pg.x + cx - (cx*cos - cy*sin)
	f = pg.y + cy - (cx*sin + cy*cos)
	return a, b, c, d, e, f
}

// glyphExtent returns the top and bottom of a placed glyph's ink box
// (advance wide) relative to the baseline.
func (l *textLayout) glyphExtent(pg *placedGlyph) (top, bottom float64) {
	_, _, c, d, _, f := l.glyphTransform(pg)
	top, bottom = math.Inf(1), math.Inf(-1)
	for _, px := range [2]float64{0, float64(pg.g.advance)} {
		for _, py := range [2]float64{float64(pg.g.minY), float64(pg.g.maxY)} {
			y := c*px + d*py + f
			top, bottom = math.Min(top, y), math.Max(bottom, y)
		}
	}
	return top, bottom
}

// addMark adds a stroke to the layout (see textMark) and grows its box.
func (l *textLayout) addMark(m textMark) {
	if len(m.pts) > maxMarkPoints {
		m.pts = m.pts[:maxMarkPoints]
	}
	l.marks = append(l.marks, m)
	for _, p := range m.pts {
		l.top = math.Min(l.top, p.Y-m.hw)
		l.bottom = math.Max(l.bottom, p.Y+m.hw)
	}
}

// missing reports whether any glyph of the layout is absent from its font.
func (l *textLayout) missing() bool {
	for _, pg := range l.glyphs {
		if !pg.g.ok {
			return true
		}
	}
	return false
}

// addTo adds the glyph outlines and the marks to p, with the baseline
// starting at origin and turned by angle (radians, clockwise on screen),
// scaled by s.
func (l *textLayout) addTo(p *path, origin Point, angle, s float64) {
	sin, cos := math.Sincos(angle)
	for i := range l.glyphs {
		pg := &l.glyphs[i]
		ga, gb, gc, gd, ge, gf := l.glyphTransform(pg)
		tx := func(px, py float32) (float32, float32) {
			lx := ga*float64(px) + gb*float64(py) + ge
			ly := gc*float64(px) + gd*float64(py) + gf
			x := origin.X + lx*cos - ly*sin
			y := origin.Y + lx*sin + ly*cos
			return float32(x * s), float32(y * s)
		}
		for _, op := range pg.g.ops {
			q := op.p
			switch op.op {
			case 'M':
				x, y := tx(q[0], q[1])
				p.moveTo(x, y)
			case 'L':
				x, y := tx(q[0], q[1])
				p.lineTo(x, y)
			case 'Q':
				x1, y1 := tx(q[0], q[1])
				x, y := tx(q[2], q[3])
				p.quadTo(x1, y1, x, y)
			case 'C':
				x1, y1 := tx(q[0], q[1])
				x2, y2 := tx(q[2], q[3])
				x, y := tx(q[4], q[5])
				p.cubeTo(x1, y1, x2, y2, x, y)
			}
		}
	}
	var buf [maxMarkPoints]Point
	for _, m := range l.marks {
		pts := buf[:0]
		for _, q := range m.pts {
			pts = append(pts, origin.add(q.rot(sin, cos)))
		}
		p.stroke(pts, s, float32(m.hw*s), true)
	}
}

// quadAt returns the label's box (ink box grown by pad on every side) when
// its baseline starts at origin turned by angle.
func (l *textLayout) quadAt(origin Point, angle, pad float64) quad {
	sin, cos := math.Sincos(angle)
	corner := func(x, y float64) Point {
		return Point{origin.X + x*cos - y*sin, origin.Y + x*sin + y*cos}
	}
	x0, x1 := -pad, l.width+pad
	y0, y1 := l.top-pad, l.bottom+pad
	return quad{corner(x0, y0), corner(x1, y0), corner(x1, y1), corner(x0, y1)}
}

// drawText draws the layout in col, over a halo of haloR layout pixels in
// halo (no halo when haloR is 0). It returns the image rectangle of the ink.
func (c *canvas) drawText(l *textLayout, origin Point, angle float64, col, halo color.RGBA, haloR float64) image.Rectangle {
	c.p.reset()
	l.addTo(&c.p, origin, angle, c.scale)
	rpx := int(math.Round(haloR * c.scale))
	r := c.rasterize(&c.p, rpx+1)
	c.p.reset()
	if r.Empty() {
		return r
	}
	if rpx > 0 {
		hm := dilate(c.mask.Pix, r.Dx(), r.Dy(), rpx, &c.dil)
		composite(c.img, r, hm, r.Dx(), halo)
	}
	composite(c.img, r, c.mask.Pix, r.Dx(), col)
	return inkBounds(c.mask.Pix, r)
}

// inkBounds is the bounding box of the non-zero mask pixels, in image
// coordinates.
func inkBounds(m []uint8, r image.Rectangle) image.Rectangle {
	w, h := r.Dx(), r.Dy()
	x0, y0, x1, y1 := w, h, -1, -1
	for y := 0; y < h; y++ {
		row := m[y*w : y*w+w]
		for x, v := range row {
			if v > 32 {
				x0, x1 = min(x0, x), max(x1, x)
				y0, y1 = min(y0, y), max(y1, y)
			}
		}
	}
	if x1 < 0 {
		return image.Rectangle{}
	}
	return image.Rect(r.Min.X+x0, r.Min.Y+y0, r.Min.X+x1+1, r.Min.Y+y1+1)
}

// dilate returns the grey-scale dilation of the w×h mask m by a disc of
// radius rad pixels. scratch holds reusable buffers.
func dilate(m []uint8, w, h, rad int, scratch *[][]uint8) []uint8 {
	n := w * h
	bufs := *scratch
	for len(bufs) < rad+2 {
		bufs = append(bufs, nil)
	}
	for i := range bufs[:rad+2] {
		if cap(bufs[i]) < n {
			bufs[i] = make([]uint8, n)
		}
		bufs[i] = bufs[i][:n]
	}
	*scratch = bufs
	// hs[k] is the horizontal dilation of m by k pixels each side.
	hs := bufs[:rad+1]
	copy(hs[0], m)
	for k := 1; k <= rad; k++ {
		src, dst := hs[k-1], hs[k]
		for y := 0; y < h; y++ {
			s := src[y*w : y*w+w]
			d := dst[y*w : y*w+w]
			for x := 0; x < w; x++ {
				// Runs of empty pixels, eight at a time.
				for x > 0 && x+9 <= w && s[x-1] == 0 && s[x+8] == 0 && binary.LittleEndian.Uint64(s[x:]) == 0 {
					binary.LittleEndian.PutUint64(d[x:], 0)
					x += 8
				}
				if x >= w {
					break
				}
				v := s[x]
				if x > 0 && s[x-1] > v {
					v = s[x-1]
				}
				if x+1 < w && s[x+1] > v {
					v = s[x+1]
				}
				d[x] = v
			}
		}
	}
	out := bufs[rad+1]
	clear(out)
	r2 := float64(rad*rad + rad)
	for dy := -rad; dy <= rad; dy++ {
		k := int(math.Sqrt(r2 - float64(dy*dy)))
		k = min(k, rad)
		src := hs[k]
		for y := 0; y < h; y++ {
			sy := y + dy
			if sy < 0 || sy >= h {
				continue
			}
			s := src[sy*w : sy*w+w]
			d := out[y*w : y*w+w]
			for x := 0; x < w; x++ {
				for x+8 <= w && binary.LittleEndian.Uint64(s[x:]) == 0 {
					x += 8
				}
				if x >= w {
					break
				}
				if v := s[x]; v > d[x] {
					d[x] = v
				}
			}
		}
	}
	return out
}
