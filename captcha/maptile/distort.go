package maptile

import (
	"math"
	"os"
	"strconv"
)

func envf(name string, def float64) float64 {
	if v := os.Getenv(name); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err == nil {
			return f
		}
	}
	return def
}

// labelSpacingNow returns the spacing for labels (experiment knobs).
func labelSpacingNow() spacing {
	sp := labelSpacing
	sp.rot = envf("MT_ROT", 0) * math.Pi / 180
	sp.wobble = envf("MT_WOB", sp.wobble)
	sp.scale = [2]float64{1, envf("MT_SCALE", 1)}
	sp.letter[0] = envf("MT_LETTER", sp.letter[0])
	if a := envf("MT_WAVEA", 0); a > 0 {
		sp.waveA = [2]float64{a * 0.6, a}
		pp := envf("MT_WAVEP", 4)
		sp.waveP = [2]float64{pp, pp * 1.6}
	}
	return sp
}

// distort adds crossing strokes and cuts to a label layout.
func (p *planner) distort(lay *textLayout) {
	if len(lay.glyphs) == 0 {
		return
	}
	h := 0.0
	for _, pg := range lay.glyphs {
		if pg.g.ok {
			h = math.Max(h, -float64(pg.g.minY)*lay.size)
		}
	}
	strikes := int(envf("MT_STRIKE", 0))
	shw := envf("MT_SHW", 0.5)
	cuts := int(envf("MT_CUT", 0))
	chw := envf("MT_CHW", 0.6)
	curve := func(u0, u1 float64) []Point {
		yc := -h * p.uniform(u0, u1)
		amp := h * p.uniform(0.12, 0.3)
		period := h * p.uniform(2.5, 5)
		ph := p.uniform(0, 2*math.Pi)
		x0, x1 := -0.25*h, lay.width+0.25*h
		n := int((x1-x0)/3) + 2
		if n > 30 {
			n = 30
		}
		pts := make([]Point, 0, n)
		for i := 0; i < n; i++ {
			x := x0 + (x1-x0)*float64(i)/float64(n-1)
			pts = append(pts, Point{x, yc + amp*math.Sin(2*math.Pi*x/period+ph)})
		}
		return pts
	}
	for i := 0; i < strikes; i++ {
		lay.addMark(textMark{pts: curve(envf("MT_SU0", 0.25), envf("MT_SU1", 0.6)), hw: shw})
	}
	for i := 0; i < cuts; i++ {
		lay.addMark(textMark{pts: curve(0.15, 0.75), hw: chw, cut: true})
	}
}
