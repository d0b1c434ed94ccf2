package ocr

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tollgate/tollgate/internal/auditstat"
)

// Report is the outcome of an audit. Its JSON form (encoding/json) is the
// machine-readable audit; WriteTable prints it for people.
type Report struct {
	// Kind is "image". Lang, Source, Date and Command are set by the caller
	// to describe the run.
	Kind    string `json:"kind"`
	Lang    string `json:"lang,omitempty"`
	Source  string `json:"source,omitempty"`
	Date    string `json:"date,omitempty"`
	Command string `json:"command,omitempty"`
	// Challenges is the number of challenges audited.
	Challenges int `json:"challenges"`
	// Rows are the outcomes per engine and configuration on whole images,
	// in the order the recognizers produced them.
	Rows []Row `json:"rows"`
	// BestOf counts challenges that at least one row solved.
	BestOf Rate `json:"best_of"`
	// TargetedChallenges is the number of challenges with a target box;
	// TargetedRows and TargetedBestOf are the same measures for the crops.
	TargetedChallenges int   `json:"targeted_challenges"`
	TargetedRows       []Row `json:"targeted_rows,omitempty"`
	TargetedBestOf     Rate  `json:"targeted_best_of"`
	// Engines and TargetedEngines time each recognizer and count its
	// failures.
	Engines         []EngineStat `json:"engines"`
	TargetedEngines []EngineStat `json:"targeted_engines,omitempty"`
	// TimePerChallenge is the mean time all recognizers together took on
	// one challenge (rendering excluded).
	TimePerChallenge Millis `json:"time_per_challenge_ms"`
	// Skipped lists engines and configurations not run, with the reason.
	Skipped []Skip `json:"skipped,omitempty"`
	// Solves lists every solve (at most 500): which challenge, who read it
	// and what it read.
	Solves []Solve `json:"solves,omitempty"`
	// SolvesTruncated is set when there were more solves than Solves
	// holds.
	SolvesTruncated bool `json:"solves_truncated,omitempty"`
	// Target and TargetedTarget are the highest acceptable best-of rates.
	Target         float64 `json:"target"`
	TargetedTarget float64 `json:"targeted_target"`
}

// Row is the outcome of one engine configuration.
type Row struct {
	// Engine is the recognizer's Name, Config the Candidate's Config.
	Engine string `json:"engine"`
	Config string `json:"config"`
	// Solved is how many of Total challenges it read the answer of
	// (see Reads); Rate is Solved/Total.
	Solved int     `json:"solved"`
	Total  int     `json:"total"`
	Rate   float64 `json:"rate"`
	// Recovered is the mean share of the answer's characters it recovered
	// (see Recovered).
	Recovered float64 `json:"recovered"`
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
	Engine string `json:"engine"`
	// MeanTime is the mean time of one Recognize call.
	MeanTime Millis `json:"mean_time_ms"`
	// Errors counts failed calls; FirstError is the first failure.
	Errors     int    `json:"errors"`
	FirstError string `json:"first_error,omitempty"`

	total time.Duration
	runs  int
}

// Skip names an engine or configuration that was not run, and why.
type Skip struct {
	Engine string `json:"engine"`
	Reason string `json:"reason"`
}

// Solve records one challenge that a recognizer solved.
type Solve struct {
	// Challenge is the index of the challenge in the audit.
	Challenge int    `json:"challenge"`
	Answer    string `json:"answer"`
	Engine    string `json:"engine"`
	Config    string `json:"config"`
	// Read is the line the engine read that holds the answer.
	Read     string `json:"read"`
	Targeted bool   `json:"targeted"`
}

// Millis is a duration that encodes in JSON as (fractional) milliseconds.
type Millis = auditstat.Millis

// Met reports whether the best-of rates are within the targets (the
// targeted one only when a targeted attack ran).
func (r *Report) Met() bool {
	if r.BestOf.Rate > r.Target {
		return false
	}
	return r.TargetedChallenges == 0 || r.TargetedBestOf.Rate <= r.TargetedTarget
}

