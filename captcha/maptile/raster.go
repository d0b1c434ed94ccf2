package maptile

import (
	"encoding/binary"
	"image"
	"image/color"
	"image/draw"
	"math"

	"golang.org/x/image/vector"
)

// path collects closed outlines in image pixels. All shapes that should be
// unioned must wind the same way: the rasteriser adds coverage and clamps
// its absolute value, so equal windings merge and opposite windings cancel
// (which is how holes are cut).
type path struct {
	ops                    []pathOp
	minX, minY, maxX, maxY float32
	empty                  bool
}

func (p *path) reset() {
	p.ops = p.ops[:0]
	p.empty = true
}

func (p *path) grow(x, y float32) {
	if p.empty {
		p.minX, p.maxX, p.minY, p.maxY = x, x, y, y
		p.empty = false
		return
	}
	p.minX = min(p.minX, x)
	p.maxX = max(p.maxX, x)
	p.minY = min(p.minY, y)
	p.maxY = max(p.maxY, y)
}

func (p *path) moveTo(x, y float32) {
	p.ops = append(p.ops, pathOp{op: 'M', p: [6]float32{x, y}})
	p.grow(x, y)
}

func (p *path) lineTo(x, y float32) {
	p.ops = append(p.ops, pathOp{op: 'L', p: [6]float32{x, y}})
	p.grow(x, y)
}

func (p *path) quadTo(x1, y1, x, y float32) {
	p.ops = append(p.ops, pathOp{op: 'Q', p: [6]float32{x1, y1, x, y}})
	p.grow(x1, y1)
	p.grow(x, y)
}

func (p *path) cubeTo(x1, y1, x2, y2, x, y float32) {
	p.ops = append(p.ops, pathOp{op: 'C', p: [6]float32{x1, y1, x2, y2, x, y}})
	p.grow(x1, y1)
	p.grow(x2, y2)
	p.grow(x, y)
}

// polygon adds a closed ring. sign is the winding wanted: -1 for a filled
// outline, +1 for a hole in one.
func (p *path) polygon(pts []Point, s float64, sign float64) {
	if len(pts) < 3 {
		return
	}
	rev := signedArea(pts)*sign < 0
	for i := range pts {
		q := pts[i]
		if rev {
			q = pts[len(pts)-1-i]
		}
		x, y := float32(q.X*s), float32(q.Y*s)
		if i == 0 {
			p.moveTo(x, y)
		} else {
			p.lineTo(x, y)
		}
	}
}

// insetPolygon adds ring moved d layout pixels towards its inside (by
// mitred edge offsets; negative d moves it out), scaled by s, winding as
// sign asks (see polygon).
func (p *path) insetPolygon(ring []Point, s, d, sign float64) {
	n := len(ring)
	if n < 3 {
		return
	}
	area := signedArea(ring)
	// The inside is to the left of each edge's normal (-e.Y, e.X) when the
	// shoelace area is positive.
	dir := -1.0
	if area > 0 {
		dir = 1
	}
	rev := area*sign < 0
	for j := 0; j < n; j++ {
		i := j
		if rev {
			i = n - 1 - j
		}
		a, b, c := ring[(i+n-1)%n], ring[i], ring[(i+1)%n]
		n1 := edgeNormal(a, b, dir)
		n2 := edgeNormal(b, c, dir)
		k := 1 + n1.dot(n2)
		q := b
		if k > 0.3 {
			q = b.add(n1.add(n2).mul(d / k))
		}
		x, y := float32(q.X*s), float32(q.Y*s)
		if j == 0 {
			p.moveTo(x, y)
		} else {
			p.lineTo(x, y)
		}
	}
}

func edgeNormal(a, b Point, dir float64) Point {
	e := b.sub(a)
	l := e.len()
	if l == 0 {
		return Point{}
	}
	return Point{-e.Y / l * dir, e.X / l * dir}
}

// circle adds a clockwise (filled) circle of radius r at c, in pixels.
func (p *path) circle(cx, cy, r float32) {
	const k = 0.5522848
	kr := k * r
	p.moveTo(cx+r, cy)
	p.cubeTo(cx+r, cy-kr, cx+kr, cy-r, cx, cy-r)
	p.cubeTo(cx-kr, cy-r, cx-r, cy-kr, cx-r, cy)
	p.cubeTo(cx-r, cy+kr, cx-kr, cy+r, cx, cy+r)
	p.cubeTo(cx+kr, cy+r, cx+r, cy+kr, cx+r, cy)
}

// quadPx adds the clockwise quadrilateral a, b, c, d (pixels), reversing it
// when it winds the other way.
func (p *path) quadPx(a, b, c, d [2]float32) {
	area := (a[0]*b[1] - b[0]*a[1]) + (b[0]*c[1] - c[0]*b[1]) + (c[0]*d[1] - d[0]*c[1]) + (d[0]*a[1] - a[0]*d[1])
	if area > 0 {
		b, d = d, b
	}
	p.moveTo(a[0], a[1])
	p.lineTo(b[0], b[1])
	p.lineTo(c[0], c[1])
	p.lineTo(d[0], d[1])
}

