package behavior_test

import (
	"bytes"
	"errors"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/behavior/internal/synth"
)

func formPost(t *testing.T, v url.Values) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(v.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func multipartPost(t *testing.T, v url.Values) *http.Request {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vs := range v {
		for _, x := range vs {
			if err := w.WriteField(k, x); err != nil {
				t.Fatal(err)
			}
		}
	}
	w.Close()
	r := httptest.NewRequest(http.MethodPost, "/login", &body)
	r.Header.Set("Content-Type", w.FormDataContentType())
	return r
}

func TestReadRequest(t *testing.T) {
	tests := []struct {
		name string
		req  func(t *testing.T) *http.Request
		want error
	}{
		{"urlencoded", func(t *testing.T) *http.Request {
			return formPost(t, url.Values{behavior.DefaultField: {validDoc}, "user": {"a"}})
		}, nil},
		{"multipart", func(t *testing.T) *http.Request {
			return multipartPost(t, url.Values{behavior.DefaultField: {validDoc}, "user": {"a"}})
		}, nil},
		{"absent", func(t *testing.T) *http.Request { return formPost(t, url.Values{"user": {"a"}}) }, behavior.ErrNoTelemetry},
		{"empty", func(t *testing.T) *http.Request { return formPost(t, url.Values{behavior.DefaultField: {""}}) }, behavior.ErrNoTelemetry},
		{"query only", func(t *testing.T) *http.Request {
			r := formPost(t, url.Values{"user": {"a"}})
			r.URL.RawQuery = url.Values{behavior.DefaultField: {validDoc}}.Encode()
			return r
		}, behavior.ErrNoTelemetry},
		{"malformed", func(t *testing.T) *http.Request { return formPost(t, url.Values{behavior.DefaultField: {"{"}}) }, behavior.ErrMalformed},
		{"too large", func(t *testing.T) *http.Request {
			return formPost(t, url.Values{behavior.DefaultField: {strings.Repeat(" ", behavior.DefaultMaxBytes+1)}})
		}, behavior.ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.req(t)
			tel, err := behavior.ReadRequest(r, "", behavior.Limits{})
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("ReadRequest = %v, want %v", err, tc.want)
			}
			if tc.want == nil && (tel == nil || tel.Fields[0].Name != "user") {
				t.Errorf("ReadRequest telemetry = %+v", tel)
			}
			if tc.want != nil && tel != nil {
				t.Errorf("ReadRequest returned telemetry with error %v", err)
			}
		})
	}
	// A broken body or query is a bad request, not telemetry trouble.
	for _, target := range []string{"/", "/?%zz"} {
		r := httptest.NewRequest(http.MethodPost, target, strings.NewReader("x"))
		r.Header.Set("Content-Type", "multipart/form-data; boundary=zz")
		if _, err := behavior.ReadRequest(r, "", behavior.Limits{}); !errors.Is(err, behavior.ErrBadRequest) {
			t.Errorf("ReadRequest(POST %s, broken multipart) = %v, want ErrBadRequest", target, err)
		}
	}
}

func TestFilledFrom(t *testing.T) {
	tel, _ := behavior.Decode([]byte(validDoc))
	form := url.Values{"user": {"zoë😀"}, "csrf": {"tok"}, "captcha": {"abcd"}}
	got := behavior.FilledFrom(form, tel, "captcha", "missing")
	want := map[string]int{"user": 5, "captcha": 4}
	if len(got) != len(want) || got["user"] != 5 || got["captcha"] != 4 {
		t.Errorf("FilledFrom = %v, want %v", got, want)
	}
	if got := behavior.FilledFrom(form, nil); len(got) != 0 {
		t.Errorf("FilledFrom(nil telemetry) = %v, want empty", got)
	}
}

func TestScoreRequest(t *testing.T) {
	human, _ := scenario(t, "human_login")
	doc, _ := human.MarshalJSON()
	s := behavior.NewScorer(behavior.WithField("tg"), behavior.WithExpectedFields("otp"))
	tests := []struct {
		name    string
		form    url.Values
		verdict behavior.Verdict
		reason  string
	}{
		{"human", url.Values{"tg": {string(doc)}, "user": {strings.Repeat("u", 23)}, "pass": {strings.Repeat("p", 15)}}, behavior.VerdictHuman, ""},
		{"other lengths", url.Values{"tg": {string(doc)}, "user": {"u"}, "pass": {strings.Repeat("p", 15)}}, behavior.VerdictHuman, behavior.ReasonLengthMismatch},
		{"expected field typed without telemetry", url.Values{"tg": {string(doc)}, "user": {strings.Repeat("u", 23)}, "pass": {strings.Repeat("p", 15)}, "otp": {"123456"}}, behavior.VerdictBot, behavior.ReasonNoEvents},
		{"missing", url.Values{"user": {"u"}}, behavior.VerdictBot, behavior.ReasonNoTelemetry},
		{"default field name ignored", url.Values{behavior.DefaultField: {string(doc)}}, behavior.VerdictBot, behavior.ReasonNoTelemetry},
		{"malformed", url.Values{"tg": {`{"v":1`}}, behavior.VerdictBot, behavior.ReasonMalformed},
		{"future version", url.Values{"tg": {`{"v":9}`}}, behavior.VerdictBot, behavior.ReasonMalformed},
		{"too large", url.Values{"tg": {string(doc) + strings.Repeat(" ", behavior.DefaultMaxBytes)}}, behavior.VerdictBot, behavior.ReasonMalformed},
	}
	// Twice over: the second round decodes into recycled memory.
	tests = append(tests, tests...)
	for _, tc := range tests {
		res, err := s.ScoreRequest(formPost(t, tc.form), 0)
		if err != nil {
			t.Fatalf("%s: ScoreRequest = %v", tc.name, err)
		}
		if res.Verdict != tc.verdict || (tc.reason != "" && !res.Has(tc.reason)) {
			t.Errorf("%s: ScoreRequest = %v %+v, want %v with %q", tc.name, res.Verdict, res.Reasons, tc.verdict, tc.reason)
		}
	}
	// The server's elapsed time is passed on.
	res, _ := s.ScoreRequest(formPost(t, url.Values{"tg": {string(doc)}}), 200*time.Millisecond)
	if !res.Has(behavior.ReasonClockMismatch) {
		t.Errorf("ScoreRequest(elapsed 200ms) reasons %+v lack clock_mismatch", res.Reasons)
	}
}

// TestScoreRequestConcurrent scores different documents from many
// goroutines at once through one Scorer (whose decode memory is recycled):
// each must get the result of decoding and scoring its own document.
func TestScoreRequestConcurrent(t *testing.T) {
	s := behavior.NewScorer()
	type job struct {
		form url.Values
		want behavior.Result
	}
	var jobs []job
	for _, sc := range synth.Scenarios()[:12] {
		tel, _ := sc.Build()
		if tel == nil {
			continue
		}
		doc, err := tel.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		form := url.Values{behavior.DefaultField: {string(doc)}}
		for i := range tel.Fields {
			form.Set(tel.Fields[i].Name, strings.Repeat("x", tel.Fields[i].FinalLen))
		}
		decoded, err := behavior.Decode(doc)
		if err != nil {
			t.Fatalf("%s: Decode = %v", sc.Name, err)
		}
		want := s.Score(decoded, behavior.Submission{Filled: behavior.FilledFrom(form, decoded)})
		jobs = append(jobs, job{form, want})
	}
	if len(jobs) < 10 {
		t.Fatalf("%d scenario documents, want at least 10", len(jobs))
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				j := jobs[(g+i)%len(jobs)]
				got, err := s.ScoreRequest(formPost(t, j.form), 0)
				if err != nil {
					t.Errorf("ScoreRequest = %v", err)
					return
				}
				if !reflect.DeepEqual(got, j.want) {
					t.Errorf("ScoreRequest = %+v, want %+v", got, j.want)
					return
				}
			}
		})
	}
	wg.Wait()
}
