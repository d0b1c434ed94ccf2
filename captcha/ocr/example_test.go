package ocr_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"

	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/captcha/ocr"
)

// Reads and Recovered judge what an engine read against an answer with
// the normalisation verification uses.
func ExampleReads() {
	read := "‘Dornden Roaste rs.\nBCcafe"
	fmt.Println(ocr.Reads(read, []string{"Dornden Roasters"}))
	fmt.Println(ocr.Reads(read, []string{"Cafe Risswick"}))
	fmt.Printf("%.2f\n", ocr.Recovered("Cafe Riswick", "Cafe Risswick"))
	// Output:
	// true
	// false
	// 0.92
}

// cloudOCR stands for any recognizer, such as a host's own OCR service.
type cloudOCR struct{ text string }

func (c cloudOCR) Name() string { return "cloud" }

func (c cloudOCR) Recognize(ctx context.Context, img image.Image) ([]captcha.Candidate, error) {
	return []captcha.Candidate{{Text: c.text, Confidence: 0.9}}, nil
}

// A Vetter discards puzzles that a recognizer reads. In a server it is
// passed to captcha.WithVetter together with captcha.WithPool; the engines
// on this machine come from ocr.Installed(ctx, "en", ocr.Quick).
func ExampleVetter() {
	v, err := ocr.NewVetter([]captcha.Recognizer{cloudOCR{text: "HANBIT CAFE"}})
	if err != nil {
		panic(err)
	}
	media := tinyPNG()
	for _, answer := range []string{"Hanbit Cafe", "Morning Park"} {
		ok, err := v.Vet(context.Background(), captcha.KindImage,
			&captcha.Puzzle{Answers: []string{answer}, Media: media, MediaType: "image/png"})
		fmt.Println(answer, "served:", ok, err)
	}
	// Output:
	// Hanbit Cafe served: false <nil>
	// Morning Park served: true <nil>
}

func tinyPNG() []byte {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 4, 4)))
	return buf.Bytes()
}
