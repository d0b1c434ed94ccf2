package captcha

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"io"
	"time"
)

// A verification token is base64url (no padding) of
//
//	version(1) | expires, Unix ms (8) | nonce (16) | screen (16) | kind length (1) | kind | HMAC-SHA256 (32)
//
// under a subkey of the server secret. It names no answer and no challenge.
const (
	tokenVersion   = 1
	tokenFixed     = 1 + 8 + idBytes + idBytes + 1
	tokenMaxKind   = 32
	tokenMaxBytes  = tokenFixed + tokenMaxKind + 32
	tokenMaxLength = (tokenMaxBytes*8 + 5) / 6
)

// TokenClaims is what a valid verification token vouches for.
type TokenClaims struct {
	// Screen is the screen whose challenge was solved.
	Screen string
	// Kind is the kind of the solved challenge.
	Kind Kind
	// Expires is when the token stops being accepted.
	Expires time.Time
}

// Token issues a signed, single-use verification token for a solved
// challenge: a later request presents it (form field "tollgate_token" with
// Require, or VerifyToken) instead of the answer. It expires after
// WithTokenTTL (default 2 minutes) and is bound to the solved screen.
func (s *Service) Token(res Result) (string, error) {
	return s.newToken(res.Screen, res.Kind, s.cfg.clock.Now())
}

func (s *Service) newToken(screen string, kind Kind, now time.Time) (string, error) {
	var buf [tokenMaxBytes]byte
	if len(kind) > tokenMaxKind {
		kind = kind[:tokenMaxKind]
	}
	buf[0] = tokenVersion
	binary.BigEndian.PutUint64(buf[1:9], uint64(now.Add(s.cfg.tokenTTL).UnixMilli()))
	if _, err := io.ReadFull(s.cfg.random, buf[9:9+idBytes]); err != nil {
		return "", err
	}
	// Screens are ids this package made; decode errors cannot happen for
	// them, and a foreign screen string is kept as zero bytes.
	base64.RawURLEncoding.Decode(buf[9+idBytes:9+2*idBytes], []byte(screen))
	buf[tokenFixed-1] = byte(len(kind))
	n := tokenFixed + copy(buf[tokenFixed:], kind)
	mac := s.tokenMAC.sum(buf[:n])
	n += copy(buf[n:], mac[:])
	return base64.RawURLEncoding.EncodeToString(buf[:n]), nil
}

// VerifyToken checks a verification token and spends it: a token is
// accepted once. It fails with ErrInvalidToken (malformed, forged, or
// already used), ErrTokenExpired, or ErrStore. With the in-memory store it
// makes no network call.
func (s *Service) VerifyToken(ctx context.Context, token string) (TokenClaims, error) {
	claims, nonce, err := s.parseToken(token)
	if err != nil {
		s.tokenEvent(ctx, "token.rejected", claims, err)
		return TokenClaims{}, err
	}
	now := s.cfg.clock.Now()
	if !now.Before(claims.Expires) {
		s.tokenEvent(ctx, "token.rejected", claims, ErrTokenExpired)
		return TokenClaims{}, ErrTokenExpired
	}
	first, err := s.cfg.store.Spend(ctx, nonce, claims.Expires, now)
	if err != nil {
		err = wrapStore(err)
		s.tokenEvent(ctx, "token.rejected", claims, err)
		return TokenClaims{}, err
	}
	if !first {
		s.tokenEvent(ctx, "token.rejected", claims, ErrInvalidToken)
		return TokenClaims{}, ErrInvalidToken
	}
	s.tokenEvent(ctx, "token.verified", claims, nil)
	return claims, nil
}

func (s *Service) tokenEvent(ctx context.Context, typ string, c TokenClaims, err error) {
	if s.cfg.onEvent == nil {
		return
	}
	e := Event{Type: typ, Time: s.cfg.clock.Now(), Screen: c.Screen, Kind: c.Kind}
	if err != nil {
		e.Reason = err.Error()
	}
	s.emit(ctx, e)
}

// parseToken decodes and authenticates a token without spending it.
func (s *Service) parseToken(token string) (TokenClaims, string, error) {
	if len(token) < (tokenFixed+32)*4/3 || len(token) > tokenMaxLength {
		return TokenClaims{}, "", ErrInvalidToken
	}
	var buf [tokenMaxBytes]byte
	n, err := base64.RawURLEncoding.Decode(buf[:], []byte(token))
	if err != nil || n < tokenFixed+32 || buf[0] != tokenVersion {
		return TokenClaims{}, "", ErrInvalidToken
	}
	kindLen := int(buf[tokenFixed-1])
	if kindLen > tokenMaxKind || n != tokenFixed+kindLen+32 {
		return TokenClaims{}, "", ErrInvalidToken
	}
	body := buf[:tokenFixed+kindLen]
	mac := s.tokenMAC.sum(body)
	if subtle.ConstantTimeCompare(mac[:], buf[len(body):n]) != 1 {
		return TokenClaims{}, "", ErrInvalidToken
	}
	claims := TokenClaims{
		Screen:  base64.RawURLEncoding.EncodeToString(buf[9+idBytes : 9+2*idBytes]),
		Kind:    Kind(buf[tokenFixed : tokenFixed+kindLen]),
		Expires: time.UnixMilli(int64(binary.BigEndian.Uint64(buf[1:9]))),
	}
	nonce := base64.RawURLEncoding.EncodeToString(buf[9 : 9+idBytes])
	return claims, nonce, nil
}
