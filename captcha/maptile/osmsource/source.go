package osmsource

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"

	"github.com/tollgate/tollgate/captcha/maptile"
)

// Attribution is drawn on every image rendered from OpenStreetMap data, as
// the ODbL requires.
const Attribution = "© OpenStreetMap contributors"

// Format is an OpenStreetMap file format.
type Format int

// File formats.
const (
	// XML is the .osm XML format of the OpenStreetMap API and exports.
	XML Format = iota + 1
	// PBF is the .osm.pbf protocol-buffer format of planet extracts.
	PBF
)

// String returns "xml" or "pbf".
func (f Format) String() string {
	switch f {
	case XML:
		return "xml"
	case PBF:
		return "pbf"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

var (
	// ErrFormat is returned for a file name whose format cannot be told
	// from its extension, and for an unknown Format.
	ErrFormat = errors.New("osmsource: unknown file format")
	// ErrTooLarge is returned when a file holds more than the configured
	// limit allows (see WithMaxNodes).
	ErrTooLarge = errors.New("osmsource: file too large")
	// ErrMalformed is returned when a file is not well-formed XML or PBF:
	// bad syntax, a truncated file, or a PBF block over the format's size
	// limits. The error says where. A file that needs a PBF feature or
	// compression the decoder lacks gets errors.ErrUnsupported instead.
	ErrMalformed = errors.New("osmsource: malformed file")
	// ErrEmpty is returned when a file holds no roads or places to draw.
	ErrEmpty = errors.New("osmsource: no roads or places to draw")
)

// Option configures a Source. Options are applied once, by Open or Parse.
type Option func(*config) error

type config struct {
	maxNodes       int
	minMPP, maxMPP float64
}

// WithMaxNodes limits how many nodes a file may hold (default 5,000,000),
// and with it the memory parsing takes: the file's way node references,
// relation members and tags together may number at most four per allowed
// node (real extracts have about two). Sources are meant for district or
// city extracts, not whole countries.
func WithMaxNodes(n int) Option {
	return func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("osmsource: max nodes %d must be positive", n)
		}
		c.maxNodes = n
		return nil
	}
}

// WithMetersPerPixel sets the range of map scales, in metres per layout
// pixel, that views are drawn at (default 0.8 to 1.4: a few blocks across).
func WithMetersPerPixel(lo, hi float64) Option {
	return func(c *config) error {
		if !(lo > 0) || hi < lo || hi > 100 {
			return fmt.Errorf("osmsource: bad metres-per-pixel range %g..%g", lo, hi)
		}
		c.minMPP, c.maxMPP = lo, hi
		return nil
	}
}

// Source is a maptile.MapSource drawing views of one OpenStreetMap extract:
// real roads, buildings, land use, water and coastlines, and its points of
// interest as the places the Renderer names and marks. The file is parsed
// once; each Map call picks a view from its random source. Every map
// carries the attribution "© OpenStreetMap contributors".
//
// Source also implements maptile.RealNames with every name in the file,
// so the Renderer never shows a real name. A Source is immutable after
// construction and safe for concurrent use.
type Source struct {
	cfg    config
	bounds box // metres, y down
	areas  []feature
	lines  []feature
	coast  [][]maptile.Point
	places []poi
	names  map[string]bool
}

var (
	_ maptile.MapSource = (*Source)(nil)
	_ maptile.RealNames = (*Source)(nil)
)

// Open reads an extract from a file: ".osm" or ".xml" is XML, ".pbf" is PBF.
func Open(ctx context.Context, path string, opts ...Option) (*Source, error) {
	var format Format
	switch lower := strings.ToLower(path); {
	case strings.HasSuffix(lower, ".pbf"):
		format = PBF
	case strings.HasSuffix(lower, ".osm"), strings.HasSuffix(lower, ".xml"):
		format = XML
	default:
		return nil, fmt.Errorf("%w: %s (want .osm, .xml or .osm.pbf)", ErrFormat, path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("osmsource: %w", err)
	}
	defer f.Close()
	return Parse(ctx, f, format, opts...)
}

// Parse reads an extract in the given format from r.
func Parse(ctx context.Context, r io.Reader, format Format, opts ...Option) (*Source, error) {
	var cfg config
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.maxNodes == 0 {
		cfg.maxNodes = 5_000_000
	}
	if cfg.minMPP == 0 {
		cfg.minMPP, cfg.maxMPP = 0.8, 1.4
	}
	if format != XML && format != PBF {
		return nil, fmt.Errorf("%w: %v", ErrFormat, format)
	}
	raw, err := scan(ctx, r, format, cfg.maxNodes)
	if err != nil {
		return nil, err
	}
	s := build(raw)
	s.cfg = cfg
	if len(s.lines) == 0 && len(s.places) == 0 {
		return nil, ErrEmpty
	}
	return s, nil
}

// IsRealName reports whether name (compared without case, spaces or
// punctuation) is the name of anything in the extract.
func (s *Source) IsRealName(name string) bool { return s.names[normName(name)] }

// Stats counts what a Source holds. It is a plain value.
type Stats struct {
	Lines, Areas, Buildings, Places, Names int
	// CoastSegments is the number of chained coastline polylines.
	CoastSegments int
}

// Stats returns counts of the features the Source draws.
func (s *Source) Stats() Stats {
	st := Stats{Lines: len(s.lines), Areas: len(s.areas), Places: len(s.places), Names: len(s.names), CoastSegments: len(s.coast)}
	for _, a := range s.areas {
		if a.areaKind == maptile.AreaBuilding {
			st.Buildings++
		}
	}
	return st
}

func normName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
