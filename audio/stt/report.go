package stt

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/tollgate/tollgate/internal/auditstat"
)

// Report is the outcome of an audio audit. Its JSON form (encoding/json) is
// the machine-readable audit; WriteTable prints it for people.
type Report struct {
	// Kind is "audio". Lang, Date and Command are set by the caller.
	Kind    string `json:"kind"`
	Lang    string `json:"lang,omitempty"`
	Date    string `json:"date,omitempty"`
	Command string `json:"command,omitempty"`
	// Challenges is the number of clips audited.
	Challenges int `json:"challenges"`
	// Rows are the outcomes per engine and strategy (see Strategies).
	Rows []Row `json:"rows"`
	// BestOf counts clips that at least one row solved; DecoyBestOf those
	// where at least one row submitted a decoy.
	BestOf      Rate `json:"best_of"`
	DecoyBestOf Rate `json:"decoy_best_of"`
	// Engines times each recognizer.
	Engines []EngineStat `json:"engines"`
	// TimePerChallenge is the mean time all recognizers together took on
	// one clip (rendering excluded).
	TimePerChallenge Millis `json:"time_per_challenge_ms"`
	// Skipped lists engines not run, with the reason.
	Skipped []Skip `json:"skipped,omitempty"`
	// Solves lists solves and decoy submissions (at most 500).
	Solves          []Solve `json:"solves,omitempty"`
	SolvesTruncated bool    `json:"solves_truncated,omitempty"`
	// Target is the highest acceptable best-of rate.
	Target float64 `json:"target"`
}

// Row is the outcome of one engine and strategy.
type Row struct {
	Engine   string `json:"engine"`
	Strategy string `json:"strategy"`
	// Solved counts clips whose answer a reading equalled, Decoys those
	// where a reading equalled a decoy, out of Total.
	Solved    int     `json:"solved"`
	Decoys    int     `json:"decoys"`
	Total     int     `json:"total"`
	Rate      float64 `json:"rate"`
	DecoyRate float64 `json:"decoy_rate"`
	// Recovered is the mean share of the answer's digits recovered by the
	// best reading (see Recovered). Chance is the same for a control: a
	// digit string as long as the answer that is not it (each digit d
	// replaced by d+5 mod 10). Long transcripts recover some digits of any
	// answer; only Recovered well above Chance shows the engine heard the
	// answer.
	Recovered float64 `json:"recovered"`
	Chance    float64 `json:"chance"`
}

// Rate is a count of successes out of a total, with the upper end of its
// 95% Wilson score interval: with 0 of 200 the true rate may still be up
// to 1.9%.
type Rate = auditstat.Rate

// NewRate returns the Rate of solved out of total.
func NewRate(solved, total int) Rate { return auditstat.NewRate(solved, total) }

// WilsonUpper returns the upper bound of the 95% Wilson score interval of
// k successes in n trials (1 for n ≤ 0).
func WilsonUpper(k, n int) float64 { return auditstat.WilsonUpper(k, n) }

// EngineStat times one recognizer over an audit.
type EngineStat struct {
	Engine   string `json:"engine"`
	MeanTime Millis `json:"mean_time_ms"`
	// Contains counts clips where the answer's digits occurred in a row
	// among all the digits heard (the attacker could not tell where).
	Contains   int    `json:"contains"`
	Errors     int    `json:"errors"`
	FirstError string `json:"first_error,omitempty"`
}

// Skip names an engine that was not run, and why.
type Skip struct {
	Engine string `json:"engine"`
	Reason string `json:"reason"`
}

// Solve records one clip a recognizer solved (or answered with a decoy).
type Solve struct {
	Challenge  int    `json:"challenge"`
	Answer     string `json:"answer"`
	Engine     string `json:"engine"`
	Strategy   string `json:"strategy"`
	Transcript string `json:"transcript"`
	Decoy      bool   `json:"decoy"`
}

// Millis is a duration that encodes in JSON as (fractional) milliseconds.
type Millis = auditstat.Millis

// Met reports whether the best-of rate is within the target.
func (r *Report) Met() bool { return r.BestOf.Rate <= r.Target }

// WriteTable prints the report as aligned text tables.
func (r *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Speech-to-text audit of %d %s challenges", r.Challenges, r.Kind)
	if r.Lang != "" {
		fmt.Fprintf(&b, ", lang %s", r.Lang)
	}
	if r.Date != "" {
		fmt.Fprintf(&b, ", %s", r.Date)
	}
	b.WriteString("\n")
	if r.Command != "" {
		fmt.Fprintf(&b, "command: %s\n", r.Command)
	}
	b.WriteString("\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  engine\tstrategy\tsolved\trate\tdecoy given\tdigits recovered\t(chance)\t")
	for _, row := range r.Rows {
		fmt.Fprintf(tw, "  %s\t%s\t%d/%d\t%s\t%d (%s)\t%s\t(%s)\t\n", row.Engine, row.Strategy, row.Solved, row.Total,
			pct(row.Rate), row.Decoys, pct(row.DecoyRate), pct(row.Recovered), pct(row.Chance))
	}
	tw.Flush()
	status := "met"
	if !r.Met() {
		status = "NOT MET"
	}
	fmt.Fprintf(&b, "  best of all: %d/%d = %s (95%% upper bound %s); target ≤ %s: %s\n",
		r.BestOf.Solved, r.BestOf.Total, pct(r.BestOf.Rate), pct(r.BestOf.Upper95), pct(r.Target), status)
	fmt.Fprintf(&b, "  a decoy given by any row: %d/%d = %s (flagged as ErrDecoyAnswer when submitted)\n",
		r.DecoyBestOf.Solved, r.DecoyBestOf.Total, pct(r.DecoyBestOf.Rate))
	fmt.Fprintf(&b, "\ntime per challenge: %v (all recognizers, one after another)\n", r.TimePerChallenge)
	for _, e := range r.Engines {
		fmt.Fprintf(&b, "  %-26s %v per clip; answer among all digits heard in %d/%d", e.Engine, e.MeanTime, e.Contains, r.Challenges)
		if e.Errors > 0 {
			fmt.Fprintf(&b, "; %d errors (first: %s)", e.Errors, e.FirstError)
		}
		b.WriteString("\n")
	}
	if len(r.Skipped) > 0 {
		b.WriteString("\nNot run:\n")
		for _, s := range r.Skipped {
			fmt.Fprintf(&b, "  %s: %s\n", s.Engine, s.Reason)
		}
	}
	var solves, decoys []Solve
	for _, s := range r.Solves {
		if s.Decoy {
			decoys = append(decoys, s)
		} else {
			solves = append(solves, s)
		}
	}
	if len(solves) > 0 {
		b.WriteString("\nSolved clips (what the engine heard):\n")
		for _, s := range solves {
			fmt.Fprintf(&b, "  #%d %s by %s %s: %q\n", s.Challenge, s.Answer, s.Engine, s.Strategy, s.Transcript)
		}
	}
	if len(decoys) > 0 {
		b.WriteString("\nDecoy answers given (verification reports them as ErrDecoyAnswer):\n")
		for _, s := range decoys {
			fmt.Fprintf(&b, "  #%d %s by %s %s: %q\n", s.Challenge, s.Answer, s.Engine, s.Strategy, s.Transcript)
		}
	}
	if r.SolvesTruncated {
		b.WriteString("  (list truncated)\n")
	}
	verdict := "target met"
	if !r.Met() {
		verdict = "TARGET NOT MET"
	}
	fmt.Fprintf(&b, "\nverdict: %s\n", verdict)
	_, err := io.WriteString(w, b.String())
	return err
}

func pct(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }
