package stt

import (
	"context"
	"strings"
	"time"

	"github.com/tollgate/tollgate/audio"
	"github.com/tollgate/tollgate/captcha"
)

// Event reports one vetting decision to the hook set with WithEventHook.
// It never holds answers or transcripts.
type Event struct {
	// Type is "stt.heard" (a recognizer heard the answer: discard),
	// "stt.passed" or "stt.error" (a recognizer failed: discard).
	Type string
	// Recognizer names who heard the answer or failed.
	Recognizer string
	// Duration is the time the vetting of this puzzle took.
	Duration time.Duration
	// Err is the failure of an "stt.error" event.
	Err error
}

// VetterOption configures a Vetter.
type VetterOption func(*vetterConfig)

type vetterConfig struct {
	hook func(context.Context, Event)
	now  func() time.Time
}

// WithEventHook sets a function called after every puzzle the Vetter
// judges, synchronously.
func WithEventHook(fn func(context.Context, Event)) VetterOption {
	return func(c *vetterConfig) { c.hook = fn }
}

// WithNow sets the clock used to measure durations (default time.Now).
func WithNow(now func() time.Time) VetterOption {
	return func(c *vetterConfig) { c.now = now }
}

// Vetter is a captcha.Vetter that transcribes audio puzzles and rejects a
// puzzle when any recognizer hears one of its answers (see Hears).
// Puzzles whose MediaType is not audio pass unjudged, so the Vetter can be
// combined with one for images. A recognizer error also rejects the puzzle
// (with the error). A Vetter is safe for concurrent use when its
// recognizers are.
type Vetter struct {
	recs []audio.Recognizer
	cfg  vetterConfig
}

var _ captcha.Vetter = (*Vetter)(nil)

// NewVetter returns a Vetter running recs in order, stopping at the first
// that hears an answer.
func NewVetter(recs []audio.Recognizer, opts ...VetterOption) (*Vetter, error) {
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
	return &Vetter{recs: append([]audio.Recognizer(nil), recs...), cfg: c}, nil
}

// Vet implements captcha.Vetter; kind is not consulted, only p.MediaType.
func (v *Vetter) Vet(ctx context.Context, kind captcha.Kind, p *captcha.Puzzle) (bool, error) {
	if p == nil || !strings.HasPrefix(p.MediaType, "audio/") {
		return true, nil
	}
	start := v.cfg.now()
	for _, r := range v.recs {
		tr, err := r.Recognize(ctx, p.Media)
		if err != nil {
			v.emit(ctx, Event{Type: "stt.error", Recognizer: r.Name(), Duration: v.cfg.now().Sub(start), Err: err})
			return false, err
		}
		if Hears(tr, p.Answers) {
			v.emit(ctx, Event{Type: "stt.heard", Recognizer: r.Name(), Duration: v.cfg.now().Sub(start)})
			return false, nil
		}
	}
	v.emit(ctx, Event{Type: "stt.passed", Duration: v.cfg.now().Sub(start)})
	return true, nil
}

func (v *Vetter) emit(ctx context.Context, e Event) {
	if v.cfg.hook != nil {
		v.cfg.hook(ctx, e)
	}
}
