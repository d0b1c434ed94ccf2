package maptile

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"

	"github.com/tollgate/tollgate/captcha"
)

// ErrScale is returned for a Request whose Scale is not 0, 1 or 2.
var ErrScale = errors.New("maptile: scale must be 1 or 2")

// ErrNoMap is returned when a MapSource returns neither a map nor an error.
var ErrNoMap = errors.New("maptile: map source returned no map")

// ErrNoRoom is returned when the map a source returned has no place or
// street that can carry the target label, even after retries.
var ErrNoRoom = errors.New("maptile: map has no room for a marked target")

// Renderer draws map-tile image challenges. It implements captcha.Generator.
// Create one with New; a Renderer is safe for concurrent use.
type Renderer struct {
	scratch sync.Pool // of *scratch
	pngBufs pngBuffers
	cfg     config
	fonts   map[string]fontSet
	label   map[string]*Font // attribution and marker numbers
}

var _ captcha.Generator = (*Renderer)(nil)

// New returns a Renderer configured by opts. The defaults are a 480×320
// image, the Procedural source, all marker styles and watermarks on.
func New(opts ...Option) (*Renderer, error) {
	var cfg config
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.width == 0 {
		cfg.width, cfg.height = DefaultWidth, DefaultHeight
	}
	if cfg.source == nil {
		cfg.source = Procedural{}
	}
	if len(cfg.styles) == 0 {
		cfg.styles = AllMarkerStyles
	}
	if rn, ok := cfg.source.(RealNames); ok {
		cfg.reserved = append(cfg.reserved, rn.IsRealName)
	}
	fonts, err := defaultFonts()
	if err != nil {
		return nil, err
	}
	for lang, extra := range cfg.extraFonts {
		for _, f := range extra {
			if err := checkCoverage(lang, f); err != nil {
				return nil, err
			}
		}
		fs := fonts[lang]
		fs.regular = append(fs.regular, extra...)
		fs.bold = append(fs.bold, extra...)
		fonts[lang] = fs
	}
	r := &Renderer{cfg: cfg, fonts: fonts, label: map[string]*Font{
		"attrib": fonts["en"].regular[0],
		"number": fonts["en"].bold[len(fonts["en"].bold)-1],
	}}
	return r, nil
}

// checkCoverage reports an error if f lacks a letter that names in lang use.
func checkCoverage(lang string, f *Font) error {
	for _, r := range nameAlphabet(lang) {
		if !f.HasGlyph(r) {
			return fmt.Errorf("%w: font %s lacks %q needed for %s names", ErrMissingGlyph, f.Name(), r, lang)
		}
	}
	return nil
}

