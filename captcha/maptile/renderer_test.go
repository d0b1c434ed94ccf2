package maptile_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"golang.org/x/image/font/gofont/goregular"

	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/captcha/maptile"
)

func seed(i int) captcha.Seed {
	var s captcha.Seed
	s[0], s[1], s[2] = byte(i), byte(i>>8), 0x5a
	return s
}

func newRenderer(t testing.TB, opts ...maptile.Option) *maptile.Renderer {
	t.Helper()
	r, err := maptile.New(opts...)
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	return r
}

func render(t testing.TB, r *maptile.Renderer, req captcha.Request) *maptile.Rendering {
	t.Helper()
	rd, err := r.Render(context.Background(), req)
	if err != nil {
		t.Fatalf("Render(%x, %q, %d) error = %v", req.Seed[:3], req.Lang, req.Scale, err)
	}
	return rd
}

func pixelHash(img image.Image) [32]byte {
	rgba := image.NewRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Rect, img, img.Bounds().Min, draw.Src)
	return sha256.Sum256(rgba.Pix)
}

func decode(t testing.TB, media []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(media))
	if err != nil {
		t.Fatalf("png.Decode() error = %v", err)
	}
	return img
}

func TestDeterministic(t *testing.T) {
	r := newRenderer(t)
	for _, lang := range []string{"en", "ko"} {
		req := captcha.Request{Seed: seed(7), Lang: lang}
		a := render(t, r, req)
		b := render(t, newRenderer(t), req)
		if !bytes.Equal(a.Puzzle.Media, b.Puzzle.Media) {
			t.Errorf("%s: same request gave different PNG bytes", lang)
		}
		if ha, hb := pixelHash(decode(t, a.Puzzle.Media)), pixelHash(decode(t, b.Puzzle.Media)); ha != hb {
			t.Errorf("%s: pixel hash %x != %x", lang, ha[:6], hb[:6])
		}
		if a.Puzzle.Prompt != b.Puzzle.Prompt || a.Puzzle.Answers[0] != b.Puzzle.Answers[0] {
			t.Errorf("%s: prompt/answer differ: %q/%q vs %q/%q", lang, a.Puzzle.Prompt, a.Puzzle.Answers, b.Puzzle.Prompt, b.Puzzle.Answers)
		}
		other := render(t, r, captcha.Request{Seed: seed(8), Lang: lang})
		if bytes.Equal(other.Puzzle.Media, a.Puzzle.Media) {
			t.Errorf("%s: seeds 7 and 8 gave the same image", lang)
		}
	}
}

func TestScale2SameLayout(t *testing.T) {
	r := newRenderer(t)
	for i := 0; i < 3; i++ {
		req := captcha.Request{Seed: seed(i), Lang: "ko"}
		one := render(t, r, req)
		req.Scale = 2
		two := render(t, r, req)
		if got := decode(t, two.Puzzle.Media).Bounds().Size(); got != image.Pt(960, 640) {
			t.Errorf("scale 2 size = %v, want 960x640", got)
		}
		if got := decode(t, one.Puzzle.Media).Bounds().Size(); got != image.Pt(480, 320) {
			t.Errorf("scale 1 size = %v, want 480x320", got)
		}
		if one.Puzzle.Prompt != two.Puzzle.Prompt || one.Puzzle.Answers[0] != two.Puzzle.Answers[0] {
			t.Errorf("seed %d: scale 2 changed the challenge: %q %q vs %q %q", i, one.Puzzle.Prompt, one.Puzzle.Answers[0], two.Puzzle.Prompt, two.Puzzle.Answers[0])
		}
		m1, m2 := one.Markers[0].At, two.Markers[0].At
		if d := m2.Sub(m1.Mul(2)); d.X*d.X+d.Y*d.Y > 4 {
			t.Errorf("seed %d: marker at %v (scale 2) vs %v (scale 1), want double", i, m2, m1)
		}
	}
}

