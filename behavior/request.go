package behavior

import (
	"net/http"
	"net/url"
	"time"

	"github.com/tollgate/tollgate/internal/intake"
)

// MaxFormBytes is the body limit of ReadRequest, ScoreRequest and Guard.
const MaxFormBytes = 1 << 20

// ReadRequest parses the request's form body (url-encoded or multipart,
// at most MaxFormBytes) and decodes the telemetry posted in the field name
// (DefaultField when name is ""). It returns ErrNoTelemetry when the field
// is absent or empty, a *DecodeError when it does not decode, and an error
// wrapping ErrBadRequest when the request's query or body cannot be parsed.
// The parsed form stays in r.PostForm for the handler. Only the body is
// read: a telemetry in the URL query is ignored.
func ReadRequest(r *http.Request, name string, lim Limits) (*Telemetry, error) {
	if name == "" {
		name = DefaultField
	}
	if err := intake.ParseForm(nil, r, MaxFormBytes); err != nil {
		return nil, err
	}
	v := r.PostForm.Get(name)
	if v == "" {
		return nil, ErrNoTelemetry
	}
	return lim.Decode([]byte(v))
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

// ScoreRequest parses the request's form (at most MaxFormBytes; the
// handler finds it in r.PostForm) and scores it with ScoreForm. The error
// is non-nil, wrapping ErrBadRequest, only when the query or body cannot
// be parsed; the Result is then the zero Result and the request must be
// refused, never passed on unscored.
func (s *Scorer) ScoreRequest(r *http.Request, elapsed time.Duration) (Result, error) {
	if err := intake.ParseForm(nil, r, MaxFormBytes); err != nil {
		return Result{}, err
	}
	return s.ScoreForm(r.PostForm, elapsed), nil
}

// ScoreForm scores the telemetry posted in form (the field set with
// WithField) against the posted values of the fields it names and of
// WithExpectedFields, with elapsed as the server's own time from serving
// the form (0 if unknown). A missing telemetry scores as ReasonNoTelemetry
// and one that does not decode as ReasonMalformed. The telemetry is
// decoded into memory the Scorer recycles between requests (see
// Limits.DecodeTo), so a busy server does not allocate a new one per post.
func (s *Scorer) ScoreForm(form url.Values, elapsed time.Duration) Result {
	v := form.Get(s.cfg.field)
	if v == "" {
		return s.Score(nil, Submission{Filled: FilledFrom(form, nil, s.cfg.formFields...), Elapsed: elapsed})
	}
	if err := s.cfg.limits.withDefaults().checkSize(len(v)); err != nil {
		return s.scoreMalformed(err) // before copying it
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
		return s.scoreMalformed(err)
	}
	return s.Score(&buf.t, Submission{Filled: FilledFrom(form, &buf.t, s.cfg.formFields...), Elapsed: elapsed})
}

// decodeBuf is the memory ScoreRequest reuses between requests.
type decodeBuf struct {
	doc []byte
	t   Telemetry
}
