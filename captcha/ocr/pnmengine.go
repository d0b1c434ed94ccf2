package ocr

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"

	"github.com/tollgate/tollgate/captcha"
)

// pnmEngine runs a program that reads one PGM file per run and prints the
// text it read, as GOCR and Ocrad do.
type pnmEngine struct {
	name     string
	run      *runner
	args     func(file string) []string
	variants []Variant
}

func (e *pnmEngine) recognize(ctx context.Context, img image.Image) ([]captcha.Candidate, error) {
	if img.Bounds().Empty() {
		return nil, nil
	}
	dir, err := os.MkdirTemp("", "tollgate-ocr-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := make([]captcha.Candidate, 0, len(e.variants))
	for i, v := range e.variants {
		p := filepath.Join(dir, fmt.Sprintf("v%d.pgm", i))
		if err := writePGM(p, v.Apply(img)); err != nil {
			return nil, err
		}
		stdout, err := e.run.run(ctx, dir, e.args(p)...)
		if err != nil {
			return nil, err
		}
		out = append(out, captcha.Candidate{Text: cleanLines(string(stdout)), Config: v.Name})
	}
	return out, nil
}

// cleanLines trims every line and drops empty ones.
func cleanLines(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(l)
		}
	}
	return b.String()
}

// GOCR runs the gocr program (Latin script only). It is safe for
// concurrent use.
type GOCR struct{ e pnmEngine }

var _ captcha.Recognizer = (*GOCR)(nil)

// NewGOCR returns a recognizer that runs gocr once per preprocessing
// variant, or a *NotInstalledError when the program is missing.
func NewGOCR(opts ...Option) (*GOCR, error) {
	c, err := newConfig("gocr", opts)
	if err != nil {
		return nil, err
	}
	r, err := newRunner("gocr", c.bin, "apt-get install gocr", c.timeout)
	if err != nil {
		return nil, err
	}
	return &GOCR{pnmEngine{name: "gocr", run: r, variants: c.variants, args: func(f string) []string {
		// UTF-8 output; unrecognised characters as "_" (the default).
		return []string{"-f", "UTF8", "-i", f}
	}}}, nil
}

// Name returns "gocr".
func (g *GOCR) Name() string { return g.e.name }

// Recognize returns one Candidate per variant, with Config the variant's
// name and Confidence 0 (gocr reports none).
func (g *GOCR) Recognize(ctx context.Context, img image.Image) ([]captcha.Candidate, error) {
	return g.e.recognize(ctx, img)
}

// Ocrad runs GNU Ocrad (Latin script only). It is safe for concurrent use.
type Ocrad struct{ e pnmEngine }

var _ captcha.Recognizer = (*Ocrad)(nil)

// NewOcrad returns a recognizer that runs ocrad once per preprocessing
// variant, or a *NotInstalledError when the program is missing.
func NewOcrad(opts ...Option) (*Ocrad, error) {
	c, err := newConfig("ocrad", opts)
	if err != nil {
		return nil, err
	}
	r, err := newRunner("ocrad", c.bin, "apt-get install ocrad", c.timeout)
	if err != nil {
		return nil, err
	}
	return &Ocrad{pnmEngine{name: "ocrad", run: r, variants: c.variants, args: func(f string) []string {
		return []string{"-F", "utf8", f}
	}}}, nil
}

// Name returns "ocrad".
func (o *Ocrad) Name() string { return o.e.name }

// Recognize returns one Candidate per variant, with Config the variant's
// name and Confidence 0 (ocrad reports none).
func (o *Ocrad) Recognize(ctx context.Context, img image.Image) ([]captcha.Candidate, error) {
	return o.e.recognize(ctx, img)
}
