package osmsource

import (
	"context"
	"fmt"
	"io"
	"math"

	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
	"github.com/paulmach/osm/osmxml"

	"github.com/tollgate/tollgate/captcha/maptile"
)

// rawData is what a scan of the file keeps.
type rawData struct {
	nodes     map[osm.NodeID][2]float64 // lat, lon
	pois      []*osm.Node
	ways      []*osm.Way
	wayByID   map[osm.WayID]*osm.Way
	relations []*osm.Relation
	bounds    *osm.Bounds // declared bounds, if any
	names     map[string]bool
}

type scanner interface {
	Scan() bool
	Object() osm.Object
	Err() error
	Close() error
}

func scan(ctx context.Context, r io.Reader, format Format, maxNodes int) (*rawData, error) {
	var sc scanner
	switch format {
	case XML:
		sc = osmxml.New(ctx, r)
	case PBF:
		p := osmpbf.New(ctx, r, 1)
		h, err := p.Header()
		if err != nil {
			p.Close()
			return nil, fmt.Errorf("osmsource: read pbf header: %w", err)
		}
		raw, err := scanAll(p, maxNodes)
		if err != nil {
			return nil, err
		}
		if raw.bounds == nil && h != nil && h.Bounds != nil {
			raw.bounds = h.Bounds
		}
		return raw, nil
	}
	return scanAll(sc, maxNodes)
}

