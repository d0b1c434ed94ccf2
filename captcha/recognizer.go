package captcha

import (
	"context"
	"image"
)

// Candidate is one reading of an image by a Recognizer.
type Candidate struct {
	// Text is what the engine read, as it printed it (lines separated by
	// "\n"). Compare it with answers through Normalize.
	Text string
	// Confidence is the engine's own confidence in Text, from 0 to 1, or 0
	// when the engine reports none.
	Confidence float64
	// Config names the engine setting and image preprocessing that gave
	// Text, such as "psm11 dark×3"; empty when the recognizer has only one.
	Config string
}

// Recognizer reads the text in an image, as an attacker's OCR engine would.
// Package captcha/ocr adapts installed engines (Tesseract, GOCR, Ocrad).
//
// Recognize returns every reading the recognizer tried, possibly none; an
// error means the recognizer could not run (engine missing, timeout,
// cancelled context), not that it read nothing. Implementations must be safe
// for concurrent use and must not retain or modify img.
type Recognizer interface {
	// Name identifies the engine and its fixed settings, such as
	// "tesseract:eng:lstm".
	Name() string
	// Recognize reads img.
	Recognize(ctx context.Context, img image.Image) ([]Candidate, error)
}
