package maptile

import (
	"context"
	"math"
	"math/rand/v2"
)

// MapSource supplies the streets, areas and places of one challenge map. The
// Renderer asks it for a map of the image's layout size (at scale 1) and
// draws the result in its own style, invents every name it shows, marks one
// place and writes the prompt.
//
// Map must be deterministic: the same rng state and size give the same Map,
// so that a challenge renders identically on every server. rng is the only
// randomness a source may use; it must not be retained after Map returns.
// Implementations must be safe for concurrent use.
type MapSource interface {
	Map(ctx context.Context, rng *rand.Rand, width, height float64) (*Map, error)
}

// RealNames is implemented by map sources whose data carries real place and
// street names. The Renderer never uses a name for which IsRealName reports
// true, so an invented answer cannot be looked up in the source's own data.
type RealNames interface {
	IsRealName(name string) bool
}

// Map is the content of one map image in layout pixels (see Point). Features
// may extend beyond the image; the Renderer clips them. A Map is plain data:
// the Renderer only reads it, and it is not safe for concurrent mutation.
type Map struct {
	// Water, when true, paints the background as water instead of land
	// (for a view that is mostly sea); land then comes from AreaLand areas.
	Water bool
	// Areas are filled polygons: land use, water, buildings.
	Areas []Area
	// Lines are roads, railways and waterways.
	Lines []Line
	// Places are points of interest that may be labelled and marked.
	Places []Place
	// Attribution is drawn in the bottom-right corner of every image made
	// from this map, such as "© OpenStreetMap contributors".
	Attribution string
}

// AreaKind says how an Area is painted.
type AreaKind uint8

// Kinds of Area, painted in this order (buildings last).
const (
	AreaLand AreaKind = iota
	AreaResidential
	AreaCommercial
	AreaIndustrial
	AreaSchool
	AreaHospital
	AreaParking
	AreaPlaza
	AreaGrass
	AreaPark
	AreaForest
	AreaPitch
	AreaWater
	AreaBuilding
	numAreaKinds
)

// Area is a filled polygon. Rings[0] is the outline; further rings are holes.
// Rings are implicitly closed and may wind either way. Like Map, it is plain
// data.
type Area struct {
	Kind  AreaKind
	Rings [][]Point
	// Name is the area's real name, if any. The Renderer does not draw it;
	// it only keeps invented names from colliding with it.
	Name string
}

// LineKind says how a Line is painted.
type LineKind uint8

// Kinds of Line, from the least to the most important road, then railways
// and waterways.
const (
	LinePath LineKind = iota
	LineService
	LineResidential
	LineTertiary
	LineSecondary
	LinePrimary
	LineMotorway
	LineRail
	LineStream
	LineRiver
	numLineKinds
)

// isRoad reports whether k is a road a car can use and so can carry a
// street-name label.
func (k LineKind) isRoad() bool { return k >= LineResidential && k <= LineMotorway }

// Line is a polyline feature; plain data, like Map.
type Line struct {
	Kind   LineKind
	Points []Point
	// Tunnel lines are drawn faded.
	Tunnel bool
	// Name is the line's real name, if any (see Area.Name).
	Name string
}

// PlaceKind is the category of a Place, which picks its icon, its label
// colour and the kind word of its invented name ("… Station", "…역").
type PlaceKind uint8

// Kinds of Place.
const (
	PlaceCafe PlaceKind = iota
	PlaceRestaurant
	PlaceBakery
	PlaceStation
	PlaceSchool
	PlaceMarket
	PlaceStore
	PlacePark
	PlaceHospital
	PlacePharmacy
	PlaceLibrary
	PlaceMuseum
	PlaceHotel
	PlacePostOffice
	PlaceChurch
	numPlaceKinds
)

// Place is a point of interest; plain data, like Map.
type Place struct {
	Kind PlaceKind
	At   Point
	// Building is the index in Map.Areas of the building the place is in,
	// or -1. Only places in a building can be marked by highlighting it.
	Building int
	// Name is the place's real name, if any (see Area.Name).
	Name string
}

// maxCoord bounds layout coordinates; anything farther out is clamped, and
// points that are not finite numbers are dropped, so no source data can make
// the rasteriser loop for long.
const maxCoord = 1e5

// sanitize returns m with every point finite and within ±maxCoord. It
// copies only the features it has to change.
func sanitize(m *Map) *Map {
	bad := func(pts []Point) bool {
		for _, p := range pts {
			if !(p.X >= -maxCoord && p.X <= maxCoord && p.Y >= -maxCoord && p.Y <= maxCoord) {
				return true
			}
		}
		return false
	}
	fix := func(pts []Point) []Point {
		out := make([]Point, 0, len(pts))
		for _, p := range pts {
			if math.IsNaN(p.X) || math.IsNaN(p.Y) {
				continue
			}
			out = append(out, Point{math.Max(-maxCoord, math.Min(maxCoord, p.X)), math.Max(-maxCoord, math.Min(maxCoord, p.Y))})
		}
		return out
	}
	out := *m
	copied := false
	own := func() {
		if !copied {
			out.Areas = append([]Area(nil), m.Areas...)
			out.Lines = append([]Line(nil), m.Lines...)
			out.Places = append([]Place(nil), m.Places...)
			copied = true
		}
	}
	for i, a := range m.Areas {
		for k, ring := range a.Rings {
			if bad(ring) {
				own()
				rings := append([][]Point(nil), out.Areas[i].Rings...)
				rings[k] = fix(ring)
				out.Areas[i].Rings = rings
			}
		}
	}
	for i, l := range m.Lines {
		if bad(l.Points) {
			own()
			out.Lines[i].Points = fix(l.Points)
		}
	}
	for i, p := range m.Places {
		if bad([]Point{p.At}) {
			own()
			out.Places[i].At = Point{-1, -1} // off the map: never labelled
		}
	}
	return &out
}
