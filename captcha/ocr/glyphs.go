package ocr

import (
	"context"
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/tollgate/tollgate/captcha"
)

// Limits of glyph segmentation.
const (
	maxGlyphs   = 48      // more pieces than this is noise, not a label
	maxGlyphPix = 4 << 20 // larger images are not segmented
)

// Glyph is a box around one letter (or Hangul syllable) that Segment found.
type Glyph = image.Rectangle

// Segment splits the dark ink of a single text line into letters, left to
// right: the connected components of pixels darker than luma 128, merged
// when they overlap horizontally (the dot of an i, parts of a letter cut by
// a light stroke), then, when syllables is set, merged with their right
// neighbours while the group stays about as wide as the line is high
// (Hangul syllables whose jamo do not touch). Pieces less than half as
// high as the median piece are dropped as specks. It returns nil when the image holds no
// ink, more than 48 pieces or more than 4 Mpixels. A text line whose
// baseline waves or whose letters are rotated one by one is read far
// better letter by letter than as a line.
func Segment(g *image.Gray, syllables bool) []Glyph {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	if w*h == 0 || w*h > maxGlyphPix {
		return nil
	}
	label := make([]int32, w*h)
	var boxes []image.Rectangle
	stack := make([]int, 0, 256)
	for start := range label {
		x0, y0 := start%w, start/w
		if label[start] != 0 || g.Pix[y0*g.Stride+x0] >= 128 {
			continue
		}
		id := int32(len(boxes) + 1)
		box := image.Rect(x0, y0, x0+1, y0+1)
		label[start] = id
		stack = append(stack[:0], start)
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			px, py := p%w, p/w
			box = box.Union(image.Rect(px, py, px+1, py+1))
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := px+dx, py+dy
					if nx < 0 || ny < 0 || nx >= w || ny >= h {
						continue
					}
					q := ny*w + nx
					if label[q] == 0 && g.Pix[ny*g.Stride+nx] < 128 {
						label[q] = id
						stack = append(stack, q)
					}
				}
			}
		}
		boxes = append(boxes, box)
		if len(boxes) > 4*maxGlyphs {
			return nil
		}
	}
	if len(boxes) == 0 {
		return nil
	}
	// Merge pieces that overlap horizontally by half the narrower one.
	sort.Slice(boxes, func(i, j int) bool { return boxes[i].Min.X < boxes[j].Min.X })
	var groups []image.Rectangle
	for _, b := range boxes {
		merged := false
		for i := len(groups) - 1; i >= 0 && i >= len(groups)-3; i-- {
			ov := min(groups[i].Max.X, b.Max.X) - max(groups[i].Min.X, b.Min.X)
			if ov*2 >= min(groups[i].Dx(), b.Dx()) {
				groups[i] = groups[i].Union(b)
				merged = true
				break
			}
		}
		if !merged {
			groups = append(groups, b)
		}
	}
	heights := make([]int, len(groups))
	for i, gr := range groups {
		heights[i] = gr.Dy()
	}
	slices.Sort(heights)
	median := heights[len(heights)/2]
	groups = slices.DeleteFunc(groups, func(r image.Rectangle) bool { return r.Dy()*2 < median })
	if syllables {
		var out []image.Rectangle
		for _, gr := range groups {
			if n := len(out); n > 0 && out[n-1].Union(gr).Dx()*100 <= median*115 {
				out[n-1] = out[n-1].Union(gr)
				continue
			}
			out = append(out, gr)
		}
		groups = out
	}
	if len(groups) > maxGlyphs {
		return nil
	}
	return groups
}

// Glyphs runs Tesseract letter by letter: each variant of the image is cut
// into letters (see Segment), every letter is read on its own, turned by
// each of a few angles (the reading Tesseract is most confident of wins),
// in page segmentation modes such as 10 (one character) and 8 (one word),
// and the letters are joined left to right. It is the attack
// on labels whose letters wave, tilt or are spaced apart, meant for crops
// of a single label (the targeted attack). It is safe for concurrent use.
type Glyphs struct {
	t         *Tesseract
	syllables bool
	angles    []float64
}

var _ captcha.Recognizer = (*Glyphs)(nil)

// DarkOpen3 is Dark3 with thin strokes removed: a closing that bridges
// gaps cut by light strokes, then an opening (radius 2 at the upscaled
// size) that removes dark lines drawn across the letters.
var DarkOpen3 = Chain("dark-open×3", Upscale(3), Threshold(DarkLuma), Close(1), Open(2))

