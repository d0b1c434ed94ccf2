package ocr

import (
	"context"
	"errors"
	"image"
	"math"
	"testing"

	"golang.org/x/image/font/gofont/goregular"
)

// grayWith returns a white w×h image with the given rectangles black.
func grayWith(w, h int, rects ...image.Rectangle) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	for _, r := range rects {
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				g.Pix[y*g.Stride+x] = 0
			}
		}
	}
	return g
}

func TestSegment(t *testing.T) {
	letters := []image.Rectangle{
		image.Rect(40, 10, 50, 40), // listed out of order on purpose
		image.Rect(5, 10, 15, 40),
		image.Rect(22, 18, 28, 40), // an "i" stem ...
		image.Rect(22, 10, 28, 14), // ... and its dot
		image.Rect(60, 37, 62, 39), // a speck
	}
	got := Segment(grayWith(80, 50, letters...), false)
	want := []Glyph{image.Rect(5, 10, 15, 40), image.Rect(22, 10, 28, 40), image.Rect(40, 10, 50, 40)}
	if len(got) != len(want) {
		t.Fatalf("Segment = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Segment[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	// Two narrow jamo side by side form one syllable with syllables set.
	jamo := grayWith(80, 50, image.Rect(5, 10, 17, 40), image.Rect(20, 10, 30, 40), image.Rect(45, 10, 70, 40))
	if got := Segment(jamo, true); len(got) != 2 || got[0] != image.Rect(5, 10, 30, 40) {
		t.Errorf("Segment(syllables) = %v, want the first two pieces merged", got)
	}
	if got := Segment(jamo, false); len(got) != 3 {
		t.Errorf("Segment(letters) = %v, want 3 pieces", got)
	}
	if got := Segment(grayWith(10, 10), false); got != nil {
		t.Errorf("Segment(blank) = %v, want nil", got)
	}
	var many []image.Rectangle
	for x := 0; x < 600; x += 3 {
		many = append(many, image.Rect(x, 0, x+1, 10))
	}
	if got := Segment(grayWith(600, 10, many...), false); got != nil {
		t.Errorf("Segment(200 pieces) = %d pieces, want nil", len(got))
	}
}

func TestOpenRemovesThinLines(t *testing.T) {
	g := grayWith(60, 30, image.Rect(0, 14, 60, 16), image.Rect(20, 5, 30, 25))
	o := Open(2)(g)
	if o.GrayAt(5, 15).Y != 255 || o.GrayAt(50, 14).Y != 255 {
		t.Errorf("Open(2) kept the 2-px line")
	}
	for _, p := range []image.Point{{20, 5}, {29, 24}, {25, 15}} {
		if o.GrayAt(p.X, p.Y).Y != 0 {
			t.Errorf("Open(2) removed the block at %v", p)
		}
	}
}

func TestRotateGray(t *testing.T) {
	g := grayWith(40, 10, image.Rect(0, 0, 4, 4)) // ink at the top-left
	r := RotateGray(g, math.Pi/2)
	if r.Rect.Dx() != 10 || r.Rect.Dy() != 40 {
		t.Fatalf("RotateGray(90°) size = %v, want 10×40", r.Rect.Size())
	}
	// A clockwise quarter turn takes the top-left corner to the top-right.
	if r.GrayAt(8, 1).Y != 0 || r.GrayAt(1, 1).Y != 255 {
		t.Errorf("RotateGray(90°) ink not at the top-right")
	}
	if same := RotateGray(g, 0); same.GrayAt(1, 1).Y != 0 || same.Rect != g.Rect {
		t.Errorf("RotateGray(0) changed the image")
	}
}

func TestDewarp(t *testing.T) {
	// A 4-px thick wave: row = 30 + 15·sin(x/15).
	g := grayWith(200, 70)
	for x := 0; x < 200; x++ {
		c := 30 + int(15*math.Sin(float64(x)/15))
		for y := c - 2; y < c+2; y++ {
			g.Pix[y*g.Stride+x] = 0
		}
	}
	spread := func(m *image.Gray) int {
		lo, hi := m.Rect.Dy(), 0
		for y := 0; y < m.Rect.Dy(); y++ {
			for x := 0; x < m.Rect.Dx(); x++ {
				if m.Pix[y*m.Stride+x] == 0 {
					lo, hi = min(lo, y), max(hi, y)
				}
			}
		}
		return hi - lo
	}
	before, after := spread(g), spread(Dewarp()(g))
	if after*10 > before*6 {
		t.Errorf("Dewarp: ink spans %d rows after, %d before; want at most 60%%", after, before)
	}
}

func TestGlyphsReadCleanText(t *testing.T) {
	requireBinary(t, "tesseract")
	if _, err := NewGlyphs(context.Background(), "eng", []int{10}, []float64{120}); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("NewGlyphs(angle 120) = %v, want ErrInvalidOption", err)
	}
	g, err := NewGlyphs(context.Background(), "eng", []int{10, 8}, []float64{-15, 0, 15}, WithVariants(Dark3))
	if err != nil {
		t.Fatal(err)
	}
	if g.Name() != "tesseract:eng:glyphs" {
		t.Errorf("Name() = %q", g.Name())
	}
	cands, err := g.Recognize(context.Background(), textImage(t, goregular.TTF, "Hanbit Cafe", 32))
	if err != nil {
		t.Fatal(err)
	}
	best := 0.0
	for _, c := range cands {
		best = math.Max(best, Recovered(c.Text, "Hanbit Cafe"))
	}
	if len(cands) != 2 || best < 0.7 {
		t.Errorf("Glyphs read %+v (best %.0f%% of the letters), want 2 candidates and ≥ 70%%", cands, 100*best)
	}
}
