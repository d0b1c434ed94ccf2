package ocr

import (
	"image"
	"image/color"
	"image/draw"
	"math"
)

// DarkLuma is the luma below which the dark variants keep a pixel as ink.
const DarkLuma = 150

// Variant is one way an attacker prepares an image before OCR, such as
// "upscale 3×, keep dark ink". Apply must not modify its argument and must
// be safe for concurrent use.
type Variant struct {
	// Name identifies the variant in reports, such as "dark×3".
	Name string
	// Apply returns the prepared image.
	Apply func(image.Image) image.Image
}

// Raw is the variant that passes the image unchanged.
var Raw = Variant{Name: "raw", Apply: func(m image.Image) image.Image { return m }}

// Standard variants. The dark threshold (luma 150) sits above the label
// colours of map styles (luma below about 100, lighter at anti-aliased
// edges) and below map fills, roads, water, parks and white or near-white
// watermark text (luma 155 and up; rails are a little darker), so "dark"
// keeps label text and drops watermarks and most of the map.
var (
	// Gray2 is grayscale upscaled 2× (bilinear).
	Gray2 = Chain("gray×2", Upscale(2))
	// Otsu2 is grayscale upscaled 2× and binarised at Otsu's threshold.
	Otsu2 = Chain("otsu×2", Upscale(2), Otsu())
	// Dark3 is grayscale upscaled 3× with everything lighter than luma 150
	// turned white: colour separation that keeps dark label text.
	Dark3 = Chain("dark×3", Upscale(3), Threshold(DarkLuma))
	// DarkClose3 is Dark3 followed by a morphological closing of the ink
	// (radius 2 at the upscaled size), which bridges the gaps that light
	// watermark strokes cut through dark letters.
	DarkClose3 = Chain("dark-close×3", Upscale(3), Threshold(DarkLuma), Close(2))
	// NoWhite2 turns white and near-white pixels (all channels ≥ 215,
	// where watermarks are drawn) white, then upscales 2× and binarises
	// at Otsu's threshold.
	NoWhite2 = Variant{Name: "nowhite×2", Apply: func(m image.Image) image.Image {
		return Chain("", Upscale(2), Otsu()).Apply(DropLight(m, 215))
	}}
	// Dark3CW is Dark3 of the image turned a quarter turn clockwise, so
	// that text running bottom-to-top (vertical streets) becomes
	// horizontal; Dark3CCW turns it counter-clockwise, for text running
	// top-to-bottom.
	Dark3CW = Variant{Name: "dark×3 rot+90", Apply: func(m image.Image) image.Image {
		return Dark3.Apply(Rotate90(m, true))
	}}
	// Dark3CCW: see Dark3CW.
	Dark3CCW = Variant{Name: "dark×3 rot-90", Apply: func(m image.Image) image.Image {
		return Dark3.Apply(Rotate90(m, false))
	}}
)

// QuickVariants is the short list used in CI and for vetting, where time
// counts: the single strongest attacker preparation on map images plus a
// plain upscale.
func QuickVariants() []Variant { return []Variant{Dark3, Gray2} }

// FullVariants is every standard variant, for audits.
func FullVariants() []Variant {
	return []Variant{Raw, Gray2, Otsu2, Dark3, DarkClose3, NoWhite2, Dark3CW, Dark3CCW}
}

// Step transforms a grayscale image; it may return its argument modified.
type Step func(*image.Gray) *image.Gray

// Chain returns a Variant named name that converts the image to grayscale
// (see ToGray) and applies steps in order.
func Chain(name string, steps ...Step) Variant {
	return Variant{Name: name, Apply: func(m image.Image) image.Image {
		g := ToGray(m)
		for _, s := range steps {
			g = s(g)
		}
		return g
	}}
}

