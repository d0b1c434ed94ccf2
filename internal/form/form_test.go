package form

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// request builds a server-side request for target ("/path?query"); body
// nil means no body.
func request(method, target, contentType string, body io.Reader) *http.Request {
	path, query, _ := strings.Cut(target, "?")
	r := &http.Request{Method: method, URL: &url.URL{Path: path, RawQuery: query}, Header: http.Header{}, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
	if body != nil {
		r.Body = io.NopCloser(body)
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	return r
}

// agree parses two copies of one request, one with Parse and one with
// net/http, and fails unless they end the same: the same PostForm and Form,
// the same unread rest of the body, and Parse handling exactly the
// url-encoded posts.
func agree(t *testing.T, method, target, contentType string, body []byte, wrap func(io.ReadCloser) io.ReadCloser) (handled bool) {
	t.Helper()
	mk := func() (*http.Request, *bytes.Reader) {
		var rd *bytes.Reader
		r := request(method, target, contentType, nil)
		if body != nil {
			rd = bytes.NewReader(body)
			r.Body = io.NopCloser(rd)
			if wrap != nil {
				r.Body = wrap(r.Body)
			}
		}
		return r, rd
	}
	ours, ourRest := mk()
	theirs, theirRest := mk()
	handled = Parse(ours)
	err := theirs.ParseMultipartForm(32 << 20)
	if !handled {
		if ours.PostForm != nil || ours.Form != nil {
			t.Fatalf("Parse(%s %q, %q) = false but set the form", method, contentType, body)
		}
		if errors.Is(err, http.ErrNotMultipart) && len(theirs.PostForm) > 0 {
			t.Fatalf("Parse(%s %q, %q) = false, but net/http parsed %v", method, contentType, body, theirs.PostForm)
		}
		return false
	}
	if !errors.Is(err, http.ErrNotMultipart) {
		t.Fatalf("Parse(%s %q) = true, but net/http's ParseMultipartForm = %v", method, contentType, err)
	}
	if !reflect.DeepEqual(ours.PostForm, theirs.PostForm) {
		t.Fatalf("Parse(%s %q, %.200q).PostForm =\n%v\nnet/http:\n%v", method, contentType, body, ours.PostForm, theirs.PostForm)
	}
	if !reflect.DeepEqual(ours.Form, theirs.Form) {
		t.Fatalf("Parse(%s %q, %.200q).Form =\n%v\nnet/http:\n%v", method, contentType, body, ours.Form, theirs.Form)
	}
	if ourRest != nil && ourRest.Len() != theirRest.Len() {
		t.Fatalf("Parse(%.200q) left %d bytes unread, net/http %d", body, ourRest.Len(), theirRest.Len())
	}
	return true
}

func TestParseAgreesWithNetHTTP(t *testing.T) {
	bodies := []string{
		"", "a=1", "a=1&b=2&a=3", "a", "a=", "=1", "&&a=1&&", "a=1;b=2", "a=1&b=2;c=3&d=4",
		"a=%41%42%43", "a=%4", "a=%zz&b=2", "%41=1", "%zz=1&b=2", "a=x+y+%2B", "a=%e2%82%ac", "a=%E2%82%AC",
		"a=%", "a=%%41", "a=1%", "a=1%2", "k%3Dv=1", "a=%00", "a=\xff\xfe", "a=b=c", "a+b=c+d",
		"tollgate_behavior=" + url.QueryEscape(`{"v":2,"f":[{"n":"user","e":"f1,2,0;d3,4,0,l"}]}`) + "&email=a%40b.c&password=x",
	}
	methods := []string{"POST", "PUT", "PATCH", "GET", "DELETE", "post"}
	// form: the media type is url-encoded (parameters aside), so a POST,
	// PUT or PATCH must take the fast path, or there is nothing to compare.
	types := []struct {
		ct   string
		form bool
	}{
		{urlEncoded, true}, {"application/x-www-form-urlencoded; charset=UTF-8", true},
		{"Application/X-WWW-Form-Urlencoded", true}, {"application/x-www-form-urlencoded; charset", true},
		{"application/x-www-form-urlencoded;;", true}, {"multipart/form-data; boundary=x", false},
		{"text/plain", false}, {"", false}, {"application/x-www-form-urlencodedx", false},
	}
	for _, body := range bodies {
		for _, m := range methods {
			for _, tc := range types {
				for _, target := range []string{"/login", "/login?a=q&z=%41", "/login?b=%zz;c=1"} {
					handled := agree(t, m, target, tc.ct, []byte(body), nil)
					if want := tc.form && (m == "POST" || m == "PUT" || m == "PATCH"); handled != want {
						t.Fatalf("Parse(%s %q) = %v, want %v", m, tc.ct, handled, want)
					}
				}
			}
		}
	}
	// No body at all.
	agree(t, "POST", "/login?a=1", urlEncoded, nil, nil)
}

// TestParseRandom compares the two on random bodies of the characters
// that matter.
func TestParseRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const alphabet = "ab=&;%+0fF9gG \x80"
	for range 20000 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		agree(t, "POST", "/x?q=1", urlEncoded, b, nil)
	}
}

