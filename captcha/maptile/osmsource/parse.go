package osmsource

import (
	"context"
	"fmt"
	"io"
	"math"

	"github.com/tollgate/tollgate/captcha/maptile"
)

// The elements of an OpenStreetMap file, as much of them as build uses.
type (
	tag  struct{ key, value string }
	tags []tag

	node struct {
		id       int64
		lat, lon float64
		tags     tags
	}
	way struct {
		id    int64
		nodes []int64
		tags  tags
	}
	member struct {
		typ  memberType
		ref  int64
		role string
	}
	relation struct {
		id      int64
		members []member
		tags    tags
	}
	bounds struct{ minLat, maxLat, minLon, maxLon float64 }
)

// memberType is the kind of element a relation member refers to.
type memberType uint8

const (
	memberNode memberType = iota
	memberWay
	memberRelation
	memberOther // an unknown type in an XML file
)

// find returns the value of the first tag with key k, or "".
func (t tags) find(k string) string {
	for _, tg := range t {
		if tg.key == k {
			return tg.value
		}
	}
	return ""
}

// rawData is what a scan of the file keeps.
type rawData struct {
	nodes     map[int64][2]float64 // lat, lon
	pois      []node
	ways      []*way
	wayByID   map[int64]*way
	relations []*relation
	bounds    *bounds // declared bounds, if any
	names     map[string]bool
}

// itemsPerNode is how many way node references, relation members and tags
// together a file may hold per node it may hold. Real extracts have about
// two (each node is on a way or two, and a third of the elements carry a
// few tags); the budget keeps a file of tiny encoded references, which
// decode to far more memory than they take on disk, within the node limit.
const itemsPerNode = 4

// collector keeps what build needs from the elements a decoder reports,
// within the limits of the configuration. It is used by one goroutine.
type collector struct {
	raw      *rawData
	maxNodes int
	items    int               // way node references, relation members and tags still allowed
	strs     map[string]string // interned tag keys, values and roles
}

func newCollector(maxNodes int) *collector {
	items := math.MaxInt
	if maxNodes <= math.MaxInt/itemsPerNode {
		items = maxNodes * itemsPerNode
	}
	return &collector{
		raw: &rawData{
			nodes:   make(map[int64][2]float64),
			wayByID: make(map[int64]*way),
			names:   make(map[string]bool),
		},
		maxNodes: maxNodes,
		items:    items,
		strs:     make(map[string]string),
	}
}

// reserve takes n items from the budget. Decoders call it before they
// allocate the references, members or tags of an element.
func (c *collector) reserve(n int) error {
	if n > c.items {
		return fmt.Errorf("%w: more than %d way node references, relation members and tags (%d per node allowed)",
			ErrTooLarge, c.maxNodes*itemsPerNode, itemsPerNode)
	}
	c.items -= n
	return nil
}

// intern returns b as a string, one copy per distinct value: files repeat
// a few keys and values many times.
func (c *collector) intern(b []byte) string {
	if s, ok := c.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	c.strs[s] = s
	return s
}

// internString is intern for a string a decoder already holds.
func (c *collector) internString(s string) string {
	if t, ok := c.strs[s]; ok {
		return t
	}
	c.strs[s] = s
	return s
}

func (c *collector) addNames(t tags) {
	collectNames(t, func(n string) {
		if k := normName(n); k != "" {
			c.raw.names[k] = true
		}
	})
}

// node records a node; t may be reused by the caller.
func (c *collector) node(id int64, lat, lon float64, t tags) error {
	if len(c.raw.nodes) >= c.maxNodes {
		return fmt.Errorf("%w: more than %d", ErrTooLarge, c.maxNodes)
	}
	if math.IsNaN(lat) || math.IsNaN(lon) || math.Abs(lat) > 85 || math.Abs(lon) > 180 {
		return nil
	}
	c.raw.nodes[id] = [2]float64{lat, lon}
	if len(t) > 0 {
		c.addNames(t)
		if _, ok := placeKind(t); ok {
			c.raw.pois = append(c.raw.pois, node{id: id, lat: lat, lon: lon, tags: append(tags(nil), t...)})
		}
	}
	return nil
}

// way records a way, keeping refs; t may be reused by the caller.
func (c *collector) way(id int64, refs []int64, t tags) {
	c.addNames(t)
	w := &way{id: id, nodes: refs}
	if len(t) > 0 {
		w.tags = append(tags(nil), t...)
	}
	c.raw.ways = append(c.raw.ways, w)
	c.raw.wayByID[id] = w
}

