package stt

import (
	"strings"

	"github.com/tollgate/tollgate/audio"
)

// maxMatchDigits bounds the digits Recovered scans.
const maxMatchDigits = 1 << 16

// Strategies by which an attacker turns a transcript into an answer.
const (
	// StrategyAll submits every digit heard, in order.
	StrategyAll = "all"
	// StrategySkipFirst drops the first utterance, which is usually the
	// spoken instruction, and submits the digits of the rest.
	StrategySkipFirst = "skip-first"
	// StrategyUtterance submits the digits of a single utterance (any one
	// counts, as the attacker may try several).
	StrategyUtterance = "utterance"
)

// Strategies returns the strategies in report order.
func Strategies() []string { return []string{StrategyAll, StrategySkipFirst, StrategyUtterance} }

// Readings returns, per strategy, the digit strings an attacker would
// submit from transcript (utterances on separate lines, digits as ASCII,
// as audio.Recognizer returns them). Empty readings are left out.
func Readings(transcript string) map[string][]string {
	lines := strings.Split(strings.TrimSpace(transcript), "\n")
	out := map[string][]string{}
	add := func(s, d string) {
		if d != "" {
			out[s] = append(out[s], d)
		}
	}
	add(StrategyAll, digitsOf(strings.Join(lines, " ")))
	if len(lines) > 1 {
		add(StrategySkipFirst, digitsOf(strings.Join(lines[1:], " ")))
	}
	for _, l := range lines {
		add(StrategyUtterance, digitsOf(l))
	}
	return out
}

// digitsOf returns the ASCII digits of s in order.
func digitsOf(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// Hears reports whether transcript reveals one of answers: whether any
// reading (see Readings) equals the answer's digits (see
// audio.NormalizeDigits), or the answer's digits occur, in a row, among all
// the digits heard. Answers without digits never match.
func Hears(transcript string, answers []string) bool {
	r := Readings(transcript)
	for _, a := range answers {
		na := audio.NormalizeDigits(a)
		if na == "" {
			continue
		}
		for _, all := range r[StrategyAll] {
			if strings.Contains(all, na) {
				return true
			}
		}
		for _, rs := range r {
			for _, d := range rs {
				if d == na {
					return true
				}
			}
		}
	}
	return false
}

// equalsAny reports whether d equals the digits of one of list.
func equalsAny(d string, list []string) bool {
	for _, a := range list {
		if na := audio.NormalizeDigits(a); na != "" && na == d {
			return true
		}
	}
	return false
}

// Recovered returns the share of the answer's digits found in digits, from
// 0 to 1: 1 − d/n, where n is the number of the answer's digits and d the
// edit distance from them to the closest substring of digits (0 when
// d ≥ n or the answer has no digits).
func Recovered(digits, answer string) float64 {
	a := audio.NormalizeDigits(answer)
	if a == "" {
		return 0
	}
	if len(digits) > maxMatchDigits {
		digits = digits[:maxMatchDigits]
	}
	d := substringDistance(a, digits)
	if d >= len(a) {
		return 0
	}
	return 1 - float64(d)/float64(len(a))
}

// substringDistance returns the smallest edit distance from a to any
// substring of t (Sellers' algorithm).
func substringDistance(a, t string) int {
	m := len(a)
	col := make([]int, m+1)
	for i := range col {
		col[i] = i
	}
	best := col[m]
	for j := 0; j < len(t); j++ {
		diag := col[0]
		col[0] = 0
		for i := 1; i <= m; i++ {
			cost := 1
			if a[i-1] == t[j] {
				cost = 0
			}
			v := min(diag+cost, col[i]+1, col[i-1]+1)
			diag, col[i] = col[i], v
		}
		best = min(best, col[m])
	}
	return best
}
