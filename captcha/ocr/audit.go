package ocr

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tollgate/tollgate/captcha"
)

// Challenge is one puzzle for an audit, with what a targeted attack needs.
type Challenge struct {
	// Puzzle is the rendered challenge; its Answers are what counts as
	// solved.
	Puzzle *captcha.Puzzle
	// Image is the decoded image; when nil, Puzzle.Media is decoded.
	Image image.Image
	// TargetQuad is the box of the label that answers the prompt, corners
	// clockwise from the top-left of the text (see CropQuad). The targeted
	// attack crops it, turned upright, and reads only that; an attacker who
	// locates the marked place can do the same. Leave it zero to skip the
	// targeted attack for this challenge.
	TargetQuad [4]image.Point
}

// Default targets of an audit: the share of challenges any recognizer may
// solve, for the whole image and for the targeted attack.
const (
	DefaultTarget         = 0.01
	DefaultTargetedTarget = 0.05
)

// AuditOption configures an Auditor.
type AuditOption func(*auditConfig)

type auditConfig struct {
	targeted       []captcha.Recognizer
	skipped        []Skip
	progress       func(done, total int)
	now            func() time.Time
	target, tTarg  float64
	targetsSet     bool
	maxSolvesShown int
}

// WithTargeted sets the recognizers of the targeted attack, run on the
// crop of each challenge's TargetQuad (default: none, no targeted attack).
func WithTargeted(recs ...captcha.Recognizer) AuditOption {
	return func(c *auditConfig) { c.targeted = append([]captcha.Recognizer(nil), recs...) }
}

// WithSkipped lists engines and configurations that were not run, with the
// reason, so the report shows them.
func WithSkipped(s ...Skip) AuditOption {
	return func(c *auditConfig) { c.skipped = append(c.skipped, s...) }
}

// WithProgress sets a function called after each challenge.
func WithProgress(fn func(done, total int)) AuditOption {
	return func(c *auditConfig) { c.progress = fn }
}

// WithAuditClock sets the clock that times recognizers (default time.Now).
func WithAuditClock(now func() time.Time) AuditOption {
	return func(c *auditConfig) { c.now = now }
}

// WithTargets sets the highest acceptable best-of solve rates for the
// whole image and for the targeted attack (defaults DefaultTarget and
// DefaultTargetedTarget).
func WithTargets(bestOf, targeted float64) AuditOption {
	return func(c *auditConfig) { c.target, c.tTarg, c.targetsSet = bestOf, targeted, true }
}

// maxSolves bounds Report.Solves.
const maxSolves = 500

// Auditor measures how well recognizers solve image challenges. It is safe
// for concurrent use; each Run is independent.
type Auditor struct {
	recs []captcha.Recognizer
	cfg  auditConfig
}

// NewAuditor returns an Auditor that runs recs on every whole image.
func NewAuditor(recs []captcha.Recognizer, opts ...AuditOption) (*Auditor, error) {
	var c auditConfig
	for _, o := range opts {
		o(&c)
	}
	for _, r := range append(append([]captcha.Recognizer(nil), recs...), c.targeted...) {
		if r == nil {
			return nil, errorf("nil recognizer")
		}
	}
	if len(recs) == 0 && len(c.targeted) == 0 {
		return nil, errorf("auditor without recognizers")
	}
	if c.now == nil {
		c.now = time.Now
	}
	if !c.targetsSet {
		c.target, c.tTarg = DefaultTarget, DefaultTargetedTarget
	}
	if c.target < 0 || c.target > 1 || c.tTarg < 0 || c.tTarg > 1 {
		return nil, errorf("targets %v, %v out of [0, 1]", c.target, c.tTarg)
	}
	if c.maxSolvesShown == 0 {
		c.maxSolvesShown = maxSolves
	}
	return &Auditor{recs: append([]captcha.Recognizer(nil), recs...), cfg: c}, nil
}

// tally accumulates one side (whole image or targeted) of an audit.
type tally struct {
	rows    []*Row
	index   map[string]int
	recSum  []float64
	bestOf  int
	engines []EngineStat
	engIdx  map[string]int
}

func newTally() *tally { return &tally{index: map[string]int{}, engIdx: map[string]int{}} }

func (t *tally) row(engine, config string) int {
	k := engine + "\x00" + config
	i, ok := t.index[k]
	if !ok {
		i = len(t.rows)
		t.index[k] = i
		t.rows = append(t.rows, &Row{Engine: engine, Config: config})
		t.recSum = append(t.recSum, 0)
	}
	return i
}

func (t *tally) engine(name string) *EngineStat {
	i, ok := t.engIdx[name]
	if !ok {
		i = len(t.engines)
		t.engIdx[name] = i
		t.engines = append(t.engines, EngineStat{Engine: name})
	}
	return &t.engines[i]
}

