package maptile

import (
	"image/color"
	"math"
)

// draw renders a plan at the given scale.
func (r *Renderer) draw(pl *plan, scale int, sc *scratch, keep bool) *Rendering {
	s := float64(scale)
	c := newCanvas(r.cfg.width*scale, r.cfg.height*scale, s, sc, keep)
	m := pl.m
	if m.Water {
		c.clear(colWater)
	} else {
		c.clear(colLand)
	}

	// Areas by kind, buildings last.
	highlighted := map[int]markColour{}
	for _, mk := range pl.markers {
		if mk.style == MarkerBuilding && mk.building >= 0 {
			highlighted[mk.building] = mk.colour
		}
	}
	for kind := AreaLand; kind < numAreaKinds; kind++ {
		edge, inset := areaEdge(kind)
		for pass := 0; pass < 2; pass++ {
			if pass == 1 && inset == 0 {
				break
			}
			c.p.reset()
			for i, a := range m.Areas {
				if a.Kind != kind {
					continue
				}
				if _, ok := highlighted[i]; ok {
					continue
				}
				if pass == 0 && inset == 0 {
					addArea(&c.p, a, s)
				} else {
					addAreaInset(&c.p, a, s, inset*float64(pass))
				}
			}
			if c.p.empty {
				break
			}
			col := areaColours[kind]
			if pass == 0 && inset > 0 {
				col = edge
			}
			c.fill(&c.p, col)
		}
	}
	for _, mk := range pl.markers {
		if mk.style != MarkerBuilding || mk.building < 0 {
			continue
		}
		a := m.Areas[mk.building]
		addArea(&c.p, a, s)
		c.fill(&c.p, withAlpha(mk.colour.fill, 235))
		for _, ring := range a.Rings {
			closed := append(append([]Point(nil), ring...), ring[0])
			c.p.stroke(closed, s, float32(0.9*s), false)
		}
		c.fill(&c.p, mk.colour.edge)
	}

	// Lines: waterways, paths, casings then fills from minor to major, the
	// railway over the streets, and the expressway on top.
	byKind := make([][]Line, numLineKinds)
	for _, l := range m.Lines {
		if l.Tunnel || len(l.Points) < 2 {
			continue
		}
		byKind[l.Kind] = append(byKind[l.Kind], l)
	}
	for _, k := range []LineKind{LineStream, LineRiver} {
		c.strokeLines(byKind[k], roadStyles[k].halfW+roadStyles[k].casingW, roadStyles[k].casing)
		c.strokeLines(byKind[k], roadStyles[k].halfW, roadStyles[k].fill)
	}
	for _, l := range byKind[LinePath] {
		dashes(l.Points, 3, 2.5, 0, func(d []Point) { c.p.stroke(d, s, float32(0.85*s), false) })
	}
	c.fill(&c.p, rgb(0xbdb5a8))
	// Casings, then fills; kinds drawn in the same colour share a pass.
	for _, pass := range []struct {
		fill bool
		kind []LineKind
	}{
		{false, []LineKind{LineService, LineResidential, LineTertiary}},
		{false, []LineKind{LineSecondary}},
		{false, []LineKind{LinePrimary}},
		{true, []LineKind{LineService, LineResidential, LineTertiary}},
		{true, []LineKind{LineSecondary}},
		{true, []LineKind{LinePrimary}},
	} {
		var col color.RGBA
		for _, k := range pass.kind {
			st := roadStyles[k]
			hw := st.halfW
			col = st.fill
			if !pass.fill {
				hw += st.casingW
				col = st.casing
			}
			for _, l := range byKind[k] {
				c.p.stroke(l.Points, s, float32(hw*s), true)
			}
		}
		c.fill(&c.p, col)
	}
	rail := byKind[LineRail]
	c.strokeLines(rail, roadStyles[LineRail].halfW, colRail)
	for _, l := range rail {
		dashes(l.Points, 8, 8, 0, func(d []Point) { c.p.stroke(d, s, float32(1.0*s), false) })
	}
	c.fill(&c.p, colRailDash)
	st := roadStyles[LineMotorway]
	c.strokeLines(byKind[LineMotorway], st.halfW+st.casingW, st.casing)
	c.strokeLines(byKind[LineMotorway], st.halfW, st.fill)

	// Highlighted streets, like a route.
	for _, mk := range pl.markers {
		if mk.style != MarkerStreet {
			continue
		}
		hw := math.Max(roadStyles[mk.lineKind].halfW*0.75, 2.6)
		c.p.stroke(mk.line, s, float32(hw*s), true)
		c.fill(&c.p, withAlpha(mk.colour.fill, 215))
	}

	rd := &Rendering{Image: c.img, Scale: scale, Style: pl.style, Target: pl.target}
	for _, ic := range pl.icons {
		c.drawIcon(ic.kind, ic.at)
	}
	for _, l := range pl.labels {
		rd.Labels = append(rd.Labels, c.drawLabel(&l))
	}
	for _, mk := range pl.markers {
		switch mk.style {
		case MarkerPin:
			c.drawPin(mk.at, mk.colour)
		case MarkerNumber:
			c.drawNumber(mk.at, mk.number, pl.numberFont)
		}
		rd.Markers = append(rd.Markers, Marker{
			Style: mk.style, At: roundPt(mk.at, s), Colour: mk.colour.en, Number: mk.number, Label: mk.label,
		})
	}
	for _, w := range pl.watermarks {
		rd.Watermarks = append(rd.Watermarks, c.drawLabel(&w))
	}
	if pl.attrib != nil {
		c.p.polygon(pl.attribQ[:], s, -1)
		c.fill(&c.p, color.RGBA{255, 255, 255, 200})
		origin := Point{pl.attribQ[0].X + 3, pl.attribQ[0].Y + 3 - pl.attrib.top}
		rd.Attribution = pl.attrib.text
		rd.AttributionBox = c.drawText(pl.attrib, origin, 0, colAttrib, color.RGBA{}, 0)
	}
	return rd
}

// drawLabel draws one label and describes it.
func (c *canvas) drawLabel(l *planLabel) Label {
	box := c.drawText(&l.lay, l.origin, l.angle, l.col, l.halo, l.haloR)
	out := Label{
		Text: l.lay.text, Kind: l.kind, Box: box, Angle: l.angle,
		Color: color.RGBA{l.col.R, l.col.G, l.col.B, 255}, Halo: l.halo,
		Font: l.lay.font.Name(), Size: l.lay.size * c.scale, XHeight: l.lay.font.XHeight(l.lay.size * c.scale),
	}
	for i, p := range l.q {
		out.Quad[i] = roundPt(p, c.scale)
	}
	return out
}

// addArea adds an area's rings to p: the outline filled, the rest holes.
func addArea(p *path, a Area, s float64) {
	for i, ring := range a.Rings {
		sign := -1.0
		if i > 0 {
			sign = 1
		}
		p.polygon(ring, s, sign)
	}
}

// areaEdge returns the edge colour and width of an area kind; a width of 0
// means the kind is drawn without an edge.
func areaEdge(kind AreaKind) (color.RGBA, float64) {
	switch kind {
	case AreaBuilding:
		return colBldEdge, 0.8
	case AreaWater:
		return colWaterLine, 0.8
	case AreaPitch:
		return rgb(0x9fcf9b), 0.8
	}
	return color.RGBA{}, 0
}

// addAreaInset adds an area with its outline moved d inwards (holes grow).
func addAreaInset(p *path, a Area, s, d float64) {
	for i, ring := range a.Rings {
		if i == 0 {
			p.insetPolygon(ring, s, d, -1)
		} else {
			p.insetPolygon(ring, s, -d, 1)
		}
	}
}

// strokeLines strokes every line with half width hw (layout pixels).
func (c *canvas) strokeLines(lines []Line, hw float64, col color.RGBA) {
	if len(lines) == 0 {
		return
	}
	for _, l := range lines {
		c.p.stroke(l.Points, c.scale, float32(hw*c.scale), true)
	}
	c.fill(&c.p, col)
}