func scanAll(sc scanner, maxNodes int) (*rawData, error) {
	defer sc.Close()
	raw := &rawData{
		nodes:   make(map[osm.NodeID][2]float64),
		wayByID: make(map[osm.WayID]*osm.Way),
		names:   make(map[string]bool),
	}
	addName := func(n string) {
		if k := normName(n); k != "" {
			raw.names[k] = true
		}
	}
	for sc.Scan() {
		switch o := sc.Object().(type) {
		case *osm.Bounds:
			raw.bounds = o
		case *osm.Node:
			if len(raw.nodes) >= maxNodes {
				return nil, fmt.Errorf("%w: more than %d", ErrTooLarge, maxNodes)
			}
			if math.IsNaN(o.Lat) || math.IsNaN(o.Lon) || math.Abs(o.Lat) > 85 || math.Abs(o.Lon) > 180 {
				continue
			}
			raw.nodes[o.ID] = [2]float64{o.Lat, o.Lon}
			if len(o.Tags) > 0 {
				collectNames(o.Tags, addName)
				if _, ok := placeKind(o.Tags); ok {
					raw.pois = append(raw.pois, o)
				}
			}
		case *osm.Way:
			collectNames(o.Tags, addName)
			raw.ways = append(raw.ways, o)
			raw.wayByID[o.ID] = o
		case *osm.Relation:
			collectNames(o.Tags, addName)
			if t := o.Tags.Find("type"); t == "multipolygon" {
				raw.relations = append(raw.relations, o)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("osmsource: parse: %w", err)
	}
	return raw, nil
}

// box is an axis-aligned box in metres.
type box struct{ x0, y0, x1, y1 float64 }

func (b box) overlaps(o box) bool { return b.x0 < o.x1 && o.x0 < b.x1 && b.y0 < o.y1 && o.y0 < b.y1 }

func boxOf(rings ...[]maptile.Point) box {
	b := box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, r := range rings {
		for _, p := range r {
			b.x0, b.y0 = math.Min(b.x0, p.X), math.Min(b.y0, p.Y)
			b.x1, b.y1 = math.Max(b.x1, p.X), math.Max(b.y1, p.Y)
		}
	}
	return b
}

// feature is one area or line in metres (x east, y south).
type feature struct {
	areaKind maptile.AreaKind
	lineKind maptile.LineKind
	tunnel   bool
	rings    [][]maptile.Point // areas: outline then holes; lines: one polyline
	bbox     box
	name     string
}

type poi struct {
	kind     maptile.PlaceKind
	at       maptile.Point
	building int // index into Source.areas or -1
	name     string
}

// projector maps lat/lon to local metres around a centre (an
// equirectangular projection, exact enough for a district).
type projector struct{ lat0, lon0, kx, ky float64 }

func newProjector(lat0, lon0 float64) projector {
	const r = 6378137.0
	return projector{lat0, lon0, r * math.Pi / 180 * math.Cos(lat0*math.Pi/180), r * math.Pi / 180}
}

func (p projector) at(lat, lon float64) maptile.Point {
	return maptile.Point{X: (lon - p.lon0) * p.kx, Y: (p.lat0 - lat) * p.ky}
}

// build turns scanned data into projected features.
func build(raw *rawData) *Source {
	s := &Source{names: raw.names}
	// Centre and bounds: the declared bounds, else the nodes' extent.
	minLat, minLon, maxLat, maxLon := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	if b := raw.bounds; b != nil && b.MaxLat > b.MinLat && b.MaxLon > b.MinLon {
		minLat, minLon, maxLat, maxLon = b.MinLat, b.MinLon, b.MaxLat, b.MaxLon
	} else {
		for _, ll := range raw.nodes {
			minLat, maxLat = math.Min(minLat, ll[0]), math.Max(maxLat, ll[0])
			minLon, maxLon = math.Min(minLon, ll[1]), math.Max(maxLon, ll[1])
		}
	}
	if math.IsInf(minLat, 0) {
		return s
	}
	pr := newProjector((minLat+maxLat)/2, (minLon+maxLon)/2)
	a, b := pr.at(maxLat, minLon), pr.at(minLat, maxLon)
	s.bounds = box{a.X, a.Y, b.X, b.Y}

	wayPts := func(w *osm.Way) []maptile.Point {
		pts := make([]maptile.Point, 0, len(w.Nodes))
		for _, n := range w.Nodes {
			ll, ok := raw.nodes[n.ID]
			if !ok {
				continue
			}
			pts = append(pts, pr.at(ll[0], ll[1]))
		}
		return pts
	}
	isClosed := func(w *osm.Way) bool {
		return len(w.Nodes) >= 4 && w.Nodes[0].ID == w.Nodes[len(w.Nodes)-1].ID
	}
	var coastWays [][]osm.NodeID
	namedBuildings := map[int]*osm.Way{}
	for _, w := range raw.ways {
		t := w.Tags
		if len(t) == 0 {
			continue
		}
		if t.Find("natural") == "coastline" {
			coastWays = append(coastWays, w.Nodes.NodeIDs())
			continue
		}
		if lk, ok := lineKind(t); ok && t.Find("area") != "yes" {
			pts := wayPts(w)
			if len(pts) >= 2 {
				s.lines = append(s.lines, feature{lineKind: lk, tunnel: isTunnel(t), rings: [][]maptile.Point{pts}, bbox: boxOf(pts), name: t.Find("name")})
			}
			continue
		}
		if ak, ok := areaKind(t); ok && isClosed(w) {
			pts := wayPts(w)
			if len(pts) >= 3 {
				s.areas = append(s.areas, feature{areaKind: ak, rings: [][]maptile.Point{pts}, bbox: boxOf(pts), name: t.Find("name")})
				if ak == maptile.AreaBuilding {
					namedBuildings[len(s.areas)-1] = w
				}
			}
		}
	}
	// Multipolygons: join member ways into rings.
	for _, rel := range raw.relations {
		ak, ok := areaKind(rel.Tags)
		if !ok {
			continue
		}
		var outer, inner [][]osm.NodeID
		for _, m := range rel.Members {
			if m.Type != osm.TypeWay {
				continue
			}
			w := raw.wayByID[osm.WayID(m.Ref)]
			if w == nil {
				continue
			}
			if m.Role == "inner" {
				inner = append(inner, w.Nodes.NodeIDs())
			} else {
				outer = append(outer, w.Nodes.NodeIDs())
			}
		}
		toPts := func(ids []osm.NodeID) []maptile.Point {
			pts := make([]maptile.Point, 0, len(ids))
			for _, id := range ids {
				if ll, ok := raw.nodes[id]; ok {
					pts = append(pts, pr.at(ll[0], ll[1]))
				}
			}
			return pts
		}
		for _, o := range joinWays(outer, true) {
			ring := toPts(o)
			if len(ring) < 3 {
				continue
			}
			rings := [][]maptile.Point{ring}
			ob := boxOf(ring)
			for _, in := range joinWays(inner, true) {
				hole := toPts(in)
				if len(hole) >= 3 && ob.overlaps(boxOf(hole)) {
					rings = append(rings, hole)
				}
			}
			s.areas = append(s.areas, feature{areaKind: ak, rings: rings, bbox: ob, name: rel.Tags.Find("name")})
		}
	}
	for _, chain := range joinWays(coastWays, false) {
		pts := make([]maptile.Point, 0, len(chain))
		for _, id := range chain {
			if ll, ok := raw.nodes[id]; ok {
				pts = append(pts, pr.at(ll[0], ll[1]))
			}
		}
		if len(pts) >= 2 {
			s.coast = append(s.coast, pts)
		}
	}

	// Places: tagged nodes, and tagged or named buildings.
	for _, n := range raw.pois {
		k, _ := placeKind(n.Tags)
		at := pr.at(n.Lat, n.Lon)
		s.places = append(s.places, poi{kind: k, at: at, building: s.buildingAt(at), name: n.Tags.Find("name")})
	}
	for i := range s.areas {
		w := namedBuildings[i]
		if w == nil {
			continue
		}
		if k, ok := placeKind(w.Tags); ok {
			s.places = append(s.places, poi{kind: k, at: centroid(s.areas[i].rings[0]), building: i, name: w.Tags.Find("name")})
		}
	}
	return s
}

// buildingAt returns the index of a building containing p, or -1.
func (s *Source) buildingAt(p maptile.Point) int {
	for i, a := range s.areas {
		if a.areaKind != maptile.AreaBuilding {
			continue
		}
		if p.X < a.bbox.x0 || p.X > a.bbox.x1 || p.Y < a.bbox.y0 || p.Y > a.bbox.y1 {
			continue
		}
		if inRing(p, a.rings[0]) {
			return i
		}
	}
	return -1
}

func inRing(p maptile.Point, ring []maptile.Point) bool {
	in := false
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		a, b := ring[i], ring[j]
		if (a.Y > p.Y) != (b.Y > p.Y) && p.X < (b.X-a.X)*(p.Y-a.Y)/(b.Y-a.Y)+a.X {
			in = !in
		}
	}
	return in
}

func centroid(ring []maptile.Point) maptile.Point {
	var a, cx, cy float64
	for i := range ring {
		j := (i + 1) % len(ring)
		c := ring[i].X*ring[j].Y - ring[j].X*ring[i].Y
		a += c
		cx += (ring[i].X + ring[j].X) * c
		cy += (ring[i].Y + ring[j].Y) * c
	}
	if math.Abs(a) < 1e-9 {
		b := boxOf(ring)
		return maptile.Point{X: (b.x0 + b.x1) / 2, Y: (b.y0 + b.y1) / 2}
	}
	return maptile.Point{X: cx / (3 * a), Y: cy / (3 * a)}
}

func ringArea(ring []maptile.Point) float64 {
	var a float64
	for i := range ring {
		j := (i + 1) % len(ring)
		a += ring[i].X*ring[j].Y - ring[j].X*ring[i].Y
	}
	return a / 2
}

// joinWays joins node sequences that share end nodes into longer chains.
// With rings set, only closed chains are returned and ways may be
// reversed to fit; otherwise direction is kept (coastlines) and open
// chains are returned too.
func joinWays(ways [][]osm.NodeID, rings bool) [][]osm.NodeID {
	used := make([]bool, len(ways))
	var out [][]osm.NodeID
	for i, w := range ways {
		if used[i] || len(w) < 2 {
			continue
		}
		used[i] = true
		chain := append([]osm.NodeID(nil), w...)
		for {
			if chain[0] == chain[len(chain)-1] && len(chain) > 2 {
				break
			}
			grown := false
			for j, v := range ways {
				if used[j] || len(v) < 2 {
					continue
				}
				end := chain[len(chain)-1]
				switch {
				case v[0] == end:
					chain = append(chain, v[1:]...)
				case rings && v[len(v)-1] == end:
					for k := len(v) - 2; k >= 0; k-- {
						chain = append(chain, v[k])
					}
				case v[len(v)-1] == chain[0]:
					chain = append(append([]osm.NodeID(nil), v[:len(v)-1]...), chain...)
				case rings && v[0] == chain[0]:
					rev := make([]osm.NodeID, 0, len(v)+len(chain))
					for k := len(v) - 1; k >= 1; k-- {
						rev = append(rev, v[k])
					}
					chain = append(rev, chain...)
				default:
					continue
				}
				used[j] = true
				grown = true
				break
			}
			if !grown {
				break
			}
		}
		closed := chain[0] == chain[len(chain)-1] && len(chain) > 3
		if rings && !closed {
			continue
		}
		out = append(out, chain)
	}
	return out
}
