package captcha

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/tollgate/tollgate/internal/intake"
)

// Handler returns the HTTP API of the Service, rooted at its path prefix
// (WithPathPrefix, default "/tollgate"):
//
//	POST {prefix}/challenge              create: body {"kind":"image","lang":"ko"} (both optional)
//	POST {prefix}/challenge/{id}/refresh new challenge on the same screen: body as for create
//	POST {prefix}/challenge/{id}/verify  body {"answer":"...","action":"/login"}; success returns a token
//	GET  {prefix}/media/{id}             the image or audio; ?scale=2 for high-DPI images
//	GET  {prefix}/static/widget.js       the browser widget (and widget.css)
//
// Request bodies are JSON objects, decoded strictly (unknown fields and
// trailing data are errors) and limited in size (WithMaxBodyBytes). A
// missing "lang" is taken from Accept-Language. The token of a verify is
// bound to its "action" (see Service.Token; optional, "" by default): the
// protected form that will receive it, which checks it for its own action
// (see Require). Every response carries Cache-Control: no-store. Errors are
// JSON {"ok":false,"error":"captcha: ...","code":"...","newChallenge":bool}
// with these codes and statuses:
//
//	bad_request 400 (413 for a body over the limit), invalid_id 400,
//	unknown_kind 400, not_found 404, expired 410, wrong_answer 403,
//	too_many_attempts 403, refresh_limit 403, store 503, internal 500.
//
// A decoy answer gets exactly the answer of a wrong one. A refresh from an
// image to "audio" uses none of the screen's refreshes (see Refresh).
//
// Mount it with mux.Handle(prefix+"/", svc.Handler()).
func (s *Service) Handler() http.Handler {
	mux := http.NewServeMux()
	p := strings.TrimSuffix(s.cfg.pathPrefix, "/")
	mux.HandleFunc("POST "+p+"/challenge", s.serveCreate)
	mux.HandleFunc("POST "+p+"/challenge/{id}/refresh", s.serveRefresh)
	mux.HandleFunc("POST "+p+"/challenge/{id}/verify", s.serveVerify)
	mux.HandleFunc("GET "+p+"/media/{id}", s.serveMedia)
	mux.Handle("GET "+p+"/static/", s.serveStatic(p))
	return mux
}

// ChallengeJSON is the JSON a client receives for a new challenge.
type ChallengeJSON struct {
	OK bool `json:"ok"`
	*Issued
	// MediaURL is the path of the media; MediaURL2x of the 2× variant for
	// high-DPI screens and zoom (images only).
	MediaURL   string `json:"mediaUrl"`
	MediaURL2x string `json:"mediaUrl2x,omitempty"`
}

// createRequest is the body of create and refresh.
type createRequest struct {
	Kind Kind   `json:"kind"`
	Lang string `json:"lang"`
}

// verifyRequest is the body of verify.
type verifyRequest struct {
	Answer string `json:"answer"`
	Action string `json:"action"`
}

// VerifyJSON is the JSON answer to a successful verify.
type VerifyJSON struct {
	OK    bool   `json:"ok"`
	Token string `json:"token"`
}

// ErrorJSON is the JSON of every error answer.
type ErrorJSON struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
	Code  string `json:"code"`
	// AttemptsLeft is set for wrong answers.
	AttemptsLeft int `json:"attemptsLeft,omitempty"`
	// NewChallenge tells the client to get a new challenge (the current one
	// is gone); Restart tells it to start a new screen.
	NewChallenge bool `json:"newChallenge"`
	Restart      bool `json:"restart,omitempty"`
}

// DecodeJSON decodes exactly one JSON object from r into v: unknown fields,
// trailing data and bodies over limit bytes are errors matching
// ErrBadRequest. An empty body leaves v unchanged. It is exported for
// fuzzing and for hosts that wrap the API.
func DecodeJSON(r io.Reader, limit int64, v any) error {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return badRequest(http.StatusBadRequest, "the body could not be read")
	}
	if int64(len(data)) > limit {
		return badRequest(http.StatusRequestEntityTooLarge, "body larger than %d bytes", limit)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest(http.StatusBadRequest, "%v", err)
	}
	if dec.More() {
		return badRequest(http.StatusBadRequest, "trailing data after the JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest(http.StatusBadRequest, "trailing data after the JSON object")
	}
	return nil
}

func (s *Service) readCreate(r *http.Request) (createRequest, error) {
	var req createRequest
	if err := DecodeJSON(r.Body, s.cfg.maxBody, &req); err != nil {
		return req, err
	}
	if len(req.Kind) > 32 || len(req.Lang) > 35 {
		return req, badRequest(http.StatusBadRequest, "kind or lang too long")
	}
	if req.Lang == "" {
		req.Lang = AcceptLanguage(r.Header.Get("Accept-Language"))
	}
	return req, nil
}

func (s *Service) serveCreate(w http.ResponseWriter, r *http.Request) {
	req, err := s.readCreate(r)
	if err != nil {
		writeError(w, err)
		return
	}
	iss, err := s.Create(r.Context(), req.Kind, req.Lang)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.challengeJSON(iss))
}

