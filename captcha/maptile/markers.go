package maptile

import (
	"fmt"
	"image/color"
	"math"
)

// MarkerStyle is how the target place is marked on the map, which also
// decides the question the prompt asks.
type MarkerStyle uint8

// Marker styles.
const (
	// MarkerPin marks the target with a coloured pin; pins of other
	// colours mark other places. "Type the name of the place under the
	// red pin."
	MarkerPin MarkerStyle = iota + 1
	// MarkerNumber puts numbered circles on several places and asks for
	// one number. "Type the name of the place marked with the number 3."
	MarkerNumber
	// MarkerBuilding paints the target's building in a colour; another
	// building may be painted in a second colour. "Type the name of the
	// building highlighted in orange."
	MarkerBuilding
	// MarkerStreet highlights a street like a route and labels it along
	// the road. "Type the name of the street highlighted in purple."
	MarkerStreet
)

// AllMarkerStyles lists every marker style, the default set.
var AllMarkerStyles = []MarkerStyle{MarkerPin, MarkerNumber, MarkerBuilding, MarkerStreet}

// String returns the style's name: "pin", "number", "building" or "street".
func (s MarkerStyle) String() string {
	switch s {
	case MarkerPin:
		return "pin"
	case MarkerNumber:
		return "number"
	case MarkerBuilding:
		return "building"
	case MarkerStreet:
		return "street"
	}
	return fmt.Sprintf("MarkerStyle(%d)", uint8(s))
}

const (
	iconR    = 6.5  // radius of a place icon, layout pixels
	pinR     = 8.5  // radius of a pin's head
	pinH     = 2.25 // height of a pin's tip below its head centre, in radii
	numberR  = 10.5 // radius of a numbered circle
	haloSize = 2.0  // label halo width, layout pixels
)

var colNumber = rgb(0x3949ab)

// pinPath adds a teardrop with its tip at (x, y) and head radius r, pixels.
func (p *path) pin(x, y, r float32) {
	hx, hy := x, y-pinH*r
	d := float64(pinH * r)
	th := math.Acos(float64(r) / d)
	sx, cy := float32(math.Sin(th))*r, float32(math.Cos(th))*r
	p.circle(hx, hy, r)
	p.triPx([2]float32{x, y}, [2]float32{hx + sx, hy + cy}, [2]float32{hx - sx, hy + cy})
	p.triPx([2]float32{hx + sx, hy + cy}, [2]float32{hx - sx, hy + cy}, [2]float32{hx, hy})
}

func (c *canvas) drawPin(at Point, mc markColour) {
	s := float32(c.scale)
	x, y := float32(at.X)*s, float32(at.Y)*s
	// soft shadow
	c.p.reset()
	c.p.ellipse(x+1.5*s, y, 5.5*s, 2.2*s)
	c.fill(&c.p, color.RGBA{0, 0, 0, 70})
	c.p.pin(x, y, (pinR+1.2)*s)
	c.fill(&c.p, mc.edge)
	c.p.pin(x, y-1.3*s, pinR*s)
	c.fill(&c.p, mc.fill)
	c.p.circle(x, y-1.3*s-pinH*pinR*s, 3.2*s)
	c.fill(&c.p, color.RGBA{255, 255, 255, 255})
}

func (p *path) ellipse(cx, cy, rx, ry float32) {
	const k = 0.5522848
	p.moveTo(cx+rx, cy)
	p.cubeTo(cx+rx, cy-k*ry, cx+k*rx, cy-ry, cx, cy-ry)
	p.cubeTo(cx-k*rx, cy-ry, cx-rx, cy-k*ry, cx-rx, cy)
	p.cubeTo(cx-rx, cy+k*ry, cx-k*rx, cy+ry, cx, cy+ry)
	p.cubeTo(cx+k*rx, cy+ry, cx+rx, cy+k*ry, cx+rx, cy)
}

func (c *canvas) drawNumber(at Point, n int, f *Font) {
	s := float32(c.scale)
	x, y := float32(at.X)*s, float32(at.Y)*s
	c.p.reset()
	c.p.circle(x+0.8*s, y+1.2*s, (numberR+1.5)*s)
	c.fill(&c.p, color.RGBA{0, 0, 0, 50})
	c.p.circle(x, y, (numberR+1.7)*s)
	c.fill(&c.p, color.RGBA{255, 255, 255, 255})
	c.p.circle(x, y, numberR*s)
	c.fill(&c.p, colNumber)
	lay := layoutText(f, 15, fmt.Sprint(n), plainSpacing, nil)
	origin := Point{at.X - lay.width/2, at.Y - (lay.top+lay.bottom)/2}
	c.drawText(&lay, origin, 0, color.RGBA{255, 255, 255, 255}, color.RGBA{}, 0)
}

// drawIcon draws a place icon: a white-ringed disc in the category colour
// with a small white pictogram.
func (c *canvas) drawIcon(kind PlaceKind, at Point) {
	s := c.scale
	cx, cy := at.X*s, at.Y*s
	r := iconR * s
	c.p.reset()
	c.p.circle(float32(cx), float32(cy), float32(r+1.4*s))
	c.fill(&c.p, color.RGBA{255, 255, 255, 255})
	c.p.circle(float32(cx), float32(cy), float32(r))
	c.fill(&c.p, placeStyles[kind%numPlaceKinds].icon)
	// Pictogram in units of the radius.
	u := r
	pt := func(x, y float64) [2]float32 { return [2]float32{float32(cx + x*u), float32(cy + y*u)} }
	box := func(x0, y0, x1, y1 float64) { c.p.quadPx(pt(x0, y0), pt(x1, y0), pt(x1, y1), pt(x0, y1)) }
	tri := func(ax, ay, bx, by, cx2, cy2 float64) { c.p.triPx(pt(ax, ay), pt(bx, by), pt(cx2, cy2)) }
	dot := func(x, y, rr float64) { c.p.circle(float32(cx+x*u), float32(cy+y*u), float32(rr*u)) }
	switch kind {
	case PlaceCafe:
		box(-0.42, -0.28, 0.2, 0.38)
		box(0.2, -0.14, 0.45, 0.18)
	case PlaceRestaurant:
		box(-0.36, -0.5, -0.2, 0.5)
		box(0.18, -0.5, 0.34, 0.5)
		box(-0.5, -0.5, -0.06, -0.36)
	case PlaceBakery:
		c.p.ellipse(float32(cx), float32(cy+0.05*u), float32(0.5*u), float32(0.3*u))
	case PlaceStation:
		box(-0.36, -0.5, 0.36, 0.28)
		tri(-0.36, 0.28, -0.12, 0.28, -0.4, 0.55)
		tri(0.36, 0.28, 0.12, 0.28, 0.4, 0.55)
	case PlaceSchool, PlaceMuseum:
		tri(0, -0.55, 0.52, -0.15, -0.52, -0.15)
		if kind == PlaceSchool {
			box(-0.36, -0.15, 0.36, 0.45)
		} else {
			box(-0.4, -0.1, -0.24, 0.4)
			box(-0.08, -0.1, 0.08, 0.4)
			box(0.24, -0.1, 0.4, 0.4)
		}
	case PlaceMarket, PlaceStore:
		box(-0.4, -0.15, 0.4, 0.45)
		box(-0.22, -0.45, -0.1, -0.15)
		box(0.1, -0.45, 0.22, -0.15)
	case PlacePark:
		tri(0, -0.6, 0.45, 0.22, -0.45, 0.22)
		box(-0.08, 0.2, 0.08, 0.5)
	case PlaceHospital, PlacePharmacy:
		box(-0.14, -0.48, 0.14, 0.48)
		box(-0.48, -0.14, 0.48, 0.14)
	case PlaceLibrary:
		box(-0.46, -0.36, -0.04, 0.4)
		box(0.04, -0.36, 0.46, 0.4)
	case PlaceHotel:
		box(-0.48, 0, 0.48, 0.3)
		box(-0.48, -0.4, -0.34, 0.45)
		dot(-0.15, -0.12, 0.13)
	case PlacePostOffice:
		box(-0.45, -0.3, 0.45, 0.3)
	case PlaceChurch:
		box(-0.08, -0.5, 0.08, 0.5)
		box(-0.32, -0.25, 0.32, -0.1)
	default:
		dot(0, 0, 0.3)
	}
	c.fill(&c.p, color.RGBA{255, 255, 255, 255})
}
