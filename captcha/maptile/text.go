package maptile

import (
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
}

type placedGlyph struct {
	g    *glyph
	x, y float64
}

// spacing says how irregularly a label's letters are spaced.
type spacing struct {
	letter [2]float64 // extra space between letters, in ems: [min, max)
	space  [2]float64 // width of a space, as a multiple of its advance
	breakP float64    // chance of a stray word break inside a word
	wobble float64    // baseline jitter per glyph, in ems
}

var (
	plainSpacing = spacing{letter: [2]float64{0, 0}, space: [2]float64{1, 1}}
	labelSpacing = spacing{letter: [2]float64{-0.02, 0.13}, space: [2]float64{0.7, 1.9}, breakP: 0.35, wobble: 0.025}
)

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
		lay.glyphs = append(lay.glyphs, placedGlyph{g: g, x: x, y: y})
		if g.ok {
			lay.top = math.Min(lay.top, float64(g.minY)*size+y)
			lay.bottom = math.Max(lay.bottom, float64(g.maxY)*size+y)
		}
		x += float64(g.advance) * size
	}
	lay.width = x
	return lay
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

// addTo adds the glyph outlines to p, with the baseline starting at origin
// and turned by angle (radians, clockwise on screen), scaled by s.
func (l *textLayout) addTo(p *path, origin Point, angle, s float64) {
	sin, cos := math.Sincos(angle)
	size := l.size
	tx := func(gx, gy float64, px, py float32) (float32, float32) {
		lx := gx + float64(px)*size
		ly := gy + float64(py)*size
		x := origin.X + lx*cos - ly*sin
		y := origin.Y + lx*sin + ly*cos
		return float32(x * s), float32(y * s)
	}
	for _, pg := range l.glyphs {
		for _, op := range pg.g.ops {
			q := op.p
			switch op.op {
			case 'M':
				x, y := tx(pg.x, pg.y, q[0], q[1])
				p.moveTo(x, y)
			case 'L':
				x, y := tx(pg.x, pg.y, q[0], q[1])
				p.lineTo(x, y)
			case 'Q':
				x1, y1 := tx(pg.x, pg.y, q[0], q[1])
				x, y := tx(pg.x, pg.y, q[2], q[3])
				p.quadTo(x1, y1, x, y)
			case 'C':
				x1, y1 := tx(pg.x, pg.y, q[0], q[1])
				x2, y2 := tx(pg.x, pg.y, q[2], q[3])
				x, y := tx(pg.x, pg.y, q[4], q[5])
				p.cubeTo(x1, y1, x2, y2, x, y)
			}
		}
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
			for x := range d {
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
			for x, v := range s {
				if v > d[x] {
					d[x] = v
				}
			}
		}
	}
	return out
}
