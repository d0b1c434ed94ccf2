// Package auditstat holds the figures the OCR and speech-to-text audits
// (packages captcha/ocr and audio/stt) report in common: solve rates with
// their confidence bound and durations in milliseconds. Those packages
// export them under their own names (type aliases); this package is not
// API.
package auditstat

import (
	"fmt"
	"math"
	"time"
)

// Rate is a count of successes out of a total, with the upper end of its
// 95% Wilson score interval: with 0 of 200 the true rate may still be up
// to 1.9%.
type Rate struct {
	Solved  int     `json:"solved"`
	Total   int     `json:"total"`
	Rate    float64 `json:"rate"`
	Upper95 float64 `json:"upper95"`
}

// NewRate returns the Rate of solved out of total.
func NewRate(solved, total int) Rate {
	r := Rate{Solved: solved, Total: total}
	if total > 0 {
		r.Rate = float64(solved) / float64(total)
		r.Upper95 = WilsonUpper(solved, total)
	}
	return r
}

// WilsonUpper returns the upper bound of the 95% Wilson score interval of
// k successes in n trials (1 for n ≤ 0).
func WilsonUpper(k, n int) float64 {
	if n <= 0 {
		return 1
	}
	const z = 1.959964
	p, nn := float64(k)/float64(n), float64(n)
	centre := p + z*z/(2*nn)
	spread := z * math.Sqrt(p*(1-p)/nn+z*z/(4*nn*nn))
	return math.Min(1, (centre+spread)/(1+z*z/nn))
}

// Millis is a duration that encodes in JSON as (fractional) milliseconds.
type Millis time.Duration

// MarshalJSON encodes d as a number of milliseconds.
func (d Millis) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond))), nil
}

// UnmarshalJSON decodes a number of milliseconds.
func (d *Millis) UnmarshalJSON(b []byte) error {
	var ms float64
	if _, err := fmt.Sscan(string(b), &ms); err != nil {
		return fmt.Errorf("audit: bad milliseconds %q", b)
	}
	*d = Millis(ms * float64(time.Millisecond))
	return nil
}

// String formats d like time.Duration, rounded to milliseconds.
func (d Millis) String() string { return time.Duration(d).Round(time.Millisecond).String() }