// Run audits n challenges, asking next for each (i from 0 to n-1), and
// returns the report. Recognizer failures are counted per engine and do
// not stop the audit; an error from next or a cancelled ctx does.
func (a *Auditor) Run(ctx context.Context, n int, next func(ctx context.Context, i int) (*Challenge, error)) (*Report, error) {
	if n <= 0 {
		return nil, errorf("audit of %d challenges", n)
	}
	whole, targ := newTally(), newTally()
	rep := &Report{Kind: "image", Challenges: n, Skipped: append([]Skip(nil), a.cfg.skipped...),
		Target: a.cfg.target, TargetedTarget: a.cfg.tTarg}
	var wall time.Duration
	for i := 0; i < n; i++ {
		ch, err := next(ctx, i)
		if err != nil {
			return nil, fmt.Errorf("ocr: audit challenge %d: %w", i, err)
		}
		img := ch.Image
		if img == nil {
			if img, _, err = image.Decode(bytes.NewReader(ch.Puzzle.Media)); err != nil {
				return nil, fmt.Errorf("%w: challenge %d: %v", ErrUndecodable, i, err)
			}
		}
		start := a.cfg.now()
		if err := a.side(ctx, rep, whole, a.recs, img, ch, i, false); err != nil {
			return nil, err
		}
		if len(a.cfg.targeted) > 0 && ch.TargetQuad != [4]image.Point{} {
			rep.TargetedChallenges++
			crop := CropQuad(img, ch.TargetQuad, cropPad(ch.TargetQuad))
			if err := a.side(ctx, rep, targ, a.cfg.targeted, crop, ch, i, true); err != nil {
				return nil, err
			}
		}
		wall += a.cfg.now().Sub(start)
		if a.cfg.progress != nil {
			a.cfg.progress(i+1, n)
		}
	}
	rep.Rows, rep.BestOf, rep.Engines = whole.finish(n)
	if rep.TargetedChallenges > 0 {
		rep.TargetedRows, rep.TargetedBestOf, rep.TargetedEngines = targ.finish(rep.TargetedChallenges)
	}
	rep.TimePerChallenge = Millis(wall / time.Duration(n))
	return rep, nil
}

// cropPad is the margin the targeted attack keeps around a label: a third
// of its height, at least 4 pixels.
func cropPad(q [4]image.Point) int {
	h := math.Hypot(float64(q[3].X-q[0].X), float64(q[3].Y-q[0].Y))
	return max(4, int(h/3))
}

// side runs recs on img and records the outcome of challenge i in t.
func (a *Auditor) side(ctx context.Context, rep *Report, t *tally, recs []captcha.Recognizer, img image.Image, ch *Challenge, i int, targeted bool) error {
	solved := false
	for _, r := range recs {
		t0 := a.cfg.now()
		cands, err := r.Recognize(ctx, img)
		es := t.engine(r.Name())
		es.total += a.cfg.now().Sub(t0)
		es.runs++
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			es.Errors++
			if es.FirstError == "" {
				es.FirstError = err.Error()
			}
			continue
		}
		for _, c := range cands {
			k := t.row(r.Name(), c.Config)
			best := 0.0
			for _, ans := range ch.Puzzle.Answers {
				best = math.Max(best, Recovered(c.Text, ans))
			}
			t.recSum[k] += best
			if Reads(c.Text, ch.Puzzle.Answers) {
				t.rows[k].Solved++
				solved = true
				if len(rep.Solves) < a.cfg.maxSolvesShown {
					rep.Solves = append(rep.Solves, Solve{Challenge: i, Answer: firstAnswer(ch.Puzzle), Engine: r.Name(),
						Config: c.Config, Read: excerpt(c.Text, ch.Puzzle.Answers), Targeted: targeted})
				} else {
					rep.SolvesTruncated = true
				}
			}
		}
	}
	if solved {
		t.bestOf++
	}
	return nil
}

func (t *tally) finish(n int) ([]Row, Rate, []EngineStat) {
	rows := make([]Row, len(t.rows))
	for i, r := range t.rows {
		rows[i] = *r
		rows[i].Total = n
		rows[i].Rate = float64(r.Solved) / float64(n)
		rows[i].Recovered = t.recSum[i] / float64(n)
	}
	engines := make([]EngineStat, len(t.engines))
	for i, e := range t.engines {
		if e.runs > 0 {
			e.MeanTime = Millis(e.total / time.Duration(e.runs))
		}
		engines[i] = e
	}
	return rows, NewRate(t.bestOf, n), engines
}

func firstAnswer(p *captcha.Puzzle) string {
	if len(p.Answers) == 0 {
		return ""
	}
	return p.Answers[0]
}

// excerpt returns the line of text that reveals an answer, or the whole
// text on one line, at most 160 runes.
func excerpt(text string, answers []string) string {
	for _, l := range strings.Split(text, "\n") {
		if Reads(l, answers) {
			text = l
			break
		}
	}
	text = strings.Join(strings.Fields(strings.ReplaceAll(text, "\n", " | ")), " ")
	if utf8.RuneCountInString(text) > 160 {
		text = string([]rune(text)[:159]) + "…"
	}
	return text
}