// ToGray returns a new grayscale copy of m, with the origin at (0, 0). Pixels
// are composited over white first, so transparent areas become white, and
// converted with the ITU-R BT.601 luma weights.
func ToGray(m image.Image) *image.Gray {
	b := m.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	if src, ok := m.(*image.RGBA); ok {
		for y := 0; y < b.Dy(); y++ {
			row := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
			out := g.Pix[y*g.Stride:]
			for x := 0; x < b.Dx(); x++ {
				p := row[4*x : 4*x+4]
				out[x] = lumaOverWhite(uint32(p[0])*0x101, uint32(p[1])*0x101, uint32(p[2])*0x101, uint32(p[3])*0x101)
			}
		}
		return g
	}
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			r, gg, bb, a := m.At(b.Min.X+x, b.Min.Y+y).RGBA()
			g.Pix[y*g.Stride+x] = lumaOverWhite(r, gg, bb, a)
		}
	}
	return g
}

// lumaOverWhite returns the 8-bit luma of a premultiplied 16-bit colour
// composited over white.
func lumaOverWhite(r, g, b, a uint32) uint8 {
	w := 0xffff - a
	r, g, b = r+w, g+w, b+w
	y := (19595*r + 38470*g + 7471*b + 1<<15) >> 24
	return uint8(y)
}

// Upscale returns a Step that enlarges the image k times (k from 2 to 8)
// with bilinear interpolation; other k leave it unchanged.
func Upscale(k int) Step {
	return func(g *image.Gray) *image.Gray {
		if k < 2 || k > 8 {
			return g
		}
		w, h := g.Rect.Dx(), g.Rect.Dy()
		out := image.NewGray(image.Rect(0, 0, w*k, h*k))
		if w == 0 || h == 0 {
			return out
		}
		// Source taps and weights (in 1/256) of each output column and row;
		// pixel centres map to (o+0.5)/k-0.5 in the source.
		type tap struct{ i0, i1, f int }
		taps := func(n int) []tap {
			t := make([]tap, n*k)
			for o := range t {
				pos := (2*o + 1 - k) * 256 / (2 * k) // source position in 1/256
				i0 := pos >> 8                       // floor, also for negative pos
				f := pos - i0<<8
				t[o] = tap{min(max(i0, 0), n-1), min(max(i0+1, 0), n-1), f}
			}
			return t
		}
		xs, ys := taps(w), taps(h)
		for oy, ty := range ys {
			r0 := g.Pix[ty.i0*g.Stride : ty.i0*g.Stride+w]
			r1 := g.Pix[ty.i1*g.Stride : ty.i1*g.Stride+w]
			dst := out.Pix[oy*out.Stride : oy*out.Stride+w*k]
			for ox, tx := range xs {
				top := int(r0[tx.i0])*(256-tx.f) + int(r0[tx.i1])*tx.f
				bot := int(r1[tx.i0])*(256-tx.f) + int(r1[tx.i1])*tx.f
				dst[ox] = uint8((top*(256-ty.f) + bot*ty.f + 1<<15) >> 16)
			}
		}
		return out
	}
}

// Threshold returns a Step that turns pixels with luma below t black and
// all others white.
func Threshold(t uint8) Step {
	return func(g *image.Gray) *image.Gray {
		binarize(g, t)
		return g
	}
}

// Otsu returns a Step that binarises the image at the threshold that Otsu's
// method picks from its histogram (maximum between-class variance).
func Otsu() Step {
	return func(g *image.Gray) *image.Gray {
		binarize(g, OtsuThreshold(g))
		return g
	}
}

func binarize(g *image.Gray, t uint8) {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	for y := 0; y < h; y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for i, v := range row {
			if v < t {
				row[i] = 0
			} else {
				row[i] = 255
			}
		}
	}
}