// nameAlphabet returns every letter the name generator can write in lang.
func nameAlphabet(lang string) []rune {
	var b strings.Builder
	if lang == "ko" {
		for _, l := range [][]string{koFirst, koSecond, koMiddle} {
			b.WriteString(strings.Join(l, ""))
		}
		for _, w := range placeWords {
			b.WriteString(strings.Join(w.koPre, "") + strings.Join(w.koPost, ""))
		}
		b.WriteString("대로길천강0123456789")
	} else {
		for _, l := range [][]string{enPrefix, enSuffix} {
			b.WriteString(strings.Join(l, ""))
		}
		for _, w := range placeWords {
			b.WriteString(strings.Join(w.enPre, "") + strings.Join(w.enPost, ""))
		}
		b.WriteString("StreetRoadAvenueLaneWayRiverCreekCanalABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
	}
	var out []rune
	seen := map[rune]bool{}
	for _, r := range b.String() {
		if r != ' ' && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	slices.Sort(out)
	return out
}

// Label describes one text label of a Rendering, in image pixels. It is a
// plain value.
type Label struct {
	Text string
	Kind LabelKind
	// Box is the bounding box of the drawn ink.
	Box image.Rectangle
	// Quad is the corners of the label's rotated box (ink grown by the
	// halo), clockwise from the top-left of the text.
	Quad [4]image.Point
	// Angle is the rotation of the baseline in radians, clockwise.
	Angle float64
	// Color is the text colour; Halo the halo colour (zero for watermarks).
	Color, Halo color.RGBA
	// Font is the font's name, Size its size in pixels per em and XHeight
	// the height of a lowercase x at that size, in image pixels.
	Font    string
	Size    float64
	XHeight float64
}

// Marker describes one marker of a Rendering, in image pixels. It is a
// plain value.
type Marker struct {
	Style MarkerStyle
	// At is the pin's tip, the numbered circle's centre, the highlighted
	// building's centroid or the middle of the street label.
	At image.Point
	// Colour is the colour word of a pin or highlight ("red"), empty for
	// numbers; Number is the number in a numbered circle.
	Colour string
	Number int
	// Label is the index in Rendering.Labels of the marked label.
	Label int
}

// Rendering is a rendered challenge with the layout an auditor needs: where
// the target label and marker are, and every other label. It is for audits
// and tests only and must never be sent to a client. A Rendering is not
// safe for concurrent mutation.
type Rendering struct {
	Puzzle *captcha.Puzzle
	// Image is the image before PNG encoding (the PNG is lossless apart
	// from its palette reduction).
	Image *image.RGBA
	Scale int
	Style MarkerStyle
	// Target is the index in Labels of the label that answers the prompt.
	Target int
	// Markers lists the markers; Markers[0] marks the target.
	Markers []Marker
	// Labels lists place and street labels in drawing order.
	Labels []Label
	// Watermarks lists the white watermark texts.
	Watermarks []Label
	// Attribution is the map source's attribution as drawn, or empty;
	// AttributionBox is where it is drawn.
	Attribution    string
	AttributionBox image.Rectangle
}

// TargetLabel returns the label that answers the prompt.
func (r *Rendering) TargetLabel() Label { return r.Labels[r.Target] }

// Generate implements captcha.Generator: it renders the challenge for req
// and returns the PNG image with its prompt and answer.
func (r *Renderer) Generate(ctx context.Context, req captcha.Request) (*captcha.Puzzle, error) {
	rd, err := r.render(ctx, req, false)
	if err != nil {
		return nil, err
	}
	return rd.Puzzle, nil
}

// Render renders the challenge for req like Generate and also returns its
// layout. The same Request always gives the same Rendering.
func (r *Renderer) Render(ctx context.Context, req captcha.Request) (*Rendering, error) {
	return r.render(ctx, req, true)
}

// render renders req. Unless keep is set, the image is drawn in pooled
// memory and Rendering.Image is nil.
func (r *Renderer) render(ctx context.Context, req captcha.Request, keep bool) (*Rendering, error) {
	scale := req.Scale
	if scale == 0 {
		scale = 1
	}
	if scale != 1 && scale != 2 {
		return nil, fmt.Errorf("%w (got %d)", ErrScale, req.Scale)
	}
	lang := "en"
	if base, _, _ := strings.Cut(strings.ToLower(req.Lang), "-"); base == "ko" {
		lang = "ko"
	}
	rng := req.Seed.Rand()
	pl, err := r.planMap(ctx, rng, lang)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sc, _ := r.scratch.Get().(*scratch)
	if sc == nil {
		sc = new(scratch)
	}
	rd := r.draw(pl, scale, sc, keep)
	png, err := encodePNG(rd.Image, &sc.q, &r.pngBufs)
	if !keep {
		rd.Image = nil
	}
	r.scratch.Put(sc)
	if err != nil {
		return nil, err
	}
	rd.Puzzle = &captcha.Puzzle{
		Answers:   []string{pl.answer},
		Decoys:    pl.decoys,
		Prompt:    pl.prompt,
		Media:     png,
		MediaType: "image/png",
	}
	return rd, nil
}

// planMap asks the source for maps until one has room for a challenge.
func (r *Renderer) planMap(ctx context.Context, rng *rand.Rand, lang string) (*plan, error) {
	w, h := float64(r.cfg.width), float64(r.cfg.height)
	for attempt := 0; attempt < 6; attempt++ {
		m, err := r.cfg.source.Map(ctx, rng, w, h)
		if err != nil {
			return nil, err
		}
		if m == nil {
			return nil, ErrNoMap
		}
		m = sanitize(m)
		if pl := r.plan(rng, m, lang); pl != nil {
			return pl, nil
		}
	}
	return nil, ErrNoRoom
}

func (r *Renderer) reserved(name string) bool {
	for _, f := range r.cfg.reserved {
		if f(name) {
			return true
		}
	}
	return false
}

// roundPt converts a layout point to image pixels.
func roundPt(p Point, s float64) image.Point {
	return image.Pt(int(math.Round(p.X*s)), int(math.Round(p.Y*s)))
}
