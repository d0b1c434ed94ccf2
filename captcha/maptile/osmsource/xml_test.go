package osmsource

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestDecodeXMLErrors(t *testing.T) {
	tests := []struct {
		name, doc string
		maxNodes  int
		want      error
		text      string
	}{
		{"syntax", `<osm><node id="1"></way></osm>`, 100, ErrMalformed, "line 1"},
		{"truncated", `<osm><node id="1" lat="1" lon="1">`, 100, ErrMalformed, "unexpected EOF"},
		{"bad number", "<osm>\n<node id=\"1\" lat=\"x\" lon=\"1\"/></osm>", 100, ErrMalformed, `line 2: <node lat="x">: invalid syntax`},
		{"bad ref", `<osm><way id="1"><nd ref="1.5"/></way></osm>`, 100, ErrMalformed, `<nd ref="1.5">`},
		{"bad bounds", `<osm><bounds minlat="north"/></osm>`, 100, ErrMalformed, `<bounds minlat="north">`},
		{"charset", `<?xml version="1.0" encoding="latin1"?><osm/>`, 100, ErrMalformed, "latin1"},
		{"nodes", `<osm><node id="1" lat="1" lon="1"/><node id="2" lat="1" lon="1"/></osm>`, 1, ErrTooLarge, "more than 1"},
		{"references", `<osm><way id="1"><nd ref="1"/><nd ref="1"/><nd ref="1"/><nd ref="1"/><nd ref="1"/></way></osm>`, 1, ErrTooLarge, "4 per node"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scan(context.Background(), strings.NewReader(tt.doc), XML, tt.maxNodes)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.text) {
				t.Errorf("scan() error = %v, want %v containing %q", err, tt.want, tt.text)
			}
		})
	}
}

// TestDecodeXML: what the XML reader keeps, and what it leaves out.
func TestDecodeXML(t *testing.T) {
	doc := `<?xml version="1.0"?>
<osm version="0.6">
 <bounds minlat="1" minlon="2" maxlat="1.5" maxlon="2.5"/>
 <node id="1" lat=" 1.1 " lon="2.1" version="bad" timestamp="never"><tag k="amenity" v="cafe"/><tag k="name" v="A &amp; B"/></node>
 <node id="2" lat="" lon="2.2"/>
 <node id="3" lat="90" lon="2.2"><tag k="name" v="Pole"/></node>
 <way id="5"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/><bounds minlat="9" minlon="9" maxlat="9.5" maxlon="9.5"/><node id="9" lat="1" lon="1"/></way>
 <relation id="6"><member type="way" ref="5" role="outer"/><member type="area" ref="7" role=""/><tag k="type" v="multipolygon"/></relation>
 <relation id="7"><tag k="type" v="route"/><tag k="name" v="Route 7"/></relation>
 <changeset id="8"><tag k="name" v="not map data"/></changeset>
</osm>`
	got, err := scan(context.Background(), strings.NewReader(doc), XML, 100)
	if err != nil {
		t.Fatal(err)
	}
	w := &way{id: 5, nodes: []int64{1, 2}, tags: tags{{"highway", "primary"}}}
	want := &rawData{
		nodes:     map[int64][2]float64{1: {1.1, 2.1}, 2: {0, 2.2}},
		pois:      []node{{id: 1, lat: 1.1, lon: 2.1, tags: tags{{"amenity", "cafe"}, {"name", "A & B"}}}},
		ways:      []*way{w},
		wayByID:   map[int64]*way{5: w},
		relations: []*relation{{id: 6, members: []member{{memberWay, 5, "outer"}, {memberOther, 7, ""}}, tags: tags{{"type", "multipolygon"}}}},
		bounds:    &bounds{minLat: 1, maxLat: 1.5, minLon: 2, maxLon: 2.5},
		names:     map[string]bool{"ab": true, "route7": true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("scan() =\n%s\nwant\n%s", dump(got), dump(want))
	}
}