// OtsuThreshold returns the threshold Otsu's method picks for g: pixels
// below it form the dark class. A uniform image gives 128.
func OtsuThreshold(g *image.Gray) uint8 {
	var hist [256]int
	w, h := g.Rect.Dx(), g.Rect.Dy()
	for y := 0; y < h; y++ {
		for _, v := range g.Pix[y*g.Stride : y*g.Stride+w] {
			hist[v]++
		}
	}
	total := w * h
	var sum float64
	for i, c := range hist {
		sum += float64(i * c)
	}
	var sumB float64
	var wB int
	best, bestT := -1.0, 128
	for t := 0; t < 256; t++ {
		// Class "dark" is values < t+1 once hist[t] is added.
		wB += hist[t]
		if wB == 0 {
			continue
		}
		wF := total - wB
		if wF == 0 {
			break
		}
		sumB += float64(t * hist[t])
		mB := sumB / float64(wB)
		mF := (sum - sumB) / float64(wF)
		between := float64(wB) * float64(wF) * (mB - mF) * (mB - mF)
		if between > best {
			best, bestT = between, t+1
		}
	}
	if best <= 0 {
		return 128
	}
	return uint8(min(bestT, 255))
}

// Close returns a Step that closes dark ink with a square of radius r
// (dilate the ink, then erode it), filling gaps up to 2r pixels wide that
// light strokes cut through letters. It expects a binary image: pixels
// below 128 are ink; the result is black ink on white.
func Close(r int) Step {
	return func(g *image.Gray) *image.Gray {
		if r <= 0 {
			return g
		}
		ink := make([]bool, g.Rect.Dx()*g.Rect.Dy())
		w := g.Rect.Dx()
		if w == 0 {
			return g
		}
		for y := 0; y < g.Rect.Dy(); y++ {
			for x, v := range g.Pix[y*g.Stride : y*g.Stride+w] {
				ink[y*w+x] = v < 128
			}
		}
		ink = morph(ink, w, r, true)
		ink = morph(ink, w, r, false)
		out := image.NewGray(image.Rect(0, 0, w, g.Rect.Dy()))
		for i, v := range ink {
			if !v {
				out.Pix[i] = 255
			}
		}
		return out
	}
}

// Open returns a Step that opens dark ink with a square of radius r (erode
// the ink, then dilate it), removing lines thinner than 2r+1 pixels, such
// as strokes drawn across letters, while keeping thicker letter strokes.
// It expects a binary image: pixels below 128 are ink.
func Open(r int) Step {
	return func(g *image.Gray) *image.Gray {
		if r <= 0 {
			return g
		}
		w, h := g.Rect.Dx(), g.Rect.Dy()
		ink := make([]bool, w*h)
		for y := 0; y < h; y++ {
			for x, v := range g.Pix[y*g.Stride : y*g.Stride+w] {
				ink[y*w+x] = v < 128
			}
		}
		if w > 0 {
			ink = morph(morph(ink, w, r, false), w, r, true)
		}
		out := image.NewGray(image.Rect(0, 0, w, h))
		for i, v := range ink {
			if !v {
				out.Pix[i] = 255
			}
		}
		return out
	}
}

// morph dilates (any ink in the window) or erodes (all ink in the window,
// the image's outside counting as ink) a w-wide ink mask with a square of
// radius r, as a row pass and a column pass of sliding counts.
func morph(in []bool, w, r int, dilate bool) []bool {
	h := len(in) / w
	// line filters the n pixels src[base], src[base+stride], … into dst.
	line := func(src, dst []bool, base, stride, n int) {
		count := 0 // ink in the window [i-r, i+r] clipped to [0, n)
		for j := 0; j < min(r, n); j++ {
			if src[base+j*stride] {
				count++
			}
		}
		for i := 0; i < n; i++ {
			if j := i + r; j < n && src[base+j*stride] {
				count++
			}
			if j := i - r - 1; j >= 0 && src[base+j*stride] {
				count--
			}
			if dilate {
				dst[base+i*stride] = count > 0
			} else {
				dst[base+i*stride] = count == min(i+r, n-1)-max(i-r, 0)+1
			}
		}
	}
	tmp := make([]bool, len(in))
	for y := 0; y < h; y++ {
		line(in, tmp, y*w, 1, w)
	}
	out := make([]bool, len(in))
	for x := 0; x < w; x++ {
		line(tmp, out, x, w, h)
	}
	return out
}