func TestAnswerIsARenderedLabel(t *testing.T) {
	r := newRenderer(t)
	styles := map[maptile.MarkerStyle]int{}
	for i := 0; i < 24; i++ {
		lang := []string{"en", "ko"}[i%2]
		rd := render(t, r, captcha.Request{Seed: seed(100 + i), Lang: lang})
		p := rd.Puzzle
		if len(p.Answers) != 1 || p.Answers[0] == "" {
			t.Fatalf("seed %d: Answers = %q, want one name", i, p.Answers)
		}
		if p.MediaType != "image/png" || p.Prompt == "" {
			t.Errorf("seed %d: MediaType %q, Prompt %q", i, p.MediaType, p.Prompt)
		}
		styles[rd.Style]++
		target := rd.TargetLabel()
		if target.Text != p.Answers[0] {
			t.Errorf("seed %d: target label %q, answer %q", i, target.Text, p.Answers[0])
		}
		if rd.Markers[0].Label != rd.Target {
			t.Errorf("seed %d: first marker labels %d, target is %d", i, rd.Markers[0].Label, rd.Target)
		}
		if !target.Box.In(image.Rect(0, 0, 480, 320)) || target.Box.Empty() {
			t.Errorf("seed %d: target box %v not inside the image", i, target.Box)
		}
		n := 0
		sameStyle := 0
		for _, l := range rd.Labels {
			if l.Text == p.Answers[0] {
				n++
			}
			if l.Kind == target.Kind {
				sameStyle++
			}
		}
		if n != 1 {
			t.Errorf("seed %d: answer %q appears on %d labels, want 1", i, p.Answers[0], n)
		}
		if sameStyle < 3 {
			t.Errorf("seed %d: only %d labels of the target's kind %v, want >= 3", i, sameStyle, target.Kind)
		}
		for _, d := range p.Decoys {
			if strings.EqualFold(strings.ReplaceAll(d, " ", ""), strings.ReplaceAll(p.Answers[0], " ", "")) {
				t.Errorf("seed %d: decoy %q equals the answer", i, d)
			}
		}
		wantLang := "Type the name"
		if lang == "ko" {
			wantLang = "입력하세요"
		}
		if !strings.Contains(p.Prompt, wantLang) {
			t.Errorf("seed %d (%s): prompt %q lacks %q", i, lang, p.Prompt, wantLang)
		}
	}
	if len(styles) < 3 {
		t.Errorf("24 challenges used marker styles %v, want variety", styles)
	}
}

func TestMarkerStyles(t *testing.T) {
	tests := []struct {
		style  maptile.MarkerStyle
		en, ko string
	}{
		{maptile.MarkerPin, "pin", "핀"},
		{maptile.MarkerNumber, "number", "숫자"},
		{maptile.MarkerBuilding, "building", "건물"},
		{maptile.MarkerStreet, "street", "도로"},
	}
	for _, tt := range tests {
		t.Run(tt.style.String(), func(t *testing.T) {
			r := newRenderer(t, maptile.WithMarkerStyles(tt.style))
			for i := 0; i < 4; i++ {
				lang, want := "en", tt.en
				if i%2 == 1 {
					lang, want = "ko", tt.ko
				}
				rd := render(t, r, captcha.Request{Seed: seed(200 + i), Lang: lang})
				if rd.Style != tt.style || rd.Markers[0].Style != tt.style {
					t.Errorf("Style = %v (marker %v), want %v", rd.Style, rd.Markers[0].Style, tt.style)
				}
				if !strings.Contains(rd.Puzzle.Prompt, want) {
					t.Errorf("prompt %q lacks %q", rd.Puzzle.Prompt, want)
				}
				m := rd.Markers[0]
				switch tt.style {
				case maptile.MarkerNumber:
					if !strings.Contains(rd.Puzzle.Prompt, fmt.Sprint(m.Number)) {
						t.Errorf("prompt %q does not name number %d", rd.Puzzle.Prompt, m.Number)
					}
					for _, o := range rd.Markers[1:] {
						if o.Number == m.Number {
							t.Errorf("number %d used twice", m.Number)
						}
					}
				case maptile.MarkerPin, maptile.MarkerBuilding, maptile.MarkerStreet:
					for _, o := range rd.Markers[1:] {
						if o.Colour == m.Colour {
							t.Errorf("colour %s used by the target and another marker", m.Colour)
						}
					}
					if lang == "en" && !strings.Contains(rd.Puzzle.Prompt, m.Colour) {
						t.Errorf("prompt %q does not name colour %s", rd.Puzzle.Prompt, m.Colour)
					}
				}
				if tt.style == maptile.MarkerStreet && rd.TargetLabel().Kind != maptile.LabelStreet {
					t.Errorf("street target has label kind %v", rd.TargetLabel().Kind)
				}
			}
		})
	}
}

