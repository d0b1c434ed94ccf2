package ocr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // decoders for Puzzle.Media
	_ "image/jpeg" // decoders for Puzzle.Media
	_ "image/png"  // decoders for Puzzle.Media
	"strings"
	"time"

	"github.com/tollgate/tollgate/captcha"
)

// Event reports one vetting decision to the hook set with WithEventHook.
// It never holds answers or what an engine read.
type Event struct {
	// Type is "ocr.read" (a recognizer read the answer: discard),
	// "ocr.passed" (no recognizer read it) or "ocr.error" (a recognizer
	// or the image decoder failed: discard).
	Type string
	// Recognizer and Config name who read the answer ("ocr.read") or
	// failed ("ocr.error"; Config is empty).
	Recognizer, Config string
	// Duration is the time the vetting of this puzzle took.
	Duration time.Duration
	// Err is the failure of an "ocr.error" event.
	Err error
}

// VetterOption configures a Vetter.
type VetterOption func(*vetterConfig)

type vetterConfig struct {
	hook func(context.Context, Event)
	now  func() time.Time
}

// WithEventHook sets a function called after every puzzle the Vetter
// judges. It is called synchronously from the pool's worker.
func WithEventHook(fn func(context.Context, Event)) VetterOption {
	return func(c *vetterConfig) { c.hook = fn }
}

// WithNow sets the clock used to measure durations (default time.Now).
func WithNow(now func() time.Time) VetterOption {
	return func(c *vetterConfig) { c.now = now }
}

// Vetter is a captcha.Vetter that runs image puzzles through recognizers
// and rejects a puzzle when any candidate of any recognizer reads any of
// its answers (see Reads): several OCR engines judge it; if one reads it,
// it is not used. Use it with captcha.WithPool and captcha.WithVetter.
// Puzzles whose MediaType is not an image pass unjudged, so the Vetter can
// be combined with one for audio.
//
// Recognizers run one after another and the Vetter stops at the first that
// reads an answer. An error of a recognizer or an undecodable image also
// rejects the puzzle (with the error), so a broken engine never lets an
// unvetted puzzle through; the pool then renders another. A Vetter is safe
// for concurrent use when its recognizers are.
type Vetter struct {
	recs []captcha.Recognizer
	cfg  vetterConfig
}

var _ captcha.Vetter = (*Vetter)(nil)

// NewVetter returns a Vetter running recs in order. It fails when recs is
// empty or holds nil.
func NewVetter(recs []captcha.Recognizer, opts ...VetterOption) (*Vetter, error) {
	if len(recs) == 0 {
		return nil, errorf("vetter without recognizers")
	}
	for _, r := range recs {
		if r == nil {
			return nil, errorf("nil recognizer")
		}
	}
	var c vetterConfig
	for _, o := range opts {
		o(&c)
	}
	if c.now == nil {
		c.now = time.Now
	}
	return &Vetter{recs: append([]captcha.Recognizer(nil), recs...), cfg: c}, nil
}

// ErrUndecodable is returned by Vet for image media that cannot be
// decoded.
var ErrUndecodable = errors.New("ocr: cannot decode the puzzle's image")

// Vet implements captcha.Vetter. It returns false when a recognizer reads
// an answer, and false with the error when a recognizer fails or the image
// cannot be decoded; kind is not consulted, only p.MediaType.
func (v *Vetter) Vet(ctx context.Context, kind captcha.Kind, p *captcha.Puzzle) (bool, error) {
	if p == nil || !strings.HasPrefix(p.MediaType, "image/") {
		return true, nil
	}
	start := v.cfg.now()
	img, _, err := image.Decode(bytes.NewReader(p.Media))
	if err != nil {
		err = fmt.Errorf("%w: %v", ErrUndecodable, err)
		v.emit(ctx, Event{Type: "ocr.error", Duration: v.cfg.now().Sub(start), Err: err})
		return false, err
	}
	for _, r := range v.recs {
		cands, err := r.Recognize(ctx, img)
		if err != nil {
			v.emit(ctx, Event{Type: "ocr.error", Recognizer: r.Name(), Duration: v.cfg.now().Sub(start), Err: err})
			return false, err
		}
		for _, c := range cands {
			if Reads(c.Text, p.Answers) {
				v.emit(ctx, Event{Type: "ocr.read", Recognizer: r.Name(), Config: c.Config, Duration: v.cfg.now().Sub(start)})
				return false, nil
			}
		}
	}
	v.emit(ctx, Event{Type: "ocr.passed", Duration: v.cfg.now().Sub(start)})
	return true, nil
}

func (v *Vetter) emit(ctx context.Context, e Event) {
	if v.cfg.hook != nil {
		v.cfg.hook(ctx, e)
	}
}
