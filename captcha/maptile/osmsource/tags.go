package osmsource

import (
	"strings"

	"github.com/tollgate/tollgate/captcha/maptile"
)

// lineKind maps a way's tags to a line kind.
func lineKind(t tags) (maptile.LineKind, bool) {
	switch strings.TrimSuffix(t.find("highway"), "_link") {
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
		if t.find("area") == "yes" {
			return 0, false
		}
		return maptile.LinePath, true
	}
	switch t.find("railway") {
	case "rail", "light_rail", "narrow_gauge", "subway", "tram", "monorail", "funicular":
		return maptile.LineRail, true
	}
	switch t.find("waterway") {
	case "river", "canal":
		return maptile.LineRiver, true
	case "stream", "drain", "ditch":
		return maptile.LineStream, true
	}
	return 0, false
}

// isTunnel reports whether a line runs underground.
func isTunnel(t tags) bool {
	switch t.find("tunnel") {
	case "", "no":
	default:
		return true
	}
	if l := t.find("layer"); strings.HasPrefix(l, "-") {
		return true
	}
	return t.find("location") == "underground"
}

// areaKind maps an area's tags to an area kind.
func areaKind(t tags) (maptile.AreaKind, bool) {
	if b := t.find("building"); b != "" && b != "no" {
		return maptile.AreaBuilding, true
	}
	switch t.find("natural") {
	case "water", "bay":
		return maptile.AreaWater, true
	case "wood", "scrub":
		return maptile.AreaForest, true
	case "grassland", "heath", "meadow":
		return maptile.AreaGrass, true
	}
	switch t.find("leisure") {
	case "park", "garden", "playground", "nature_reserve", "dog_park":
		return maptile.AreaPark, true
	case "pitch", "track", "stadium", "sports_centre", "golf_course":
		return maptile.AreaPitch, true
	}
	switch t.find("amenity") {
	case "school", "university", "college", "kindergarten":
		return maptile.AreaSchool, true
	case "hospital", "clinic":
		return maptile.AreaHospital, true
	case "parking":
		return maptile.AreaParking, true
	}
	switch t.find("landuse") {
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
	if t.find("waterway") == "riverbank" || t.find("water") != "" {
		return maptile.AreaWater, true
	}
	if t.find("area") == "yes" && (t.find("highway") == "pedestrian" || t.find("highway") == "footway") {
		return maptile.AreaPlaza, true
	}
	if t.find("place") == "square" {
		return maptile.AreaPlaza, true
	}
	return 0, false
}

// placeKind maps a point of interest's tags to a place kind.
func placeKind(t tags) (maptile.PlaceKind, bool) {
	switch t.find("amenity") {
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
	switch s := t.find("shop"); s {
	case "":
	case "bakery", "pastry", "confectionery":
		return maptile.PlaceBakery, true
	case "supermarket", "mall", "department_store", "greengrocer":
		return maptile.PlaceMarket, true
	default:
		return maptile.PlaceStore, true
	}
	switch t.find("tourism") {
	case "hotel", "hostel", "guest_house", "motel", "apartment":
		return maptile.PlaceHotel, true
	case "museum", "gallery", "attraction", "artwork":
		return maptile.PlaceMuseum, true
	}
	if t.find("railway") == "station" || t.find("railway") == "halt" || t.find("public_transport") == "station" {
		return maptile.PlaceStation, true
	}
	switch t.find("leisure") {
	case "park", "garden":
		return maptile.PlacePark, true
	}
	return 0, false
}

// collectNames calls add with the value of every tag that names the
// element: name, its translations and its alternative names.
func collectNames(t tags, add func(string)) {
	for _, tg := range t {
		k := tg.key
		if k == "name" || strings.HasPrefix(k, "name:") || k == "alt_name" || k == "old_name" ||
			k == "official_name" || k == "short_name" || k == "loc_name" || k == "int_name" ||
			strings.HasPrefix(k, "alt_name:") || strings.HasPrefix(k, "official_name:") {
			add(tg.value)
		}
	}
}