// TestTargetLegible checks the WCAG contrast of the target label against
// its halo and its x-height.
func TestTargetLegible(t *testing.T) {
	r := newRenderer(t)
	for i := 0; i < 10; i++ {
		lang := []string{"en", "ko"}[i%2]
		for _, scale := range []int{1, 2}[:1+i%3/2] {
			rd := render(t, r, captcha.Request{Seed: seed(300 + i), Lang: lang, Scale: scale})
			l := rd.TargetLabel()
			if c := maptile.ContrastRatio(l.Color, l.Halo); c < 4.5 {
				t.Errorf("seed %d %s: target contrast %.2f:1 (%v on %v), want >= 4.5", i, lang, c, l.Color, l.Halo)
			}
			if want := 11.0 * float64(scale); l.XHeight < want {
				t.Errorf("seed %d %s scale %d: target x-height %.1f px, want >= %.0f", i, lang, scale, l.XHeight, want)
			}
			// The drawn ink is at least as tall as the x-height.
			if h := float64(l.Box.Dy()); h < l.XHeight {
				t.Errorf("seed %d %s: target ink %d px tall, x-height %.1f", i, lang, l.Box.Dy(), l.XHeight)
			}
		}
	}
}

// TestWatermarkKeepsTargetReadable compares the target label with and
// without watermarks: the watermark is planned last, so the maps are the
// same, and most of the dark letter pixels must stay dark.
func TestWatermarkKeepsTargetReadable(t *testing.T) {
	with := newRenderer(t)
	without := newRenderer(t, maptile.WithWatermarks(false))
	crossed := 0
	for i := 0; i < 10; i++ {
		req := captcha.Request{Seed: seed(400 + i), Lang: []string{"en", "ko"}[i%2]}
		a, b := render(t, with, req), render(t, without, req)
		if a.Puzzle.Answers[0] != b.Puzzle.Answers[0] || a.TargetLabel().Box != b.TargetLabel().Box {
			t.Fatalf("seed %d: watermarks changed the layout", i)
		}
		if len(b.Watermarks) != 0 || len(a.Watermarks) < 3 {
			t.Errorf("seed %d: %d watermarks with, %d without", i, len(a.Watermarks), len(b.Watermarks))
		}
		l := a.TargetLabel()
		dark, kept, changed := 0, 0, 0
		for y := l.Box.Min.Y; y < l.Box.Max.Y; y++ {
			for x := l.Box.Min.X; x < l.Box.Max.X; x++ {
				pb, pa := b.Image.RGBAAt(x, y), a.Image.RGBAAt(x, y)
				if pa != pb {
					changed++
				}
				if maptile.ContrastRatio(pb, l.Halo) < 3 {
					continue
				}
				dark++
				if maptile.ContrastRatio(pa, l.Halo) >= 3 {
					kept++
				}
			}
		}
		if changed > 0 {
			crossed++
		}
		if dark == 0 {
			t.Fatalf("seed %d: no dark pixels in target box %v", i, l.Box)
		}
		if f := float64(kept) / float64(dark); f < 0.8 {
			t.Errorf("seed %d: watermark left %.0f%% of the target's dark pixels dark, want >= 80%%", i, 100*f)
		}
	}
	if crossed < 8 {
		t.Errorf("watermark crossed the target in %d of 10 challenges, want nearly all", crossed)
	}
}

func TestPNGSize(t *testing.T) {
	r := newRenderer(t)
	for i := 0; i < 6; i++ {
		for _, scale := range []int{1, 2}[:1+i%3/2] {
			p, err := r.Generate(context.Background(), captcha.Request{Seed: seed(500 + i), Lang: "ko", Scale: scale})
			if err != nil {
				t.Fatal(err)
			}
			limit := 150 << 10
			if scale == 2 {
				limit *= 4
			}
			if len(p.Media) > limit {
				t.Errorf("seed %d scale %d: PNG %d bytes, want <= %d", i, scale, len(p.Media), limit)
			}
		}
	}
}

