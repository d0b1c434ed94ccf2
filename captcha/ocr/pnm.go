package ocr

import (
	"bufio"
	"fmt"
	"image"
	"image/png"
	"os"
)

// writePGM writes m as a binary PGM (P5) file, the input GOCR and Ocrad
// read without conversion programs.
func writePGM(path string, m image.Image) error {
	g, ok := m.(*image.Gray)
	if !ok || g.Rect.Min != (image.Point{}) {
		g = ToGray(m)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "P5\n%d %d\n255\n", g.Rect.Dx(), g.Rect.Dy())
	for y := 0; y < g.Rect.Dy(); y++ {
		w.Write(g.Pix[y*g.Stride : y*g.Stride+g.Rect.Dx()])
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writePNG writes m as a PNG file with fast compression.
func writePNG(path string, m image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(f, m); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
