package aalto

import (
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/tollgate/tollgate/behavior"
)

// Stats summarises how the scorer judged replayed sentences.
type Stats struct {
	Replay                  Replay
	N, Human, Suspect, Bot  int
	Scores                  []float64      // sorted
	Reasons                 map[string]int // sentences where each reason fired
	Worst                   []Judged       // highest scores first
	Holds, Intervals, CVs   []float64      // sorted figures from the 1 ms replay
	Skipped                 int            // sentences with fewer than 2 keys
	JSONBytes, MaxJSONBytes int
	totalJSONBytes          int
}

// Judged is one sentence's result.
type Judged struct {
	Participant, Section string
	Result               behavior.Result
}

// Evaluate replays every sentence through the wire format (encode, then
// Decode) and scores it. A document that fails to decode is an error.
func Evaluate(s *behavior.Scorer, sentences []Sentence, r Replay) (Stats, error) {
	st := Stats{Replay: r, Reasons: map[string]int{}}
	var all []Judged
	for _, sen := range sentences {
		if len(sen.Keys) < 2 {
			st.Skipped++
			continue
		}
		t, sub := r.Telemetry(sen)
		b, err := t.MarshalJSON()
		if err != nil {
			return st, err
		}
		st.totalJSONBytes += len(b)
		st.MaxJSONBytes = max(st.MaxJSONBytes, len(b))
		t, err = behavior.Decode(b)
		if err != nil {
			return st, fmt.Errorf("aalto: participant %s section %s: %w", sen.Participant, sen.Section, err)
		}
		res := s.Score(t, sub)
		st.N++
		switch res.Verdict {
		case behavior.VerdictHuman:
			st.Human++
		case behavior.VerdictSuspect:
			st.Suspect++
		default:
			st.Bot++
		}
		st.Scores = append(st.Scores, res.Score)
		for _, x := range res.Reasons {
			st.Reasons[x.Code]++
		}
		all = append(all, Judged{sen.Participant, sen.Section, res})
	}
	if st.N > 0 {
		st.JSONBytes = st.totalJSONBytes / st.N
	}
	slices.Sort(st.Scores)
	slices.SortStableFunc(all, func(a, b Judged) int {
		switch {
		case a.Result.Score > b.Result.Score:
			return -1
		case a.Result.Score < b.Result.Score:
			return 1
		}
		return 0
	})
	st.Worst = all[:min(3, len(all))]
	return st, nil
}

// BotRate is the share of sentences judged bots.
func (st Stats) BotRate() float64 { return float64(st.Bot) / math.Max(1, float64(st.N)) }

// Quantile returns the q-quantile of a sorted slice.
func Quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	i := int(math.Round(q * float64(len(sorted)-1)))
	return sorted[i]
}

// Fprint writes a report.
func (st Stats) Fprint(w io.Writer) {
	name := "1 ms (as recorded)"
	if st.Replay.Step > 0 {
		name = fmt.Sprintf("%.2f ms", st.Replay.Step)
	}
	if st.Replay.MaxKeys > 0 {
		name += fmt.Sprintf(", first %d keys only", st.Replay.MaxKeys)
	}
	pct := func(n int) float64 { return 100 * float64(n) / math.Max(1, float64(st.N)) }
	fmt.Fprintf(w, "timer step %s: %d sentences: human %.2f%%, suspect %.2f%%, bot %.2f%%\n",
		name, st.N, pct(st.Human), pct(st.Suspect), pct(st.Bot))
	fmt.Fprintf(w, "  score p50 %.3f  p95 %.3f  p99 %.3f  max %.3f;  JSON mean %d B, max %d B\n",
		Quantile(st.Scores, 0.5), Quantile(st.Scores, 0.95), Quantile(st.Scores, 0.99), Quantile(st.Scores, 1), st.JSONBytes, st.MaxJSONBytes)
	codes := make([]string, 0, len(st.Reasons))
	for c := range st.Reasons {
		codes = append(codes, c)
	}
	slices.SortFunc(codes, func(a, b string) int { return st.Reasons[b] - st.Reasons[a] })
	for _, c := range codes {
		fmt.Fprintf(w, "  reason %-22s %6.2f%% of sentences\n", c, pct(st.Reasons[c]))
	}
	for _, j := range st.Worst {
		fmt.Fprintf(w, "  highest: participant %s section %s score %.3f %v\n", j.Participant, j.Section, j.Result.Score, j.Result.Reasons)
	}
}