// relation records a relation, keeping members; t may be reused by the
// caller. Only multipolygons are drawn.
func (c *collector) relation(id int64, members []member, t tags) {
	c.addNames(t)
	if t.find("type") == "multipolygon" {
		c.raw.relations = append(c.raw.relations, &relation{id: id, members: members, tags: append(tags(nil), t...)})
	}
}

func scan(ctx context.Context, r io.Reader, format Format, maxNodes int) (*rawData, error) {
	c := newCollector(maxNodes)
	var err error
	switch format {
	case XML:
		err = decodeXML(ctx, r, c)
	case PBF:
		err = decodePBF(ctx, r, c)
	default:
		err = fmt.Errorf("%w: %v", ErrFormat, format)
	}
	if err != nil {
		return nil, err
	}
	return c.raw, nil
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
	if b := raw.bounds; b != nil && b.maxLat > b.minLat && b.maxLon > b.minLon {
		minLat, minLon, maxLat, maxLon = b.minLat, b.minLon, b.maxLat, b.maxLon
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

	toPts := func(ids []int64) []maptile.Point {
		pts := make([]maptile.Point, 0, len(ids))
		for _, id := range ids {
			if ll, ok := raw.nodes[id]; ok {
				pts = append(pts, pr.at(ll[0], ll[1]))
			}
		}
		return pts
	}
	isClosed := func(w *way) bool {
		return len(w.nodes) >= 4 && w.nodes[0] == w.nodes[len(w.nodes)-1]
	}
	var coastWays [][]int64
	namedBuildings := map[int]*way{}
	for _, w := range raw.ways {
		t := w.tags
		if len(t) == 0 {
			continue
		}
		if t.find("natural") == "coastline" {
			coastWays = append(coastWays, w.nodes)
			continue
		}
		if lk, ok := lineKind(t); ok && t.find("area") != "yes" {
			pts := toPts(w.nodes)
			if len(pts) >= 2 {
				s.lines = append(s.lines, feature{lineKind: lk, tunnel: isTunnel(t), rings: [][]maptile.Point{pts}, bbox: boxOf(pts), name: t.find("name")})
			}
			continue
		}
		if ak, ok := areaKind(t); ok && isClosed(w) {
			pts := toPts(w.nodes)
			if len(pts) >= 3 {
				s.areas = append(s.areas, feature{areaKind: ak, rings: [][]maptile.Point{pts}, bbox: boxOf(pts), name: t.find("name")})
				if ak == maptile.AreaBuilding {
					namedBuildings[len(s.areas)-1] = w
				}
			}
		}
	}
	// Multipolygons: join member ways into rings.
	for _, rel := range raw.relations {
		ak, ok := areaKind(rel.tags)
		if !ok {
			continue
		}
		var outer, inner [][]int64
		for _, m := range rel.members {
			if m.typ != memberWay {
				continue
			}
			w := raw.wayByID[m.ref]
			if w == nil {
				continue
			}
			if m.role == "inner" {
				inner = append(inner, w.nodes)
			} else {
				outer = append(outer, w.nodes)
			}
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
			s.areas = append(s.areas, feature{areaKind: ak, rings: rings, bbox: ob, name: rel.tags.find("name")})
		}
	}
	for _, chain := range joinWays(coastWays, false) {
		if pts := toPts(chain); len(pts) >= 2 {
			s.coast = append(s.coast, pts)
		}
	}

	// Places: tagged nodes, and tagged or named buildings.
	for _, n := range raw.pois {
		k, _ := placeKind(n.tags)
		at := pr.at(n.lat, n.lon)
		s.places = append(s.places, poi{kind: k, at: at, building: s.buildingAt(at), name: n.tags.find("name")})
	}
	for i := range s.areas {
		w := namedBuildings[i]
		if w == nil {
			continue
		}
		if k, ok := placeKind(w.tags); ok {
			s.places = append(s.places, poi{kind: k, at: centroid(s.areas[i].rings[0]), building: i, name: w.tags.find("name")})
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
func joinWays(ways [][]int64, rings bool) [][]int64 {
	used := make([]bool, len(ways))
	var out [][]int64
	for i, w := range ways {
		if used[i] || len(w) < 2 {
			continue
		}
		used[i] = true
		chain := append([]int64(nil), w...)
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
					chain = append(append([]int64(nil), v[:len(v)-1]...), chain...)
				case rings && v[0] == chain[0]:
					rev := make([]int64, 0, len(v)+len(chain))
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
