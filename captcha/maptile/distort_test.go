package maptile

import (
	"context"
	"image/color"
	"math"
	"testing"

	"github.com/tollgate/tollgate/captcha"
)

// TestMarksUniteWithGlyphs checks that a stroke crossing a letter adds to
// its ink in every font: TrueType and CFF outlines wind opposite ways, and
// a stroke winding against the letter would cut a hole in it instead.
func TestMarksUniteWithGlyphs(t *testing.T) {
	fonts, err := defaultFonts()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(fonts["en"].all(), fonts["ko"].all()...) {
		for _, r := range "lI" {
			lay := layoutText(f, 40, string(r), plainSpacing, nil)
			lay.addMark(textMark{pts: []Point{{-10, -12}, {40, -12}}, hw: 2})
			c := newCanvas(60, 60, 1, nil, true)
			c.clear(color.RGBA{255, 255, 255, 255})
			c.drawText(&lay, Point{10, 45}, 0, color.RGBA{0, 0, 0, 255}, color.RGBA{}, 0)
			// The letter's stem, away from the stroke, and where the
			// stroke crosses it.
			x := -1
			for i := 0; i < 60; i++ {
				if c.img.RGBAAt(i, 45-25).R < 60 {
					x = i + 1
					break
				}
			}
			if x < 0 {
				t.Fatalf("%s %q: no stem found", f.Name(), r)
			}
			if got := c.img.RGBAAt(x, 45-12).R; got > 60 {
				t.Errorf("%s %q: pixel where the stroke crosses the stem = %d, want dark", f.Name(), r, got)
			}
		}
	}
}

func TestReverseContours(t *testing.T) {
	ops := []pathOp{
		{op: 'M', p: [6]float32{0, 0}},
		{op: 'L', p: [6]float32{1, 0}},
		{op: 'Q', p: [6]float32{2, 0, 2, 1}},
		{op: 'C', p: [6]float32{2, 2, 1, 2, 0, 2}},
		{op: 'M', p: [6]float32{5, 5}},
		{op: 'L', p: [6]float32{6, 5}},
		{op: 'L', p: [6]float32{6, 6}},
	}
	a0, p0 := outlineAreaPerimeter(ops)
	rev := reverseContours(ops)
	a1, p1 := outlineAreaPerimeter(rev)
	if math.Abs(a0+a1) > 1e-9 || math.Abs(p0-p1) > 1e-9 {
		t.Errorf("reversed outline: area %.4f, perimeter %.4f; want %.4f, %.4f", a1, p1, -a0, p0)
	}
	if twice := reverseContours(rev); len(twice) != len(ops) {
		t.Errorf("reversing twice gave %d ops, want %d", len(twice), len(ops))
	} else {
		for i := range ops {
			if twice[i] != ops[i] {
				t.Errorf("reversing twice: op %d = %v, want %v", i, twice[i], ops[i])
			}
		}
	}
}

// planFor plans and draws the challenge of seed i in lang, keeping the
// plan for inspection.
func planFor(t *testing.T, r *Renderer, i int, lang string) (*plan, *Rendering) {
	t.Helper()
	var seed captcha.Seed
	seed[0], seed[1], seed[2] = byte(i), byte(i>>8), 0xd1
	pl, err := r.planMap(context.Background(), seed.Rand(), lang)
	if err != nil {
		t.Fatalf("seed %d %s: planMap error = %v", i, lang, err)
	}
	return pl, r.draw(pl, 1, new(scratch), true)
}

// TestLabelDistortionBounds checks the limits that keep distorted labels
// legible: letters turn by at most maxTurn and only grow (so the x-height
// holds), and the strokes joining the letters are no heavier than the
// letters' stems and keep out of the middle of every letter. Every place
// and street label is distorted alike, so the distortion does not mark
// the target.
func TestLabelDistortionBounds(t *testing.T) {
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	closest := math.Inf(1) // in x-heights
	for i := 0; i < 24; i++ {
		lang := []string{"en", "ko"}[i%2]
		pl, _ := planFor(t, r, i, lang)
		for _, l := range pl.labels {
			lay := &l.lay
			inked := 0
			for _, pg := range lay.glyphs {
				if pg.g.ok && len(pg.g.ops) > 0 {
					inked++
				}
			}
			if inked >= 2 && len(lay.marks) == 0 {
				t.Errorf("seed %d label %q: letters not joined", i, lay.text)
			}
			stem := float64(lay.font.stem) * lay.size
			xh := float64(lay.font.xHeight) * lay.size
			for _, m := range lay.marks {
				if w := 2 * m.hw; w > stem+1e-9 || w > joinMaxW+1e-9 {
					t.Errorf("seed %d label %q: joining stroke %.2f px wide, stems %.2f px; want <= the stem and <= %.1f px", i, lay.text, w, stem, joinMaxW)
				}
			}
			turned := 0
			for gi := range lay.glyphs {
				pg := &lay.glyphs[gi]
				if math.Abs(pg.rot) > labelSpacing.maxTurn+1e-9 {
					t.Errorf("seed %d label %q: letter turned %.1f°, want <= %.0f°", i, lay.text, pg.rot*180/math.Pi, labelSpacing.maxTurn*180/math.Pi)
				}
				if pg.scale < 1 {
					t.Errorf("seed %d label %q: letter scaled by %.3f, want >= 1 (x-height)", i, lay.text, pg.scale)
				}
				if math.Abs(pg.rot) > 0.05 {
					turned++
				}
				if !pg.g.ok || len(pg.g.ops) == 0 {
					continue
				}
				// The letter's middle: the middle of its x-height, which
				// its turn leaves in place.
				k := lay.size * pg.scale
				mid := Point{pg.x + float64(pg.g.advance)/2*k, pg.y - float64(lay.font.xHeight)/2*k}
				for _, m := range lay.marks {
					d := distToPolyline(mid, m.pts) - m.hw
					closest = math.Min(closest, d/xh)
					if d < 0.2*xh {
						t.Errorf("seed %d label %q: joining stroke passes %.1f px from the middle of letter %d, want >= %.1f (20%% of the x-height)", i, lay.text, d, gi, 0.2*xh)
					}
				}
			}
			if len(lay.glyphs) >= 4 && turned == 0 {
				t.Errorf("seed %d label %q: no letter turned; every label should be distorted", i, lay.text)
			}
		}
	}
	t.Logf("joining strokes pass at least %.2f x-heights from the middle of a letter", closest)
}

func distToPolyline(p Point, pts []Point) float64 {
	d := math.Inf(1)
	for i := 1; i < len(pts); i++ {
		d = math.Min(d, distToSegment(p, pts[i-1], pts[i]))
	}
	return d
}

// TestLettersTouchJoin checks what defeats reading letter by letter: in
// the label's ink, thresholded at half coverage, (nearly) every letter is
// connected to a joining stroke, so the ink is one piece (or a few) that
// cannot be cut into letters.
func TestLettersTouchJoin(t *testing.T) {
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	const w, h = DefaultWidth, DefaultHeight
	c := newCanvas(w, h, 1, new(scratch), true)
	ink := func(lay *textLayout, l planLabel) []int {
		c.p.reset()
		lay.addTo(&c.p, l.origin, l.angle, 1)
		box := c.rasterize(&c.p, 0)
		var out []int
		for y := 0; y < box.Dy(); y++ {
			for x := 0; x < box.Dx(); x++ {
				if c.mask.Pix[y*box.Dx()+x] >= 128 {
					out = append(out, (box.Min.Y+y)*w+box.Min.X+x)
				}
			}
		}
		return out
	}
	letters, joined := 0, 0
	for i := 0; i < 12; i++ {
		lang := []string{"en", "ko"}[i%2]
		pl, _ := planFor(t, r, 40+i, lang)
		for _, l := range pl.labels {
			// The pieces of the whole label's ink that hold the strokes.
			all := map[int]bool{}
			for _, px := range ink(&l.lay, l) {
				all[px] = true
			}
			strokes := l.lay
			strokes.glyphs = nil
			piece := map[int]bool{}
			queue := []int{}
			for _, px := range ink(&strokes, l) {
				if all[px] && !piece[px] {
					piece[px] = true
					queue = append(queue, px)
				}
			}
			for len(queue) > 0 {
				px := queue[len(queue)-1]
				queue = queue[:len(queue)-1]
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						q := px + dy*w + dx
						if all[q] && !piece[q] {
							piece[q] = true
							queue = append(queue, q)
						}
					}
				}
			}
			for gi := range l.lay.glyphs {
				if !l.lay.glyphs[gi].g.ok || len(l.lay.glyphs[gi].g.ops) == 0 {
					continue
				}
				one := l.lay
				one.glyphs = l.lay.glyphs[gi : gi+1]
				one.marks = nil
				letters++
				hit := false
				for _, px := range ink(&one, l) {
					if piece[px] {
						hit = true
						break
					}
				}
				if hit {
					joined++
				} else if testing.Verbose() {
					t.Logf("seed %d: letter %d of %q stands apart", 40+i, gi, l.lay.text)
				}
			}
		}
	}
	if f := float64(joined) / float64(letters); f < 0.95 {
		t.Errorf("joining strokes join %d of %d letters (%.0f%%), want >= 95%%", joined, letters, 100*f)
	}
	t.Logf("joining strokes join %d of %d letters", joined, letters)
}

