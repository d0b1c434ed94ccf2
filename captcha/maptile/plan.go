package maptile

import (
	"image/color"
	"math"
	"math/rand/v2"
)

// LabelKind says what a label names.
type LabelKind uint8

// Kinds of label.
const (
	LabelPlace LabelKind = iota + 1
	LabelStreet
	LabelWatermark
)

// String returns "place", "street" or "watermark".
func (k LabelKind) String() string {
	switch k {
	case LabelPlace:
		return "place"
	case LabelStreet:
		return "street"
	case LabelWatermark:
		return "watermark"
	}
	return "unknown"
}

// planLabel is one label positioned on the map, in layout pixels.
type planLabel struct {
	lay    textLayout
	origin Point // start of the baseline
	angle  float64
	col    color.RGBA
	halo   color.RGBA
	haloR  float64
	kind   LabelKind
	q      quad // ink box grown by the halo
}

type planMarker struct {
	style    MarkerStyle
	at       Point // pin tip, circle centre, building centroid or street label centre
	colour   markColour
	number   int
	building int     // MarkerBuilding: index into Map.Areas
	line     []Point // MarkerStreet: the highlighted street
	lineKind LineKind
	label    int // index into plan.labels
}

type planIcon struct {
	kind PlaceKind
	at   Point
}

// plan is everything one challenge draws, decided before any pixel is
// drawn so that every scale draws the same layout.
type plan struct {
	m          *Map
	style      MarkerStyle
	target     int // index into labels
	markers    []planMarker
	labels     []planLabel
	icons      []planIcon
	watermarks []planLabel
	prompt     string
	answer     string
	decoys     []string
	numberFont *Font
	attrib     *textLayout
	attribQ    quad
}

// planner lays out one challenge. It is owned by one render.
type planner struct {
	rng   *rand.Rand
	w, h  float64
	m     *Map
	lang  string
	fonts fontSet
	names *namer
	used  []quad // occupied boxes
	pl    *plan

	placeUsed []bool
	lineUsed  []bool
	xh        float64 // x-height of the place and street labels, layout pixels
}

func (p *planner) uniform(a, b float64) float64 { return a + (b-a)*p.rng.Float64() }

func (p *planner) free(q quad) bool {
	b := q.bounds()
	if b.x0 < 3 || b.y0 < 3 || b.x1 > p.w-3 || b.y1 > p.h-3 {
		return false
	}
	for _, u := range p.used {
		if q.intersects(u) {
			return false
		}
	}
	return true
}

func (p *planner) pickFont(list []*Font) *Font { return list[p.rng.IntN(len(list))] }

// layout lays out a label in one of fonts at the map's label x-height.
func (p *planner) layout(text string, fonts []*Font) textLayout {
	f := p.pickFont(fonts)
	size := p.xh * p.uniform(1, 1.08) / float64(f.xHeight)
	lay := layoutText(f, size, text, labelSpacing, p.rng)
	lay.join()
	return lay
}

// placeLabelNear tries the usual label positions around an anchor box
// (right, left, below, above, in random order of preference) and keeps the
// first free one.
func (p *planner) placeLabelNear(lay textLayout, box rect, col color.RGBA) (planLabel, bool) {
	angle := p.uniform(-0.12, 0.12)
	sin, cos := math.Sincos(angle)
	cx, cy := (box.x0+box.x1)/2, (box.y0+box.y1)/2
	mid := (lay.top + lay.bottom) / 2 // baseline offset of the ink's middle
	gap := 3.5
	type cand struct{ dx, dy float64 } // ink-centre offset from the box centre, unrotated
	hw, hh := (box.x1-box.x0)/2, (box.y1-box.y0)/2
	th := (lay.bottom - lay.top) / 2
	cands := []cand{
		{hw + gap + lay.width/2, 0},
		{-(hw + gap + lay.width/2), 0},
		{0, hh + gap + th},
		{0, -(hh + gap + th)},
		// Then beside the anchor, but shifted up or down by half the
		// label's height, as maps do when the plain spots are taken.
		{hw + gap + lay.width/2, -th},
		{hw + gap + lay.width/2, th},
		{-(hw + gap + lay.width/2), -th},
		{-(hw + gap + lay.width/2), th},
	}
	if p.rng.IntN(3) == 0 {
		cands[0], cands[1] = cands[1], cands[0]
		cands[4], cands[6] = cands[6], cands[4]
		cands[5], cands[7] = cands[7], cands[5]
	}
	for _, c := range cands {
		// centre of the ink box in map space (offset rotated with the label)
		ic := Point{cx, cy}.add(Point{c.dx, c.dy}.rot(sin, cos))
		origin := ic.sub(Point{lay.width / 2, mid}.rot(sin, cos))
		l := planLabel{lay: lay, origin: origin, angle: angle, col: col, halo: colHalo, haloR: haloSize, kind: LabelPlace}
		l.q = lay.quadAt(origin, angle, haloSize+0.5)
		if p.free(l.q) {
			return l, true
		}
	}
	return planLabel{}, false
}

func (p *planner) addLabel(l planLabel) int {
	p.pl.labels = append(p.pl.labels, l)
	p.used = append(p.used, l.q)
	return len(p.pl.labels) - 1
}

// candidatePlaces returns the indices of places well inside the view, in
// random order.
func (p *planner) candidatePlaces() []int {
	var out []int
	for i, pc := range p.m.Places {
		if p.placeUsed[i] || pc.At.X < 16 || pc.At.Y < 16 || pc.At.X > p.w-16 || pc.At.Y > p.h-16 {
			continue
		}
		out = append(out, i)
	}
	p.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// markerBox is the box a marker (or an icon) occupies around a place.
func markerBox(style MarkerStyle, at Point) rect {
	switch style {
	case MarkerPin:
		return rect{at.X - pinR - 2, at.Y - pinR*(pinH+1) - 3, at.X + pinR + 2, at.Y + 3}
	case MarkerNumber:
		return rect{at.X - numberR - 2, at.Y - numberR - 2, at.X + numberR + 2, at.Y + numberR + 2}
	}
	return rect{at.X - iconR - 1.5, at.Y - iconR - 1.5, at.X + iconR + 1.5, at.Y + iconR + 1.5}
}

// labelAnchor is the box a place label sits beside: for a pin, the tip
// (the head is above it).
func labelAnchor(style MarkerStyle, at Point) rect {
	switch style {
	case MarkerPin:
		return rect{at.X - pinR - 1, at.Y - 8, at.X + pinR + 1, at.Y + 3}
	}
	return markerBox(style, at)
}

// markPlace puts a marker of the given style on a free place and labels it.
// It returns the marker index or -1.
func (p *planner) markPlace(style MarkerStyle, mc markColour, number int) int {
	for _, i := range p.candidatePlaces() {
		pc := p.m.Places[i]
		var box, anchor rect
		building := -1
		if style == MarkerBuilding {
			if pc.Building < 0 || pc.Building >= len(p.m.Areas) || len(p.m.Areas[pc.Building].Rings) == 0 {
				continue
			}
			building = pc.Building
			box = ringBounds(p.m.Areas[building].Rings[0])
			bw, bh := box.x1-box.x0, box.y1-box.y0
			if bw > p.w/3 || bh > p.h/3 || math.Min(bw, bh) < 11 || bw*bh < 330 {
				continue
			}
			anchor = box
		} else {
			box = markerBox(style, pc.At)
			anchor = labelAnchor(style, pc.At)
		}
		bq := rectQuad(box)
		if !p.free(bq) {
			continue
		}
		name := p.names.place(pc.Kind)
		lay := p.layout(name, p.fonts.bold)
		if lay.missing() {
			continue
		}
		p.used = append(p.used, bq)
		l, ok := p.placeLabelNear(lay, anchor, placeStyles[pc.Kind%numPlaceKinds].text)
		if !ok {
			p.used = p.used[:len(p.used)-1]
			continue
		}
		p.placeUsed[i] = true
		at := pc.At
		if style == MarkerBuilding {
			at = centroid(p.m.Areas[building].Rings[0])
		}
		li := p.addLabel(l)
		p.pl.markers = append(p.pl.markers, planMarker{style: style, at: at, colour: mc, number: number, building: building, label: li})
		return len(p.pl.markers) - 1
	}
	return -1
}

// streetSpot finds where a label of the given width fits along pts: a
// straight stretch well inside the view. It returns the label's centre and
// direction.
func (p *planner) streetSpot(pts []Point, width float64) (Point, float64, bool) {
	need := width + 16
	type spot struct {
		c   Point
		ang float64
	}
	var spots []spot
	for i := 0; i+1 < len(pts); i++ {
		// Grow a window from pts[i] until it is long enough.
		l := 0.0
		j := i
		for j+1 < len(pts) && l < need {
			l += pts[j+1].dist(pts[j])
			j++
		}
		if l < need {
			break
		}
		a, b := pts[i], pts[j]
		straight := true
		for k := i + 1; k < j; k++ {
			if distToSegment(pts[k], a, b) > 2.5 {
				straight = false
				break
			}
		}
		if !straight {
			continue
		}
		c := lerp(a, b, 0.5)
		if c.X < 30 || c.Y < 24 || c.X > p.w-30 || c.Y > p.h-24 {
			continue
		}
		ang := math.Atan2(b.Y-a.Y, b.X-a.X)
		if ang > math.Pi/2 {
			ang -= math.Pi
		} else if ang <= -math.Pi/2 {
			ang += math.Pi
		}
		spots = append(spots, spot{c, ang})
	}
	if len(spots) == 0 {
		return Point{}, 0, false
	}
	s := spots[p.rng.IntN(len(spots))]
	return s.c, s.ang, true
}

// labelStreet names line li and labels it along the road.
func (p *planner) labelStreet(li int) (int, bool) {
	ln := p.m.Lines[li]
	name := p.names.street()
	lay := p.layout(name, p.fonts.regular)
	if lay.missing() {
		return -1, false
	}
	for try := 0; try < 6; try++ {
		c, ang, ok := p.streetSpot(ln.Points, lay.width)
		if !ok {
			return -1, false
		}
		sin, cos := math.Sincos(ang)
		mid := (lay.top + lay.bottom) / 2
		origin := c.sub(Point{lay.width / 2, mid}.rot(sin, cos))
		l := planLabel{lay: lay, origin: origin, angle: ang, col: colStreetText, halo: colHalo, haloR: haloSize, kind: LabelStreet}
		l.q = lay.quadAt(origin, ang, haloSize+0.5)
		if p.free(l.q) {
			p.lineUsed[li] = true
			return p.addLabel(l), true
		}
	}
	return -1, false
}

// streetCandidates returns labelable roads, in random order.
func (p *planner) streetCandidates() []int {
	var out []int
	for i, ln := range p.m.Lines {
		if p.lineUsed[i] || !ln.Kind.isRoad() || ln.Tunnel || ln.Kind == LineMotorway {
			continue
		}
		if polylineLength(ln.Points) < 120 {
			continue
		}
		out = append(out, i)
	}
	p.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func (p *planner) markStreet(mc markColour) int {
	for _, li := range p.streetCandidates() {
		lab, ok := p.labelStreet(li)
		if !ok {
			continue
		}
		l := p.pl.labels[lab]
		p.pl.markers = append(p.pl.markers, planMarker{
			style: MarkerStreet, at: l.q.center(), colour: mc, building: -1,
			line: p.m.Lines[li].Points, lineKind: p.m.Lines[li].Kind, label: lab,
		})
		return len(p.pl.markers) - 1
	}
	return -1
}

// otherColour picks a marker colour different from the ones in use; red and
// green are never shown together.
func (p *planner) otherColour(inUse []markColour) (markColour, bool) {
	var ok []markColour
	for _, c := range markColours {
		clash := false
		for _, u := range inUse {
			if c.en == u.en || (c.en == "red" && u.en == "green") || (c.en == "green" && u.en == "red") {
				clash = true
			}
		}
		if !clash {
			ok = append(ok, c)
		}
	}
	if len(ok) == 0 {
		return markColour{}, false
	}
	return ok[p.rng.IntN(len(ok))], true
}

// planTarget marks the target in the given style plus its look-alikes, and
// sets the prompt. It reports false if the map has no room for the style.
func (p *planner) planTarget(style MarkerStyle) bool {
	mc := markColours[p.rng.IntN(len(markColours))]
	switch style {
	case MarkerPin, MarkerBuilding:
		t := p.markPlace(style, mc, 0)
		if t < 0 {
			return false
		}
		others := 1 + p.rng.IntN(2)
		if style == MarkerBuilding {
			others = p.rng.IntN(2)
		}
		inUse := []markColour{mc}
		for k := 0; k < others; k++ {
			oc, ok := p.otherColour(inUse)
			if !ok {
				break
			}
			if p.markPlace(style, oc, 0) >= 0 {
				inUse = append(inUse, oc)
			}
		}
		p.setTarget(style, t, mc, 0)
	case MarkerNumber:
		n := 3 + p.rng.IntN(2)
		nums := p.rng.Perm(9)[:n]
		t := -1
		for k, num := range nums {
			i := p.markPlace(style, markColour{}, num+1)
			if k == 0 {
				if i < 0 {
					return false
				}
				t = i
			}
		}
		p.setTarget(style, t, markColour{}, nums[0]+1)
	case MarkerStreet:
		t := p.markStreet(mc)
		if t < 0 {
			return false
		}
		if p.rng.IntN(5) < 3 {
			if oc, ok := p.otherColour([]markColour{mc}); ok {
				p.markStreet(oc)
			}
		}
		p.setTarget(style, t, mc, 0)
	default:
		return false
	}
	return true
}

func (p *planner) setTarget(style MarkerStyle, marker int, mc markColour, number int) {
	m := p.pl.markers[marker]
	p.pl.style = style
	p.pl.target = m.label
	p.pl.answer = p.pl.labels[m.label].lay.text
	p.pl.prompt = promptText(p.lang, style, mc, number)
	// The target's marker is drawn first among markers.
	p.pl.markers[0], p.pl.markers[marker] = p.pl.markers[marker], p.pl.markers[0]
}

// fill adds street labels and labelled and unlabelled place icons.
func (p *planner) fill() {
	streets := 1 + p.rng.IntN(3)
	if p.pl.style == MarkerStreet {
		streets += 2
	}
	for _, li := range p.streetCandidates() {
		if streets == 0 {
			break
		}
		if _, ok := p.labelStreet(li); ok {
			streets--
		}
	}
	want := 5 + p.rng.IntN(4)
	placed := 0
	for _, m := range p.pl.markers {
		if m.style != MarkerStreet {
			placed++
		}
	}
	unlabelled := 2 + p.rng.IntN(3)
	for _, i := range p.candidatePlaces() {
		pc := p.m.Places[i]
		box := markerBox(0, pc.At)
		bq := rectQuad(box)
		if !p.free(bq) {
			continue
		}
		if placed >= want {
			if unlabelled > 0 {
				p.used = append(p.used, bq)
				p.pl.icons = append(p.pl.icons, planIcon{pc.Kind, pc.At})
				p.placeUsed[i] = true
				unlabelled--
			}
			continue
		}
		lay := p.layout(p.names.place(pc.Kind), p.fonts.bold)
		if lay.missing() {
			continue
		}
		p.used = append(p.used, bq)
		l, ok := p.placeLabelNear(lay, box, placeStyles[pc.Kind%numPlaceKinds].text)
		if !ok {
			p.used = p.used[:len(p.used)-1]
			continue
		}
		p.addLabel(l)
		p.pl.icons = append(p.pl.icons, planIcon{pc.Kind, pc.At})
		p.placeUsed[i] = true
		placed++
	}
}

// watermark adds white text crossing the target, some other labels, and
// open map. Over labels it is translucent and lighter than the label font,
// so a person still reads the dark letters.
func (p *planner) watermark() {
	cross := func(li int, alpha uint8) {
		l := p.pl.labels[li]
		frag := p.names.fragment()
		f := p.pickFont(p.fonts.regular)
		size := l.lay.size * p.uniform(0.7, 0.88)
		lay := layoutText(f, size, frag, watermarkSpacing, p.rng)
		ang := l.angle + p.uniform(0.1, 0.28)*float64(1-2*p.rng.IntN(2))
		sin, cos := math.Sincos(ang)
		lsin, lcos := math.Sincos(l.angle)
		// centre near the label's centre, shifted along it and off its middle
		c := l.q.center().add(Point{p.uniform(-0.25, 0.25) * l.lay.width, p.uniform(-0.3, 0.3) * l.lay.size}.rot(lsin, lcos))
		origin := c.sub(Point{lay.width / 2, (lay.top + lay.bottom) / 2}.rot(sin, cos))
		wm := planLabel{lay: lay, origin: origin, angle: ang, col: p.white(alpha), kind: LabelWatermark}
		wm.q = lay.quadAt(origin, ang, 0)
		p.pl.watermarks = append(p.pl.watermarks, wm)
		p.pl.decoys = append(p.pl.decoys, frag)
	}
	cross(p.pl.target, uint8(p.uniform(55, 80)))
	// Cross as many other labels again, so a crossed label is no clue.
	others := p.rng.Perm(len(p.pl.labels))
	n := 1 + p.rng.IntN(3)
	for _, li := range others {
		if n == 0 {
			break
		}
		if li == p.pl.target {
			continue
		}
		cross(li, uint8(p.uniform(55, 80)))
		n--
	}
	// Free text across the map, clear of the labels (crossing them is the
	// fainter watermarks' job).
	for k, tries := 2+p.rng.IntN(3), 0; k > 0 && tries < 12; tries++ {
		frag := p.names.fragment()
		f := p.pickFont(p.fonts.regular)
		lay := layoutText(f, p.uniform(17, 30), frag, watermarkSpacing, p.rng)
		ang := p.uniform(-0.5, 0.5)
		origin := Point{p.uniform(0, math.Max(1, p.w-lay.width)), p.uniform(30, p.h-10)}
		wm := planLabel{lay: lay, origin: origin, angle: ang, col: p.white(uint8(p.uniform(190, 235))), kind: LabelWatermark}
		wm.q = lay.quadAt(origin, ang, 0)
		clear := true
		for _, l := range p.pl.labels {
			if wm.q.intersects(l.q) {
				clear = false
				break
			}
		}
		if !clear {
			continue
		}
		p.pl.watermarks = append(p.pl.watermarks, wm)
		p.pl.decoys = append(p.pl.decoys, frag)
		k--
	}
}

func (p *planner) white(alpha uint8) color.RGBA {
	v := uint8(p.uniform(244, 256))
	return color.RGBA{v, v, v, alpha}
}

// plan lays out a challenge on m, or returns nil if m has no room for one.
func (r *Renderer) plan(rng *rand.Rand, m *Map, lang string) *plan {
	mapNames := make(map[string]bool)
	for _, a := range m.Areas {
		if a.Name != "" {
			mapNames[normName(a.Name)] = true
		}
	}
	for _, l := range m.Lines {
		if l.Name != "" {
			mapNames[normName(l.Name)] = true
		}
	}
	for _, pc := range m.Places {
		if pc.Name != "" {
			mapNames[normName(pc.Name)] = true
		}
	}
	reserved := func(name string) bool { return mapNames[normName(name)] || r.reserved(name) }
	p := &planner{
		rng: rng, w: float64(r.cfg.width), h: float64(r.cfg.height), m: m, lang: lang,
		fonts: r.fonts[lang], names: newNamer(lang, rng, reserved), pl: &plan{m: m},
		placeUsed: make([]bool, len(m.Places)), lineUsed: make([]bool, len(m.Lines)),
	}
	p.pl.numberFont = r.label["number"]
	p.xh = p.uniform(11.6, 12.8)
	if lang == "ko" {
		p.xh = p.uniform(11.2, 12.2)
	}
	if m.Attribution != "" {
		lay := layoutText(r.label["attrib"], 11, m.Attribution, plainSpacing, nil)
		origin := Point{p.w - lay.width - 5, p.h - 5 - lay.bottom}
		p.pl.attrib = &lay
		p.pl.attribQ = lay.quadAt(origin, 0, 3)
		p.used = append(p.used, p.pl.attribQ)
	}
	styles := append([]MarkerStyle(nil), r.cfg.styles...)
	rng.Shuffle(len(styles), func(i, j int) { styles[i], styles[j] = styles[j], styles[i] })
	ok := false
	for _, s := range styles {
		if p.planTarget(s) {
			ok = true
			break
		}
	}
	if !ok {
		return nil
	}
	p.fill()
	// Several labels must look like the target, or its style gives it away.
	same := 0
	for _, l := range p.pl.labels {
		if l.kind == p.pl.labels[p.pl.target].kind {
			same++
		}
	}
	if same < 3 {
		return nil
	}
	if !r.cfg.noWatermarks {
		p.watermark()
	}
	return p.pl
}