// TestParseLimits checks the body limits: 10 MB without
// http.MaxBytesReader, the reader's own limit under one, and a body that
// fails to read.
func TestParseLimits(t *testing.T) {
	big := []byte("a=" + strings.Repeat("x", maxFormSize))     // two bytes over 10 MB
	small := []byte("a=" + strings.Repeat("x", maxFormSize-2)) // exactly 10 MB
	for _, body := range [][]byte{big, small} {
		agree(t, "POST", "/", urlEncoded, body, nil)
		agree(t, "POST", "/", urlEncoded, body, func(rc io.ReadCloser) io.ReadCloser {
			return http.MaxBytesReader(httptest.NewRecorder(), rc, 11<<20)
		})
		agree(t, "POST", "/", urlEncoded, body, func(rc io.ReadCloser) io.ReadCloser {
			return http.MaxBytesReader(httptest.NewRecorder(), rc, 1<<20)
		})
	}
	r := request("POST", "/?q=1", urlEncoded, iotest.ErrReader(errors.New("broken")))
	if !Parse(r) || len(r.PostForm) != 0 || r.Form.Get("q") != "1" {
		t.Errorf("Parse(unreadable body) = PostForm %v, Form %v; want empty, q=1", r.PostForm, r.Form)
	}
	// The limit under a MaxBytesReader is the reader's: all of big is read.
	r = request("POST", "/", urlEncoded, bytes.NewReader(big))
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 11<<20)
	if !Parse(r) || len(r.PostForm.Get("a")) != maxFormSize {
		t.Errorf("Parse(10 MB + 2 under MaxBytesReader(11 MB)) read %d bytes of a, want %d", len(r.PostForm.Get("a")), maxFormSize)
	}
}

// TestParseParamLimit checks net/url's limit on the number of pairs,
// which a program may lower with GODEBUG=urlmaxqueryparams, is kept.
func TestParseParamLimit(t *testing.T) {
	t.Setenv("GODEBUG", "urlmaxqueryparams=3")
	for _, body := range []string{"a=1&b=2", "a=1&b=2&c=3", strings.Repeat("a=1&", 100)} {
		agree(t, "POST", "/", urlEncoded, []byte(body), nil)
	}
	r := request("POST", "/", urlEncoded, strings.NewReader("a=1&b=2&c=3"))
	if Parse(r); len(r.PostForm) != 0 {
		t.Errorf("Parse(3 pairs, urlmaxqueryparams=3).PostForm = %v, want empty", r.PostForm)
	}
	t.Setenv("GODEBUG", "")
	agree(t, "POST", "/", urlEncoded, []byte(strings.Repeat("a=1&", 10000)), nil)
	agree(t, "POST", "/", urlEncoded, []byte(strings.Repeat("a=1&", 9999)), nil)
}

// TestParseLeavesParsedRequests checks Parse does nothing to a request
// whose form is already parsed.
func TestParseLeavesParsedRequests(t *testing.T) {
	r := request("POST", "/", urlEncoded, strings.NewReader("a=1"))
	r.PostForm = url.Values{"b": {"2"}}
	if Parse(r) || r.Form != nil || r.PostForm.Get("b") != "2" {
		t.Errorf("Parse(parsed request) = true or changed it: %v %v", r.PostForm, r.Form)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("a=1&b=%41", "q=1", uint8(0))
	f.Add("tollgate_behavior=%7B%22v%22%3A2%7D&a=b;c", "", uint8(1))
	f.Add("%zz=1&=&&a+b=c%2", "a=%zz", uint8(2))
	types := []string{urlEncoded, urlEncoded + "; charset=UTF-8", "multipart/form-data; boundary=z", "", "text/plain"}
	f.Fuzz(func(t *testing.T, body, query string, ct uint8) {
		agree(t, "POST", "/x?"+query, types[int(ct)%len(types)], []byte(body), nil)
	})
}

// BenchmarkParse parses a login post (about 4 KB, most of it the
// telemetry) with Parse and with net/http.
func BenchmarkParse(b *testing.B) {
	doc := `{"v":2,"step":0.1,"wd":false,"ld":350,"s":[11692.4,1.2,0,"c",31,420,336,1,85],"f":[{"n":"user","l0":0,"l":23,"e":"` +
		strings.Repeat("d4500,12,0,l;i14,1,256,insertText,1;u434,12,0,l,1;", 45) + `b3,12,0,23"}]}`
	body := url.Values{"tollgate_behavior": {doc}, "email": {"alice.smith@example.com"}, "password": {"Correct-Horse7!"}}.Encode()
	for _, bc := range []struct {
		name  string
		parse func(*http.Request)
	}{
		{"form", func(r *http.Request) { Parse(r) }},
		{"nethttp", func(r *http.Request) { _ = r.ParseMultipartForm(32 << 20) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			rd := strings.NewReader(body)
			r := request("POST", "/login", urlEncoded, rd)
			r.ContentLength = int64(len(body)) // as a server's request has it
			for b.Loop() {
				rd.Reset(body)
				r.Body, r.PostForm, r.Form = io.NopCloser(rd), nil, nil
				bc.parse(r)
			}
			if len(r.PostForm.Get("tollgate_behavior")) != len(doc) {
				b.Fatal("telemetry not parsed")
			}
		})
	}
}