// TestTargetGlyphsKeepInk checks every letter of the target label on its
// own: at least 70% of the pixels the letter covers must still contrast
// with the halo by 3:1 or more after everything else (crossing stroke,
// watermark, markers) is drawn, so no letter is lost to a person.
func TestTargetGlyphsKeepInk(t *testing.T) {
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	worst := 1.0
	for i := 0; i < 24; i++ {
		lang := []string{"en", "ko"}[i%2]
		pl, rd := planFor(t, r, i, lang)
		l := pl.labels[pl.target]
		lay := l.lay
		c := newCanvas(rd.Image.Rect.Dx(), rd.Image.Rect.Dy(), 1, new(scratch), true)
		for gi := range lay.glyphs {
			if !lay.glyphs[gi].g.ok || len(lay.glyphs[gi].g.ops) == 0 {
				continue
			}
			one := lay
			one.glyphs = lay.glyphs[gi : gi+1]
			one.marks = nil
			c.p.reset()
			one.addTo(&c.p, l.origin, l.angle, 1)
			box := c.rasterize(&c.p, 0)
			covered, dark := 0, 0
			for y := 0; y < box.Dy(); y++ {
				for x := 0; x < box.Dx(); x++ {
					if c.mask.Pix[y*box.Dx()+x] < 192 {
						continue
					}
					covered++
					if ContrastRatio(rd.Image.RGBAAt(box.Min.X+x, box.Min.Y+y), l.halo) >= 3 {
						dark++
					}
				}
			}
			if covered == 0 {
				continue
			}
			f := float64(dark) / float64(covered)
			worst = min(worst, f)
			if f < 0.7 {
				t.Errorf("seed %d %s: letter %d of %q keeps %.0f%% of its ink dark, want >= 70%%", i, lang, gi, lay.text, 100*f)
			}
		}
	}
	t.Logf("worst letter keeps %.0f%% of its ink", 100*worst)
}

func TestStemWidth(t *testing.T) {
	fonts, err := defaultFonts()
	if err != nil {
		t.Fatal(err)
	}
	en, ko := fonts["en"], fonts["ko"]
	for _, f := range append(en.all(), ko.all()...) {
		if f.stem < 0.05 || f.stem > 0.2 {
			t.Errorf("%s: stem width %.3f em, want 0.05..0.2", f.Name(), f.stem)
		}
	}
	goRegular, goBold := en.regular[0], en.bold[len(en.bold)-1]
	if goRegular.stem >= goBold.stem {
		t.Errorf("stem widths: %s %.3f em, %s %.3f em; want the bold one wider", goRegular.Name(), goRegular.stem, goBold.Name(), goBold.stem)
	}
	krRegular, krBold := ko.regular[0], ko.bold[0]
	if krRegular.stem >= krBold.stem {
		t.Errorf("stem widths: %s %.3f em, %s %.3f em; want the bold one wider", krRegular.Name(), krRegular.stem, krBold.Name(), krBold.stem)
	}
}
