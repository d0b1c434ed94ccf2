package maptile

import (
	"context"
	"math"
	"math/rand/v2"
)

// Procedural is the built-in MapSource: it invents a city district from
// the seed alone, with no data files. Each map has a street grid bent by a
// gentle warp, main roads, blocks of buildings or apartment slabs, parks
// with paths and ponds, school grounds, and often a river or coast, a
// railway with a station, or an expressway.
//
// The zero value is ready to use. A Procedural is safe for concurrent use.
type Procedural struct{}

// Map implements MapSource.
func (Procedural) Map(ctx context.Context, rng *rand.Rand, width, height float64) (*Map, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	g := &procGen{rng: rng, w: width, h: height, m: &Map{}}
	g.build()
	return g.m, nil
}

type procGen struct {
	rng  *rand.Rand
	w, h float64
	m    *Map

	// grid frame: rotation, origin and warp
	cos, sin float64
	ox, oy   float64
	wa, wk   [2]float64 // warp amplitudes and wave numbers
	wp       [2]float64 // warp phases
	we       [2]Point   // warp directions

	us, vs []float64 // grid line positions

	water    func(p Point, margin float64) bool
	coast    bool       // water is sea: nothing crosses it
	corridor []corridor // rail and expressway: nothing is built on them
}

type corridor struct {
	line polyIndex
	hw   float64
}

func (g *procGen) uniform(a, b float64) float64 { return a + (b-a)*g.rng.Float64() }

func (g *procGen) chance(p float64) bool { return g.rng.Float64() < p }

// at maps grid coordinates to layout pixels.
func (g *procGen) at(u, v float64) Point {
	x := g.ox + u*g.cos - v*g.sin
	y := g.oy + u*g.sin + v*g.cos
	p := Point{x, y}
	d0 := g.wa[0] * math.Sin(g.wk[0]*p.dot(g.we[0])+g.wp[0])
	d1 := g.wa[1] * math.Sin(g.wk[1]*p.dot(g.we[1])+g.wp[1])
	return Point{x + d0, y + d1}
}

// gridLine samples the grid segment from (u0, v0) to (u1, v1).
func (g *procGen) gridLine(u0, v0, u1, v1 float64) []Point {
	l := math.Hypot(u1-u0, v1-v0)
	n := max(1, int(l/14))
	pts := make([]Point, 0, n+1)
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		pts = append(pts, g.at(u0+(u1-u0)*t, v0+(v1-v0)*t))
	}
	return pts
}

// gridRect samples the outline of a grid rectangle, following the warp.
func (g *procGen) gridRect(u0, v0, u1, v1 float64, step float64) []Point {
	var pts []Point
	edge := func(a0, b0, a1, b1 float64) {
		l := math.Hypot(a1-a0, b1-b0)
		n := max(1, int(l/step))
		for i := 0; i < n; i++ {
			t := float64(i) / float64(n)
			pts = append(pts, g.at(a0+(a1-a0)*t, b0+(b1-b0)*t))
		}
	}
	edge(u0, v0, u1, v0)
	edge(u1, v0, u1, v1)
	edge(u1, v1, u0, v1)
	edge(u0, v1, u0, v0)
	return pts
}

func (g *procGen) visible(pts []Point, margin float64) bool {
	b := ringBounds(pts)
	return b.overlaps(rect{-margin, -margin, g.w + margin, g.h + margin})
}

func (g *procGen) blocked(p Point, margin float64) bool {
	if g.water != nil && g.water(p, margin) {
		return true
	}
	for _, c := range g.corridor {
		if c.line.near(p, c.hw+margin) {
			return true
		}
	}
	return false
}