// DropLight returns a copy of m, with the origin at (0, 0), in which every
// pixel whose red, green and blue are all at least min (8-bit) is pure
// white: colour separation that removes white and near-white text while
// keeping coloured and dark ink.
func DropLight(m image.Image, minimum uint8) *image.RGBA {
	b := m.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Rect, image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(out, out.Rect, m, b.Min, draw.Over)
	for i := 0; i+3 < len(out.Pix); i += 4 {
		p := out.Pix[i : i+4 : i+4]
		if p[0] >= minimum && p[1] >= minimum && p[2] >= minimum {
			p[0], p[1], p[2] = 255, 255, 255
		}
	}
	return out
}

// Crop returns a copy of the part of m inside r (clipped to m's bounds)
// with its origin at (0, 0), over white.
func Crop(m image.Image, r image.Rectangle) *image.RGBA {
	r = r.Intersect(m.Bounds())
	out := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(out, out.Rect, image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(out, out.Rect, m, r.Min, draw.Over)
	return out
}

// CropQuad returns the part of m inside the quadrilateral q, grown by pad
// pixels on every side and turned upright: q lists the corners of a
// (possibly rotated) text box clockwise from the top-left of the text, as
// package maptile reports labels, and the result has q[0]→q[1] as its
// horizontal top edge. Pixels are sampled bilinearly; outside m is white.
// A degenerate q gives an empty image.
func CropQuad(m image.Image, q [4]image.Point, pad int) *image.RGBA {
	p0 := pointF(q[0])
	ux, uy := float64(q[1].X-q[0].X), float64(q[1].Y-q[0].Y)
	vx, vy := float64(q[3].X-q[0].X), float64(q[3].Y-q[0].Y)
	lu, lv := math.Hypot(ux, uy), math.Hypot(vx, vy)
	if lu < 1 || lv < 1 || lu > 1<<14 || lv > 1<<14 {
		return image.NewRGBA(image.Rectangle{})
	}
	ux, uy, vx, vy = ux/lu, uy/lu, vx/lv, vy/lv
	w, h := int(math.Round(lu))+2*pad, int(math.Round(lv))+2*pad
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	src := toRGBA(m)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := float64(x-pad)+0.5, float64(y-pad)+0.5
			sx := p0[0] + dx*ux + dy*vx
			sy := p0[1] + dx*uy + dy*vy
			o := out.PixOffset(x, y)
			c := bilinear(src, sx, sy)
			copy(out.Pix[o:o+4], c[:])
		}
	}
	return out
}

func pointF(p image.Point) [2]float64 { return [2]float64{float64(p.X), float64(p.Y)} }

// toRGBA returns m as an opaque *image.RGBA over white with its origin at
// (0, 0).
func toRGBA(m image.Image) *image.RGBA {
	return Crop(m, m.Bounds())
}

// bilinear samples src at the continuous position (x, y), where pixel
// centres lie at half-integers; positions outside are white.
func bilinear(src *image.RGBA, x, y float64) [4]uint8 {
	x, y = x-0.5, y-0.5
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := x-float64(x0), y-float64(y0)
	var acc [3]float64
	for j := 0; j < 2; j++ {
		for i := 0; i < 2; i++ {
			wgt := (1 - fx) * (1 - fy)
			switch {
			case i == 1 && j == 0:
				wgt = fx * (1 - fy)
			case i == 0 && j == 1:
				wgt = (1 - fx) * fy
			case i == 1 && j == 1:
				wgt = fx * fy
			}
			px, py := x0+i, y0+j
			for c := 0; c < 3; c++ {
				v := 255.0
				if image.Pt(px, py).In(src.Rect) {
					v = float64(src.Pix[src.PixOffset(px, py)+c])
				}
				acc[c] += wgt * v
			}
		}
	}
	return [4]uint8{uint8(math.Round(acc[0])), uint8(math.Round(acc[1])), uint8(math.Round(acc[2])), 255}
}

