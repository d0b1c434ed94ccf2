package maptile

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"testing"
)

func TestDilateMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// A dense mask, and a wide sparse one with long empty runs.
	for _, sz := range []struct{ w, h, sparse int }{{23, 17, 9}, {61, 13, 60}} {
		w, h := sz.w, sz.h
		m := make([]uint8, w*h)
		for i := range m {
			if rng.IntN(sz.sparse) == 0 {
				m[i] = uint8(rng.IntN(256))
			}
		}
		testDilate(t, m, w, h)
	}
}

func testDilate(t *testing.T, m []uint8, w, h int) {
	t.Helper()
	for rad := 1; rad <= 4; rad++ {
		var sc [][]uint8
		got := dilate(m, w, h, rad, &sc)
		r2 := rad*rad + rad
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				var want uint8
				for dy := -rad; dy <= rad; dy++ {
					for dx := -rad; dx <= rad; dx++ {
						if dx*dx+dy*dy > r2 {
							continue
						}
						xx, yy := x+dx, y+dy
						if xx >= 0 && yy >= 0 && xx < w && yy < h && m[yy*w+xx] > want {
							want = m[yy*w+xx]
						}
					}
				}
				if got[y*w+x] != want {
					t.Fatalf("rad %d: dilate at (%d,%d) = %d, want %d", rad, x, y, got[y*w+x], want)
				}
			}
		}
	}
}

func TestQuantizeKeepsFewColours(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	cols := []color.RGBA{colLand, colWater, colBuilding, rgb(0x123456), rgb(0xfde293)}
	for y := 0; y < 30; y++ {
		for x := 0; x < 40; x++ {
			img.SetRGBA(x, y, cols[(x/7+y/5)%len(cols)])
		}
	}
	var q quantizer
	p := q.quantize(img)
	for y := 0; y < 30; y++ {
		for x := 0; x < 40; x++ {
			if got, want := p.At(x, y), img.At(x, y); got != color.Color(color.RGBA(want.(color.RGBA))) {
				r1, g1, b1, _ := got.RGBA()
				r2, g2, b2, _ := want.RGBA()
				if r1 != r2 || g1 != g2 || b1 != b2 {
					t.Fatalf("quantize(%d,%d) = %v, want %v", x, y, got, want)
				}
			}
		}
	}
}

func TestFillCoversPolygon(t *testing.T) {
	c := newCanvas(20, 20, 1, nil, true)
	c.clear(color.RGBA{255, 255, 255, 255})
	c.p.polygon([]Point{{5, 5}, {15, 5}, {15, 15}, {5, 15}}, 1, -1)
	// A hole in the middle cancels.
	c.p.polygon([]Point{{8, 8}, {12, 8}, {12, 12}, {8, 12}}, 1, 1)
	c.fill(&c.p, color.RGBA{0, 0, 0, 255})
	tests := []struct {
		x, y int
		want uint8
	}{{6, 6, 0}, {14, 14, 0}, {2, 2, 255}, {10, 10, 255}, {18, 10, 255}}
	for _, tt := range tests {
		if got := c.img.RGBAAt(tt.x, tt.y).R; got != tt.want {
			t.Errorf("pixel(%d,%d) = %d, want %d", tt.x, tt.y, got, tt.want)
		}
	}
}

func TestStrokeUnionHasNoGaps(t *testing.T) {
	c := newCanvas(40, 40, 1, nil, true)
	c.clear(color.RGBA{255, 255, 255, 255})
	// A zigzag: joins must fill, overlapping segments must not cancel.
	c.p.stroke([]Point{{5, 5}, {35, 5}, {5, 35}, {35, 35}}, 1, 3, true)
	c.fill(&c.p, color.RGBA{0, 0, 0, 255})
	for _, p := range []image.Point{{5, 5}, {35, 5}, {20, 5}, {20, 20}, {35, 35}, {34, 6}} {
		if got := c.img.RGBAAt(p.X, p.Y).R; got > 40 {
			t.Errorf("stroke pixel %v = %d, want dark", p, got)
		}
	}
	if got := c.img.RGBAAt(20, 12).R; got != 255 {
		t.Errorf("pixel off the stroke = %d, want white", got)
	}
}

func TestDashes(t *testing.T) {
	var total float64
	n := 0
	dashes([]Point{{0, 0}, {10, 0}, {10, 10}}, 3, 2, 0, func(d []Point) {
		total += polylineLength(d)
		n++
	})
	if n != 4 || total < 11.9 || total > 12.1 {
		t.Errorf("dashes: %d dashes of total length %.2f, want 4 covering 12", n, total)
	}
}

func TestQuadIntersects(t *testing.T) {
	a := rectQuad(rect{0, 0, 10, 10})
	tests := []struct {
		q    quad
		want bool
	}{
		{rectQuad(rect{5, 5, 15, 15}), true},
		{rectQuad(rect{11, 0, 20, 10}), false},
		{quad{{12, 5}, {17, 0}, {22, 5}, {17, 10}}, false},
		{quad{{9, 5}, {14, 0}, {19, 5}, {14, 10}}, true},
	}
	for i, tt := range tests {
		if got := a.intersects(tt.q); got != tt.want {
			t.Errorf("case %d: intersects = %v, want %v", i, got, tt.want)
		}
	}
}

func TestContrastRatio(t *testing.T) {
	if got := ContrastRatio(rgb(0x000000), rgb(0xffffff)); got < 20.99 || got > 21.01 {
		t.Errorf("ContrastRatio(black, white) = %.3f, want 21", got)
	}
	if got := ContrastRatio(rgb(0x777777), rgb(0xffffff)); got < 4.47 || got > 4.49 {
		t.Errorf("ContrastRatio(#777, white) = %.3f, want 4.48", got)
	}
	// Every label colour the style uses reads on the halo.
	for k, s := range placeStyles {
		if c := ContrastRatio(s.text, colHalo); c < 4.5 {
			t.Errorf("place kind %d text contrast %.2f", k, c)
		}
	}
	if c := ContrastRatio(colStreetText, colHalo); c < 4.5 {
		t.Errorf("street text contrast %.2f", c)
	}
}

func TestPolyIndexMatchesNearLine(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var pts []Point
	for i := 0; i < 50; i++ {
		pts = append(pts, Point{float64(i) * 10, 100 + 40*math.Sin(float64(i)/5)})
	}
	ix := newPolyIndex(pts)
	for k := 0; k < 5000; k++ {
		p := Point{rng.Float64()*560 - 40, rng.Float64() * 240}
		d := rng.Float64() * 20
		if got, want := ix.near(p, d), nearLine(p, pts, d); got != want {
			t.Fatalf("near(%v, %.2f) = %v, nearLine = %v", p, d, got, want)
		}
	}
}
