// Command calibrate replays the human keystroke sample kept beside the
// repository (../shared/data/keystrokes/aalto-calibration) through the
// behavior wire format and scorer, and prints the figures the package docs
// quote: how many real sentences the default scorer would call suspect or
// bot, at the recorded 1 ms resolution and rounded to Firefox's coarse
// timer steps; then the verdicts on the modelled people and automation
// patterns.
//
//	go run ./behavior/internal/calibrate [-dir DIR] [-every N]
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"slices"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/behavior/internal/aalto"
	"github.com/tollgate/tollgate/behavior/internal/synth"
)

func main() {
	dir := flag.String("dir", "", "calibration directory (default: found from the repository root)")
	every := flag.Int("every", 1, "read every N-th participant file")
	flag.Parse()
	if *dir == "" {
		d, ok := aalto.FindDir()
		if !ok {
			fmt.Fprintln(os.Stderr, "calibrate: no calibration data; pass -dir")
			os.Exit(2)
		}
		*dir = d
	}
	sentences, err := aalto.ReadDir(*dir, *every)
	if err != nil {
		fmt.Fprintln(os.Stderr, "calibrate:", err)
		os.Exit(1)
	}
	dataFigures(sentences)
	s := behavior.NewScorer()
	for _, r := range []aalto.Replay{
		{Step: 0}, {Step: 50.0 / 3}, {Step: 100},
		{Step: 0, MaxKeys: 8}, {Step: 50.0 / 3, MaxKeys: 8},
	} {
		st, err := aalto.Evaluate(s, sentences, r)
		if err != nil {
			fmt.Fprintln(os.Stderr, "calibrate:", err)
			os.Exit(1)
		}
		st.Fprint(os.Stdout)
	}
	fmt.Println("modelled scenarios (behavior/internal/synth):")
	for _, sc := range synth.Scenarios() {
		t, sub := sc.Build()
		res := s.Score(t, sub)
		kind := "bot   "
		if sc.Human {
			kind = "person"
		}
		fmt.Printf("  %s %-30s score %.3f %v\n", kind, sc.Name, res.Score, res.Verdict)
	}
}

// dataFigures prints the raw timing figures of the sample.
func dataFigures(sentences []aalto.Sentence) {
	var holds, ivs, cvs []float64
	keys := 0
	for _, s := range sentences {
		keys += len(s.Keys)
		var si []float64
		for i, k := range s.Keys {
			holds = append(holds, float64(k.Release-k.Press))
			if i > 0 {
				iv := float64(k.Press - s.Keys[i-1].Press)
				ivs = append(ivs, iv)
				si = append(si, iv)
			}
		}
		if len(si) >= 5 {
			cvs = append(cvs, cv(si))
		}
	}
	slices.Sort(holds)
	slices.Sort(ivs)
	slices.Sort(cvs)
	q := func(x []float64) string {
		return fmt.Sprintf("p1 %.0f, p5 %.0f, p50 %.0f, p95 %.0f, p99 %.0f",
			aalto.Quantile(x, 0.01), aalto.Quantile(x, 0.05), aalto.Quantile(x, 0.5), aalto.Quantile(x, 0.95), aalto.Quantile(x, 0.99))
	}
	fmt.Printf("data: %d sentences, %d keystrokes\n", len(sentences), keys)
	fmt.Printf("  hold ms: %s\n", q(holds))
	fmt.Printf("  press-to-press ms: %s\n", q(ivs))
	fmt.Printf("  per-sentence interval CV: p1 %.2f, p5 %.2f, p50 %.2f\n",
		aalto.Quantile(cvs, 0.01), aalto.Quantile(cvs, 0.05), aalto.Quantile(cvs, 0.5))
}

func cv(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	v := 0.0
	for _, e := range x {
		v += (e - m) * (e - m)
	}
	return math.Sqrt(v/float64(len(x)-1)) / m
}
