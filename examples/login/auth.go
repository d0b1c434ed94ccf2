package main

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tollgate/tollgate"
	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/ratelimit"
)

// Demo accounts. Passwords are kept as PBKDF2 hashes, as a real product
// would keep them.
var demoAccounts = []struct{ email, name, password string }{
	{"demo@haneul.example", "Demo", "correct-horse-battery"},
	{"minji@haneul.example", "김민지", "hangang-river-2024"},
}

type user struct {
	email, name string
	salt, hash  []byte
}

type users struct {
	byEmail map[string]user
	dummy   user // compared against for unknown emails, so timing tells nothing
}

func hashPassword(pw string, salt []byte) []byte {
	h, _ := pbkdf2.Key(sha256.New, pw, salt, 60_000, 32)
	return h
}

func newUsers() *users {
	u := &users{byEmail: make(map[string]user)}
	mk := func(email, name, pw string) user {
		salt := make([]byte, 16)
		rand.Read(salt)
		return user{email: email, name: name, salt: salt, hash: hashPassword(pw, salt)}
	}
	for _, a := range demoAccounts {
		u.byEmail[a.email] = mk(a.email, a.name, a.password)
	}
	u.dummy = mk("", "", "not a password anyone has")
	return u
}

// check returns the user when email and password match.
func (u *users) check(email, pw string) (user, bool) {
	usr, ok := u.byEmail[strings.ToLower(strings.TrimSpace(email))]
	if !ok {
		usr = u.dummy
	}
	match := subtle.ConstantTimeCompare(hashPassword(pw, usr.salt), usr.hash) == 1
	return usr, ok && match
}

// session is a signed-in browser. A decoy session looks the same to its
// holder but opens nothing.
type session struct {
	email, name string
	created     time.Time
	decoy       bool
}

// sessions is a bounded in-memory session table. It is safe for concurrent
// use.
type sessions struct {
	mu       sync.Mutex
	max      int
	byID     map[string]session
	order    []string
	remember map[string]string // remember-me token → email
}

func newSessions(max int) *sessions {
	return &sessions{max: max, byID: make(map[string]session), remember: make(map[string]string)}
}

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (ss *sessions) create(s session) string {
	id := randomToken()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for len(ss.order) >= ss.max {
		delete(ss.byID, ss.order[0])
		ss.order = ss.order[1:]
	}
	ss.byID[id] = s
	ss.order = append(ss.order, id)
	return id
}

func (ss *sessions) get(id string) (session, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s, ok := ss.byID[id]
	return s, ok
}

func (ss *sessions) drop(id string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.byID, id)
}

func (ss *sessions) remember1(email string) string {
	tok := randomToken()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if len(ss.remember) >= ss.max {
		for k := range ss.remember { // drop any one: a demo, not a product
			delete(ss.remember, k)
			break
		}
	}
	ss.remember[tok] = email
	return tok
}

func (ss *sessions) remembered(tok string) (string, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	e, ok := ss.remember[tok]
	return e, ok
}

const (
	sessionCookie  = "hs_session"
	rememberCookie = "hs_remember"
)

func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteLaxMode, MaxAge: int(maxAge.Seconds()),
	})
}

// login serves the sign-in page and, behind Gate.Protect, checks the
// credentials of a post that passed every tollgate check.
func (s *server) login(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r)
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		if q := r.URL.Query().Get("lang"); q == "ko" || q == "en" {
			setCookie(w, r, "lang", q, 365*24*time.Hour)
		}
		s.renderLogin(w, r, http.StatusOK, loginData{Lang: lang})
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	usr, ok := s.users.check(email, r.PostFormValue("password"))
	if !ok {
		s.stats.login(email, "wrong_password", r)
		s.event(r, slog.LevelInfo, "login.failed", slog.String("account", email), slog.String("reason", "wrong_password"))
		s.renderLogin(w, r, http.StatusUnauthorized, loginData{Lang: lang, Email: email, Error: "wrongPassword"})
		return
	}
	id := s.sessions.create(session{email: usr.email, name: usr.name, created: time.Now()})
	setCookie(w, r, sessionCookie, id, 12*time.Hour)
	if r.PostFormValue("remember") != "" {
		setCookie(w, r, rememberCookie, s.sessions.remember1(usr.email), 30*24*time.Hour)
	}
	s.stats.login(email, "signed_in", r)
	s.event(r, slog.LevelInfo, "login.succeeded", slog.String("account", usr.email))
	http.Redirect(w, r, "/welcome", http.StatusSeeOther)
}

