package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tollgate/tollgate/behavior"
)

// scoreFlags are the flags of "tollgate score".
type scoreFlags struct {
	fs           *flag.FlagSet
	asJSON       *bool
	suspect, bot *float64
	elapsed      *time.Duration
}

func newScoreFlags() *scoreFlags {
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	f := &scoreFlags{
		fs:      fs,
		asJSON:  fs.Bool("json", false, "print one JSON object per document"),
		suspect: fs.Float64("suspect", behavior.DefaultSuspectThreshold, "score at which the verdict becomes suspect"),
		bot:     fs.Float64("bot", behavior.DefaultBotThreshold, "score at which the verdict becomes bot"),
		elapsed: fs.Duration("elapsed", 0, "the server's own time from serving the form to the post (0: unknown)"),
	}
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: tollgate score [-json] [-suspect S] [-bot B] [-elapsed D] < telemetry.json")
		fmt.Fprintln(fs.Output())
		fmt.Fprintln(fs.Output(), "Scores behavior telemetry documents read from standard input (one document, or one per line).")
		fmt.Fprintln(fs.Output(), "Exits with status 1 when a document cannot be scored or there is none.")
		fmt.Fprintln(fs.Output())
		fmt.Fprintln(fs.Output(), "Flags:")
		fs.PrintDefaults()
	}
	return f
}

func scoreHelp(w io.Writer) {
	f := newScoreFlags()
	f.fs.SetOutput(w)
	f.fs.Usage()
}

// runScore implements "tollgate score": it reads telemetry documents (one,
// or one per line: any sequence of JSON values) from stdin and prints each
// one's score, verdict and reasons.
func runScore(args []string, stdin io.Reader, stdout, _ io.Writer) error {
	f := newScoreFlags()
	fs, asJSON, suspect, bot, elapsed := f.fs, f.asJSON, f.suspect, f.bot, f.elapsed
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected arguments %q (telemetry is read from standard input)", fs.Args())
	}
	if !(*suspect >= 0 && *suspect <= *bot && *bot <= 1) {
		return usageError("thresholds must satisfy 0 <= -suspect <= -bot <= 1, got %v and %v", *suspect, *bot)
	}
	if *elapsed < 0 {
		return usageError("-elapsed must not be negative")
	}
	s := behavior.NewScorer(behavior.WithThresholds(*suspect, *bot))
	dec := json.NewDecoder(bufio.NewReader(stdin))
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	n, failed := 0, 0
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			break
		}
		n++
		if err != nil {
			// Not JSON: the stream cannot be split any further.
			printScoreError(out, *asJSON, n, err)
			failed++
			break
		}
		t, err := behavior.Decode(raw)
		if err != nil {
			printScoreError(out, *asJSON, n, err)
			failed++
			continue
		}
		printScore(out, *asJSON, n, s.Score(t, behavior.Submission{Elapsed: *elapsed}))
	}
	if err := out.Flush(); err != nil {
		return err
	}
	switch {
	case n == 0:
		return errors.New("no telemetry on standard input")
	case failed > 0:
		return fmt.Errorf("%d of %d document(s) could not be scored", failed, n)
	}
	return nil
}

type scoreLine struct {
	Document int               `json:"document"`
	Score    float64           `json:"score"`
	Verdict  behavior.Verdict  `json:"verdict"`
	Reasons  []behavior.Reason `json:"reasons"`
}

func printScore(w io.Writer, asJSON bool, n int, r behavior.Result) {
	if asJSON {
		if r.Reasons == nil {
			r.Reasons = []behavior.Reason{}
		}
		b, _ := json.Marshal(scoreLine{n, r.Score, r.Verdict, r.Reasons})
		fmt.Fprintf(w, "%s\n", b)
		return
	}
	fmt.Fprintf(w, "document %d: score %.3f %v\n", n, r.Score, r.Verdict)
	for _, x := range r.Reasons {
		fmt.Fprintf(w, "  %.3f %-22s %s\n", x.Weight, x.Code, x.Detail)
	}
}

func printScoreError(w io.Writer, asJSON bool, n int, err error) {
	if asJSON {
		b, _ := json.Marshal(struct {
			Document int    `json:"document"`
			Error    string `json:"error"`
		}{n, err.Error()})
		fmt.Fprintf(w, "%s\n", b)
		return
	}
	fmt.Fprintf(w, "document %d: error: %s\n", n, strings.TrimSpace(err.Error()))
}
