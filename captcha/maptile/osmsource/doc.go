// Package osmsource is a maptile.MapSource that draws views of an
// OpenStreetMap extract (.osm XML or .osm.pbf): its real roads, railways,
// buildings, land use, water and coastline, in the maptile style, with the
// extract's points of interest and buildings as the places the Renderer
// marks and names with invented names.
//
// The file is parsed once by Open or Parse and projected to local metres;
// each Map call picks a view, at a scale of about a metre per pixel,
// centred near places, clips the features to it and returns them in layout
// pixels. Sea is built from natural=coastline ways (land on their left),
// multipolygon relations become areas with holes.
//
// The package reads both formats itself, in pure Go: XML with
// encoding/xml, PBF (raw or zlib blocks) with its own decoder of the
// format's protocol buffers, reading only what the Source draws. A file is
// not trusted: the PBF decoder keeps to the format's limits (blob headers
// under 64 KiB, blobs and their blocks under 32 MiB), allocates for a size
// the file states only as the bytes arrive, and WithMaxNodes bounds what a
// file may make the parse keep. A bad file is an ErrMalformed error (a PBF
// file needing a compression or feature the decoder lacks,
// errors.ErrUnsupported), never a panic.
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
