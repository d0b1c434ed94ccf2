package captcha

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Service runs the challenge lifecycle: it creates challenges with a
// registered Generator, keeps them in a Store, serves their media, verifies
// answers and issues verification tokens. It is safe for concurrent use.
//
// The zero value is not usable; create one with New.
type Service struct {
	cfg       config
	answers   *Hasher // keys answer digests
	seeds     []byte  // keys rendering seeds
	tokenMAC  *Hasher // keys verification tokens
	pools     map[poolKey]*pool
	media     *mediaCache
	stopPools context.CancelFunc
	counters  *poolCounters
}

// Issued is what a client learns about a new challenge. It never holds the
// answer.
type Issued struct {
	ID            string    `json:"id"`
	Kind          Kind      `json:"kind"`
	Lang          string    `json:"lang"`
	Prompt        string    `json:"prompt"`
	MediaType     string    `json:"mediaType"`
	Expires       time.Time `json:"expires"`
	AttemptsLeft  int       `json:"attemptsLeft"`
	RefreshesLeft int       `json:"refreshesLeft"`
}

// Result is what a successful Verify returns. Pass it to Service.Token for
// a verification token that a later request can present.
type Result struct {
	// ID is the id of the solved challenge; Screen, Kind and Lang describe
	// it.
	ID     string
	Screen string
	Kind   Kind
	Lang   string
}

// New returns a Service. With no options it keeps challenges in a bounded
// MemoryStore under a random secret; it needs at least one WithGenerator to
// create challenges.
func New(opts ...Option) (*Service, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.clock == nil {
		cfg.clock = systemClock{}
	}
	if cfg.random == nil {
		cfg.random = rand.Reader
	}
	if cfg.store == nil {
		cfg.store = NewMemoryStore()
	}
	if len(cfg.secret) == 0 {
		cfg.secret = make([]byte, 32)
		if _, err := rand.Read(cfg.secret); err != nil {
			return nil, fmt.Errorf("captcha: making a secret: %w", err)
		}
	}
	if len(cfg.langs) == 0 {
		cfg.langs = []string{"en", "ko"}
	}
	if cfg.ttl <= 0 {
		cfg.ttl = 2 * time.Minute
	}
	if cfg.tokenTTL <= 0 {
		cfg.tokenTTL = 2 * time.Minute
	}
	if cfg.maxAttempts <= 0 {
		cfg.maxAttempts = 3
	}
	if cfg.maxRefreshes < 0 {
		cfg.maxRefreshes = 0
	} else if cfg.maxRefreshes == 0 {
		cfg.maxRefreshes = 3
	}
	if cfg.pathPrefix == "" {
		cfg.pathPrefix = "/tollgate"
	}
	if cfg.mediaCache <= 0 {
		cfg.mediaCache = defaultMediaCacheBytes
	}
	if cfg.maxBody <= 0 {
		cfg.maxBody = 64 << 10
	}
	s := &Service{
		cfg:      cfg,
		answers:  NewHasher(derive(cfg.secret, "answer")),
		seeds:    derive(cfg.secret, "seed"),
		tokenMAC: NewHasher(derive(cfg.secret, "token")),
		media:    newMediaCache(cfg.mediaCache),
	}
	if cfg.pool != nil {
		s.startPools()
	}
	return s, nil
}

// Close stops the background pool, if any. The Service stays usable and
// renders every challenge on request afterwards.
func (s *Service) Close() error {
	if s.stopPools != nil {
		s.stopPools()
	}
	return nil
}

// derive returns a subkey of secret for one purpose, so that a digest of one
// kind can never stand in for another.
func derive(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("tollgate/captcha/" + purpose))
	return m.Sum(nil)
}

// seedFor derives the rendering seed of a challenge from its id under the
// server secret.
func (s *Service) seedFor(id string) Seed {
	m := hmac.New(sha256.New, s.seeds)
	m.Write([]byte(id))
	var seed Seed
	copy(seed[:], m.Sum(nil))
	return seed
}

// Digest returns the keyed digest of an answer as this Service stores it.
func (s *Service) Digest(answer string) Digest { return s.answers.Digest(answer) }

// Lang returns the supported language that best fits lang ("ko-KR" → "ko"),
// or the first supported language.
func (s *Service) Lang(lang string) string {
	for _, l := range s.cfg.langs {
		if len(lang) >= len(l) && equalFoldASCII(lang[:len(l)], l) && (len(lang) == len(l) || lang[len(l)] == '-' || lang[len(l)] == '_') {
			return l
		}
	}
	return s.cfg.langs[0]
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i]|0x20, b[i]|0x20
		if x != y {
			return false
		}
	}
	return true
}

func (s *Service) kind(k Kind) (Kind, Generator, error) {
	if k == "" {
		k = s.cfg.defaultKind
	}
	g, ok := s.cfg.generators[k]
	if !ok {
		return k, nil, fmt.Errorf("%w: %q", ErrUnknownKind, k)
	}
	return k, g, nil
}

// prepared is a rendered challenge waiting to be issued.
type prepared struct {
	id     string
	kind   Kind
	lang   string
	puzzle *Puzzle
}

// prepare renders a new challenge, from the pool when it has one.
func (s *Service) prepare(ctx context.Context, kind Kind, lang string) (*prepared, error) {
	kind, g, err := s.kind(kind)
	if err != nil {
		return nil, err
	}
	lang = s.Lang(lang)
	if p := s.takePooled(ctx, kind, lang); p != nil {
		return p, nil
	}
	return s.render(ctx, g, kind, lang)
}

func (s *Service) render(ctx context.Context, g Generator, kind Kind, lang string) (*prepared, error) {
	id, err := newID(s.cfg.random)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	pz, err := g.Generate(ctx, Request{Seed: s.seedFor(id), Lang: lang, Scale: 1})
	if err != nil {
		return nil, fmt.Errorf("captcha: rendering %s challenge: %w", kind, err)
	}
	if len(pz.Answers) == 0 {
		return nil, fmt.Errorf("captcha: %s generator returned no answer", kind)
	}
	if s.cfg.onEvent != nil {
		s.emit(ctx, Event{Type: "challenge.rendered", Time: s.cfg.clock.Now(), Kind: kind, Lang: lang, Duration: time.Since(start)})
	}
	return &prepared{id: id, kind: kind, lang: lang, puzzle: pz}, nil
}

// challenge turns a prepared puzzle into the record to store.
func (s *Service) challenge(p *prepared, now time.Time) *Challenge {
	c := &Challenge{
		ID:          p.id,
		Kind:        p.kind,
		Lang:        p.lang,
		Created:     now,
		Expires:     now.Add(s.cfg.ttl),
		MaxAttempts: s.cfg.maxAttempts,
		Answers:     make([]Digest, 0, len(p.puzzle.Answers)),
	}
	for _, a := range p.puzzle.Answers {
		c.Answers = append(c.Answers, s.answers.Digest(a))
	}
	for _, d := range p.puzzle.Decoys {
		dd := s.answers.Digest(d)
		if c.MatchDigest(dd) != MatchAnswer { // a decoy never shadows an answer
			c.Decoys = append(c.Decoys, dd)
		}
	}
	return c
}

func (s *Service) issued(c *Challenge, p *prepared) *Issued {
	return &Issued{
		ID:            c.ID,
		Kind:          c.Kind,
		Lang:          c.Lang,
		Prompt:        p.puzzle.Prompt,
		MediaType:     p.puzzle.MediaType,
		Expires:       c.Expires,
		AttemptsLeft:  c.MaxAttempts,
		RefreshesLeft: max(s.cfg.maxRefreshes-c.Refreshes, 0),
	}
}

// Create issues a new challenge of the kind ("" for the default) in the
// language that best fits lang, on a new screen.
func (s *Service) Create(ctx context.Context, kind Kind, lang string) (*Issued, error) {
	p, err := s.prepare(ctx, kind, lang)
	if err != nil {
		return nil, err
	}
	now := s.cfg.clock.Now()
	c := s.challenge(p, now)
	if c.Screen, err = newID(s.cfg.random); err != nil {
		return nil, err
	}
	if err := s.cfg.store.Put(ctx, c); err != nil {
		return nil, wrapStore(err)
	}
	s.media.put(mediaKey{c.ID, 1}, p.puzzle.Media, p.puzzle.MediaType, c.Expires, now)
	s.emit(ctx, Event{Type: "challenge.issued", Time: now, ChallengeID: c.ID, Screen: c.Screen, Kind: c.Kind, Lang: c.Lang})
	return s.issued(c, p), nil
}

// Refresh replaces the challenge oldID by a new one on the same screen, of
// the kind given ("" for the default; a screen may switch between image and
// audio) and language. After the screen's refreshes are used up it fails
// with ErrRefreshLimit and the old challenge stays. A switch from another
// kind to KindAudio uses no refresh and is allowed after the limit too:
// the audio alternative is always within reach.
func (s *Service) Refresh(ctx context.Context, oldID string, kind Kind, lang string) (*Issued, error) {
	if !ValidID(oldID) {
		return nil, ErrInvalidID
	}
	p, err := s.prepare(ctx, kind, lang)
	if err != nil {
		return nil, err
	}
	now := s.cfg.clock.Now()
	c := s.challenge(p, now)
	if err := s.cfg.store.Refresh(ctx, oldID, c, s.cfg.maxRefreshes, now); err != nil {
		if errors.Is(err, ErrRefreshLimit) || errors.Is(err, ErrNotFound) || errors.Is(err, ErrExpired) {
			// The rendered puzzle is wasted; hand it back to the pool.
			s.returnPooled(p)
		}
		if errors.Is(err, ErrNotFound) || errors.Is(err, ErrExpired) {
			s.media.drop(oldID)
		}
		return nil, wrapStore(err)
	}
	s.media.drop(oldID)
	s.media.put(mediaKey{c.ID, 1}, p.puzzle.Media, p.puzzle.MediaType, c.Expires, now)
	s.emit(ctx, Event{Type: "challenge.refreshed", Time: now, ChallengeID: c.ID, Screen: c.Screen, Kind: c.Kind, Lang: c.Lang})
	return s.issued(c, p), nil
}