// WriteTable prints the report as aligned text tables.
func (r *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "OCR audit of %d %s challenges", r.Challenges, r.Kind)
	if r.Lang != "" {
		fmt.Fprintf(&b, ", lang %s", r.Lang)
	}
	if r.Source != "" {
		fmt.Fprintf(&b, ", source %s", r.Source)
	}
	if r.Date != "" {
		fmt.Fprintf(&b, ", %s", r.Date)
	}
	b.WriteString("\n")
	if r.Command != "" {
		fmt.Fprintf(&b, "command: %s\n", r.Command)
	}
	b.WriteString("\nWhole image:\n")
	writeRows(&b, r.Rows)
	writeBest(&b, "best of all (whole image)", r.BestOf, r.Target)
	if r.TargetedChallenges > 0 {
		fmt.Fprintf(&b, "\nTargeted attack (crop of the marked label, turned upright), %d challenges:\n", r.TargetedChallenges)
		writeRows(&b, r.TargetedRows)
		writeBest(&b, "best of all (targeted)", r.TargetedBestOf, r.TargetedTarget)
	}
	fmt.Fprintf(&b, "\ntime per challenge: %v (all recognizers, one after another)\n", r.TimePerChallenge)
	writeEngines(&b, "whole", r.Engines)
	writeEngines(&b, "targeted", r.TargetedEngines)
	if len(r.Skipped) > 0 {
		b.WriteString("\nNot run:\n")
		for _, s := range r.Skipped {
			fmt.Fprintf(&b, "  %s: %s\n", s.Engine, s.Reason)
		}
	}
	writeSolves(&b, r.Solves, r.SolvesTruncated)
	verdict := "all targets met"
	if !r.Met() {
		verdict = "TARGET NOT MET"
	}
	fmt.Fprintf(&b, "\nverdict: %s\n", verdict)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeSolves prints one line per solved challenge and side: how many
// configurations solved it and what the first of them read.
func writeSolves(b *strings.Builder, solves []Solve, truncated bool) {
	if len(solves) == 0 {
		return
	}
	b.WriteString("\nSolved challenges (first configuration that read the answer, and what it read):\n")
	for i := 0; i < len(solves); {
		s := solves[i]
		j := i + 1
		for j < len(solves) && solves[j].Challenge == s.Challenge && solves[j].Targeted == s.Targeted {
			j++
		}
		side := "whole"
		if s.Targeted {
			side = "targeted"
		}
		fmt.Fprintf(b, "  #%d %q %s, %d config(s); %s %s read %q\n", s.Challenge, s.Answer, side, j-i, s.Engine, s.Config, s.Read)
		i = j
	}
	if truncated {
		b.WriteString("  (list truncated)\n")
	}
}

func writeEngines(b *strings.Builder, side string, engines []EngineStat) {
	for _, e := range engines {
		fmt.Fprintf(b, "  %-8s %-24s %v per call", side, e.Engine, e.MeanTime)
		if e.Errors > 0 {
			fmt.Fprintf(b, ", %d errors (first: %s)", e.Errors, e.FirstError)
		}
		b.WriteString("\n")
	}
}

func writeRows(b *strings.Builder, rows []Row) {
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  engine\tconfig\tsolved\trate\tchars recovered\t")
	for _, row := range rows {
		fmt.Fprintf(tw, "  %s\t%s\t%d/%d\t%s\t%s\t\n", row.Engine, row.Config, row.Solved, row.Total, pct(row.Rate), pct(row.Recovered))
	}
	tw.Flush()
}

func writeBest(b *strings.Builder, name string, r Rate, target float64) {
	status := "met"
	if r.Rate > target {
		status = "NOT MET"
	}
	fmt.Fprintf(b, "  %s: %d/%d = %s (95%% upper bound %s); target ≤ %s: %s\n",
		name, r.Solved, r.Total, pct(r.Rate), pct(r.Upper95), pct(target), status)
}

func pct(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }
