package maptile

import (
	"image/color"
	"math"
)

// The map style: colours and widths in the manner of today's web maps.

func rgb(v uint32) color.RGBA {
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}
}

func withAlpha(c color.RGBA, a uint8) color.RGBA { c.A = a; return c }

var (
	colLand  = rgb(0xf4f2ee)
	colWater = rgb(0xa9d2f0)
	// colWaterLine is the darker edge of rivers and streams.
	colWaterLine = rgb(0x8ebfe6)
	colBuilding  = rgb(0xe4e0d9)
	colBldEdge   = rgb(0xd3cdc4)
	colRail      = rgb(0x8f959b)
	colRailDash  = rgb(0xffffff)
	colHalo      = rgb(0xffffff)
	colAttrib    = rgb(0x505459)
)

var areaColours = [numAreaKinds]color.RGBA{
	AreaLand:        colLand,
	AreaResidential: rgb(0xefece6),
	AreaCommercial:  rgb(0xf3ebe7),
	AreaIndustrial:  rgb(0xece9ef),
	AreaSchool:      rgb(0xf4ead6),
	AreaHospital:    rgb(0xf8e4e2),
	AreaParking:     rgb(0xebebeb),
	AreaPlaza:       rgb(0xfafafa),
	AreaGrass:       rgb(0xd9efcf),
	AreaPark:        rgb(0xc9e8c0),
	AreaForest:      rgb(0xb9dfaa),
	AreaPitch:       rgb(0xb7e0b4),
	AreaWater:       colWater,
	AreaBuilding:    colBuilding,
}

// roadStyle is how one kind of line is drawn: a casing under a fill, both
// given as half widths in layout pixels.
type roadStyle struct {
	fill, casing   color.RGBA
	halfW, casingW float64
	dash           float64 // dash length for paths; 0 for solid
}

var roadStyles = [numLineKinds]roadStyle{
	LinePath:        {fill: rgb(0xffffff), casing: rgb(0xd8d3cb), halfW: 0.9, casingW: 0.5, dash: 3},
	LineService:     {fill: rgb(0xffffff), casing: rgb(0xd0cbc2), halfW: 2.2, casingW: 0.8},
	LineResidential: {fill: rgb(0xffffff), casing: rgb(0xd0cbc2), halfW: 3.6, casingW: 1.0},
	LineTertiary:    {fill: rgb(0xffffff), casing: rgb(0xd0cbc2), halfW: 4.6, casingW: 1.1},
	LineSecondary:   {fill: rgb(0xfdf3c2), casing: rgb(0xe0cd8a), halfW: 5.4, casingW: 1.2},
	LinePrimary:     {fill: rgb(0xfde293), casing: rgb(0xe8bc5a), halfW: 6.2, casingW: 1.3},
	LineMotorway:    {fill: rgb(0xf9b86a), casing: rgb(0xdd8f3d), halfW: 7.0, casingW: 1.4},
	LineRail:        {fill: colRail, halfW: 2.0},
	LineStream:      {fill: colWater, casing: colWaterLine, halfW: 2.0, casingW: 0.5},
	LineRiver:       {fill: colWater, casing: colWaterLine, halfW: 6.0, casingW: 0.6},
}

// placeStyle is the icon colour and label colour of a PlaceKind. Label
// colours are dark enough for 4.5:1 contrast on the white halo.
type placeStyle struct {
	icon, text color.RGBA
}

var placeStyles = [numPlaceKinds]placeStyle{
	PlaceCafe:       {rgb(0xe8710a), rgb(0xa64b00)},
	PlaceRestaurant: {rgb(0xe8710a), rgb(0xa64b00)},
	PlaceBakery:     {rgb(0xe8710a), rgb(0xa64b00)},
	PlaceStation:    {rgb(0x1a73e8), rgb(0x1557b0)},
	PlaceSchool:     {rgb(0x8d6e63), rgb(0x5d4037)},
	PlaceMarket:     {rgb(0x4285f4), rgb(0x1a57c0)},
	PlaceStore:      {rgb(0x4285f4), rgb(0x1a57c0)},
	PlacePark:       {rgb(0x34a853), rgb(0x1e7b34)},
	PlaceHospital:   {rgb(0xe53935), rgb(0xb3261e)},
	PlacePharmacy:   {rgb(0xe53935), rgb(0xb3261e)},
	PlaceLibrary:    {rgb(0x8d6e63), rgb(0x5d4037)},
	PlaceMuseum:     {rgb(0x12a4b6), rgb(0x0a6f7c)},
	PlaceHotel:      {rgb(0xd81b60), rgb(0xa0134a)},
	PlacePostOffice: {rgb(0x6f7479), rgb(0x3c4043)},
	PlaceChurch:     {rgb(0x6f7479), rgb(0x3c4043)},
}

var (
	colStreetText = rgb(0x3c4043)
)

// markColour is a named colour used by pins and highlights.
type markColour struct {
	fill, edge color.RGBA
	en, ko     string
}

var markColours = []markColour{
	{rgb(0xe53935), rgb(0xa31d1a), "red", "빨간색"},
	{rgb(0x1e6ff2), rgb(0x0f4aa8), "blue", "파란색"},
	{rgb(0x2e9e44), rgb(0x1b6b2b), "green", "초록색"},
	{rgb(0x8e3cc8), rgb(0x5e2390), "purple", "보라색"},
	{rgb(0xf57c00), rgb(0xb35900), "orange", "주황색"},
}

// relLuminance is the WCAG 2 relative luminance of c.
func relLuminance(c color.RGBA) float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// ContrastRatio returns the WCAG 2 contrast ratio of two opaque colours,
// from 1 (none) to 21 (black on white). Alpha is ignored.
func ContrastRatio(a, b color.RGBA) float64 {
	la, lb := relLuminance(a), relLuminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}
