// Package form parses application/x-www-form-urlencoded request bodies
// into r.PostForm and r.Form exactly as net/http does, in fewer
// instructions.
//
// Why: a login post carries the behavior telemetry, 2 to 4 KB of JSON in
// one form field, which the browser percent-encodes (each '"', ',', ':'
// and ';' becomes three bytes). net/url decodes such a value a byte at a
// time through a strings.Builder, which on a login post costs more than
// decoding and scoring the telemetry. Parse decodes the body in place,
// with a table for the hexadecimal digits, and makes one string of it.
//
// The rules are net/http's and net/url's (Go 1.26), and the tests compare
// the two side by side on bodies (malformed ones too), content types,
// methods, size limits and the parameter limit: any difference is a bug
// here.
package form

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
)

// urlEncoded is the media type Parse handles.
const urlEncoded = "application/x-www-form-urlencoded"

// maxFormSize is net/http's limit for a form body that is not read through
// http.MaxBytesReader (whose own limit then applies instead).
const maxFormSize = 10 << 20

// maxBytesReader is the type of the bodies http.MaxBytesReader returns,
// which net/http reads without its own limit.
var maxBytesReader = reflect.TypeOf(http.MaxBytesReader(nil, nil, 0))

// Parse parses r's body as r.ParseMultipartForm would (and so
// r.FormValue and r.PostFormValue) for a POST, PUT or PATCH whose
// Content-Type is application/x-www-form-urlencoded and which nothing has
// parsed yet: it sets r.PostForm to the body's values, and r.Form to those
// followed by the URL query's, and reports true. Like ParseMultipartForm
// for such a body it reports no errors: a pair with a malformed escape or
// a ';' is left out, and a body that cannot be read, or is over 10 MB when
// not under http.MaxBytesReader, leaves r.PostForm empty. For any other
// request it reports false and leaves r alone, for net/http to parse.
//
// Parse is safe for concurrent use on different requests.
func Parse(r *http.Request) bool {
	if r.PostForm != nil || r.Form != nil || r.MultipartForm != nil || r.Body == nil {
		return false
	}
	switch r.Method {
	case "POST", "PUT", "PATCH":
	default:
		return false
	}
	if ct := r.Header.Get("Content-Type"); ct != urlEncoded {
		// As net/http: the media type decides, even when its
		// parameters are malformed.
		if mt, _, _ := mime.ParseMediaType(ct); mt != urlEncoded {
			return false
		}
	}
	var body io.Reader = r.Body
	limited := reflect.TypeOf(r.Body) != maxBytesReader
	if limited {
		body = io.LimitReader(r.Body, maxFormSize+1)
	}
	b, err := readAll(body, r.ContentLength)
	var post url.Values
	if err == nil && !(limited && len(b) > maxFormSize) {
		post = parseQuery(b)
	} else {
		post = url.Values{}
	}
	r.PostForm = post
	var query url.Values
	if r.URL != nil {
		query, _ = url.ParseQuery(r.URL.RawQuery)
	} else {
		query = url.Values{}
	}
	if len(post) == 0 {
		r.Form = query
		return true
	}
	all := make(url.Values, len(post)+len(query))
	for _, m := range [...]url.Values{post, query} {
		for k, vs := range m {
			all[k] = append(all[k], vs...)
		}
	}
	r.Form = all
	return true
}

// amps asks net/url whether a query of up to len(amps)+1 parameters is
// within its limit (GODEBUG urlmaxqueryparams, default 10000), which a
// program may set lower: net/url counts '&' and nothing else.
const amps = "&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&"

// readAll is io.ReadAll starting with room for the body's declared
// length (up to 64 KB: the declaration is the client's word) rather than
// growing from 512 bytes: one allocation for a login post.
func readAll(r io.Reader, length int64) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(int(min(max(length, 0), 64<<10)) + bytes.MinRead)
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}

// parseQuery is url.ParseQuery(string(q)) without the error: the values of
// the well-formed pairs of q, none if q has more pairs than net/url
// allows. It decodes the pairs in place in q, then makes one string of
// them all, which the keys and values are slices of.
func parseQuery(q []byte) url.Values {
	n := bytes.Count(q, []byte{'&'}) + 1
	if n > len(amps)+1 {
		m, _ := url.ParseQuery(string(q)) // rare: a long query, net/url's own way
		return m
	}
	if _, err := url.ParseQuery(amps[:n-1]); err != nil {
		return url.Values{} // over the limit
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
		if len(raw) == 0 || bytes.IndexByte(raw, ';') >= 0 {
			continue
		}
		keyEnd, valueStart := end, end
		if eq := bytes.IndexByte(raw, '='); eq >= 0 {
			keyEnd, valueStart = start+eq, start+eq+1
		}
		k0 := w
		k1, ok := unescapeInto(q, w, start, keyEnd)
		if !ok {
			continue
		}
		v1, ok := unescapeInto(q, k1, valueStart, end)
		if !ok {
			continue
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
	return m
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
// not followed by two hexadecimal digits. (A byte at a time: in a
// percent-encoded JSON document the runs between escapes are a few bytes,
// too short for copying them whole to pay.)
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
