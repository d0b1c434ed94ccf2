package maptile

import (
	"errors"
	"fmt"
)

// Default image size in pixels at scale 1.
const (
	DefaultWidth  = 480
	DefaultHeight = 320
)

// Option configures a Renderer. Options are applied once, by New.
type Option func(*config) error

type config struct {
	width, height int
	source        MapSource
	styles        []MarkerStyle
	reserved      []func(string) bool
	extraFonts    map[string][]*Font
	noWatermarks  bool
}

// WithSize sets the image size in pixels at scale 1 (default 480×320).
// Both sides must be between 240 and 1600 pixels. Scale 2 doubles both.
func WithSize(width, height int) Option {
	return func(c *config) error {
		if width < 240 || height < 160 || width > 1600 || height > 1600 {
			return fmt.Errorf("maptile: size %d×%d out of range (240..1600 × 160..1600)", width, height)
		}
		c.width, c.height = width, height
		return nil
	}
}

// WithSource sets where map content comes from (default Procedural{}).
func WithSource(src MapSource) Option {
	return func(c *config) error {
		if src == nil {
			return errors.New("maptile: nil MapSource")
		}
		c.source = src
		return nil
	}
}

// WithMarkerStyles limits the marker styles (and so the questions) the
// Renderer uses; by default it uses AllMarkerStyles. Each challenge picks one
// style from the list.
func WithMarkerStyles(styles ...MarkerStyle) Option {
	return func(c *config) error {
		if len(styles) == 0 {
			return errors.New("maptile: no marker styles")
		}
		for _, s := range styles {
			if s < MarkerPin || s > MarkerStreet {
				return fmt.Errorf("maptile: unknown marker style %d", s)
			}
		}
		c.styles = append([]MarkerStyle(nil), styles...)
		return nil
	}
}

// WithReservedNames adds a test for names that must never be shown, such as
// the real place names of the host's own map data. isReal must be safe for
// concurrent use. Names a MapSource reports through RealNames are always
// reserved too.
func WithReservedNames(isReal func(name string) bool) Option {
	return func(c *config) error {
		if isReal == nil {
			return errors.New("maptile: nil reserved-name test")
		}
		c.reserved = append(c.reserved, isReal)
		return nil
	}
}

// WithFonts adds label fonts for a language ("en" or "ko"). Each font must
// draw every letter the language's names use (checked by New); labels then
// pick among the built-in and added fonts.
func WithFonts(lang string, fonts ...*Font) Option {
	return func(c *config) error {
		if lang != "en" && lang != "ko" {
			return fmt.Errorf("maptile: fonts for unsupported language %q", lang)
		}
		for _, f := range fonts {
			if f == nil {
				return errors.New("maptile: nil font")
			}
		}
		if c.extraFonts == nil {
			c.extraFonts = make(map[string][]*Font)
		}
		c.extraFonts[lang] = append(c.extraFonts[lang], fonts...)
		return nil
	}
}

// WithWatermarks turns the white watermark text on (the default) or off.
// Turning it off makes challenges easier for OCR; it is meant for audits
// that measure what the watermark adds.
func WithWatermarks(on bool) Option {
	return func(c *config) error {
		c.noWatermarks = !on
		return nil
	}
}
