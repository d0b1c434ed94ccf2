package osmsource

import (
	"math"

	"github.com/tollgate/tollgate/captcha/maptile"
)

// OpenStreetMap coastlines are drawn with the land on the left and the sea
// on the right. seaPolygons turns the coastline chains crossing the clip
// rectangle into sea polygons: each piece of coast that enters and leaves
// the rectangle is followed, then the rectangle's edge clockwise (keeping
// the sea on the right) to the next piece, until the polygon closes.

type coastPiece struct {
	pts       []maptile.Point
	tIn, tOut float64 // perimeter positions of the ends
	edgeStart bool    // starts on the rectangle's edge
	edgeEnd   bool    // ends on the rectangle's edge
}

// perimeter returns the clockwise position of p (on the edge of r),
// starting at the top-left corner.
func perimeter(p maptile.Point, r rectPx) float64 {
	w, h := r.x1-r.x0, r.y1-r.y0
	const eps = 1e-6
	switch {
	case math.Abs(p.Y-r.y0) < eps:
		return p.X - r.x0
	case math.Abs(p.X-r.x1) < eps:
		return w + (p.Y - r.y0)
	case math.Abs(p.Y-r.y1) < eps:
		return w + h + (r.x1 - p.X)
	default:
		return 2*w + h + (r.y1 - p.Y)
	}
}

// corner returns the corner at perimeter position k·(edge lengths).
func corners(r rectPx) [4]struct {
	t float64
	p maptile.Point
} {
	w, h := r.x1-r.x0, r.y1-r.y0
	return [4]struct {
		t float64
		p maptile.Point
	}{
		{w, maptile.Point{X: r.x1, Y: r.y0}},
		{w + h, maptile.Point{X: r.x1, Y: r.y1}},
		{2*w + h, maptile.Point{X: r.x0, Y: r.y1}},
		{2*w + 2*h, maptile.Point{X: r.x0, Y: r.y0}},
	}
}

// cutCoast clips one chain to r.
func cutCoast(pts []maptile.Point, r rectPx) (pieces []coastPiece, ring []maptile.Point) {
	closed := len(pts) > 3 && pts[0] == pts[len(pts)-1]
	b := boxOf(pts)
	if closed && b.x0 > r.x0 && b.y0 > r.y0 && b.x1 < r.x1 && b.y1 < r.y1 {
		return nil, pts[:len(pts)-1]
	}
	var cur *coastPiece
	for i := 1; i < len(pts); i++ {
		a, c := pts[i-1], pts[i]
		t0, t1, ok := clipSeg(a, c, r)
		if !ok || t1 < t0 {
			continue
		}
		pa := maptile.Point{X: a.X + (c.X-a.X)*t0, Y: a.Y + (c.Y-a.Y)*t0}
		pb := maptile.Point{X: a.X + (c.X-a.X)*t1, Y: a.Y + (c.Y-a.Y)*t1}
		if cur == nil {
			cur = &coastPiece{pts: []maptile.Point{pa}, edgeStart: t0 > 0}
		}
		cur.pts = append(cur.pts, pb)
		if t1 < 1 {
			cur.edgeEnd = true
			pieces = append(pieces, *cur)
			cur = nil
		}
	}
	if cur != nil {
		pieces = append(pieces, *cur)
	}
	// A closed chain cut by r starts and ends inside: rejoin its ends.
	if closed && len(pieces) > 1 && !pieces[0].edgeStart && !pieces[len(pieces)-1].edgeEnd {
		last := pieces[len(pieces)-1]
		first := pieces[0]
		last.pts = append(last.pts, first.pts[1:]...)
		last.edgeEnd = first.edgeEnd
		pieces = append([]coastPiece{last}, pieces[1:len(pieces)-1]...)
	}
	return pieces, nil
}

// seaPolygons returns the sea inside r as areas (outline plus island
// holes).
func seaPolygons(chains [][]maptile.Point, r rectPx) [][][]maptile.Point {
	var pieces []coastPiece
	var islands, lagoons [][]maptile.Point
	for _, ch := range chains {
		ps, ring := cutCoast(ch, r)
		if ring != nil {
			// Land on the left: an island runs anticlockwise on screen,
			// which is a negative shoelace area with y down.
			if ringArea(ring) < 0 {
				islands = append(islands, ring)
			} else {
				lagoons = append(lagoons, ring)
			}
			continue
		}
		for _, p := range ps {
			if p.edgeStart && p.edgeEnd && len(p.pts) >= 2 {
				p.tIn = perimeter(p.pts[0], r)
				p.tOut = perimeter(p.pts[len(p.pts)-1], r)
				pieces = append(pieces, p)
			}
		}
	}
	w, h := r.x1-r.x0, r.y1-r.y0
	per := 2 * (w + h)
	var polys [][][]maptile.Point
	used := make([]bool, len(pieces))
	for i := range pieces {
		if used[i] {
			continue
		}
		var poly []maptile.Point
		j := i
		for guard := 0; guard <= len(pieces); guard++ {
			used[j] = true
			poly = append(poly, pieces[j].pts...)
			tOut := pieces[j].tOut
			next, bestD := -1, math.Inf(1)
			for k := range pieces {
				if used[k] && k != i {
					continue
				}
				d := math.Mod(pieces[k].tIn-tOut+per, per)
				if d < bestD {
					next, bestD = k, d
				}
			}
			if next < 0 {
				break
			}
			poly = append(poly, cornersBetween(r, tOut, bestD)...)
			if next == i {
				break
			}
			j = next
		}
		if len(poly) >= 3 {
			polys = append(polys, [][]maptile.Point{poly})
		}
	}
	if len(pieces) == 0 && len(islands) > 0 {
		outline := []maptile.Point{{X: r.x0, Y: r.y0}, {X: r.x1, Y: r.y0}, {X: r.x1, Y: r.y1}, {X: r.x0, Y: r.y1}}
		polys = append(polys, [][]maptile.Point{outline})
	}
	for _, is := range islands {
		for k := range polys {
			if inRing(is[0], polys[k][0]) {
				polys[k] = append(polys[k], is)
				break
			}
		}
	}
	for _, l := range lagoons {
		polys = append(polys, [][]maptile.Point{l})
	}
	return polys
}

// cornersBetween lists the rectangle corners passed going clockwise a
// distance d from perimeter position t.
func cornersBetween(r rectPx, t, d float64) []maptile.Point {
	per := 2 * ((r.x1 - r.x0) + (r.y1 - r.y0))
	var out []maptile.Point
	// Walk corners in clockwise order starting after t.
	cs := corners(r)
	for lap := 0; lap < 2; lap++ {
		for _, c := range cs {
			ct := c.t + float64(lap)*per
			if ct > t && ct < t+d {
				out = append(out, c.p)
			}
		}
	}
	return out
}
