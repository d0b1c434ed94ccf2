package ocr

import (
	"image"
	"image/color"
	"testing"
)

func uniformRGBA(w, h int, c color.RGBA) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(m.Pix); i += 4 {
		m.Pix[i], m.Pix[i+1], m.Pix[i+2], m.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	return m
}

func TestToGray(t *testing.T) {
	tests := []struct {
		name string
		c    color.RGBA
		want uint8
	}{
		{"white", color.RGBA{255, 255, 255, 255}, 255},
		{"black", color.RGBA{0, 0, 0, 255}, 0},
		{"transparent is white", color.RGBA{0, 0, 0, 0}, 255},
		{"pure red", color.RGBA{255, 0, 0, 255}, 76},
		{"label brown a64b00", color.RGBA{0xa6, 0x4b, 0x00, 255}, 94}, // 0.299·166 + 0.587·75 = 93.7
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, m := range []image.Image{uniformRGBA(3, 2, tt.c), &image.NRGBA{Pix: uniformRGBA(3, 2, tt.c).Pix, Stride: 12, Rect: image.Rect(0, 0, 3, 2)}} {
				g := ToGray(m)
				if g.Rect != image.Rect(0, 0, 3, 2) {
					t.Fatalf("ToGray bounds = %v, want 3×2 at origin", g.Rect)
				}
				if got := g.GrayAt(1, 1).Y; got != tt.want {
					t.Errorf("ToGray(%T %v) = %d, want %d", m, tt.c, got, tt.want)
				}
			}
		})
	}
}

func TestToGrayKeepsOffsetImages(t *testing.T) {
	m := uniformRGBA(10, 10, color.RGBA{255, 255, 255, 255})
	m.SetRGBA(5, 5, color.RGBA{0, 0, 0, 255})
	sub := m.SubImage(image.Rect(4, 4, 8, 8))
	g := ToGray(sub)
	if got := g.GrayAt(1, 1).Y; got != 0 {
		t.Errorf("ToGray(sub).At(1,1) = %d, want 0 (the black pixel at 5,5)", got)
	}
	if got := g.GrayAt(0, 0).Y; got != 255 {
		t.Errorf("ToGray(sub).At(0,0) = %d, want 255", got)
	}
}

func TestUpscale(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 2, 1))
	g.Pix[0], g.Pix[1] = 0, 240
	up := Upscale(3)(g)
	if up.Rect.Dx() != 6 || up.Rect.Dy() != 3 {
		t.Fatalf("Upscale(3) size = %v, want 6×3", up.Rect.Size())
	}
	row := up.Pix[up.Stride : up.Stride+6]
	for i := 1; i < len(row); i++ {
		if row[i] < row[i-1] {
			t.Errorf("Upscale(3) row %v is not monotonic", row)
			break
		}
	}
	if row[0] != 0 || row[5] != 240 {
		t.Errorf("Upscale(3) ends = %d, %d, want 0, 240", row[0], row[5])
	}
	if got := Upscale(1)(g); got != g {
		t.Errorf("Upscale(1) changed the image")
	}
	c := image.NewGray(image.Rect(0, 0, 4, 4))
	for i := range c.Pix {
		c.Pix[i] = 77
	}
	for _, v := range Upscale(2)(c).Pix {
		if v != 77 {
			t.Fatalf("Upscale(2) of a uniform image has value %d, want 77", v)
		}
	}
}

func TestThresholdAndOtsu(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 100, 1))
	for i := range g.Pix {
		if i < 30 {
			g.Pix[i] = 40 + uint8(i%5)
		} else {
			g.Pix[i] = 200 + uint8(i%7)
		}
	}
	th := OtsuThreshold(g)
	if th <= 44 || th > 200 {
		t.Errorf("OtsuThreshold(bimodal 40–44 / 200–206) = %d, want in (44, 200]", th)
	}
	b := Otsu()(g)
	for i, v := range b.Pix {
		want := uint8(255)
		if i < 30 {
			want = 0
		}
		if v != want {
			t.Fatalf("Otsu pixel %d = %d, want %d", i, v, want)
		}
	}
	u := image.NewGray(image.Rect(0, 0, 3, 3))
	if got := OtsuThreshold(u); got != 128 {
		t.Errorf("OtsuThreshold(uniform) = %d, want 128", got)
	}
	g2 := image.NewGray(image.Rect(0, 0, 3, 1))
	copy(g2.Pix, []uint8{149, 150, 151})
	Threshold(150)(g2)
	if g2.Pix[0] != 0 || g2.Pix[1] != 255 || g2.Pix[2] != 255 {
		t.Errorf("Threshold(150)(149,150,151) = %v, want [0 255 255]", g2.Pix)
	}
}

func TestCloseBridgesGap(t *testing.T) {
	// A black bar 9 px wide with a 2-px white gap, like a watermark stroke
	// crossing a letter.
	g := image.NewGray(image.Rect(0, 0, 15, 5))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	for x := 3; x < 12; x++ {
		if x == 7 || x == 8 {
			continue
		}
		g.Pix[2*g.Stride+x] = 0
	}
	c := Close(1)(g)
	for x := 3; x < 12; x++ {
		if c.Pix[2*c.Stride+x] != 0 {
			t.Errorf("Close(1) left pixel %d of the bar white", x)
		}
	}
	if c.Pix[2*c.Stride+1] != 255 || c.Pix[0] != 255 {
		t.Errorf("Close(1) grew ink outside the bar")
	}
}

func TestDropLight(t *testing.T) {
	m := uniformRGBA(3, 1, color.RGBA{250, 248, 252, 255})
	m.SetRGBA(1, 0, color.RGBA{0xa6, 0x4b, 0, 255})
	m.SetRGBA(2, 0, color.RGBA{214, 250, 250, 255})
	out := DropLight(m, 215)
	if got := out.RGBAAt(0, 0); got != (color.RGBA{255, 255, 255, 255}) {
		t.Errorf("DropLight near-white = %v, want white", got)
	}
	if got := out.RGBAAt(1, 0); got != (color.RGBA{0xa6, 0x4b, 0, 255}) {
		t.Errorf("DropLight label colour = %v, want unchanged", got)
	}
	if got := out.RGBAAt(2, 0); got.R != 214 {
		t.Errorf("DropLight with one channel below min = %v, want unchanged", got)
	}
}

func TestRotate90RoundTrip(t *testing.T) {
	m := image.NewRGBA(image.Rect(0, 0, 3, 2))
	for i := range m.Pix {
		m.Pix[i] = uint8(i * 7)
	}
	for i := 3; i < len(m.Pix); i += 4 {
		m.Pix[i] = 255
	}
	cw := Rotate90(m, true)
	if cw.Rect.Dx() != 2 || cw.Rect.Dy() != 3 {
		t.Fatalf("Rotate90 size = %v, want 2×3", cw.Rect.Size())
	}
	// Clockwise: the top-left pixel goes to the top-right.
	if cw.RGBAAt(1, 0) != m.RGBAAt(0, 0) {
		t.Errorf("Rotate90(cw).At(1,0) = %v, want %v", cw.RGBAAt(1, 0), m.RGBAAt(0, 0))
	}
	back := Rotate90(cw, false)
	for y := 0; y < 2; y++ {
		for x := 0; x < 3; x++ {
			if back.RGBAAt(x, y) != m.RGBAAt(x, y) {
				t.Fatalf("Rotate90 cw then ccw differs at %d,%d", x, y)
			}
		}
	}
}

func TestCropQuad(t *testing.T) {
	m := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for y := 0; y < 30; y++ {
		for x := 0; x < 40; x++ {
			m.SetRGBA(x, y, color.RGBA{uint8(x * 6), uint8(y * 8), 0, 255})
		}
	}
	// An upright box: the same pixels as Crop.
	q := [4]image.Point{{10, 5}, {30, 5}, {30, 15}, {10, 15}}
	got := CropQuad(m, q, 0)
	want := Crop(m, image.Rect(10, 5, 30, 15))
	if got.Rect != want.Rect {
		t.Fatalf("CropQuad upright bounds = %v, want %v", got.Rect, want.Rect)
	}
	for i := range got.Pix {
		if got.Pix[i] != want.Pix[i] {
			t.Fatalf("CropQuad upright differs from Crop at byte %d: %d vs %d", i, got.Pix[i], want.Pix[i])
		}
	}
	// A box whose text runs top to bottom (rotated a quarter turn
	// clockwise): its top edge is the right-hand side x=30.
	qv := [4]image.Point{{30, 5}, {30, 25}, {20, 25}, {20, 5}}
	v := CropQuad(m, qv, 2)
	if v.Rect.Dx() != 24 || v.Rect.Dy() != 14 {
		t.Fatalf("CropQuad vertical size = %v, want 24×14", v.Rect.Size())
	}
	// Output (2,2) is just inside q[0] = (30,5): source pixel (29,5).
	if c := v.RGBAAt(2, 2); c != m.RGBAAt(29, 5) {
		t.Errorf("CropQuad vertical At(2,2) = %v, want %v (source 29,5)", c, m.RGBAAt(29, 5))
	}
	// Padding outside the image is white.
	if c := CropQuad(m, [4]image.Point{{0, 0}, {10, 0}, {10, 10}, {0, 10}}, 3).RGBAAt(0, 0); c != (color.RGBA{255, 255, 255, 255}) {
		t.Errorf("CropQuad outside the image = %v, want white", c)
	}
	if e := CropQuad(m, [4]image.Point{}, 4); !e.Rect.Empty() {
		t.Errorf("CropQuad(degenerate) = %v, want empty", e.Rect)
	}
}

func TestVariantsLeaveInputAlone(t *testing.T) {
	m := uniformRGBA(8, 6, color.RGBA{120, 60, 30, 255})
	m.SetRGBA(2, 2, color.RGBA{250, 250, 250, 255})
	orig := append([]uint8(nil), m.Pix...)
	for _, v := range append(FullVariants(), CropVariants(Full)...) {
		out := v.Apply(m)
		if out.Bounds().Empty() {
			t.Errorf("variant %s returned an empty image", v.Name)
		}
		for i := range orig {
			if m.Pix[i] != orig[i] {
				t.Fatalf("variant %s modified its input", v.Name)
			}
		}
	}
	if got := Dark3.Apply(m).Bounds().Size(); got != image.Pt(24, 18) {
		t.Errorf("Dark3 size = %v, want 24×18", got)
	}
	if got := Dark3CW.Apply(m).Bounds().Size(); got != image.Pt(18, 24) {
		t.Errorf("Dark3CW size = %v, want 18×24", got)
	}
}