// fakeSuccess is the decoy for bots: after the Gate's delay it answers
// exactly like a successful sign-in, with a session that opens nothing.
func (s *server) fakeSuccess(w http.ResponseWriter, r *http.Request) {
	email := strings.TrimSpace(r.PostFormValue("email"))
	id := s.sessions.create(session{email: email, name: strings.SplitN(email, "@", 2)[0], created: time.Now(), decoy: true})
	setCookie(w, r, sessionCookie, id, 12*time.Hour)
	s.stats.login(email, "deceived", r)
	http.Redirect(w, r, "/welcome", http.StatusSeeOther)
}

// renderLogin renders the sign-in page with the widget in the route's
// mode and, for browsers without JavaScript, the Gate's noscript challenge.
func (s *server) renderLogin(w http.ResponseWriter, r *http.Request, status int, d loginData) {
	d.Mode = s.cfg.Mode
	if s.cfg.Mode != "never" {
		ns, err := s.gate.NoScript(r)
		if err != nil {
			s.event(r, slog.LevelWarn, "noscript.failed", slog.String("error", err.Error()))
		}
		d.NoScript = ns
	}
	s.pages.login(w, r, status, d)
}

// captchaFailed renders the form again when the CAPTCHA check of a post
// fails (no answer, a spent or expired token...).
func (s *server) captchaFailed(w http.ResponseWriter, r *http.Request, err error) {
	status, _ := captcha.ErrorResponse(err)
	if errors.Is(err, tollgate.ErrChallengeRequired) {
		status = http.StatusForbidden // a plain post (no JavaScript) that must solve the noscript challenge
	}
	if errors.Is(err, captcha.ErrStore) {
		s.stats.login(r.PostFormValue("email"), "unavailable", r)
		s.renderLogin(w, r, status, loginData{Lang: s.lang(r), Email: strings.TrimSpace(r.PostFormValue("email")), Error: "unavailable"})
		return
	}
	s.stats.login(r.PostFormValue("email"), "captcha_failed", r)
	s.renderLogin(w, r, status, loginData{Lang: s.lang(r), Email: strings.TrimSpace(r.PostFormValue("email")), CaptchaError: "captchaAgain"})
}

// rejected answers requests the limits turn away: the sign-in page with a
// message for the form, the library's default for everything else.
func (s *server) rejected(w http.ResponseWriter, r *http.Request, err error) {
	if r.URL.Path != "/login" {
		ratelimit.DefaultErrorHandler(w, r, err)
		return
	}
	retry, _ := ratelimit.RetryAfterOf(err)
	ratelimit.SetRetryAfter(w.Header(), retry)
	status, msg := http.StatusServiceUnavailable, "busy"
	var limited *ratelimit.LimitedError
	var rejected *ratelimit.RejectError
	switch {
	case errors.Is(err, ratelimit.ErrLimited):
		status, msg = http.StatusTooManyRequests, "tooMany"
	case !errors.As(err, &rejected) && !errors.As(err, &limited):
		msg = "unavailable" // a failing limiter store, not load: say so
	}
	s.stats.login(r.PostFormValue("email"), msg, r)
	secs := int((retry + time.Second - 1) / time.Second)
	s.renderLogin(w, r, status, loginData{Lang: s.lang(r), Email: strings.TrimSpace(r.PostFormValue("email")), Error: msg, RetryAfter: max(secs, 1)})
}

func (s *server) currentSession(r *http.Request) (string, session, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return "", session{}, false
	}
	ss, ok := s.sessions.get(c.Value)
	return c.Value, ss, ok
}

func (s *server) welcome(w http.ResponseWriter, r *http.Request) {
	_, ss, ok := s.currentSession(r)
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	s.pages.welcome(w, r, welcomeData{Lang: s.lang(r), Name: ss.name, Email: ss.email, Since: ss.created})
}

func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	if id, _, ok := s.currentSession(r); ok {
		s.sessions.drop(id)
	}
	setCookie(w, r, sessionCookie, "", -time.Second)
	setCookie(w, r, rememberCookie, "", -time.Second)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// renew is the automatic, background sign-in of an app that holds a
// remember-me cookie: no CAPTCHA (there is no person), but its own lane,
// which the limiter sheds first under load.
func (s *server) renew(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	c, err := r.Cookie(rememberCookie)
	var email string
	ok := err == nil
	if ok {
		email, ok = s.sessions.remembered(c.Value)
	}
	if !ok {
		s.event(r, slog.LevelInfo, "login.renew_failed", slog.String("reason", "no_remember_token"))
		w.WriteHeader(http.StatusUnauthorized)
		json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "no valid remember-me token"})
		return
	}
	u := s.users.byEmail[email]
	id := s.sessions.create(session{email: email, name: u.name, created: time.Now()})
	setCookie(w, r, sessionCookie, id, 12*time.Hour)
	s.event(r, slog.LevelInfo, "login.renewed", slog.String("account", email))
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "account": email})
}