func (p *path) triPx(a, b, c [2]float32) {
	area := (a[0]*b[1] - b[0]*a[1]) + (b[0]*c[1] - c[0]*b[1]) + (c[0]*a[1] - a[0]*c[1])
	if area > 0 {
		b, c = c, b
	}
	p.moveTo(a[0], a[1])
	p.lineTo(b[0], b[1])
	p.lineTo(c[0], c[1])
}

// stroke adds the outline of the polyline pts (layout pixels, scaled by s)
// drawn hw pixels either side of its centre, with round joins at sharp
// turns, bevels at gentle ones, and round or flat ends.
func (p *path) stroke(pts []Point, s float64, hw float32, roundCaps bool) {
	if len(pts) < 2 || hw <= 0 {
		return
	}
	var prevN [2]float32
	havePrev := false
	n := len(pts)
	for i := 1; i < n; i++ {
		ax, ay := float32(pts[i-1].X*s), float32(pts[i-1].Y*s)
		bx, by := float32(pts[i].X*s), float32(pts[i].Y*s)
		dx, dy := bx-ax, by-ay
		l := float32(math.Sqrt(float64(dx*dx + dy*dy)))
		if l < 1e-3 {
			continue
		}
		nx, ny := -dy/l*hw, dx/l*hw
		p.quadPx([2]float32{ax + nx, ay + ny}, [2]float32{bx + nx, by + ny}, [2]float32{bx - nx, by - ny}, [2]float32{ax - nx, ay - ny})
		if havePrev {
			// Join at a: cos of the turn from the previous normal.
			c := (prevN[0]*nx + prevN[1]*ny) / (hw * hw)
			if c < 0.94 && hw > 1.2 {
				p.circle(ax, ay, hw)
			} else {
				p.triPx([2]float32{ax, ay}, [2]float32{ax + prevN[0], ay + prevN[1]}, [2]float32{ax + nx, ay + ny})
				p.triPx([2]float32{ax, ay}, [2]float32{ax - prevN[0], ay - prevN[1]}, [2]float32{ax - nx, ay - ny})
			}
		} else if roundCaps {
			p.circle(ax, ay, hw)
		}
		prevN = [2]float32{nx, ny}
		havePrev = true
	}
	if roundCaps && havePrev {
		p.circle(float32(pts[n-1].X*s), float32(pts[n-1].Y*s), hw)
	}
}

// dashes splits pts into dashes of length on separated by off (layout
// pixels), starting phase into the pattern, and calls f for each dash.
func dashes(pts []Point, on, off, phase float64, f func([]Point)) {
	period := on + off
	if period <= 0 || len(pts) < 2 {
		return
	}
	t := math.Mod(phase, period)
	inDash := t < on
	remain := on - t
	if !inDash {
		remain = period - t
	}
	var cur []Point
	if inDash {
		cur = append(cur, pts[0])
	}
	for i := 1; i < len(pts); i++ {
		a, b := pts[i-1], pts[i]
		seg := a.dist(b)
		pos := 0.0
		for seg-pos > remain {
			pos += remain
			q := lerp(a, b, pos/seg)
			if inDash {
				cur = append(cur, q)
				f(cur)
				cur = cur[:0]
				remain = off
			} else {
				cur = append(cur, q)
				remain = on
			}
			inDash = !inDash
		}
		remain -= seg - pos
		if inDash {
			cur = append(cur, b)
		}
	}
	if inDash && len(cur) > 1 {
		f(cur)
	}
}

// canvas is the image being rendered and the scratch space to draw on it.
// It is owned by one render.
type canvas struct {
	img   *image.RGBA
	scale float64
	*scratch
}

// scratch is the reusable working memory of one render. Renderers keep
// them in a pool so that steady-state renders allocate little.
type scratch struct {
	z    vector.Rasterizer
	mask image.Alpha
	p    path
	// dil holds the buffers of halo dilation.
	dil [][]uint8
	q   quantizer
	img *image.RGBA // the image of renders that do not keep theirs
}

// newCanvas returns a canvas of w×h pixels. Unless keep is set the image
// lives in sc and is valid only until sc is reused.
func newCanvas(w, h int, scale float64, sc *scratch, keep bool) *canvas {
	if sc == nil {
		sc = new(scratch)
	}
	var img *image.RGBA
	if keep {
		img = image.NewRGBA(image.Rect(0, 0, w, h))
	} else {
		if sc.img == nil || sc.img.Rect.Dx() != w || sc.img.Rect.Dy() != h {
			sc.img = image.NewRGBA(image.Rect(0, 0, w, h))
		}
		img = sc.img
	}
	c := &canvas{img: img, scale: scale, scratch: sc}
	c.p.reset()
	return c
}

