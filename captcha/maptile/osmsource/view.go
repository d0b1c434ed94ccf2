package osmsource

import (
	"context"
	"math"
	"math/rand/v2"

	"github.com/tollgate/tollgate/captcha/maptile"
)

// clipMargin is how far beyond the image (layout pixels) geometry is kept.
const clipMargin = 24

// Map implements maptile.MapSource: it picks a view of the extract, at a
// scale and centre drawn from rng, that shows several places.
func (s *Source) Map(ctx context.Context, rng *rand.Rand, width, height float64) (*maptile.Map, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	mpp := s.cfg.minMPP + (s.cfg.maxMPP-s.cfg.minMPP)*rng.Float64()
	vw, vh := width*mpp, height*mpp
	// Try a few centres near places and keep the one showing the most.
	var best maptile.Point
	bestN := -1
	for try := 0; try < 6; try++ {
		var c maptile.Point
		if len(s.places) > 0 {
			p := s.places[rng.IntN(len(s.places))].at
			c = maptile.Point{X: p.X + (rng.Float64()-0.5)*vw/2, Y: p.Y + (rng.Float64()-0.5)*vh/2}
		} else {
			c = maptile.Point{X: s.bounds.x0 + rng.Float64()*(s.bounds.x1-s.bounds.x0), Y: s.bounds.y0 + rng.Float64()*(s.bounds.y1-s.bounds.y0)}
		}
		c.X = clampCentre(c.X, s.bounds.x0, s.bounds.x1, vw)
		c.Y = clampCentre(c.Y, s.bounds.y0, s.bounds.y1, vh)
		view := box{c.X - vw/2 + 20*mpp, c.Y - vh/2 + 20*mpp, c.X + vw/2 - 20*mpp, c.Y + vh/2 - 20*mpp}
		n := 0
		for _, p := range s.places {
			if p.at.X > view.x0 && p.at.X < view.x1 && p.at.Y > view.y0 && p.at.Y < view.y1 {
				n++
			}
		}
		if n > bestN {
			best, bestN = c, n
		}
		if n >= 8 {
			break
		}
	}
	return s.view(rng, best, mpp, width, height), nil
}

// clampCentre keeps a view of size v inside [lo, hi] when it fits.
func clampCentre(c, lo, hi, v float64) float64 {
	if hi-lo <= v {
		return (lo + hi) / 2
	}
	return math.Max(lo+v/2, math.Min(hi-v/2, c))
}

// view builds the map of the view centred at c.
func (s *Source) view(rng *rand.Rand, c maptile.Point, mpp, w, h float64) *maptile.Map {
	m := &maptile.Map{Attribution: Attribution}
	tx := func(p maptile.Point) maptile.Point {
		return maptile.Point{X: (p.X-c.X)/mpp + w/2, Y: (p.Y-c.Y)/mpp + h/2}
	}
	margin := clipMargin * mpp
	view := box{c.X - w/2*mpp - margin, c.Y - h/2*mpp - margin, c.X + w/2*mpp + margin, c.Y + h/2*mpp + margin}
	clip := rectPx{-clipMargin, -clipMargin, w + clipMargin, h + clipMargin}

	areaIndex := make(map[int]int)
	for i, a := range s.areas {
		if !a.bbox.overlaps(view) {
			continue
		}
		var rings [][]maptile.Point
		for k, ring := range a.rings {
			px := make([]maptile.Point, len(ring))
			for j, p := range ring {
				px[j] = tx(p)
			}
			px = clipPolygon(px, clip)
			if len(px) < 3 {
				if k == 0 {
					break
				}
				continue
			}
			rings = append(rings, px)
		}
		if len(rings) == 0 {
			continue
		}
		areaIndex[i] = len(m.Areas)
		m.Areas = append(m.Areas, maptile.Area{Kind: a.areaKind, Rings: rings, Name: a.name})
	}
	for _, l := range s.lines {
		if !l.bbox.overlaps(view) {
			continue
		}
		px := make([]maptile.Point, len(l.rings[0]))
		for j, p := range l.rings[0] {
			px[j] = tx(p)
		}
		for _, piece := range clipLine(px, clip) {
			m.Lines = append(m.Lines, maptile.Line{Kind: l.lineKind, Points: piece, Tunnel: l.tunnel, Name: l.name})
		}
	}
	if len(s.coast) > 0 {
		var chains [][]maptile.Point
		for _, ch := range s.coast {
			px := make([]maptile.Point, len(ch))
			for j, p := range ch {
				px[j] = tx(p)
			}
			chains = append(chains, px)
		}
		for _, sea := range seaPolygons(chains, clip) {
			m.Areas = append(m.Areas, maptile.Area{Kind: maptile.AreaWater, Rings: sea})
		}
	}
	inView := func(p maptile.Point) bool { return p.X >= 0 && p.Y >= 0 && p.X <= w && p.Y <= h }
	hasPlace := make(map[int]bool)
	for _, p := range s.places {
		at := tx(p.at)
		if !inView(at) {
			continue
		}
		b := -1
		if i, ok := areaIndex[p.building]; ok && p.building >= 0 {
			b = i
			hasPlace[p.building] = true
		}
		m.Places = append(m.Places, maptile.Place{Kind: p.kind, At: at, Building: b, Name: p.name})
	}
	// Real buildings without a point of interest become places too, so a
	// quiet street still has room for labels.
	kinds := []maptile.PlaceKind{maptile.PlaceCafe, maptile.PlaceRestaurant, maptile.PlaceStore, maptile.PlaceBakery,
		maptile.PlacePharmacy, maptile.PlaceHospital, maptile.PlaceLibrary, maptile.PlaceHotel, maptile.PlaceChurch}
	for i, a := range s.areas {
		j, ok := areaIndex[i]
		if !ok || a.areaKind != maptile.AreaBuilding || hasPlace[i] {
			continue
		}
		area := math.Abs(ringArea(a.rings[0]))
		if area < 120 || area > 6000 || rng.IntN(3) != 0 {
			continue
		}
		at := tx(centroid(a.rings[0]))
		if !inView(at) {
			continue
		}
		m.Places = append(m.Places, maptile.Place{Kind: kinds[rng.IntN(len(kinds))], At: at, Building: j})
	}
	return m
}