// Rotate90 returns m turned a quarter turn clockwise (clockwise true) or
// counter-clockwise, with its origin at (0, 0): vertical text becomes
// horizontal for engines that read only horizontal lines.
func Rotate90(m image.Image, clockwise bool) *image.RGBA {
	src := toRGBA(m)
	w, h := src.Rect.Dx(), src.Rect.Dy()
	out := image.NewRGBA(image.Rect(0, 0, h, w))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			nx, ny := h-1-y, x
			if !clockwise {
				nx, ny = y, w-1-x
			}
			so, do := src.PixOffset(x, y), out.PixOffset(nx, ny)
			copy(out.Pix[do:do+4], src.Pix[so:so+4])
		}
	}
	return out
}

// RotateGray returns g turned by angle radians (clockwise) about its
// centre, on a canvas large enough to hold it, with nearest-neighbour
// sampling and white outside.
func RotateGray(g *image.Gray, angle float64) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	sin, cos := math.Sincos(angle)
	ow := int(math.Ceil(float64(w)*math.Abs(cos) + float64(h)*math.Abs(sin) - 1e-6))
	oh := int(math.Ceil(float64(w)*math.Abs(sin) + float64(h)*math.Abs(cos) - 1e-6))
	out := image.NewGray(image.Rect(0, 0, ow, oh))
	cx, cy := float64(w)/2, float64(h)/2
	ocx, ocy := float64(ow)/2, float64(oh)/2
	for y := 0; y < oh; y++ {
		for x := 0; x < ow; x++ {
			dx, dy := float64(x)+0.5-ocx, float64(y)+0.5-ocy
			// Inverse rotation from output to source.
			sx := int(math.Floor(cx + dx*cos + dy*sin))
			sy := int(math.Floor(cy - dx*sin + dy*cos))
			v := uint8(255)
			if sx >= 0 && sy >= 0 && sx < w && sy < h {
				v = g.Pix[sy*g.Stride+sx]
			}
			out.Pix[y*out.Stride+x] = v
		}
	}
	return out
}

// Dewarp returns a Step that straightens a wavy text line: every column
// is shifted vertically so that the centre of the dark ink (pixels below
// 128) around it, over a window half as wide as the image is high, lies on
// one horizontal line. The result is twice as high, white where nothing
// was shifted in.
func Dewarp() Step {
	return func(g *image.Gray) *image.Gray {
		w, h := g.Rect.Dx(), g.Rect.Dy()
		out := image.NewGray(image.Rect(0, 0, w, 2*h))
		for i := range out.Pix {
			out.Pix[i] = 255
		}
		if w == 0 || h == 0 {
			return out
		}
		// Ink count and sum of row indices per column.
		cnt := make([]int, w+1)
		sum := make([]int, w+1)
		for x := 0; x < w; x++ {
			c, s := 0, 0
			for y := 0; y < h; y++ {
				if g.Pix[y*g.Stride+x] < 128 {
					c++
					s += y
				}
			}
			cnt[x+1], sum[x+1] = cnt[x]+c, sum[x]+s
		}
		r := max(h/4, 1)
		prev := h / 2
		for x := 0; x < w; x++ {
			lo, hi := max(x-r, 0), min(x+r+1, w)
			centre := prev
			if c := cnt[hi] - cnt[lo]; c > 0 {
				centre = (sum[hi] - sum[lo]) / c
			}
			prev = centre
			shift := h - centre // move the centre to row h of the output
			for y := 0; y < h; y++ {
				if ny := y + shift; ny >= 0 && ny < 2*h {
					out.Pix[ny*out.Stride+x] = g.Pix[y*g.Stride+x]
				}
			}
		}
		return out
	}
}
