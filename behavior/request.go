package behavior

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/tollgate/tollgate/internal/form"
)

// maxFormMemory is what ReadRequest lets ParseMultipartForm keep in memory.
const maxFormMemory = 1 << 20

// ReadRequest parses the request's form body (url-encoded or multipart)
// and decodes the telemetry posted in the field name (DefaultField when
// name is ""). It returns ErrNoTelemetry when the field is absent or empty,
// a *DecodeError when it does not decode, and a wrapped error when the form
// itself cannot be read. The parsed form stays in r.PostForm for the
// handler. Only the body is read: a telemetry in the URL query is ignored.
func ReadRequest(r *http.Request, name string, lim Limits) (*Telemetry, error) {
	if name == "" {
		name = DefaultField
	}
	if err := parseForm(r); err != nil {
		return nil, err
	}
	v := r.PostForm.Get(name)
	if v == "" {
		return nil, ErrNoTelemetry
	}
	return lim.Decode([]byte(v))
}

// parseForm parses r's form as r.ParseMultipartForm does, dropping
// ErrNotMultipart. A url-encoded post (a login form) is parsed by
// internal/form, to the same r.PostForm and r.Form in 40% of the
// instructions (BenchmarkParse): most of the body is the telemetry,
// percent-encoded.
func parseForm(r *http.Request) error {
	if form.Parse(r) {
		return nil
	}
	err := r.ParseMultipartForm(maxFormMemory)
	if err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return fmt.Errorf("behavior: reading form: %w", err)
	}
	return nil
}

// FilledFrom returns, for every field named in t (which may be nil) and in
// names that is present in form, the length of its value in UTF-16 code
// units: the Submission.Filled the scorer compares the telemetry with.
func FilledFrom(form url.Values, t *Telemetry, names ...string) map[string]int {
	m := make(map[string]int, len(names)+4)
	add := func(name string) {
		if vs, ok := form[name]; ok && len(vs) > 0 {
			m[name] = Length(vs[0])
		}
	}
	if t != nil {
		for i := range t.Fields {
			add(t.Fields[i].Name)
		}
	}
	for _, n := range names {
		add(n)
	}
	return m
}

// ScoreRequest reads the telemetry from the request's form (the field set
// with WithField), and scores it against the posted values of the fields it
// names and of WithExpectedFields, with elapsed as the server's own time
// from serving the form (0 if unknown). A missing telemetry scores as
// ReasonNoTelemetry and one that does not decode as ReasonMalformed; the
// error is non-nil only when the form body itself cannot be read, and then
// the Result is the zero Result. The telemetry is decoded into memory the
// Scorer recycles between requests (see Limits.DecodeTo), so a busy server
// does not allocate a new one per post.
func (s *Scorer) ScoreRequest(r *http.Request, elapsed time.Duration) (Result, error) {
	if err := parseForm(r); err != nil {
		return Result{}, err
	}
	v := r.PostForm.Get(s.cfg.field)
	if v == "" {
		return s.Score(nil, Submission{Filled: FilledFrom(r.PostForm, nil, s.cfg.formFields...), Elapsed: elapsed}), nil
	}
	if err := s.cfg.limits.withDefaults().checkSize(len(v)); err != nil {
		return s.scoreMalformed(err), nil // before copying it
	}
	// The telemetry and the copy of the posted text are recycled: nothing
	// of them outlives this call (the Result holds its own strings).
	buf, _ := s.decodeBufs.Get().(*decodeBuf)
	if buf == nil {
		buf = new(decodeBuf)
	}
	defer s.decodeBufs.Put(buf)
	buf.doc = append(buf.doc[:0], v...)
	if err := s.cfg.limits.DecodeTo(&buf.t, buf.doc); err != nil {
		return s.scoreMalformed(err), nil
	}
	return s.Score(&buf.t, Submission{Filled: FilledFrom(r.PostForm, &buf.t, s.cfg.formFields...), Elapsed: elapsed}), nil
}

// decodeBuf is the memory ScoreRequest reuses between requests.
type decodeBuf struct {
	doc []byte
	t   Telemetry
}