// Verify judges an answer to challenge id. On success the challenge is gone
// (single use); Service.Token turns the Result into a token. Otherwise the
// error tells why: ErrInvalidID, ErrNotFound, ErrExpired, a
// *WrongAnswerError (ErrWrongAnswer, and ErrDecoyAnswer for a decoy) while
// attempts remain, ErrTooManyAttempts after the last one, or ErrStore.
func (s *Service) Verify(ctx context.Context, id, answer string) (Result, error) {
	if !ValidID(id) {
		return Result{}, ErrInvalidID
	}
	return s.attempt(ctx, id, s.answers.Digest(answer), false)
}

// attempt judges the answer digest d for challenge id, a valid id. Events
// of a deceived attempt (see Fail) say so.
func (s *Service) attempt(ctx context.Context, id string, d Digest, deceived bool) (Result, error) {
	now := s.cfg.clock.Now()
	var res AttemptResult
	var err error
	if deceived {
		res, err = s.cfg.store.Poison(ctx, id, now)
	} else {
		res, err = s.cfg.store.Attempt(ctx, id, d, now)
	}
	if err != nil {
		if errors.Is(err, ErrTooManyAttempts) || errors.Is(err, ErrExpired) || errors.Is(err, ErrNotFound) {
			s.media.drop(id) // the challenge is gone
		}
		err = wrapStore(err)
		if s.cfg.onEvent != nil {
			s.emit(ctx, Event{Type: "challenge.failed", Time: now, ChallengeID: id, Screen: res.Screen, Kind: res.Kind,
				Lang: res.Lang, Reason: failReason(err, deceived), Decoy: res.Match == MatchDecoy})
		}
		return Result{}, err
	}
	if res.Match != MatchAnswer {
		werr := &WrongAnswerError{AttemptsLeft: res.AttemptsLeft, Decoy: res.Match == MatchDecoy}
		if s.cfg.onEvent != nil {
			s.emit(ctx, Event{Type: "challenge.failed", Time: now, ChallengeID: id, Screen: res.Screen, Kind: res.Kind,
				Lang: res.Lang, AttemptsLeft: res.AttemptsLeft, Reason: failReason(werr, deceived), Decoy: werr.Decoy})
		}
		return Result{}, werr
	}
	s.media.drop(id)
	if s.cfg.onEvent != nil {
		s.emit(ctx, Event{Type: "challenge.solved", Time: now, ChallengeID: id, Screen: res.Screen, Kind: res.Kind, Lang: res.Lang})
	}
	return Result{ID: id, Screen: res.Screen, Kind: res.Kind, Lang: res.Lang}, nil
}

// failReason is the Reason of a challenge.failed event.
func failReason(err error, deceived bool) string {
	if deceived {
		return "captcha: failed on purpose; " + strings.TrimPrefix(err.Error(), "captcha: ")
	}
	return err.Error()
}

// Media returns the encoded media of a live challenge at a scale (1, or 2
// for high-DPI), from the cache or rendered again from its seed. It fails
// with ErrInvalidID, ErrNotFound or ErrExpired.
func (s *Service) Media(ctx context.Context, id string, scale int) (data []byte, mediaType string, err error) {
	if !ValidID(id) {
		return nil, "", ErrInvalidID
	}
	if scale != 2 {
		scale = 1
	}
	now := s.cfg.clock.Now()
	c, err := s.cfg.store.Get(ctx, id, now)
	if err != nil {
		if errors.Is(err, ErrNotFound) || errors.Is(err, ErrExpired) {
			s.media.drop(id)
		}
		return nil, "", wrapStore(err)
	}
	if data, mt, ok := s.media.get(mediaKey{id, scale}, now); ok {
		return data, mt, nil
	}
	_, g, err := s.kind(c.Kind)
	if err != nil {
		return nil, "", err
	}
	pz, err := g.Generate(ctx, Request{Seed: s.seedFor(id), Lang: c.Lang, Scale: scale})
	if err != nil {
		return nil, "", fmt.Errorf("captcha: rendering %s challenge: %w", c.Kind, err)
	}
	s.media.put(mediaKey{id, scale}, pz.Media, pz.MediaType, c.Expires, now)
	return pz.Media, pz.MediaType, nil
}

// Store returns the store the Service uses.
func (s *Service) Store() Store { return s.cfg.store }

func (s *Service) emit(ctx context.Context, e Event) {
	if s.cfg.onEvent != nil {
		s.cfg.onEvent(ctx, e)
	}
}

// puzzleFor renders a live challenge again from its seed, answers included.
// It is exported only to tests and to builds with the tollgate_testhook tag
// (see testhook.go): never to the library's users.
func (s *Service) puzzleFor(ctx context.Context, id string) (*Puzzle, error) {
	c, err := s.cfg.store.Get(ctx, id, s.cfg.clock.Now())
	if err != nil {
		return nil, wrapStore(err)
	}
	_, g, err := s.kind(c.Kind)
	if err != nil {
		return nil, err
	}
	return g.Generate(ctx, Request{Seed: s.seedFor(id), Lang: c.Lang, Scale: 1})
}
