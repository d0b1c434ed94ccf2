package maptile

import "math"

// Point is a position on the map in layout pixels: x grows to the right, y
// grows down, and (0, 0) is the top-left corner of the image at scale 1.
// It is a plain value, safe to copy and share.
type Point struct {
	X, Y float64
}

func (p Point) add(q Point) Point          { return Point{p.X + q.X, p.Y + q.Y} }
func (p Point) sub(q Point) Point          { return Point{p.X - q.X, p.Y - q.Y} }
func (p Point) mul(k float64) Point        { return Point{p.X * k, p.Y * k} }
func (p Point) dot(q Point) float64        { return p.X*q.X + p.Y*q.Y }
func (p Point) len() float64               { return math.Hypot(p.X, p.Y) }
func (p Point) dist(q Point) float64       { return math.Hypot(p.X-q.X, p.Y-q.Y) }
func (p Point) rot(sin, cos float64) Point { return Point{p.X*cos - p.Y*sin, p.X*sin + p.Y*cos} }
func lerp(p, q Point, t float64) Point     { return Point{p.X + (q.X-p.X)*t, p.Y + (q.Y-p.Y)*t} }

// rect is an axis-aligned rectangle in layout pixels.
type rect struct{ x0, y0, x1, y1 float64 }

func (r rect) overlaps(s rect) bool {
	return r.x0 < s.x1 && s.x0 < r.x1 && r.y0 < s.y1 && s.y0 < r.y1
}

// quad is a convex quadrilateral (a rotated rectangle) in layout pixels,
// corners in order.
type quad [4]Point

func (q quad) bounds() rect {
	r := rect{q[0].X, q[0].Y, q[0].X, q[0].Y}
	for _, p := range q[1:] {
		r.x0, r.y0 = math.Min(r.x0, p.X), math.Min(r.y0, p.Y)
		r.x1, r.y1 = math.Max(r.x1, p.X), math.Max(r.y1, p.Y)
	}
	return r
}

func rectQuad(r rect) quad {
	return quad{{r.x0, r.y0}, {r.x1, r.y0}, {r.x1, r.y1}, {r.x0, r.y1}}
}

// intersects reports whether two convex quads overlap (separating axis test).
func (q quad) intersects(o quad) bool {
	if !q.bounds().overlaps(o.bounds()) {
		return false
	}
	for _, s := range [2]quad{q, o} {
		for i := 0; i < 4; i++ {
			e := s[(i+1)%4].sub(s[i])
			n := Point{-e.Y, e.X}
			amin, amax := project(q, n)
			bmin, bmax := project(o, n)
			if amax <= bmin || bmax <= amin {
				return false
			}
		}
	}
	return true
}

func project(q quad, n Point) (lo, hi float64) {
	lo, hi = q[0].dot(n), q[0].dot(n)
	for _, p := range q[1:] {
		d := p.dot(n)
		lo, hi = math.Min(lo, d), math.Max(hi, d)
	}
	return lo, hi
}

func (q quad) center() Point {
	return Point{(q[0].X + q[1].X + q[2].X + q[3].X) / 4, (q[0].Y + q[1].Y + q[2].Y + q[3].Y) / 4}
}

// signedArea is the shoelace area of a ring; negative means clockwise on
// screen (y down).
func signedArea(ring []Point) float64 {
	var a float64
	for i := range ring {
		j := (i + 1) % len(ring)
		a += ring[i].X*ring[j].Y - ring[j].X*ring[i].Y
	}
	return a / 2
}

func centroid(ring []Point) Point {
	var a, cx, cy float64
	for i := range ring {
		j := (i + 1) % len(ring)
		c := ring[i].X*ring[j].Y - ring[j].X*ring[i].Y
		a += c
		cx += (ring[i].X + ring[j].X) * c
		cy += (ring[i].Y + ring[j].Y) * c
	}
	if math.Abs(a) < 1e-9 {
		var s Point
		for _, p := range ring {
			s = s.add(p)
		}
		return s.mul(1 / float64(max(len(ring), 1)))
	}
	return Point{cx / (3 * a), cy / (3 * a)}
}

func ringBounds(ring []Point) rect {
	if len(ring) == 0 {
		return rect{}
	}
	r := rect{ring[0].X, ring[0].Y, ring[0].X, ring[0].Y}
	for _, p := range ring[1:] {
		r.x0, r.y0 = math.Min(r.x0, p.X), math.Min(r.y0, p.Y)
		r.x1, r.y1 = math.Max(r.x1, p.X), math.Max(r.y1, p.Y)
	}
	return r
}

// distToSegment returns the distance from p to the segment ab.
func distToSegment(p, a, b Point) float64 {
	ab := b.sub(a)
	l2 := ab.dot(ab)
	if l2 == 0 {
		return p.dist(a)
	}
	t := math.Max(0, math.Min(1, p.sub(a).dot(ab)/l2))
	return p.dist(a.add(ab.mul(t)))
}

// polylineLength is the length of pts.
func polylineLength(pts []Point) float64 {
	var l float64
	for i := 1; i < len(pts); i++ {
		l += pts[i].dist(pts[i-1])
	}
	return l
}

// nearLine reports whether p is within d of the polyline pts.
func nearLine(p Point, pts []Point, d float64) bool {
	d2 := d * d
	for i := 1; i < len(pts); i++ {
		a, b := pts[i-1], pts[i]
		if p.X < math.Min(a.X, b.X)-d || p.X > math.Max(a.X, b.X)+d ||
			p.Y < math.Min(a.Y, b.Y)-d || p.Y > math.Max(a.Y, b.Y)+d {
			continue
		}
		ab := b.sub(a)
		l2 := ab.dot(ab)
		t := 0.0
		if l2 > 0 {
			t = math.Max(0, math.Min(1, p.sub(a).dot(ab)/l2))
		}
		q := a.add(ab.mul(t)).sub(p)
		if q.dot(q) < d2 {
			return true
		}
	}
	return false
}

// polyIndex speeds up nearness tests against a long polyline: it keeps the
// bounding box of every run of polyChunk segments, so that a test looks
// only at the runs whose box is near the point.
type polyIndex struct {
	pts   []Point
	boxes []rect
}

const polyChunk = 12

func newPolyIndex(pts []Point) polyIndex {
	ix := polyIndex{pts: pts}
	for lo := 0; lo+1 < len(pts); lo += polyChunk {
		hi := min(lo+polyChunk+1, len(pts))
		b := rect{pts[lo].X, pts[lo].Y, pts[lo].X, pts[lo].Y}
		for _, p := range pts[lo+1 : hi] {
			b.x0, b.y0 = math.Min(b.x0, p.X), math.Min(b.y0, p.Y)
			b.x1, b.y1 = math.Max(b.x1, p.X), math.Max(b.y1, p.Y)
		}
		ix.boxes = append(ix.boxes, b)
	}
	return ix
}

// near reports whether p lies within d of the polyline, exactly as
// nearLine(p, pts, d) does.
func (ix *polyIndex) near(p Point, d float64) bool {
	for i, b := range ix.boxes {
		if p.X < b.x0-d || p.X > b.x1+d || p.Y < b.y0-d || p.Y > b.y1+d {
			continue
		}
		lo := i * polyChunk
		if nearLine(p, ix.pts[lo:min(lo+polyChunk+1, len(ix.pts))], d) {
			return true
		}
	}
	return false
}