func TestErrors(t *testing.T) {
	r := newRenderer(t)
	if _, err := r.Generate(context.Background(), captcha.Request{Scale: 3}); !errors.Is(err, maptile.ErrScale) {
		t.Errorf("Generate(scale 3) error = %v, want ErrScale", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Generate(ctx, captcha.Request{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Generate(cancelled) error = %v, want context.Canceled", err)
	}
	bad := []struct {
		name string
		opt  maptile.Option
	}{
		{"tiny size", maptile.WithSize(10, 10)},
		{"nil source", maptile.WithSource(nil)},
		{"no styles", maptile.WithMarkerStyles()},
		{"bad style", maptile.WithMarkerStyles(99)},
		{"nil reserved", maptile.WithReservedNames(nil)},
		{"fonts for fr", maptile.WithFonts("fr")},
	}
	for _, tt := range bad {
		if _, err := maptile.New(tt.opt); err == nil || !strings.HasPrefix(err.Error(), "maptile: ") {
			t.Errorf("New(%s) error = %v, want a maptile error", tt.name, err)
		}
	}
}

func TestWithFontsChecksCoverage(t *testing.T) {
	latin, err := maptile.ParseFont("latin", goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := maptile.New(maptile.WithFonts("ko", latin)); !errors.Is(err, maptile.ErrMissingGlyph) {
		t.Errorf("New(WithFonts(ko, Go Regular)) error = %v, want ErrMissingGlyph", err)
	}
	r, err := maptile.New(maptile.WithFonts("en", latin))
	if err != nil {
		t.Fatalf("New(WithFonts(en, Go Regular)) error = %v", err)
	}
	render(t, r, captcha.Request{Seed: seed(1)})
	if _, err := maptile.ParseFont("junk", []byte("not a font")); err == nil {
		t.Error("ParseFont(junk) error = nil")
	}
}

func TestReservedNames(t *testing.T) {
	// Reserve the answers of a first renderer: a second one must pick
	// other names for the same seeds.
	r := newRenderer(t)
	reserved := map[string]bool{}
	for i := 0; i < 6; i++ {
		reserved[render(t, r, captcha.Request{Seed: seed(600 + i)}).Puzzle.Answers[0]] = true
	}
	r2 := newRenderer(t, maptile.WithReservedNames(func(n string) bool { return reserved[n] }))
	for i := 0; i < 6; i++ {
		rd := render(t, r2, captcha.Request{Seed: seed(600 + i)})
		for _, l := range rd.Labels {
			if reserved[l.Text] {
				t.Errorf("seed %d: reserved name %q drawn", i, l.Text)
			}
		}
	}
}

func TestConcurrentGenerate(t *testing.T) {
	r := newRenderer(t)
	want := make([][]byte, 4)
	for i := range want {
		p, err := r.Generate(context.Background(), captcha.Request{Seed: seed(700 + i), Lang: "ko"})
		if err != nil {
			t.Fatal(err)
		}
		want[i] = p.Media
	}
	var wg sync.WaitGroup
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range want {
				p, err := r.Generate(context.Background(), captcha.Request{Seed: seed(700 + i), Lang: "ko"})
				if err != nil {
					t.Error(err)
					return
				}
				if !bytes.Equal(p.Media, want[i]) {
					t.Errorf("concurrent render of seed %d differs", i)
				}
			}
		}()
	}
	wg.Wait()
}

// badSource returns maps with broken geometry.
type badSource struct{ nilMap bool }

func (b badSource) Map(ctx context.Context, rng *rand.Rand, w, h float64) (*maptile.Map, error) {
	if b.nilMap {
		return nil, nil
	}
	m, err := maptile.Procedural{}.Map(ctx, rng, w, h)
	if err != nil {
		return nil, err
	}
	nan := math.NaN()
	m.Lines = append(m.Lines,
		maptile.Line{Kind: maptile.LinePrimary, Points: []maptile.Point{{X: nan, Y: 3}, {X: 1e300, Y: -1e300}, {X: 10, Y: 10}}},
		maptile.Line{Kind: maptile.LineResidential, Points: []maptile.Point{{X: math.Inf(1), Y: 0}}},
	)
	m.Areas = append(m.Areas, maptile.Area{Kind: maptile.AreaPark, Rings: [][]maptile.Point{{{X: 0, Y: 0}, {X: nan, Y: nan}, {X: 1e9, Y: 5}, {X: 5, Y: 1e9}}}},
		maptile.Area{Kind: maptile.AreaBuilding})
	m.Places = append(m.Places, maptile.Place{Kind: 200, At: maptile.Point{X: nan, Y: 5}, Building: 99999})
	return m, nil
}

func TestBrokenSourceData(t *testing.T) {
	r := newRenderer(t, maptile.WithSource(badSource{}))
	for i := 0; i < 4; i++ {
		rd := render(t, r, captcha.Request{Seed: seed(800 + i)})
		if rd.TargetLabel().Text != rd.Puzzle.Answers[0] {
			t.Errorf("seed %d: target label %q, answer %q", i, rd.TargetLabel().Text, rd.Puzzle.Answers[0])
		}
	}
	r = newRenderer(t, maptile.WithSource(badSource{nilMap: true}))
	if _, err := r.Generate(context.Background(), captcha.Request{}); !errors.Is(err, maptile.ErrNoMap) {
		t.Errorf("Generate(nil map) error = %v, want ErrNoMap", err)
	}
}
