package intake

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// agreeQuery fails unless parseQuery(b) and url.ParseQuery agree: the same
// values when net/url reports no error, an error exactly when it does.
func agreeQuery(t *testing.T, b []byte) {
	t.Helper()
	want, werr := url.ParseQuery(string(b))
	got, gerr := parseQuery(append([]byte(nil), b...))
	if (gerr != nil) != (werr != nil) {
		t.Fatalf("parseQuery(%.200q) error = %v, url.ParseQuery error = %v", b, gerr, werr)
	}
	if werr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("parseQuery(%.200q) =\n%v\nurl.ParseQuery:\n%v", b, got, want)
	}
}

func TestParseQueryAgreesWithNetURL(t *testing.T) {
	for _, body := range []string{
		"", "a=1", "a=1&b=2&a=3", "a", "a=", "=1", "&&a=1&&", "a=1;b=2", "a=1&b=2;c=3&d=4",
		"a=%41%42%43", "a=%4", "a=%zz&b=2", "%41=1", "%zz=1&b=2", "a=x+y+%2B", "a=%e2%82%ac", "a=%E2%82%AC",
		"a=%", "a=%%41", "a=1%", "a=1%2", "k%3Dv=1", "a=%00", "a=\xff\xfe", "a=b=c", "a+b=c+d",
		"tollgate_behavior=" + url.QueryEscape(`{"v":2,"f":[{"n":"user","e":"f1,2,0;d3,4,0,l"}]}`) + "&email=a%40b.c&password=x",
		strings.Repeat("a=1&", 100),
	} {
		agreeQuery(t, []byte(body))
	}
}

func TestParseQueryRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const alphabet = "ab=&;%+0fF9gG \x80"
	for range 20000 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		agreeQuery(t, b)
	}
}

// TestParseQueryParamLimit checks net/url's limit on the number of pairs,
// which a program may lower with GODEBUG=urlmaxqueryparams, is kept.
func TestParseQueryParamLimit(t *testing.T) {
	t.Setenv("GODEBUG", "urlmaxqueryparams=3")
	for _, body := range []string{"a=1&b=2", "a=1&b=2&c=3", strings.Repeat("a=1&", 100)} {
		agreeQuery(t, []byte(body))
	}
	t.Setenv("GODEBUG", "")
	agreeQuery(t, []byte(strings.Repeat("a=1&", 10000)))
	agreeQuery(t, []byte(strings.Repeat("a=1&", 9999)))
}

func post(target, contentType string, body io.Reader) *http.Request {
	r := httptest.NewRequest("POST", target, body)
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	return r
}

func multipartBody(t *testing.T, fields map[string]string) (string, *bytes.Buffer) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), &b
}

