package intake

import (
	"bytes"
	"errors"
	"net/url"
)

// errQuery is what parseQuery reports for a body that url.ParseQuery
// would reject.
var errQuery = errors.New("malformed form body")

// amps asks net/url whether a query of up to len(amps)+1 parameters is
// within its limit (GODEBUG urlmaxqueryparams, default 10000), which a
// program may set lower: net/url counts '&' and nothing else.
const amps = "&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&"

// parseQuery is url.ParseQuery(string(q)), strict: it returns the values
// of q, or errQuery where url.ParseQuery reports any error (a malformed
// escape, a ';', more pairs than net/url allows). It decodes the pairs in
// place in q, then makes one string of them all, which the keys and values
// are slices of: a login post is mostly percent-encoded telemetry, which
// net/url decodes a byte at a time through a strings.Builder.
func parseQuery(q []byte) (url.Values, error) {
	n := bytes.Count(q, []byte{'&'}) + 1
	if n > len(amps)+1 {
		m, err := url.ParseQuery(string(q)) // rare: a long query, net/url's own way
		if err != nil {
			return nil, errQuery
		}
		return m, nil
	}
	if _, err := url.ParseQuery(amps[:n-1]); err != nil {
		return nil, errQuery // over the limit
	}
	// The decoded pairs, as offsets in q[:w].
	type pair struct{ k0, k1, v1 int }
	var buf [16]pair
	pairs := buf[:0]
	w := 0
	for r := 0; r < len(q); {
		end := bytes.IndexByte(q[r:], '&')
		if end < 0 {
			end = len(q)
		} else {
			end += r
		}
		raw := q[r:end]
		start := r
		r = end + 1
		if len(raw) == 0 {
			continue
		}
		if bytes.IndexByte(raw, ';') >= 0 {
			return nil, errQuery
		}
		keyEnd, valueStart := end, end
		if eq := bytes.IndexByte(raw, '='); eq >= 0 {
			keyEnd, valueStart = start+eq, start+eq+1
		}
		k0 := w
		k1, ok := unescapeInto(q, w, start, keyEnd)
		if !ok {
			return nil, errQuery
		}
		v1, ok := unescapeInto(q, k1, valueStart, end)
		if !ok {
			return nil, errQuery
		}
		pairs = append(pairs, pair{k0, k1, v1})
		w = v1
	}
	s := string(q[:w])
	m := make(url.Values, len(pairs))
	for _, p := range pairs {
		k := s[p.k0:p.k1]
		m[k] = append(m[k], s[p.k1:p.v1])
	}
	return m, nil
}

// unhex maps a hexadecimal digit to its value, and anything else to 0xff.
var unhex = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i := range 10 {
		t['0'+i] = byte(i)
	}
	for i := range 6 {
		t['a'+i], t['A'+i] = byte(10+i), byte(10+i)
	}
	return t
}()

// unescapeInto decodes q[from:to] as url.QueryUnescape does ("%XX" is
// the byte XX, '+' a space) into q at w, which is at most from: decoding
// never lengthens, so it writes only where it has read. It returns the
// index after the decoded bytes, or false where QueryUnescape fails: a '%'
// not followed by two hexadecimal digits.
func unescapeInto(q []byte, w, from, to int) (int, bool) {
	s := q[from:to]
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '%':
			if i+2 >= len(s) {
				return w, false
			}
			hi, lo := unhex[s[i+1]], unhex[s[i+2]]
			if hi|lo > 0xf {
				return w, false
			}
			c = hi<<4 | lo
			i += 2
		case '+':
			c = ' '
		}
		q[w] = c
		w++
	}
	return w, true
}
