package osmsource

import (
	"strings"

	"github.com/paulmach/osm"

	"github.com/tollgate/tollgate/captcha/maptile"
)

// lineKind maps a way's tags to a line kind.
func lineKind(t osm.Tags) (maptile.LineKind, bool) {
	switch strings.TrimSuffix(t.Find("highway"), "_link") {
	case "motorway", "trunk":
		return maptile.LineMotorway, true
	case "primary":
		return maptile.LinePrimary, true
	case "secondary":
		return maptile.LineSecondary, true
	case "tertiary":
		return maptile.LineTertiary, true
	case "residential", "unclassified", "living_street", "road":
		return maptile.LineResidential, true
	case "service":
		return maptile.LineService, true
	case "footway", "path", "pedestrian", "cycleway", "steps", "track", "bridleway":
		if t.Find("area") == "yes" {
			return 0, false
		}
		return maptile.LinePath, true
	}
	switch t.Find("railway") {
	case "rail", "light_rail", "narrow_gauge", "subway", "tram", "monorail", "funicular":
		return maptile.LineRail, true
	}
	switch t.Find("waterway") {
	case "river", "canal":
		return maptile.LineRiver, true
	case "stream", "drain", "ditch":
		return maptile.LineStream, true
	}
	return 0, false
}

// isTunnel reports whether a line runs underground.
func isTunnel(t osm.Tags) bool {
	switch t.Find("tunnel") {
	case "", "no":
	default:
		return true
	}
	if l := t.Find("layer"); strings.HasPrefix(l, "-") {
		return true
	}
	return t.Find("location") == "underground"
}

// areaKind maps an area's tags to an area kind.
func areaKind(t osm.Tags) (maptile.AreaKind, bool) {
	if b := t.Find("building"); b != "" && b != "no" {
		return maptile.AreaBuilding, true
	}
	switch t.Find("natural") {
	case "water", "bay":
		return maptile.AreaWater, true
	case "wood", "scrub":
		return maptile.AreaForest, true
	case "grassland", "heath", "meadow":
		return maptile.AreaGrass, true
	}
	switch t.Find("leisure") {
	case "park", "garden", "playground", "nature_reserve", "dog_park":
		return maptile.AreaPark, true
	case "pitch", "track", "stadium", "sports_centre", "golf_course":
		return maptile.AreaPitch, true
	}
	switch t.Find("amenity") {
	case "school", "university", "college", "kindergarten":
		return maptile.AreaSchool, true
	case "hospital", "clinic":
		return maptile.AreaHospital, true
	case "parking":
		return maptile.AreaParking, true
	}
	switch t.Find("landuse") {
	case "residential":
		return maptile.AreaResidential, true
	case "commercial", "retail":
		return maptile.AreaCommercial, true
	case "industrial", "railway", "construction", "garages":
		return maptile.AreaIndustrial, true
	case "grass", "village_green", "meadow", "recreation_ground", "cemetery", "allotments":
		return maptile.AreaGrass, true
	case "forest":
		return maptile.AreaForest, true
	case "reservoir", "basin":
		return maptile.AreaWater, true
	case "education":
		return maptile.AreaSchool, true
	}
	if t.Find("waterway") == "riverbank" || t.Find("water") != "" {
		return maptile.AreaWater, true
	}
	if t.Find("area") == "yes" && (t.Find("highway") == "pedestrian" || t.Find("highway") == "footway") {
		return maptile.AreaPlaza, true
	}
	if t.Find("place") == "square" {
		return maptile.AreaPlaza, true
	}
	return 0, false
}

// placeKind maps a point of interest's tags to a place kind.
func placeKind(t osm.Tags) (maptile.PlaceKind, bool) {
	switch t.Find("amenity") {
	case "cafe":
		return maptile.PlaceCafe, true
	case "restaurant", "fast_food", "food_court", "bar", "pub", "ice_cream":
		return maptile.PlaceRestaurant, true
	case "school", "kindergarten", "university", "college":
		return maptile.PlaceSchool, true
	case "hospital", "clinic", "doctors", "dentist":
		return maptile.PlaceHospital, true
	case "pharmacy":
		return maptile.PlacePharmacy, true
	case "library":
		return maptile.PlaceLibrary, true
	case "post_office":
		return maptile.PlacePostOffice, true
	case "place_of_worship":
		return maptile.PlaceChurch, true
	case "marketplace":
		return maptile.PlaceMarket, true
	case "bank", "atm":
		return maptile.PlaceStore, true
	case "cinema", "theatre", "arts_centre":
		return maptile.PlaceMuseum, true
	}
	switch s := t.Find("shop"); s {
	case "":
	case "bakery", "pastry", "confectionery":
		return maptile.PlaceBakery, true
	case "supermarket", "mall", "department_store", "greengrocer":
		return maptile.PlaceMarket, true
	default:
		return maptile.PlaceStore, true
	}
	switch t.Find("tourism") {
	case "hotel", "hostel", "guest_house", "motel", "apartment":
		return maptile.PlaceHotel, true
	case "museum", "gallery", "attraction", "artwork":
		return maptile.PlaceMuseum, true
	}
	if t.Find("railway") == "station" || t.Find("railway") == "halt" || t.Find("public_transport") == "station" {
		return maptile.PlaceStation, true
	}
	switch t.Find("leisure") {
	case "park", "garden":
		return maptile.PlacePark, true
	}
	return 0, false
}

// nameKeys are the tags whose values are real names.
func collectNames(t osm.Tags, add func(string)) {
	for _, tag := range t {
		k := tag.Key
		if k == "name" || strings.HasPrefix(k, "name:") || k == "alt_name" || k == "old_name" ||
			k == "official_name" || k == "short_name" || k == "loc_name" || k == "int_name" ||
			strings.HasPrefix(k, "alt_name:") || strings.HasPrefix(k, "official_name:") {
			add(tag.Value)
		}
	}
}