func (g *procGen) build() {
	rng := g.rng
	theta := g.uniform(-0.6, 0.6)
	if g.chance(0.25) {
		theta = g.uniform(-0.08, 0.08)
	}
	g.sin, g.cos = math.Sincos(theta)
	g.ox, g.oy = g.w/2+g.uniform(-30, 30), g.h/2+g.uniform(-30, 30)
	for i := 0; i < 2; i++ {
		g.wa[i] = g.uniform(4, 16)
		g.wk[i] = 2 * math.Pi / g.uniform(320, 800)
		g.wp[i] = g.uniform(0, 2*math.Pi)
		a := g.uniform(0, 2*math.Pi)
		g.we[i] = Point{math.Cos(a), math.Sin(a)}
	}

	// Grid lines, spaced like city blocks.
	r := math.Hypot(g.w, g.h)/2 + 60
	g.us = g.spacing(-r, r, 70, 135)
	g.vs = g.spacing(-r, r, 52, 100)

	g.addWater()
	g.addCorridors()

	// Road classes per grid line.
	uClass := make([]LineKind, len(g.us))
	vClass := make([]LineKind, len(g.vs))
	for i := range uClass {
		uClass[i] = LineResidential
	}
	for i := range vClass {
		vClass[i] = LineResidential
	}
	pickInner := func(n int) int { return n/2 - 1 + rng.IntN(3) }
	uClass[pickInner(len(g.us))] = LinePrimary
	if g.chance(0.7) {
		vClass[pickInner(len(g.vs))] = []LineKind{LinePrimary, LineSecondary}[rng.IntN(2)]
	}
	for k := 0; k < 2; k++ {
		if i := rng.IntN(len(g.us)); uClass[i] == LineResidential && g.chance(0.5) {
			uClass[i] = []LineKind{LineSecondary, LineTertiary}[rng.IntN(2)]
		}
		if i := rng.IntN(len(g.vs)); vClass[i] == LineResidential && g.chance(0.5) {
			vClass[i] = LineTertiary
		}
	}

	// Streets along the grid, with some residential edges left out so
	// that blocks vary in size.
	gapU := make([][]bool, len(g.us)) // gapU[i][j]: u line i between rows j and j+1 is absent
	for i := range g.us {
		gapU[i] = make([]bool, len(g.vs))
		for j := 0; j+1 < len(g.vs); j++ {
			gapU[i][j] = uClass[i] == LineResidential && g.chance(0.14)
		}
	}
	gapV := make([][]bool, len(g.vs))
	for j := range g.vs {
		gapV[j] = make([]bool, len(g.us))
		for i := 0; i+1 < len(g.us); i++ {
			gapV[j][i] = vClass[j] == LineResidential && g.chance(0.1)
		}
	}
	for i, u := range g.us {
		g.addStreet(uClass[i], len(g.vs), func(j int) bool { return gapU[i][j] }, func(j0, j1 int) []Point {
			return g.gridLine(u, g.vs[j0], u, g.vs[j1])
		})
	}
	for j, v := range g.vs {
		g.addStreet(vClass[j], len(g.us), func(i int) bool { return gapV[j][i] }, func(i0, i1 int) []Point {
			return g.gridLine(g.us[i0], v, g.us[i1], v)
		})
	}

	// Blocks.
	parks, schools := 0, 0
	for i := 0; i+1 < len(g.us); i++ {
		for j := 0; j+1 < len(g.vs); j++ {
			mu0 := roadStyles[uClass[i]].halfW + 3
			mu1 := roadStyles[uClass[i+1]].halfW + 3
			mv0 := roadStyles[vClass[j]].halfW + 3
			mv1 := roadStyles[vClass[j+1]].halfW + 3
			u0, u1 := g.us[i]+mu0, g.us[i+1]-mu1
			v0, v1 := g.vs[j]+mv0, g.vs[j+1]-mv1
			outline := g.gridRect(u0, v0, u1, v1, 20)
			if !g.visible(outline, 5) {
				continue
			}
			if g.water != nil && g.water(g.at((u0+u1)/2, (v0+v1)/2), 0) {
				continue
			}
			switch x := rng.Float64(); {
			case x < 0.12 && parks < 2:
				parks++
				g.park(u0, v0, u1, v1)
			case x < 0.19 && schools < 1 && (u1-u0)*(v1-v0) > 3500:
				schools++
				g.school(u0, v0, u1, v1)
			case x < 0.33:
				g.apartments(u0, v0, u1, v1)
			default:
				g.block(u0, v0, u1, v1)
			}
		}
	}
}

// spacing returns increasing positions from lo to hi with gaps in [a, b].
func (g *procGen) spacing(lo, hi, a, b float64) []float64 {
	out := []float64{lo + g.uniform(-a/2, 0)}
	for out[len(out)-1] < hi {
		out = append(out, out[len(out)-1]+g.uniform(a, b))
	}
	return out
}

// addStreet adds the polylines of one grid line of n nodes, skipping gaps
// and water for minor roads.
func (g *procGen) addStreet(kind LineKind, n int, gap func(int) bool, seg func(j0, j1 int) []Point) {
	j := 0
	for j+1 < n {
		if gap(j) {
			j++
			continue
		}
		k := j
		for k+1 < n && !gap(k) {
			k++
		}
		pts := seg(j, k)
		j = k
		if !g.visible(pts, 20) {
			continue
		}
		for _, piece := range g.clipDry(pts, kind) {
			g.m.Lines = append(g.m.Lines, Line{Kind: kind, Points: piece})
		}
	}
}

