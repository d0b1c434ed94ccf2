package ocr

import "time"

// Option configures a recognizer from this package.
type Option func(*config)

type config struct {
	bin         string
	timeout     time.Duration
	variants    []Variant
	variantsSet bool
	tessdata    string
}

// WithBinary sets the engine's program, as a name looked up on PATH or as a
// path (default: "tesseract", "gocr" or "ocrad").
func WithBinary(path string) Option { return func(c *config) { c.bin = path } }

// WithTimeout limits one run of the engine program (default
// DefaultTimeout). A recognizer runs its program once per page
// segmentation mode (Tesseract) or per variant (GOCR, Ocrad).
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// WithVariants sets the preprocessing variants tried on every image
// (default QuickVariants()). Each variant gives one Candidate per engine
// setting.
func WithVariants(vs ...Variant) Option {
	return func(c *config) { c.variants, c.variantsSet = append([]Variant(nil), vs...), true }
}

// WithTessdataDir sets the directory holding Tesseract's *.traineddata
// files (default: the one "tesseract --list-langs" reports). Other engines
// ignore it.
func WithTessdataDir(dir string) Option { return func(c *config) { c.tessdata = dir } }

func newConfig(defaultBin string, opts []Option) (config, error) {
	var c config
	for _, o := range opts {
		o(&c)
	}
	if c.bin == "" {
		c.bin = defaultBin
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if !c.variantsSet {
		c.variants = QuickVariants()
	}
	if len(c.variants) == 0 {
		return c, errorf("no preprocessing variants")
	}
	for _, v := range c.variants {
		if v.Name == "" || v.Apply == nil {
			return c, errorf("variant %q without a name or function", v.Name)
		}
	}
	return c, nil
}