func (s *Service) serveRefresh(w http.ResponseWriter, r *http.Request) {
	req, err := s.readCreate(r)
	if err != nil {
		writeError(w, err)
		return
	}
	iss, err := s.Refresh(r.Context(), r.PathValue("id"), req.Kind, req.Lang)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.challengeJSON(iss))
}

func (s *Service) challengeJSON(iss *Issued) ChallengeJSON {
	p := strings.TrimSuffix(s.cfg.pathPrefix, "/")
	cj := ChallengeJSON{OK: true, Issued: iss, MediaURL: p + "/media/" + iss.ID}
	if strings.HasPrefix(iss.MediaType, "image/") {
		cj.MediaURL2x = cj.MediaURL + "?scale=2"
	}
	return cj
}

func (s *Service) serveVerify(w http.ResponseWriter, r *http.Request) {
	var req verifyRequest
	if err := DecodeJSON(r.Body, s.cfg.maxBody, &req); err != nil {
		writeError(w, err)
		return
	}
	// Before Verify: a request refused for its action spends nothing.
	if !validAction(req.Action) {
		writeError(w, badRequest(http.StatusBadRequest, "the action must be at most %d bytes of A-Z a-z 0-9 _ . / : -", maxActionLen))
		return
	}
	res, err := s.Verify(r.Context(), r.PathValue("id"), req.Answer)
	if err != nil {
		writeError(w, err)
		return
	}
	tok, err := s.Token(r.Context(), res, req.Action)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, VerifyJSON{OK: true, Token: tok})
}

func (s *Service) serveMedia(w http.ResponseWriter, r *http.Request) {
	scale := 1
	if v := r.URL.Query().Get("scale"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || (n != 1 && n != 2) {
			writeError(w, badRequest(http.StatusBadRequest, "scale must be 1 or 2"))
			return
		}
		scale = n
	}
	data, mt, err := s.Media(r.Context(), r.PathValue("id"), scale)
	if err != nil {
		writeError(w, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", mt)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}

// ErrorResponse maps an error of this package to its HTTP status and JSON
// body, as Handler and the default error handler of Require answer it. A
// decoy answer gets exactly the response of a wrong answer, so that
// software learns nothing from it; only events tell them apart.
func ErrorResponse(err error) (int, ErrorJSON) {
	e := ErrorJSON{Error: err.Error()}
	var wrong *WrongAnswerError
	switch {
	case errors.As(err, &wrong):
		plain := WrongAnswerError{AttemptsLeft: wrong.AttemptsLeft}
		e.Code, e.Error, e.AttemptsLeft = "wrong_answer", plain.Error(), wrong.AttemptsLeft
		return http.StatusForbidden, e
	case errors.Is(err, ErrWrongAnswer), errors.Is(err, ErrDecoyAnswer):
		e.Code, e.Error = "wrong_answer", ErrWrongAnswer.Error()
		return http.StatusForbidden, e
	case errors.Is(err, ErrBadRequest):
		e.Code = "bad_request"
		return intake.Status(err), e
	case errors.Is(err, ErrInvalidID):
		e.Code, e.NewChallenge = "invalid_id", true
		return http.StatusBadRequest, e
	case errors.Is(err, ErrUnknownKind):
		e.Code = "unknown_kind"
		return http.StatusBadRequest, e
	case errors.Is(err, ErrNotFound):
		e.Code, e.NewChallenge = "not_found", true
		return http.StatusNotFound, e
	case errors.Is(err, ErrExpired):
		e.Code, e.NewChallenge = "expired", true
		return http.StatusGone, e
	case errors.Is(err, ErrTooManyAttempts):
		e.Code, e.NewChallenge = "too_many_attempts", true
		return http.StatusForbidden, e
	case errors.Is(err, ErrRefreshLimit):
		e.Code, e.Restart = "refresh_limit", true
		return http.StatusForbidden, e
	case errors.Is(err, ErrInvalidToken):
		e.Code, e.NewChallenge = "invalid_token", true
		return http.StatusForbidden, e
	case errors.Is(err, ErrTokenExpired):
		e.Code, e.NewChallenge = "token_expired", true
		return http.StatusForbidden, e
	case errors.Is(err, ErrMissingAnswer):
		e.Code, e.NewChallenge = "missing_answer", true
		return http.StatusForbidden, e
	case errors.Is(err, ErrStore):
		// Do not leak infrastructure details to clients.
		e.Code, e.Error = "store", ErrStore.Error()
		return http.StatusServiceUnavailable, e
	}
	e.Code, e.Error = "internal", "captcha: internal error"
	return http.StatusInternalServerError, e
}

func writeError(w http.ResponseWriter, err error) {
	status, body := ErrorResponse(err)
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// AcceptLanguage returns the primary subtag of the first language of an
// Accept-Language header with a non-zero weight ("ko-KR,ko;q=0.9" → "ko"),
// or "" when there is none.
func AcceptLanguage(header string) string {
	best, bestQ := "", -1.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				continue
			}
			q = f
		}
		tag = strings.TrimSpace(tag)
		if tag == "" || tag == "*" || q <= 0 || q <= bestQ {
			continue
		}
		primary, _, _ := strings.Cut(tag, "-")
		best, bestQ = strings.ToLower(primary), q
	}
	return best
}