// rectPx is a clip rectangle in layout pixels.
type rectPx struct{ x0, y0, x1, y1 float64 }

// clipPolygon clips a ring to r (Sutherland–Hodgman).
func clipPolygon(ring []maptile.Point, r rectPx) []maptile.Point {
	b := boxOf(ring)
	if b.x0 >= r.x0 && b.y0 >= r.y0 && b.x1 <= r.x1 && b.y1 <= r.y1 {
		return ring
	}
	out := ring
	for edge := 0; edge < 4; edge++ {
		in := out
		out = make([]maptile.Point, 0, len(in)+4)
		if len(in) == 0 {
			break
		}
		inside := func(p maptile.Point) bool {
			switch edge {
			case 0:
				return p.X >= r.x0
			case 1:
				return p.X <= r.x1
			case 2:
				return p.Y >= r.y0
			}
			return p.Y <= r.y1
		}
		cross := func(a, b maptile.Point) maptile.Point {
			var t float64
			switch edge {
			case 0:
				t = (r.x0 - a.X) / (b.X - a.X)
			case 1:
				t = (r.x1 - a.X) / (b.X - a.X)
			case 2:
				t = (r.y0 - a.Y) / (b.Y - a.Y)
			default:
				t = (r.y1 - a.Y) / (b.Y - a.Y)
			}
			return maptile.Point{X: a.X + (b.X-a.X)*t, Y: a.Y + (b.Y-a.Y)*t}
		}
		prev := in[len(in)-1]
		for _, p := range in {
			switch pin, qin := inside(p), inside(prev); {
			case pin && qin:
				out = append(out, p)
			case pin && !qin:
				out = append(out, cross(prev, p), p)
			case !pin && qin:
				out = append(out, cross(prev, p))
			}
			prev = p
		}
	}
	return out
}

// clipLine cuts a polyline into the pieces that pass through r. Pieces keep
// one point beyond r at each end so strokes reach the edge.
func clipLine(pts []maptile.Point, r rectPx) [][]maptile.Point {
	var out [][]maptile.Point
	var cur []maptile.Point
	for i := 1; i < len(pts); i++ {
		a, b := pts[i-1], pts[i]
		if segTouches(a, b, r) {
			if len(cur) == 0 {
				cur = append(cur, a)
			}
			cur = append(cur, b)
			continue
		}
		if len(cur) > 1 {
			out = append(out, cur)
		}
		cur = nil
	}
	if len(cur) > 1 {
		out = append(out, cur)
	}
	return out
}

// segTouches reports whether segment ab may cross r (Liang–Barsky).
func segTouches(a, b maptile.Point, r rectPx) bool {
	t0, t1, ok := clipSeg(a, b, r)
	return ok && t1 >= t0
}

// clipSeg returns the parameter range [t0, t1] of segment ab inside r.
func clipSeg(a, b maptile.Point, r rectPx) (float64, float64, bool) {
	t0, t1 := 0.0, 1.0
	dx, dy := b.X-a.X, b.Y-a.Y
	for _, e := range [4][2]float64{{-dx, a.X - r.x0}, {dx, r.x1 - a.X}, {-dy, a.Y - r.y0}, {dy, r.y1 - a.Y}} {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return 0, 0, false
			}
			continue
		}
		t := q / p
		if p < 0 {
			t0 = math.Max(t0, t)
		} else {
			t1 = math.Min(t1, t)
		}
		if t0 > t1 {
			return 0, 0, false
		}
	}
	return t0, t1, true
}