func (c *canvas) clear(col color.RGBA) {
	pix := c.img.Pix
	if len(pix) < 4 {
		return
	}
	pix[0], pix[1], pix[2], pix[3] = col.R, col.G, col.B, 255
	for n := 4; n < len(pix); n *= 2 {
		copy(pix[n:], pix[:n])
	}
}

// rasterize draws the path's coverage into c.mask and returns the image
// rectangle the mask covers (empty when the path is off the image). pad
// widens the rectangle on every side.
func (c *canvas) rasterize(p *path, pad int) image.Rectangle {
	if p.empty || len(p.ops) == 0 {
		return image.Rectangle{}
	}
	r := image.Rect(int(math.Floor(float64(p.minX)))-pad, int(math.Floor(float64(p.minY)))-pad,
		int(math.Ceil(float64(p.maxX)))+1+pad, int(math.Ceil(float64(p.maxY)))+1+pad)
	r = r.Intersect(c.img.Rect)
	if r.Empty() {
		return image.Rectangle{}
	}
	w, h := r.Dx(), r.Dy()
	c.z.Reset(w, h)
	ox, oy := float32(r.Min.X), float32(r.Min.Y)
	for i, op := range p.ops {
		q := op.p
		switch op.op {
		case 'M':
			if i > 0 {
				c.z.ClosePath()
			}
			c.z.MoveTo(q[0]-ox, q[1]-oy)
		case 'L':
			c.z.LineTo(q[0]-ox, q[1]-oy)
		case 'Q':
			c.z.QuadTo(q[0]-ox, q[1]-oy, q[2]-ox, q[3]-oy)
		case 'C':
			c.z.CubeTo(q[0]-ox, q[1]-oy, q[2]-ox, q[3]-oy, q[4]-ox, q[5]-oy)
		}
	}
	c.z.ClosePath()
	n := w * h
	if cap(c.mask.Pix) < n {
		c.mask.Pix = make([]uint8, n)
	}
	c.mask.Pix = c.mask.Pix[:n]
	c.mask.Stride = w
	c.mask.Rect = image.Rect(0, 0, w, h)
	c.z.DrawOp = draw.Src
	c.z.Draw(&c.mask, c.mask.Rect, image.Opaque, image.Point{})
	return r
}

// fill draws the path in col (its alpha is the opacity) and resets it.
func (c *canvas) fill(p *path, col color.RGBA) {
	r := c.rasterize(p, 0)
	if !r.Empty() {
		composite(c.img, r, c.mask.Pix, r.Dx(), col)
	}
	p.reset()
}

// composite blends the solid colour col through the coverage mask m (stride
// ms, covering r) onto the opaque image dst. col.A is the opacity.
func composite(dst *image.RGBA, r image.Rectangle, m []uint8, ms int, col color.RGBA) {
	ca := uint32(col.A)
	cr, cg, cb := uint32(col.R), uint32(col.G), uint32(col.B)
	solid := cr | cg<<8 | cb<<16 | 0xff000000
	solid2 := uint64(solid) | uint64(solid)<<32
	for y := 0; y < r.Dy(); y++ {
		row := m[y*ms : y*ms+r.Dx()]
		off := dst.PixOffset(r.Min.X, r.Min.Y+y)
		pix := dst.Pix[off : off+4*len(row)]
		for x := 0; x < len(row); x++ {
			mv := row[x]
			if mv == 0 {
				// Skip runs of uncovered pixels eight at a time.
				for x+8 <= len(row) && binary.LittleEndian.Uint64(row[x:]) == 0 {
					x += 8
				}
				continue
			}
			if mv == 255 && ca == 255 {
				// Fill runs of covered pixels eight at a time.
				for x+8 <= len(row) && binary.LittleEndian.Uint64(row[x:]) == ^uint64(0) {
					p8 := pix[4*x : 4*x+32]
					binary.LittleEndian.PutUint64(p8[0:], solid2)
					binary.LittleEndian.PutUint64(p8[8:], solid2)
					binary.LittleEndian.PutUint64(p8[16:], solid2)
					binary.LittleEndian.PutUint64(p8[24:], solid2)
					x += 8
				}
				if x >= len(row) {
					break
				}
				mv = row[x]
				if mv == 0 {
					x--
					continue
				}
			}
			a := uint32(mv)
			if ca != 255 {
				a = (a*ca + 127) / 255
			}
			i := 4 * x
			if a == 255 {
				binary.LittleEndian.PutUint32(pix[i:], solid)
				continue
			}
			ia := 255 - a
			pix[i] = uint8((uint32(pix[i])*ia + cr*a + 127) / 255)
			pix[i+1] = uint8((uint32(pix[i+1])*ia + cg*a + 127) / 255)
			pix[i+2] = uint8((uint32(pix[i+2])*ia + cb*a + 127) / 255)
		}
	}
}
