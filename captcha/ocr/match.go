package ocr

import (
	"strings"

	"github.com/tollgate/tollgate/captcha"
)

// maxMatchRunes bounds the normalised text that Recovered scans, so that
// a runaway engine output costs bounded time.
const maxMatchRunes = 1 << 16

// Reads reports whether text reveals one of answers: whether the
// normalised form of an answer (see captcha.Normalize, the normalisation
// verification uses) occurs anywhere in the normalised text. A substring
// counts because an attacker can submit each word or run of words an engine
// read, and because normalisation removes the spaces and line breaks that
// separate them. Answers that normalise to "" never match.
func Reads(text string, answers []string) bool {
	norm := captcha.Normalize(text)
	for _, a := range answers {
		if na := captcha.Normalize(a); na != "" && strings.Contains(norm, na) {
			return true
		}
	}
	return false
}

// Recovered returns the share of answer's characters that text recovers,
// from 0 to 1: 1 − d/n, where n is the length in runes of the normalised
// answer and d the edit distance (insertions, deletions and substitutions
// of runes) from it to the closest substring of the normalised text, or 0
// when d ≥ n. It is 1 exactly when Reads(text, []string{answer}) is true.
// An answer that normalises to "" gives 0.
func Recovered(text, answer string) float64 {
	a := []rune(captcha.Normalize(answer))
	if len(a) == 0 {
		return 0
	}
	t := []rune(captcha.Normalize(text))
	if len(t) > maxMatchRunes {
		t = t[:maxMatchRunes]
	}
	d := substringDistance(a, t)
	if d >= len(a) {
		return 0
	}
	return 1 - float64(d)/float64(len(a))
}

// substringDistance returns the smallest edit distance from a to any
// substring of t (Sellers' algorithm: free start and end in t), using
// O(len(a)) memory.
func substringDistance(a, t []rune) int {
	m := len(a)
	col := make([]int, m+1) // col[i]: distance of a[:i] ending at the current position of t
	for i := range col {
		col[i] = i
	}
	best := col[m]
	for _, c := range t {
		diag := col[0] // value at (i-1, j-1)
		col[0] = 0     // free start in t
		for i := 1; i <= m; i++ {
			cost := 1
			if a[i-1] == c {
				cost = 0
			}
			v := min(diag+cost, col[i]+1, col[i-1]+1)
			diag, col[i] = col[i], v
		}
		best = min(best, col[m])
	}
	return best
}