func TestParseForm(t *testing.T) {
	mpType, mpBody := multipartBody(t, map[string]string{"a": "1", "tollgate_answer": "x"})
	mp := mpBody.String()
	bigType, bigBody := multipartBody(t, map[string]string{"a": strings.Repeat("x", 400)})
	for _, tc := range []struct {
		name, target, ct, body string
		status                 int // 0: parsed
		a                      string
	}{
		{"urlencoded", "/login?q=1", urlEncoded, "a=1&b=2", 0, "1"},
		{"urlencoded charset", "/login", urlEncoded + "; charset=UTF-8", "a=%41", 0, "A"},
		{"empty body", "/login", urlEncoded, "", 0, ""},
		{"multipart", "/login?q=1", mpType, mp, 0, "1"},
		// The attack of issue 14: a bad escape in the query with a
		// multipart body used to be reported after the body was parsed.
		{"bad query, multipart", "/login?%zz", mpType, mp, 400, ""},
		{"bad query, urlencoded", "/login?a=%zz", urlEncoded, "a=1", 400, ""},
		{"semicolon in query", "/login?a=1;b=2", urlEncoded, "a=1", 400, ""},
		{"bad escape in body", "/login", urlEncoded, "a=1&b=%zz", 400, ""},
		{"semicolon in body", "/login", urlEncoded, "a=1;b=2", 400, ""},
		{"too large", "/login", urlEncoded, "a=" + strings.Repeat("x", 100), 413, ""},
		{"multipart too large", "/login", bigType, bigBody.String(), 413, ""},
		{"multipart no boundary", "/login", "multipart/form-data", mp, 400, ""},
		{"multipart malformed", "/login", mpType, "garbage", 400, ""},
		{"json", "/login", "application/json", `{"a":"1"}`, 415, ""},
		{"no content type", "/login", "", "a=1", 415, ""},
		{"bad content type", "/login", "a/b/c;;", "a=1", 415, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			limit := int64(64)
			if strings.HasPrefix(tc.ct, "multipart") {
				limit = int64(len(mp) + 100)
			}
			r := post(tc.target, tc.ct, strings.NewReader(tc.body))
			err := ParseForm(httptest.NewRecorder(), r, limit)
			if tc.status == 0 {
				if err != nil {
					t.Fatalf("ParseForm(%s) = %v, want nil", tc.name, err)
				}
				if got := r.PostForm.Get("a"); got != tc.a {
					t.Errorf("ParseForm(%s): PostForm a = %q, want %q", tc.name, got, tc.a)
				}
				if strings.Contains(tc.target, "q=1") && r.Form.Get("q") != "1" {
					t.Errorf("ParseForm(%s): Form q = %q, want 1", tc.name, r.Form.Get("q"))
				}
				return
			}
			if !errors.Is(err, ErrBadRequest) || Status(err) != tc.status {
				t.Fatalf("ParseForm(%s) = %v (status %d), want ErrBadRequest with %d", tc.name, err, Status(err), tc.status)
			}
			if r.PostForm != nil || r.Form != nil {
				t.Errorf("ParseForm(%s) failed but left a form: %v %v", tc.name, r.PostForm, r.Form)
			}
		})
	}
}

func TestParseFormUnreadableBody(t *testing.T) {
	r := post("/", urlEncoded, iotest.ErrReader(errors.New("broken")))
	if err := ParseForm(httptest.NewRecorder(), r, 1<<10); Status(err) != 400 {
		t.Errorf("ParseForm(unreadable body) = %v, want a 400 error", err)
	}
}

func TestParseFormParsedOnce(t *testing.T) {
	r := post("/", urlEncoded, strings.NewReader("a=1"))
	if err := ParseForm(httptest.NewRecorder(), r, 1<<10); err != nil {
		t.Fatal(err)
	}
	r.PostForm.Set("a", "kept")
	if err := ParseForm(httptest.NewRecorder(), r, 1<<10); err != nil || r.PostForm.Get("a") != "kept" {
		t.Errorf("ParseForm(parsed request) = %v, a = %q; want nil, kept", err, r.PostForm.Get("a"))
	}
}

func TestDeclaredLengthOverLimit(t *testing.T) {
	r := post("/", urlEncoded, strings.NewReader("a=1"))
	r.ContentLength = 1 << 30
	if err := ParseForm(httptest.NewRecorder(), r, 1<<10); Status(err) != 413 {
		t.Errorf("ParseForm(Content-Length 1 GiB) = %v, want 413", err)
	}
}

// FuzzParseForm posts arbitrary bodies and queries: ParseForm either
// parses exactly what net/url would, or reports an error and leaves no
// form; never a panic.
func FuzzParseForm(f *testing.F) {
	f.Add("a=1&b=%41", "q=1", uint8(0))
	f.Add("tollgate_behavior=%7B%22v%22%3A2%7D&a=b;c", "", uint8(1))
	f.Add("%zz=1&=&&a+b=c%2", "a=%zz", uint8(2))
	f.Add("--z\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--z--\r\n", "%zz", uint8(2))
	types := []string{urlEncoded, urlEncoded + "; charset=UTF-8", "multipart/form-data; boundary=z", "", "text/plain"}
	f.Fuzz(func(t *testing.T, body, query string, ct uint8) {
		if strings.ContainsAny(query, "# \r\n\x00") {
			return
		}
		r := post("/x", types[int(ct)%len(types)], strings.NewReader(body))
		r.URL.RawQuery = query
		err := ParseForm(httptest.NewRecorder(), r, 4<<10)
		if err != nil {
			if !errors.Is(err, ErrBadRequest) || r.Form != nil || r.PostForm != nil {
				t.Fatalf("ParseForm(%q, %q) = %v, form %v %v", body, query, err, r.Form, r.PostForm)
			}
			return
		}
		if _, qerr := url.ParseQuery(query); qerr != nil {
			t.Fatalf("ParseForm accepted the malformed query %q", query)
		}
		if int(ct)%len(types) < 2 {
			want, werr := url.ParseQuery(body)
			if werr != nil || !reflect.DeepEqual(r.PostForm, want) && !(len(want) == 0 && len(r.PostForm) == 0) {
				t.Fatalf("ParseForm(%q).PostForm = %v, url.ParseQuery = %v, %v", body, r.PostForm, want, werr)
			}
		}
	})
}

// BenchmarkParseForm parses a login post (about 4 KB, most of it the
// telemetry) with ParseForm and with net/http.
func BenchmarkParseForm(b *testing.B) {
	doc := `{"v":2,"step":0.1,"wd":false,"ld":350,"s":[11692.4,1.2,0,"c",31,420,336,1,85],"f":[{"n":"user","l0":0,"l":23,"e":"` +
		strings.Repeat("d4500,12,0,l;i14,1,256,insertText,1;u434,12,0,l,1;", 45) + `b3,12,0,23"}]}`
	body := url.Values{"tollgate_behavior": {doc}, "email": {"alice.smith@example.com"}, "password": {"Correct-Horse7!"}}.Encode()
	w := httptest.NewRecorder()
	for _, bc := range []struct {
		name  string
		parse func(*http.Request)
	}{
		{"intake", func(r *http.Request) { _ = ParseForm(w, r, 256<<10) }},
		{"nethttp", func(r *http.Request) { _ = r.ParseMultipartForm(32 << 20) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			rd := strings.NewReader(body)
			r := post("/login", urlEncoded, rd)
			r.ContentLength = int64(len(body))
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

// TestBodyFirstInForm: r.FormValue reads the body's value before the
// query's for both form encodings, so a check that reads r.PostForm and a
// handler that reads r.FormValue see the same value.
func TestBodyFirstInForm(t *testing.T) {
	mpType, mpBody := multipartBody(t, map[string]string{"user": "body"})
	for _, r := range []*http.Request{
		post("/login?user=query", urlEncoded, strings.NewReader("user=body")),
		post("/login?user=query", mpType, mpBody),
	} {
		if err := ParseForm(httptest.NewRecorder(), r, 1<<10); err != nil {
			t.Fatal(err)
		}
		if got := r.Form["user"]; len(got) != 2 || got[0] != "body" || r.FormValue("user") != "body" {
			t.Errorf("ParseForm(%s).Form[user] = %q, want [body query]", r.Header.Get("Content-Type"), got)
		}
	}
}

// TestQueryCheckedWhenParsed: a form parsed before ParseForm (leniently,
// by net/http) still has its query checked.
func TestQueryCheckedWhenParsed(t *testing.T) {
	r := post("/login?a=%zz", urlEncoded, strings.NewReader("a=1"))
	_ = r.ParseForm()
	if err := ParseForm(httptest.NewRecorder(), r, 1<<10); Status(err) != 400 {
		t.Errorf("ParseForm(pre-parsed, bad query) = %v, want 400", err)
	}
}