// clipDry cuts minor roads where they would run into water; main roads
// cross on bridges.
func (g *procGen) clipDry(pts []Point, kind LineKind) [][]Point {
	if g.water == nil || (kind >= LineSecondary && !g.coast) {
		return [][]Point{pts}
	}
	var out [][]Point
	var cur []Point
	for _, p := range pts {
		if g.water(p, 6) {
			if len(cur) > 1 {
				out = append(out, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, p)
	}
	if len(cur) > 1 {
		out = append(out, cur)
	}
	return out
}

// addWater adds a river or a coast, or nothing.
func (g *procGen) addWater() {
	x := g.rng.Float64()
	if x >= 0.55 {
		return
	}
	diag := math.Hypot(g.w, g.h)
	// Frame of the water body: s along it, t across.
	ang := g.uniform(0, math.Pi)
	if x < 0.38 {
		// A river crossing the view.
		s, c := math.Sincos(ang)
		dir := Point{c, s}
		nrm := Point{-s, c}
		ctr := Point{g.w / 2, g.h / 2}.add(nrm.mul(g.uniform(-0.3, 0.3) * g.h))
		amp, k, ph := g.uniform(5, 25), 2*math.Pi/g.uniform(300, 700), g.uniform(0, 2*math.Pi)
		width := g.uniform(26, 56)
		mid := func(t float64) Point {
			return ctr.add(dir.mul(t)).add(nrm.mul(amp * math.Sin(k*t+ph)))
		}
		var left, right, centre []Point
		for t := -diag; t <= diag; t += 10 {
			p := mid(t)
			hw := width/2 + 3*math.Sin(t*0.013+ph)
			// normal of the meander at t
			d := mid(t + 1).sub(mid(t - 1))
			d = d.mul(1 / d.len())
			n := Point{-d.Y, d.X}
			left = append(left, p.add(n.mul(hw)))
			right = append(right, p.sub(n.mul(hw)))
			centre = append(centre, p)
		}
		bank := make([]Point, 0, 2*len(left))
		bank = append(bank, left...)
		for i := len(right) - 1; i >= 0; i-- {
			bank = append(bank, right[i])
		}
		// A strip of riverside park, then the water.
		if g.chance(0.6) {
			var gl, gr []Point
			for i, p := range centre {
				n := left[i].sub(p)
				n = n.mul(1 / n.len())
				gl = append(gl, p.add(n.mul(width/2+g.uniform(10, 14))))
				gr = append(gr, p.sub(n.mul(width/2+g.uniform(10, 14))))
			}
			strip := append([]Point(nil), gl...)
			for i := len(gr) - 1; i >= 0; i-- {
				strip = append(strip, gr[i])
			}
			g.m.Areas = append(g.m.Areas, Area{Kind: AreaGrass, Rings: [][]Point{strip}})
			width += 22
		}
		g.m.Areas = append(g.m.Areas, Area{Kind: AreaWater, Rings: [][]Point{bank}})
		half := width / 2
		river := newPolyIndex(centre)
		g.water = func(p Point, margin float64) bool {
			return river.near(p, half+margin)
		}
		return
	}
	// A coast: water beyond a wavy shore near one edge.
	side := g.rng.IntN(4)
	depth := g.uniform(0.22, 0.38)
	amp, k, ph := g.uniform(6, 22), 2*math.Pi/g.uniform(200, 500), g.uniform(0, 2*math.Pi)
	var shore []Point
	var shoreAt func(p Point) float64 // signed distance into the sea
	switch side {
	case 0, 1: // top or bottom
		y0 := depth * g.h
		if side == 1 {
			y0 = g.h - y0
		}
		for x := -40.0; x <= g.w+40; x += 8 {
			shore = append(shore, Point{x, y0 + amp*math.Sin(k*x+ph)})
		}
		shoreAt = func(p Point) float64 {
			d := p.Y - (y0 + amp*math.Sin(k*p.X+ph))
			if side == 0 {
				return -d
			}
			return d
		}
		if side == 0 {
			shore = append(shore, Point{g.w + 40, -40}, Point{-40, -40})
		} else {
			shore = append(shore, Point{g.w + 40, g.h + 40}, Point{-40, g.h + 40})
		}
	default: // left or right
		x0 := depth * g.w
		if side == 3 {
			x0 = g.w - x0
		}
		for y := -40.0; y <= g.h+40; y += 8 {
			shore = append(shore, Point{x0 + amp*math.Sin(k*y+ph), y})
		}
		shoreAt = func(p Point) float64 {
			d := p.X - (x0 + amp*math.Sin(k*p.Y+ph))
			if side == 2 {
				return -d
			}
			return d
		}
		if side == 2 {
			shore = append(shore, Point{-40, g.h + 40}, Point{-40, -40})
		} else {
			shore = append(shore, Point{g.w + 40, g.h + 40}, Point{g.w + 40, -40})
		}
	}
	// A beach or promenade along the shore.
	if g.chance(0.5) {
		n := len(shore) - 2
		promenade := append([]Point(nil), shore[:n]...)
		for i := n - 1; i >= 0; i-- {
			p := shore[i]
			// step 14 px inland
			var q Point
			switch side {
			case 0:
				q = Point{p.X, p.Y + 14}
			case 1:
				q = Point{p.X, p.Y - 14}
			case 2:
				q = Point{p.X + 14, p.Y}
			default:
				q = Point{p.X - 14, p.Y}
			}
			promenade = append(promenade, q)
		}
		g.m.Areas = append(g.m.Areas, Area{Kind: AreaGrass, Rings: [][]Point{promenade}})
	}
	g.m.Areas = append(g.m.Areas, Area{Kind: AreaWater, Rings: [][]Point{shore}})
	g.water = func(p Point, margin float64) bool { return shoreAt(p) > -margin-8 }
	g.coast = true
}

// addCorridors adds a railway and an expressway, each sometimes.
func (g *procGen) addCorridors() {
	through := func(curv float64) []Point {
		ang := g.uniform(0, math.Pi)
		s, c := math.Sincos(ang)
		dir := Point{c, s}
		nrm := Point{-s, c}
		ctr := Point{g.w / 2, g.h / 2}.add(nrm.mul(g.uniform(-0.35, 0.35) * math.Min(g.w, g.h)))
		diag := math.Hypot(g.w, g.h)
		bend := g.uniform(-curv, curv)
		var pts []Point
		for t := -diag; t <= diag; t += 16 {
			pts = append(pts, ctr.add(dir.mul(t)).add(nrm.mul(bend*t*t/diag)))
		}
		return pts
	}
	if g.chance(0.55) {
		pts := through(0.25)
		for _, piece := range g.clipDry(pts, LineRail) {
			g.m.Lines = append(g.m.Lines, Line{Kind: LineRail, Points: piece})
		}
		g.corridor = append(g.corridor, corridor{newPolyIndex(pts), 5})
		// A station on the visible stretch of line.
		var vis []int
		for i, p := range pts {
			if p.X > 70 && p.X < g.w-70 && p.Y > 50 && p.Y < g.h-50 {
				vis = append(vis, i)
			}
		}
		if len(vis) > 2 {
			i := vis[g.rng.IntN(len(vis)-2)+1]
			a, b := pts[i-1], pts[i+1]
			d := b.sub(a)
			d = d.mul(1 / d.len())
			n := Point{-d.Y, d.X}
			c := pts[i]
			half, thick := g.uniform(22, 32), 6.0
			bld := []Point{
				c.add(d.mul(-half)).add(n.mul(thick)), c.add(d.mul(half)).add(n.mul(thick)),
				c.add(d.mul(half)).sub(n.mul(thick)), c.add(d.mul(-half)).sub(n.mul(thick)),
			}
			if g.water == nil || !g.water(c, 2) {
				g.m.Areas = append(g.m.Areas, Area{Kind: AreaBuilding, Rings: [][]Point{bld}})
				g.m.Places = append(g.m.Places, Place{Kind: PlaceStation, At: c, Building: len(g.m.Areas) - 1})
			}
		}
	}
	if g.chance(0.2) {
		pts := through(0.15)
		for _, piece := range g.clipDry(pts, LineMotorway) {
			g.m.Lines = append(g.m.Lines, Line{Kind: LineMotorway, Points: piece})
		}
		g.corridor = append(g.corridor, corridor{newPolyIndex(pts), roadStyles[LineMotorway].halfW + 2})
	}
}

func (g *procGen) addLines(kind LineKind, pts []Point) {
	for _, piece := range g.clipDry(pts, kind) {
		g.m.Lines = append(g.m.Lines, Line{Kind: kind, Points: piece})
	}
}

func (g *procGen) addArea(kind AreaKind, ring []Point) int {
	g.m.Areas = append(g.m.Areas, Area{Kind: kind, Rings: [][]Point{ring}})
	return len(g.m.Areas) - 1
}

// building adds a building on the grid rectangle unless it is in water or
// on a corridor, and returns its index or -1.
func (g *procGen) building(u0, v0, u1, v1 float64) int {
	ring := []Point{g.at(u0, v0), g.at(u1, v0), g.at(u1, v1), g.at(u0, v1)}
	if !g.visible(ring, 2) {
		return -1
	}
	for _, p := range ring {
		if g.blocked(p, 1) {
			return -1
		}
	}
	if g.blocked(centroid(ring), 2) {
		return -1
	}
	return g.addArea(AreaBuilding, ring)
}

var shopKinds = []struct {
	k PlaceKind
	w float64
}{
	{PlaceCafe, 4}, {PlaceRestaurant, 3}, {PlaceBakery, 1.5}, {PlaceStore, 2}, {PlacePharmacy, 1.2},
	{PlaceHospital, 1}, {PlaceLibrary, 0.8}, {PlaceMuseum, 0.6}, {PlaceHotel, 1}, {PlacePostOffice, 0.6},
	{PlaceChurch, 0.7}, {PlaceMarket, 0.8},
}

func (g *procGen) shopKind() PlaceKind {
	var total float64
	for _, s := range shopKinds {
		total += s.w
	}
	x := g.rng.Float64() * total
	for _, s := range shopKinds {
		if x -= s.w; x < 0 {
			return s.k
		}
	}
	return PlaceCafe
}

// block fills a city block with buildings on lots, sometimes split by a
// service lane, and puts shops in some of them.
func (g *procGen) block(u0, v0, u1, v1 float64) {
	if g.chance(0.25) {
		g.addArea(AreaCommercial, g.gridRect(u0-2, v0-2, u1+2, v1+2, 24))
	}
	var blds []int
	var lots func(a0, b0, a1, b1 float64, depth int)
	lots = func(a0, b0, a1, b1 float64, depth int) {
		w, h := a1-a0, b1-b0
		limit := g.uniform(18, 34)
		if depth > 6 || (w < limit && h < limit) || (depth > 1 && g.chance(0.12) && w < 60 && h < 60) {
			if g.chance(0.1) && depth > 1 {
				return // open lot
			}
			in := g.uniform(1, 2.2)
			if i := g.building(a0+in, b0+in, a1-in, b1-in); i >= 0 {
				blds = append(blds, i)
			}
			return
		}
		if w >= h {
			c := a0 + w*g.uniform(0.35, 0.65)
			lots(a0, b0, c, b1, depth+1)
			lots(c, b0, a1, b1, depth+1)
		} else {
			c := b0 + h*g.uniform(0.35, 0.65)
			lots(a0, b0, a1, c, depth+1)
			lots(a0, c, a1, b1, depth+1)
		}
	}
	w, h := u1-u0, v1-v0
	if g.chance(0.35) && math.Max(w, h) > 70 {
		// A service lane across the block.
		lane := 4.5
		if w >= h {
			c := u0 + w*g.uniform(0.35, 0.65)
			g.addLines(LineService, g.gridLine(c, v0-4, c, v1+4))
			lots(u0, v0, c-lane, v1, 1)
			lots(c+lane, v0, u1, v1, 1)
		} else {
			c := v0 + h*g.uniform(0.35, 0.65)
			g.addLines(LineService, g.gridLine(u0-4, c, u1+4, c))
			lots(u0, v0, u1, c-lane, 1)
			lots(u0, c+lane, u1, v1, 1)
		}
	} else {
		lots(u0, v0, u1, v1, 0)
	}
	g.rng.Shuffle(len(blds), func(i, j int) { blds[i], blds[j] = blds[j], blds[i] })
	for k, i := range blds {
		if k >= 3 || !g.chance(0.6) {
			break
		}
		c := centroid(g.m.Areas[i].Rings[0])
		if c.X < 0 || c.Y < 0 || c.X > g.w || c.Y > g.h {
			continue
		}
		g.m.Places = append(g.m.Places, Place{Kind: g.shopKind(), At: c, Building: i})
	}
}

// apartments fills a block with parallel slabs on residential ground.
func (g *procGen) apartments(u0, v0, u1, v1 float64) {
	g.addArea(AreaResidential, g.gridRect(u0-1, v0-1, u1+1, v1+1, 24))
	w, h := u1-u0, v1-v0
	thick := g.uniform(10, 13)
	gap := g.uniform(14, 22)
	var blds []int
	if w >= h {
		for v := v0 + 4; v+thick < v1-3; v += thick + gap {
			l := w * g.uniform(0.55, 0.85)
			a := u0 + g.uniform(4, math.Max(5, w-l-4))
			if i := g.building(a, v, a+l, v+thick); i >= 0 {
				blds = append(blds, i)
			}
		}
	} else {
		for u := u0 + 4; u+thick < u1-3; u += thick + gap {
			l := h * g.uniform(0.55, 0.85)
			b := v0 + g.uniform(4, math.Max(5, h-l-4))
			if i := g.building(u, b, u+thick, b+l); i >= 0 {
				blds = append(blds, i)
			}
		}
	}
	if len(blds) > 0 && g.chance(0.5) {
		i := blds[g.rng.IntN(len(blds))]
		kinds := []PlaceKind{PlaceStore, PlaceCafe, PlacePharmacy, PlaceLibrary}
		g.m.Places = append(g.m.Places, Place{Kind: kinds[g.rng.IntN(len(kinds))], At: centroid(g.m.Areas[i].Rings[0]), Building: i})
	}
}

// park makes a block a park with paths and maybe a pond.
func (g *procGen) park(u0, v0, u1, v1 float64) {
	g.addArea(AreaPark, g.gridRect(u0-2, v0-2, u1+2, v1+2, 12))
	w, h := u1-u0, v1-v0
	if g.chance(0.5) && w > 50 && h > 40 {
		cu, cv := u0+w*g.uniform(0.3, 0.7), v0+h*g.uniform(0.3, 0.7)
		ru, rv := w*g.uniform(0.12, 0.2), h*g.uniform(0.12, 0.2)
		var ring []Point
		for a := 0.0; a < 2*math.Pi; a += math.Pi / 12 {
			k := 1 + 0.15*math.Sin(3*a+cu)
			ring = append(ring, g.at(cu+ru*k*math.Cos(a), cv+rv*k*math.Sin(a)))
		}
		g.addArea(AreaWater, ring)
	}
	// Two winding paths across the park.
	for k := 0; k < 2; k++ {
		var pts []Point
		ph := g.uniform(0, 6)
		if k == 0 {
			vv := v0 + h*g.uniform(0.2, 0.8)
			for u := u0 - 2; u <= u1+2; u += 8 {
				pts = append(pts, g.at(u, vv+h*0.12*math.Sin(u*0.05+ph)))
			}
		} else {
			uu := u0 + w*g.uniform(0.2, 0.8)
			for v := v0 - 2; v <= v1+2; v += 8 {
				pts = append(pts, g.at(uu+w*0.1*math.Sin(v*0.06+ph), v))
			}
		}
		g.addLines(LinePath, pts)
	}
	c := g.at(u0+w*g.uniform(0.35, 0.65), v0+h*g.uniform(0.35, 0.65))
	if !g.blocked(c, 4) {
		g.m.Places = append(g.m.Places, Place{Kind: PlacePark, At: c, Building: -1})
	}
}

// school makes a block school grounds with a building and a pitch.
func (g *procGen) school(u0, v0, u1, v1 float64) {
	g.addArea(AreaSchool, g.gridRect(u0-1, v0-1, u1+1, v1+1, 24))
	w, h := u1-u0, v1-v0
	var bi int
	if w >= h {
		bi = g.building(u0+4, v0+4, u0+w*0.45, v1-4)
		pr := []Point{g.at(u0+w*0.52, v0+h*0.18), g.at(u1-6, v0+h*0.18), g.at(u1-6, v1-h*0.18), g.at(u0+w*0.52, v1-h*0.18)}
		g.addArea(AreaPitch, pr)
	} else {
		bi = g.building(u0+4, v0+4, u1-4, v0+h*0.45)
		pr := []Point{g.at(u0+w*0.18, v0+h*0.52), g.at(u1-w*0.18, v0+h*0.52), g.at(u1-w*0.18, v1-6), g.at(u0+w*0.18, v1-6)}
		g.addArea(AreaPitch, pr)
	}
	if bi >= 0 {
		g.m.Places = append(g.m.Places, Place{Kind: PlaceSchool, At: centroid(g.m.Areas[bi].Rings[0]), Building: bi})
	}
}
