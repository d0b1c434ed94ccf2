package osmsource_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/tollgate/tollgate/captcha/maptile/osmsource"
)

// FuzzParseXML feeds arbitrary XML to the parser: it must return a Source
// or a classified error, never panic, and a Source must render views.
func FuzzParseXML(f *testing.F) {
	f.Add([]byte(`<osm version="0.6"><node id="1" lat="37.5" lon="127.0"><tag k="amenity" v="cafe"/><tag k="name" v="A"/></node></osm>`))
	f.Add([]byte(`<osm><bounds minlat="1" minlon="1" maxlat="1.01" maxlon="1.01"/><node id="1" lat="1" lon="1"/><node id="2" lat="1.001" lon="1.001"/><way id="3"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/></way></osm>`))
	f.Add([]byte(`<osm><node id="1" lat="91" lon="500"/><way id="2"><nd ref="1"/><nd ref="1"/><nd ref="9"/><nd ref="1"/><tag k="natural" v="coastline"/></way><relation id="4"><member type="way" ref="2" role="outer"/><tag k="type" v="multipolygon"/><tag k="building" v="yes"/></relation></osm>`))
	f.Add([]byte(`<osm><node`))
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := osmsource.Parse(context.Background(), bytes.NewReader(data), osmsource.XML, osmsource.WithMaxNodes(10000))
		if err != nil {
			if !errors.Is(err, osmsource.ErrMalformed) && !errors.Is(err, osmsource.ErrTooLarge) && !errors.Is(err, osmsource.ErrEmpty) {
				t.Fatalf("Parse() error = %v, not one of ErrMalformed, ErrTooLarge, ErrEmpty", err)
			}
			return
		}
		for i := 0; i < 2; i++ {
			if _, err := src.Map(context.Background(), seed(i).Rand(), 480, 320); err != nil {
				t.Fatalf("Map() error = %v", err)
			}
		}
	})
}