// NewGlyphs returns a letter-by-letter Tesseract recognizer for lang
// ("eng" or "kor"; Korean letters are grouped into syllables) that reads
// every letter in each page segmentation mode of psms (10 and 8 suit
// letters) turned by each of angles (degrees clockwise, from -90 to 90;
// none means upright only). The default variants are DarkClose3 and
// DarkOpen3. It fails like NewTesseract.
func NewGlyphs(ctx context.Context, lang string, psms []int, angles []float64, opts ...Option) (*Glyphs, error) {
	for _, a := range angles {
		if a < -90 || a > 90 || a != a {
			return nil, errorf("glyph angle %v (want -90 to 90)", a)
		}
	}
	if len(angles) == 0 {
		angles = []float64{0}
	}
	opts = append([]Option{WithVariants(DarkClose3, DarkOpen3)}, opts...)
	t, err := NewTesseract(ctx, lang, LSTM, psms, opts...)
	if err != nil {
		return nil, err
	}
	return &Glyphs{t: t, syllables: strings.Contains(lang, "kor"), angles: append([]float64(nil), angles...)}, nil
}

// Name returns "tesseract:<lang>:glyphs".
func (g *Glyphs) Name() string { return "tesseract:" + g.t.lang + ":glyphs" }

// Recognize returns one Candidate per page segmentation mode and variant,
// with Config "psm<N> <variant>", or none for a variant without letters.
func (g *Glyphs) Recognize(ctx context.Context, img image.Image) ([]captcha.Candidate, error) {
	if img.Bounds().Empty() {
		return nil, nil
	}
	dir, err := os.MkdirTemp("", "tollgate-ocr-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	// pages[v][k] lists the pages (from 1) of letter k of variant v, one per
	// angle.
	type variantPages struct {
		name    string
		letters [][]int
	}
	var vps []variantPages
	var list strings.Builder
	page := 0
	for vi, v := range g.t.variants {
		gray := ToGray(v.Apply(img))
		boxes := Segment(gray, g.syllables)
		if len(boxes) == 0 {
			continue
		}
		vp := variantPages{name: v.Name}
		for bi, b := range boxes {
			pad := max(4, b.Dy()/4)
			c := image.NewGray(image.Rect(0, 0, b.Dx()+2*pad, b.Dy()+2*pad))
			for i := range c.Pix {
				c.Pix[i] = 255
			}
			for y := b.Min.Y; y < b.Max.Y; y++ {
				copy(c.Pix[(y-b.Min.Y+pad)*c.Stride+pad:], gray.Pix[y*gray.Stride+b.Min.X:y*gray.Stride+b.Max.X])
			}
			var ps []int
			for ai, a := range g.angles {
				m := c
				if a != 0 {
					m = RotateGray(c, a*math.Pi/180)
				}
				p := filepath.Join(dir, fmt.Sprintf("g%d_%d_%d.png", vi, bi, ai))
				if err := writePNG(p, m); err != nil {
					return nil, err
				}
				list.WriteString(p + "\n")
				page++
				ps = append(ps, page)
			}
			vp.letters = append(vp.letters, ps)
		}
		vps = append(vps, vp)
	}
	if page == 0 {
		return nil, nil
	}
	listPath := filepath.Join(dir, "pages.txt")
	if err := os.WriteFile(listPath, []byte(list.String()), 0o600); err != nil {
		return nil, err
	}
	var out []captcha.Candidate
	for _, psm := range g.t.psms {
		args := []string{listPath, "stdout", "-l", g.t.lang, "--oem", "1", "--psm", strconv.Itoa(psm)}
		if g.t.tessdata != "" {
			args = append(args, "--tessdata-dir", g.t.tessdata)
		}
		args = append(args, "tsv")
		stdout, err := g.t.run.run(ctx, dir, args...)
		if err != nil {
			return nil, err
		}
		pages, err := parseTSV(stdout)
		if err != nil {
			return nil, &EngineError{Engine: "tesseract", Err: err}
		}
		for _, vp := range vps {
			var b strings.Builder
			var conf float64
			for _, ps := range vp.letters {
				best := tsvPage{conf: -1}
				for _, p := range ps {
					if pg, ok := pages[p]; ok && pg.text != "" && pg.conf > best.conf {
						best = pg
					}
				}
				b.WriteString(strings.Join(strings.Fields(best.text), ""))
				conf += max(best.conf, 0)
			}
			out = append(out, captcha.Candidate{Text: b.String(), Confidence: conf / float64(len(vp.letters)),
				Config: fmt.Sprintf("psm%d %s", psm, vp.name)})
		}
	}
	return out, nil
}
