// Package intake reads the form of a protected request once, strictly:
// the body limited to a size, the URL query and the body parsed into
// r.Form and r.PostForm, and any input that cannot be parsed reported as
// an error that the caller answers with 400 (or 413, 415) before any check
// runs. Client input that cannot be parsed is never a reason to fail open.
package intake

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
)

// ErrBadRequest is wrapped by every error of ParseForm.
var ErrBadRequest = errors.New("tollgate: bad request")

// Error is an error of ParseForm: what was wrong, and the HTTP status that
// answers it. It matches ErrBadRequest with errors.Is.
type Error struct {
	// Status is 400 (malformed), 413 (body too large) or 415 (not a form).
	Status int
	// Msg says what was wrong, for the client.
	Msg string
}

// Error implements error.
func (e *Error) Error() string { return "tollgate: bad request: " + e.Msg }

// Is reports whether target is ErrBadRequest.
func (e *Error) Is(target error) bool { return target == ErrBadRequest }

// Status returns the HTTP status of an error of ParseForm, and 400 for any
// other error.
func Status(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return http.StatusBadRequest
}

const (
	urlEncoded = "application/x-www-form-urlencoded"
	formData   = "multipart/form-data"
)

// ParseForm limits r's body to limit bytes, parses the URL query and the
// url-encoded or multipart body into r.Form and r.PostForm (as net/http
// would, but the body's values first in r.Form for both), and reports an *Error for a
// malformed query, a malformed body, a body over limit (413), or a body of
// another media type (415). A request whose form is already parsed is left
// alone but for its query, which is checked again: whatever parsed it
// first did so leniently, so run ParseForm before anything else reads the
// form. On error r.Form and r.PostForm are left unset.
//
// ParseForm is safe for concurrent use on different requests.
func ParseForm(w http.ResponseWriter, r *http.Request, limit int64) error {
	query := url.Values{}
	if r.URL != nil {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return &Error{http.StatusBadRequest, "malformed URL query"}
		}
		query = q
	}
	if r.PostForm != nil && r.Form != nil {
		// Parsed before, leniently, by whatever ran first (net/http drops
		// malformed pairs): its body cannot be checked again.
		return nil
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil && mt == "" {
		return &Error{http.StatusUnsupportedMediaType, "the body must be a form (" + urlEncoded + " or " + formData + ")"}
	}
	var post url.Values
	switch mt {
	case urlEncoded:
		b, err := readAll(r.Body, r.ContentLength, limit)
		if err != nil {
			return err
		}
		if post, err = parseQuery(b); err != nil {
			return &Error{http.StatusBadRequest, err.Error()}
		}
	case formData:
		if params["boundary"] == "" {
			return &Error{http.StatusBadRequest, "multipart body without a boundary"}
		}
		if r.Body == nil {
			return &Error{http.StatusBadRequest, "no body"}
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		// The query is parsed again by net/http here; it was checked above.
		if err := r.ParseMultipartForm(limit); err != nil {
			r.Form, r.PostForm, r.MultipartForm = nil, nil, nil
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return &Error{http.StatusRequestEntityTooLarge, fmt.Sprintf("body larger than %d bytes", limit)}
			}
			return &Error{http.StatusBadRequest, "malformed multipart body"}
		}
		// net/http puts a multipart body's values after the query's in
		// r.Form; the body comes first here, as for a url-encoded body.
		post = r.PostForm
	default:
		return &Error{http.StatusUnsupportedMediaType, "the body must be a form (" + urlEncoded + " or " + formData + ")"}
	}
	r.PostForm = post
	if len(post) == 0 {
		r.Form = query
		return nil
	}
	all := make(url.Values, len(post)+len(query))
	for _, m := range [...]url.Values{post, query} {
		for k, vs := range m {
			all[k] = append(all[k], vs...)
		}
	}
	r.Form = all
	return nil
}

// readAll reads all of body, at most limit bytes, starting with room for the
// declared length (up to 64 KiB: the declaration is the client's word).
func readAll(body io.Reader, length, limit int64) ([]byte, error) {
	if body == nil || body == http.NoBody {
		return nil, nil
	}
	tooLarge := &Error{http.StatusRequestEntityTooLarge, fmt.Sprintf("body larger than %d bytes", limit)}
	if length > limit {
		return nil, tooLarge
	}
	var buf bytes.Buffer
	buf.Grow(int(min(max(length, 0), 64<<10, limit)) + bytes.MinRead)
	n, err := buf.ReadFrom(io.LimitReader(body, limit+1))
	if err != nil {
		return nil, &Error{http.StatusBadRequest, "the body could not be read"}
	}
	if n > limit {
		return nil, tooLarge
	}
	return buf.Bytes(), nil
}
