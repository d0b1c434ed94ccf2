package ratelimit

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultPolicyName is the policy identifier used in RateLimit-Policy and
// RateLimit fields when none is configured.
const DefaultPolicyName = "default"

// ceilSeconds rounds d up to whole seconds, at least min.
func ceilSeconds(d time.Duration, min int64) int64 {
	s := int64((d + time.Second - 1) / time.Second)
	if s < min {
		return min
	}
	return s
}

// SetRetryAfter sets the Retry-After field to d in whole seconds, rounded
// up, at least 1.
func SetRetryAfter(h http.Header, d time.Duration) {
	h.Set("Retry-After", strconv.FormatInt(ceilSeconds(d, 1), 10))
}

// SetRateLimitHeaders sets the RateLimit-Policy and RateLimit fields of the
// IETF draft draft-ietf-httpapi-ratelimit-headers (structured fields) for a
// per-key decision:
//
//	RateLimit-Policy: "policy";q=Burst;w=⌈Burst·Interval⌉
//	RateLimit: "policy";r=Remaining;t=⌈ResetAfter⌉
//
// With GCRA, Burst events may be spent at once and the whole quota comes
// back within Burst·Interval, so q and w describe the limit exactly; r is
// what may still be sent at once and t the seconds until the quota is full
// again. Policy names that are not structured-field tokens are sent as
// strings (quoted); an empty name means DefaultPolicyName.
func SetRateLimitHeaders(h http.Header, policy string, d Decision) {
	name := sfString(policy)
	l := d.Limit
	window := ceilSeconds(time.Duration(l.Burst)*l.Interval(), 1)
	h.Set("RateLimit-Policy", name+";q="+strconv.Itoa(l.Burst)+";w="+strconv.FormatInt(window, 10))
	h.Set("RateLimit", name+";r="+strconv.Itoa(d.Remaining)+";t="+strconv.FormatInt(ceilSeconds(d.ResetAfter, 0), 10))
}

// sfString encodes a policy name as a structured-field string.
func sfString(s string) string {
	if s == "" {
		s = DefaultPolicyName
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c > 0x7e:
			b.WriteByte('_') // not representable in an sf-string
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
