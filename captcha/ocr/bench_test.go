package ocr

import (
	"image"
	"image/color"
	"strings"
	"testing"
)

// benchImage is a 480×320 map-sized image with some dark strokes.
func benchImage() *image.RGBA {
	m := uniformRGBA(480, 320, color.RGBA{0xf4, 0xf2, 0xee, 255})
	for y := 100; y < 120; y++ {
		for x := 50; x < 400; x += 3 {
			m.SetRGBA(x, y, color.RGBA{0xa6, 0x4b, 0, 255})
		}
	}
	return m
}

// BenchmarkVariants measures the attacker preprocessing of one map image,
// which runs before every engine call.
func BenchmarkVariants(b *testing.B) {
	m := benchImage()
	for _, v := range []Variant{Gray2, Otsu2, Dark3, DarkClose3, NoWhite2} {
		b.Run(v.Name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				v.Apply(m)
			}
		})
	}
}

// BenchmarkCropQuad measures the targeted attack's crop of a rotated label.
func BenchmarkCropQuad(b *testing.B) {
	m := benchImage()
	q := [4]image.Point{{100, 40}, {300, 90}, {295, 110}, {95, 60}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		CropQuad(m, q, 6)
	}
}

// BenchmarkReadsRecovered measures judging one page of engine output.
func BenchmarkReadsRecovered(b *testing.B) {
	text := strings.Repeat("Tarnme re Lane @ Tullgate Mart Mabbton Books Fennhurst Elementary\n", 8)
	answers := []string{"Ulvworth Gallery"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Reads(text, answers)
		Recovered(text, answers[0])
	}
}
