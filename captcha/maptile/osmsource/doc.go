// Package osmsource is a maptile.MapSource that draws views of an
// OpenStreetMap extract (.osm XML or .osm.pbf): its real roads, railways,
// buildings, land use, water and coastline, in the maptile style, with the
// extract's points of interest and buildings as the places the Renderer
// marks and names with invented names.
//
// The file is parsed once by Open or Parse (using github.com/paulmach/osm)
// and projected to local metres; each Map call picks a view, at a scale of
// about a metre per pixel, centred near places, clips the features to it
// and returns them in layout pixels. Sea is built from natural=coastline
// ways (land on their left), multipolygon relations become areas with holes.
//
// OpenStreetMap data is © OpenStreetMap contributors under the ODbL 1.0:
// every map carries Attribution, which the Renderer draws on the image. The
// Source also reports every name in the file through IsRealName, so no
// label ever shows a real name.
//
//	src, err := osmsource.Open(ctx, "district.osm.pbf")
//	...
//	r, err := maptile.New(maptile.WithSource(src))
package osmsource
