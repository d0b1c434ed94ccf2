package osmsource

import (
	"testing"

	"github.com/tollgate/tollgate/captcha/maptile"
)

func TestSeaIsRightOfCoast(t *testing.T) {
	r := rectPx{0, 0, 100, 80}
	// Heading east with land on the left (north): the sea is south.
	coast := []maptile.Point{{X: -20, Y: 40}, {X: 50, Y: 35}, {X: 120, Y: 45}}
	polys := seaPolygons([][]maptile.Point{coast}, r)
	if len(polys) != 1 {
		t.Fatalf("seaPolygons() = %d polygons, want 1", len(polys))
	}
	if !inRing(maptile.Point{X: 50, Y: 70}, polys[0][0]) || inRing(maptile.Point{X: 50, Y: 10}, polys[0][0]) {
		t.Errorf("sea polygon %v: want the south half", polys[0][0])
	}
	// Reversed, the sea is north.
	rev := []maptile.Point{coast[2], coast[1], coast[0]}
	polys = seaPolygons([][]maptile.Point{rev}, r)
	if len(polys) != 1 || !inRing(maptile.Point{X: 50, Y: 10}, polys[0][0]) {
		t.Errorf("reversed coast: sea polygons %v, want the north half", polys)
	}
	// An island fully inside: sea all around it.
	island := []maptile.Point{{X: 40, Y: 30}, {X: 40, Y: 50}, {X: 60, Y: 50}, {X: 60, Y: 30}, {X: 40, Y: 30}}
	if ringArea(island[:4]) > 0 {
		t.Fatal("test island winds the wrong way")
	}
	polys = seaPolygons([][]maptile.Point{island}, r)
	if len(polys) != 1 || len(polys[0]) != 2 {
		t.Errorf("island: %d polygons, want the view with one hole", len(polys))
	}
}

func TestClipPolygon(t *testing.T) {
	r := rectPx{0, 0, 10, 10}
	got := clipPolygon([]maptile.Point{{X: -5, Y: -5}, {X: 5, Y: -5}, {X: 5, Y: 5}, {X: -5, Y: 5}}, r)
	if a := ringArea(got); a < 24.9 || a > 25.1 {
		t.Errorf("clipped area = %.2f, want 25 (%v)", a, got)
	}
	if got := clipPolygon([]maptile.Point{{X: 20, Y: 20}, {X: 30, Y: 20}, {X: 30, Y: 30}}, r); len(got) != 0 {
		t.Errorf("polygon outside clipped to %v, want nothing", got)
	}
}

func TestClipLine(t *testing.T) {
	r := rectPx{0, 0, 10, 10}
	pieces := clipLine([]maptile.Point{{X: -10, Y: 5}, {X: -5, Y: 5}, {X: 5, Y: 5}, {X: 20, Y: 5}, {X: 30, Y: 5}, {X: 30, Y: 50}, {X: 5, Y: 8}, {X: 5, Y: 2}}, r)
	if len(pieces) != 2 {
		t.Fatalf("clipLine() = %d pieces, want 2: %v", len(pieces), pieces)
	}
}

func TestJoinWays(t *testing.T) {
	ways := [][]int64{{1, 2, 3}, {5, 4, 3}, {5, 6, 1}}
	rings := joinWays(ways, true)
	if len(rings) != 1 || len(rings[0]) != 7 || rings[0][0] != rings[0][6] {
		t.Errorf("joinWays(rings) = %v, want one closed ring of 6 nodes", rings)
	}
	chains := joinWays([][]int64{{3, 4}, {1, 2, 3}, {7, 8}}, false)
	if len(chains) != 2 || len(chains[0]) != 4 {
		t.Errorf("joinWays(chains) = %v, want [1 2 3 4] and [7 8]", chains)
	}
}
