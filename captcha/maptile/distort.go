package maptile

import (
	"math"
	"slices"
)

// Label distortion. Tesseract's LSTM engine, given a crop of one label and
// simple preparation (keep the dark pixels, upscale), reads straight,
// evenly set map labels almost without error; read letter by letter (cut
// into connected pieces, each turned upright) it reads even wavy ones. What
// defeats both while a person still reads the label at a glance:
//
//   - a wavy baseline, the letters turned with it like text along a curved
//     road, plus a small random turn and size change per letter, so no
//     straight text line runs through the word;
//   - a stroke in the label's own colour (so no colour or threshold
//     separation removes it) that follows the wave along the bottom of the
//     letters and joins them, like a road edge under the name. It is
//     nearly as heavy as the letters' strokes, so a morphological opening
//     that removes it removes the letters too, and no letter stands alone
//     to be cut out and read on its own.
//
// Every place and street label is drawn this way, so the distortion does
// not single out the target.

// labelSpacing is the spacing of place and street labels.
var labelSpacing = spacing{
	letter: [2]float64{-0.02, 0.13},
	space:  [2]float64{0.7, 1.9},
	breakP: 0.35,
	wobble: 0.025,
	rot:    12 * math.Pi / 180,
	scale:  [2]float64{1, 1.12},
	waveA:  [2]float64{0.25, 0.4},
	waveP:  [2]float64{2.6, 3.8},
	// The wave alone turns letters by up to 44°; with the random turn
	// they are kept within 40° of the baseline.
	maxTurn: 40 * math.Pi / 180,
}

// watermarkSpacing is the spacing of the white watermark text: irregular
// but straight.
var watermarkSpacing = spacing{letter: [2]float64{-0.02, 0.13}, space: [2]float64{0.7, 1.9}, breakP: 0.35, wobble: 0.025}

// The joining stroke is joinWidth times the font's stem width wide, kept
// within [joinMinW, joinMaxW] layout pixels, runs from joinStart of the
// first letter's advance to joinEnd of the last one's, and is raised
// joinOverlap of its width into the bottom of the letters.
const (
	joinWidth          = 0.95
	joinMinW, joinMaxW = 1.0, 2.4
	joinOverlap        = 0.4
	joinStart          = 0.15
	joinEnd            = 0.85
	joinPointSpacing   = 3.0 // layout pixels between the stroke's points
)

// joinStrokeWidth returns the width, in layout pixels, of the stroke that
// joins the letters of a layout.
func joinStrokeWidth(l *textLayout) float64 {
	w := joinWidth * float64(l.font.stem) * l.size
	return min(max(w, joinMinW), joinMaxW)
}

// letterBottom returns the distance, in layout pixels, from the point
// letters turn about (the middle of the x-height) down to the bottom of
// most of the layout's letters: the baseline for Latin, a little below it
// for Hangul syllables. It reports false for a layout without ink.
func (l *textLayout) letterBottom() (float64, bool) {
	bottoms := make([]float64, 0, len(l.glyphs))
	for _, pg := range l.glyphs {
		if pg.g.ok && len(pg.g.ops) > 0 {
			bottoms = append(bottoms, float64(pg.g.maxY))
		}
	}
	if len(bottoms) == 0 {
		return 0, false
	}
	slices.Sort(bottoms)
	return (float64(l.font.xHeight)/2 + bottoms[len(bottoms)/2]) * l.size, true
}

// joinPoint returns the point at x along the line the joining stroke
// follows: down below the turning points of letters centred at x (see
// letterBottom), across the wave of the baseline.
func (l *textLayout) joinPoint(x, down float64) Point {
	y, slope := l.baselineAt(x)
	th := math.Atan(slope)
	if m := l.maxTurn; m > 0 {
		th = min(max(th, -m), m)
	}
	sin, cos := math.Sincos(th)
	xh := float64(l.font.xHeight) * l.size
	return Point{x - sin*down, y - xh/2 + cos*down}
}

// join adds the stroke that joins the letters to a label layout (see
// above).
func (l *textLayout) join() {
	down, ok := l.letterBottom()
	if !ok {
		return
	}
	first, last := math.Inf(1), math.Inf(-1)
	for _, pg := range l.glyphs {
		if !pg.g.ok || len(pg.g.ops) == 0 {
			continue
		}
		adv := float64(pg.g.advance) * l.size * max(pg.scale, 1)
		first = math.Min(first, pg.x+joinStart*adv)
		last = math.Max(last, pg.x+joinEnd*adv)
	}
	if !(last > first) {
		return
	}
	w := joinStrokeWidth(l)
	down -= joinOverlap * w
	n := min(int((last-first)/joinPointSpacing)+2, maxMarkPoints)
	pts := make([]Point, n)
	for i := range pts {
		pts[i] = l.joinPoint(first+(last-first)*float64(i)/float64(n-1), down)
	}
	l.addMark(textMark{pts: pts, hw: w / 2})
}
