package audio

import (
	"crypto/subtle"

	"github.com/tollgate/tollgate/captcha"
)

// maxAnswerLen bounds the answers NormalizeDigits looks at, so a flood of
// huge answers costs little.
const maxAnswerLen = 64

// NormalizeDigits returns the digits of a typed answer as ASCII, ignoring
// spaces, hyphens, dots, commas and underscores, and accepting full-width
// digits (as typed with East Asian input methods). It returns "" if the
// answer holds anything else or is longer than 64 bytes.
func NormalizeDigits(answer string) string {
	if len(answer) > maxAnswerLen {
		return ""
	}
	b := make([]byte, 0, len(answer))
	for _, r := range answer {
		switch {
		case r >= '0' && r <= '9':
			b = append(b, byte(r))
		case r >= '０' && r <= '９':
			b = append(b, byte('0'+r-'０'))
		case r == ' ' || r == '-' || r == '.' || r == ',' || r == '_' || r == '\t' || r == '\u3000':
		default:
			return ""
		}
	}
	return string(b)
}

// Check verifies a typed answer against a puzzle from Synth.Generate, for
// hosts that use package audio without package captcha. It returns nil if
// the answer's digits (see NormalizeDigits) equal one of p.Answers,
// ErrDecoyAnswer if they equal one of p.Decoys, ErrWrongAnswer otherwise,
// and ErrNilPuzzle for a nil p. Comparisons take constant time for answers
// of equal length. Check does not enforce single use or expiry; keep the
// puzzle server-side and discard it after one attempt.
func Check(p *captcha.Puzzle, answer string) error {
	if p == nil {
		return ErrNilPuzzle
	}
	got := []byte(NormalizeDigits(answer))
	if len(got) == 0 {
		return ErrWrongAnswer
	}
	if matchAny(got, p.Answers) {
		return nil
	}
	if matchAny(got, p.Decoys) {
		return ErrDecoyAnswer
	}
	return ErrWrongAnswer
}

// matchAny compares got with every normalised candidate in constant time
// per candidate, without stopping at the first match.
func matchAny(got []byte, candidates []string) bool {
	match := 0
	for _, c := range candidates {
		match |= subtle.ConstantTimeCompare(got, []byte(NormalizeDigits(c)))
	}
	return match == 1
}
