package osmsource_test

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/captcha/maptile"
	"github.com/tollgate/tollgate/captcha/maptile/osmsource"
)

const (
	seoulXML  = "../../../testdata/osm/seoul-gongdeok-small.osm"
	monacoPBF = "../../../testdata/osm/monaco-port-small.osm.pbf"
)

func open(t testing.TB, path string) *osmsource.Source {
	t.Helper()
	src, err := osmsource.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%s) error = %v", path, err)
	}
	return src
}

func seed(i int) captcha.Seed {
	var s captcha.Seed
	s[0], s[1], s[5] = byte(i), byte(i>>8), 0x0a
	return s
}

func TestRendersCommittedExtracts(t *testing.T) {
	for _, path := range []string{seoulXML, monacoPBF} {
		t.Run(path[strings.LastIndex(path, "/")+1:], func(t *testing.T) {
			src := open(t, path)
			st := src.Stats()
			if st.Lines < 50 || st.Buildings < 20 || st.Places < 5 || st.Names < 20 {
				t.Fatalf("Stats() = %+v, want a populated extract", st)
			}
			r, err := maptile.New(maptile.WithSource(src))
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 6; i++ {
				lang := []string{"en", "ko"}[i%2]
				rd, err := r.Render(context.Background(), captcha.Request{Seed: seed(i), Lang: lang})
				if err != nil {
					t.Fatalf("Render(seed %d) error = %v", i, err)
				}
				if rd.Attribution != osmsource.Attribution || rd.AttributionBox.Empty() {
					t.Errorf("seed %d: attribution %q at %v, want %q drawn", i, rd.Attribution, rd.AttributionBox, osmsource.Attribution)
				}
				if !rd.AttributionBox.In(rd.Image.Bounds()) {
					t.Errorf("seed %d: attribution box %v outside the image", i, rd.AttributionBox)
				}
				for _, l := range rd.Labels {
					if l.Box.Overlaps(rd.AttributionBox) {
						t.Errorf("seed %d: label %q covers the attribution", i, l.Text)
					}
					if src.IsRealName(l.Text) {
						t.Errorf("seed %d: label %q is a real name from the extract", i, l.Text)
					}
				}
				if rd.TargetLabel().Text != rd.Puzzle.Answers[0] {
					t.Errorf("seed %d: target %q, answer %q", i, rd.TargetLabel().Text, rd.Puzzle.Answers[0])
				}
			}
		})
	}
}

func TestMapIsDeterministicAndClipped(t *testing.T) {
	src := open(t, seoulXML)
	a, err := src.Map(context.Background(), seed(3).Rand(), 480, 320)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := src.Map(context.Background(), seed(3).Rand(), 480, 320)
	if len(a.Lines) != len(b.Lines) || len(a.Areas) != len(b.Areas) || len(a.Places) != len(b.Places) {
		t.Fatalf("same seed gave different maps: %d/%d/%d vs %d/%d/%d", len(a.Lines), len(a.Areas), len(a.Places), len(b.Lines), len(b.Areas), len(b.Places))
	}
	if len(a.Lines) == 0 || len(a.Places) < 3 {
		t.Fatalf("map has %d lines, %d places", len(a.Lines), len(a.Places))
	}
	if a.Attribution != osmsource.Attribution {
		t.Errorf("Attribution = %q", a.Attribution)
	}
	for _, ar := range a.Areas {
		for _, ring := range ar.Rings {
			for _, p := range ring {
				if p.X < -25 || p.Y < -25 || p.X > 505 || p.Y > 345 {
					t.Fatalf("area point %v outside the clip rectangle", p)
				}
			}
		}
	}
	for _, pl := range a.Places {
		if pl.At.X < 0 || pl.At.Y < 0 || pl.At.X > 480 || pl.At.Y > 320 {
			t.Errorf("place at %v outside the view", pl.At)
		}
		if pl.Building >= len(a.Areas) || (pl.Building >= 0 && a.Areas[pl.Building].Kind != maptile.AreaBuilding) {
			t.Errorf("place building index %d is not a building", pl.Building)
		}
	}
}

func TestMonacoHasSea(t *testing.T) {
	src := open(t, monacoPBF)
	if src.Stats().CoastSegments == 0 {
		t.Fatal("no coastline parsed from the Monaco extract")
	}
	sea := 0
	for i := 0; i < 12; i++ {
		m, err := src.Map(context.Background(), seed(i).Rand(), 480, 320)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range m.Areas {
			if a.Kind == maptile.AreaWater && len(a.Rings[0]) > 20 {
				sea++
				break
			}
		}
	}
	if sea == 0 {
		t.Error("no view of the Monaco port extract shows the sea")
	}
}

func TestIsRealName(t *testing.T) {
	src := open(t, seoulXML)
	tests := []struct {
		name string
		want bool
	}{
		{"마포대로", true},
		{"마포 대로", true},
		{"Starbucks Aeogae", true},
		{"starbucks  AEOGAE!", true},
		{"솔담역", false},
		{"Tullmere Station", false},
	}
	for _, tt := range tests {
		if got := src.IsRealName(tt.name); got != tt.want {
			t.Errorf("IsRealName(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := osmsource.Open(ctx, "map.txt"); !errors.Is(err, osmsource.ErrFormat) {
		t.Errorf("Open(map.txt) error = %v, want ErrFormat", err)
	}
	if _, err := osmsource.Open(ctx, "no-such-file.osm"); err == nil || !strings.HasPrefix(err.Error(), "osmsource: ") {
		t.Errorf("Open(missing) error = %v", err)
	}
	if _, err := osmsource.Open(ctx, seoulXML, osmsource.WithMaxNodes(10)); !errors.Is(err, osmsource.ErrTooLarge) {
		t.Errorf("Open(max 10 nodes) error = %v, want ErrTooLarge", err)
	}
	if _, err := osmsource.Parse(ctx, strings.NewReader(`<osm version="0.6"></osm>`), osmsource.XML); !errors.Is(err, osmsource.ErrEmpty) {
		t.Errorf("Parse(empty) error = %v, want ErrEmpty", err)
	}
	if _, err := osmsource.Parse(ctx, strings.NewReader(`<osm><node id="1" lat="x"`), osmsource.XML); !errors.Is(err, osmsource.ErrMalformed) {
		t.Errorf("Parse(broken XML) error = %v, want ErrMalformed", err)
	}
	if _, err := osmsource.Parse(ctx, strings.NewReader("not a pbf"), osmsource.PBF); !errors.Is(err, osmsource.ErrMalformed) {
		t.Errorf("Parse(broken PBF) error = %v, want ErrMalformed", err)
	}
	if _, err := osmsource.Open(ctx, "osmsource_test.go.pbf"); errors.Is(err, osmsource.ErrMalformed) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(missing .pbf) error = %v, want fs.ErrNotExist", err)
	}
	if _, err := osmsource.Parse(ctx, strings.NewReader(""), osmsource.Format(9)); !errors.Is(err, osmsource.ErrFormat) {
		t.Errorf("Parse(format 9) error = %v, want ErrFormat", err)
	}
	for _, o := range []osmsource.Option{osmsource.WithMaxNodes(0), osmsource.WithMetersPerPixel(2, 1)} {
		if _, err := osmsource.Open(ctx, seoulXML, o); err == nil {
			t.Error("bad option accepted")
		}
	}
}
