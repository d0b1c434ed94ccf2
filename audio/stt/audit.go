package stt

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/tollgate/tollgate/audio"
	"github.com/tollgate/tollgate/captcha"
)

// DefaultTarget is the highest acceptable share of audio challenges that
// any recognizer solves.
const DefaultTarget = 0.01

// maxSolves bounds Report.Solves.
const maxSolves = 500

// AuditOption configures an Auditor.
type AuditOption func(*auditConfig)

type auditConfig struct {
	skipped   []Skip
	progress  func(done, total int)
	now       func() time.Time
	target    float64
	targetSet bool
}

// WithSkipped lists engines that were not run, with the reason, so the
// report shows them.
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

// WithTarget sets the highest acceptable best-of solve rate (default
// DefaultTarget).
func WithTarget(rate float64) AuditOption {
	return func(c *auditConfig) { c.target, c.targetSet = rate, true }
}

// Auditor measures how well recognizers solve audio challenges. It is safe
// for concurrent use; each Run is independent.
type Auditor struct {
	recs []audio.Recognizer
	cfg  auditConfig
}

// NewAuditor returns an Auditor that runs recs on every clip.
func NewAuditor(recs []audio.Recognizer, opts ...AuditOption) (*Auditor, error) {
	if len(recs) == 0 {
		return nil, errorf("auditor without recognizers")
	}
	for _, r := range recs {
		if r == nil {
			return nil, errorf("nil recognizer")
		}
	}
	var c auditConfig
	for _, o := range opts {
		o(&c)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if !c.targetSet {
		c.target = DefaultTarget
	}
	if c.target < 0 || c.target > 1 {
		return nil, errorf("target %v out of [0, 1]", c.target)
	}
	return &Auditor{recs: append([]audio.Recognizer(nil), recs...), cfg: c}, nil
}

// Run audits n challenges, asking next for each (i from 0 to n-1), and
// returns the report. A challenge is solved by a row when one of its
// readings equals the answer's digits, and counted as a decoy when one
// equals a decoy's. Recognizer failures are counted per engine and do not
// stop the audit; an error from next or a cancelled ctx does.
func (a *Auditor) Run(ctx context.Context, n int, next func(ctx context.Context, i int) (*captcha.Puzzle, error)) (*Report, error) {
	if n <= 0 {
		return nil, errorf("audit of %d challenges", n)
	}
	rep := &Report{Kind: "audio", Challenges: n, Skipped: append([]Skip(nil), a.cfg.skipped...), Target: a.cfg.target}
	type acc struct {
		row             Row
		recSum, chanceS float64
	}
	var rows []*acc
	index := map[string]*acc{}
	rowFor := func(engine, strategy string) *acc {
		k := engine + "\x00" + strategy
		r := index[k]
		if r == nil {
			r = &acc{row: Row{Engine: engine, Strategy: strategy, Total: n}}
			index[k] = r
			rows = append(rows, r)
		}
		return r
	}
	engines := make([]EngineStat, len(a.recs))
	times := make([]time.Duration, len(a.recs))
	for i, r := range a.recs {
		engines[i].Engine = r.Name()
		for _, s := range Strategies() {
			rowFor(r.Name(), s)
		}
	}
	var wall time.Duration
	bestOf, decoyOf := 0, 0
	for i := 0; i < n; i++ {
		p, err := next(ctx, i)
		if err != nil {
			return nil, fmt.Errorf("stt: audit challenge %d: %w", i, err)
		}
		start := a.cfg.now()
		solved, decoy := false, false
		for k, r := range a.recs {
			t0 := a.cfg.now()
			tr, err := r.Recognize(ctx, p.Media)
			times[k] += a.cfg.now().Sub(t0)
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				engines[k].Errors++
				if engines[k].FirstError == "" {
					engines[k].FirstError = err.Error()
				}
				continue
			}
			readings := Readings(tr)
			all := ""
			if len(readings[StrategyAll]) > 0 {
				all = readings[StrategyAll][0]
			}
			if contains(all, p.Answers) {
				engines[k].Contains++
			}
			for _, s := range Strategies() {
				row := rowFor(r.Name(), s)
				best, chance := 0.0, 0.0
				for _, ans := range p.Answers {
					ctl := control(ans)
					for _, d := range readings[s] {
						best = math.Max(best, Recovered(d, ans))
						chance = math.Max(chance, Recovered(d, ctl))
					}
				}
				row.recSum += best
				row.chanceS += chance
				hit, dec := false, false
				for _, d := range readings[s] {
					hit = hit || equalsAny(d, p.Answers)
					dec = dec || equalsAny(d, p.Decoys)
				}
				if hit {
					row.row.Solved++
					solved = true
					rep.addSolve(Solve{Challenge: i, Answer: first(p.Answers), Engine: r.Name(), Strategy: s, Transcript: oneLine(tr)})
				}
				if dec {
					row.row.Decoys++
					decoy = true
					rep.addSolve(Solve{Challenge: i, Answer: first(p.Answers), Engine: r.Name(), Strategy: s, Transcript: oneLine(tr), Decoy: true})
				}
			}
		}
		if solved {
			bestOf++
		}
		if decoy {
			decoyOf++
		}
		wall += a.cfg.now().Sub(start)
		if a.cfg.progress != nil {
			a.cfg.progress(i+1, n)
		}
	}
	for _, r := range rows {
		r.row.Rate = float64(r.row.Solved) / float64(n)
		r.row.DecoyRate = float64(r.row.Decoys) / float64(n)
		r.row.Recovered = r.recSum / float64(n)
		r.row.Chance = r.chanceS / float64(n)
		rep.Rows = append(rep.Rows, r.row)
	}
	for k := range engines {
		engines[k].MeanTime = Millis(times[k] / time.Duration(n))
	}
	rep.Engines = engines
	rep.BestOf = NewRate(bestOf, n)
	rep.DecoyBestOf = NewRate(decoyOf, n)
	rep.TimePerChallenge = Millis(wall / time.Duration(n))
	return rep, nil
}

// control returns a digit string as long as answer that is not it: each
// digit d becomes (d+5) mod 10. Digits recovered of it measure what a
// transcript recovers by chance.
func control(answer string) string {
	b := []byte(audio.NormalizeDigits(answer))
	for i := range b {
		b[i] = '0' + (b[i]-'0'+5)%10
	}
	return string(b)
}

// contains reports whether the digits of an answer occur in a row in all.
func contains(all string, answers []string) bool {
	for _, a := range answers {
		if na := audio.NormalizeDigits(a); na != "" && strings.Contains(all, na) {
			return true
		}
	}
	return false
}

func (r *Report) addSolve(s Solve) {
	if len(r.Solves) >= maxSolves {
		r.SolvesTruncated = true
		return
	}
	r.Solves = append(r.Solves, s)
}

func first(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}

// oneLine joins the utterances of a transcript with " | ", at most 200
// bytes.
func oneLine(tr string) string {
	s := strings.Join(strings.Fields(strings.ReplaceAll(tr, "\n", " | ")), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
