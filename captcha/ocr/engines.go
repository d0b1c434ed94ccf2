package ocr

import (
	"context"
	"errors"
	"fmt"

	"github.com/tollgate/tollgate/captcha"
)

// Profile selects how many engine configurations Installed returns.
type Profile int

const (
	// Quick is a few strong configurations, for CI and vetting: Tesseract
	// LSTM in sparse-text mode on dark-ink and plain upscaled images, GOCR
	// and Ocrad on the same; on crops, Tesseract's single-line mode (also
	// on the straightened line) and the letter-by-letter attack (Glyphs).
	Quick Profile = iota
	// Full is every configuration an attacker with the Debian packages
	// would try: several page segmentation modes, the legacy engine where
	// the data supports it, all preprocessing variants, and the
	// letter-by-letter attack with more variants and angles.
	Full
)

// Gray3 and CropVariants serve the targeted attack, whose crops are small.
var (
	// Gray3 is grayscale upscaled 3× (bilinear).
	Gray3 = Chain("gray×3", Upscale(3))
	// Otsu3 is grayscale upscaled 3× and binarised at Otsu's threshold.
	Otsu3 = Chain("otsu×3", Upscale(3), Otsu())
	// DarkDewarp3 is DarkClose3 with the wavy baseline straightened (see
	// Dewarp).
	DarkDewarp3 = Chain("dark-dewarp×3", Upscale(3), Threshold(DarkLuma), Close(2), Dewarp())
)

// CropVariants returns the preprocessing variants for crops of a single
// label under profile p.
func CropVariants(p Profile) []Variant {
	if p == Full {
		return []Variant{Raw, Gray3, Otsu3, Dark3, DarkClose3, DarkDewarp3}
	}
	return []Variant{Dark3, Gray3, DarkDewarp3}
}

// Engines is the set of recognizers an audit or vetter runs.
type Engines struct {
	// Whole reads whole images, Targeted crops of the target label.
	Whole, Targeted []captcha.Recognizer
	// Skipped lists what is not installed or not supported, and why.
	Skipped []Skip
}

// Installed returns the recognizers available on this machine for images
// whose text is in lang ("en" or "ko"), with profile p, and what it left
// out. Tesseract uses the eng or kor model; its legacy engine is included
// only when the traineddata holds its components. GOCR and Ocrad read Latin
// script only and are left out for "ko". It fails only for an unknown
// lang, a cancelled ctx, or when no engine at all is installed (an error
// matching ErrNotInstalled).
func Installed(ctx context.Context, lang string, p Profile, opts ...Option) (*Engines, error) {
	var tlang string
	switch lang {
	case "en":
		tlang = "eng"
	case "ko":
		tlang = "kor"
	default:
		return nil, errorf("language %q (want en or ko)", lang)
	}
	e := &Engines{}
	skip := func(name string, err error) {
		e.Skipped = append(e.Skipped, Skip{Engine: name, Reason: err.Error()})
	}
	wholeVariants, cropVariants := QuickVariants(), CropVariants(p)
	wholePSM, cropPSM := []int{11}, []int{7}
	if p == Full {
		wholeVariants = FullVariants()
		wholePSM, cropPSM = []int{3, 6, 11}, []int{6, 7, 8, 13}
	}
	withV := func(vs []Variant) []Option { return append(append([]Option(nil), opts...), WithVariants(vs...)) }

	engines := []TesseractEngine{LSTM}
	if p == Full {
		engines = append(engines, Legacy)
	}
	for _, oem := range engines {
		name := fmt.Sprintf("tesseract:%s:%s", tlang, oem)
		w, err := NewTesseract(ctx, tlang, oem, wholePSM, withV(wholeVariants)...)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			skip(name, err)
			continue
		}
		t, err := NewTesseract(ctx, tlang, oem, cropPSM, withV(cropVariants)...)
		if err != nil {
			skip(name, err)
			continue
		}
		e.Whole = append(e.Whole, w)
		e.Targeted = append(e.Targeted, t)
		if oem == LSTM {
			gv, gpsm, ga := []Variant{DarkOpen3}, []int{10}, []float64{-20, 0, 20}
			if p == Full {
				gv, gpsm, ga = []Variant{DarkClose3, DarkOpen3, Otsu3}, []int{10, 8}, []float64{-30, -15, 0, 15, 30}
			}
			g, err := NewGlyphs(ctx, tlang, gpsm, ga, withV(gv)...)
			if err != nil {
				skip(name+":glyphs", err)
			} else {
				e.Targeted = append(e.Targeted, g)
			}
		}
	}
	type ctor func(...Option) (captcha.Recognizer, error)
	others := []struct {
		name string
		new  ctor
	}{
		{"gocr", func(o ...Option) (captcha.Recognizer, error) { return NewGOCR(o...) }},
		{"ocrad", func(o ...Option) (captcha.Recognizer, error) { return NewOcrad(o...) }},
	}
	for _, o := range others {
		if lang == "ko" {
			e.Skipped = append(e.Skipped, Skip{Engine: o.name, Reason: "reads Latin script only; Korean answers are Hangul"})
			continue
		}
		w, err := o.new(withV(wholeVariants)...)
		if err != nil {
			skip(o.name, err)
			continue
		}
		t, err := o.new(withV(cropVariants)...)
		if err != nil {
			skip(o.name, err)
			continue
		}
		e.Whole = append(e.Whole, w)
		e.Targeted = append(e.Targeted, t)
	}
	if len(e.Whole) == 0 {
		return e, fmt.Errorf("%w: no OCR engine for %s (%s)", ErrNotInstalled, lang, skippedText(e.Skipped))
	}
	return e, nil
}

func skippedText(s []Skip) string {
	var err error
	for _, k := range s {
		err = errors.Join(err, errors.New(k.Engine+": "+k.Reason))
	}
	if err == nil {
		return "none found"
	}
	return err.Error()
}
