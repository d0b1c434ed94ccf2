package captcha

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"time"
)

// A verification token is, in base64url without padding,
//
//	version (1) = 2 | expires, Unix ms (8) | nonce (16) | screen (16) | challenge id (16) |
//	action length (1) | action | kind length (1) | kind | HMAC-SHA256 (32)
//
// with the HMAC under a subkey of the server secret over everything before
// it. It names no answer. Only the canonical encoding is accepted: the
// strict decoding (unused bits zero, no line breaks) of exactly the length
// that the decoded bytes encode to, so one token has one spelling.
const (
	tokenVersion   = 2
	offNonce       = 1 + 8
	offScreen      = offNonce + idBytes
	offChallenge   = offScreen + idBytes
	offAction      = offChallenge + idBytes // the action's length byte
	tokenMACLen    = 32
	maxActionLen   = 64
	maxKindLen     = 32
	tokenMinBytes  = offAction + 1 + 1 + tokenMACLen
	tokenMaxBytes  = tokenMinBytes + maxActionLen + maxKindLen
	tokenMinLength = (tokenMinBytes*8 + 5) / 6
	tokenMaxLength = (tokenMaxBytes*8 + 5) / 6
)

var tokenEncoding = base64.RawURLEncoding.Strict()

// TokenClaims is what a valid verification token vouches for: that the
// challenge Challenge on screen Screen was solved, for the protected action
// Action.
type TokenClaims struct {
	// Screen is the screen whose challenge was solved.
	Screen string
	// Challenge is the id of the solved challenge.
	Challenge string
	// Action names what the token may be used for (see Service.Token).
	Action string
	// Kind is the kind of the solved challenge.
	Kind Kind
	// Expires is when the token stops being accepted.
	Expires time.Time
}

// validAction reports whether a is an action name: at most 64 bytes of
// A-Z a-z 0-9 _ . / : - (the empty name included).
func validAction(a string) bool {
	if len(a) > maxActionLen {
		return false
	}
	for i := 0; i < len(a); i++ {
		c := a[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '_' || c == '.' || c == '/' || c == ':' || c == '-') {
			return false
		}
	}
	return true
}

// Token issues a single-use verification token for a solved challenge: a
// later request presents it (form field "tollgate_token" with Require, or
// Check and VerifyToken) instead of the answer. The token is bound to the
// screen and the challenge of res (the Result of Verify) and to action,
// the name of what it may be used for: Require's default is the protected
// request's path, such as "/login". An action is at most 64 bytes of
// A-Z a-z 0-9 _ . / : - ("" is one too); another one fails with
// ErrBadRequest.
//
// The token is live while the Store holds it: Token puts it there
// (Store.PutToken) until it expires after WithTokenTTL (default 2 minutes),
// and the first presentation takes it out. If the store loses it first
// (eviction, restart), the token is refused and the person solves again.
// Each call issues another token; the HTTP API issues one per solved
// challenge.
func (s *Service) Token(ctx context.Context, res Result, action string) (string, error) {
	if !validAction(action) {
		return "", badRequest(http.StatusBadRequest, "the action must be at most %d bytes of A-Z a-z 0-9 _ . / : -", maxActionLen)
	}
	if !ValidID(res.Screen) || !ValidID(res.ID) {
		return "", fmt.Errorf("%w: Token needs the Result of a successful Verify", ErrInvalidID)
	}
	if len(res.Kind) > maxKindLen {
		return "", fmt.Errorf("captcha: kind %q is longer than %d bytes", res.Kind, maxKindLen)
	}
	expires := time.UnixMilli(s.cfg.clock.Now().Add(s.cfg.tokenTTL).UnixMilli())
	var buf [tokenMaxBytes]byte
	buf[0] = tokenVersion
	binary.BigEndian.PutUint64(buf[1:offNonce], uint64(expires.UnixMilli()))
	if _, err := io.ReadFull(s.cfg.random, buf[offNonce:offScreen]); err != nil {
		return "", fmt.Errorf("captcha: reading randomness: %w", err)
	}
	// Valid ids decode to exactly 16 bytes.
	base64.RawURLEncoding.Decode(buf[offScreen:offChallenge], []byte(res.Screen))
	base64.RawURLEncoding.Decode(buf[offChallenge:offAction], []byte(res.ID))
	n := offAction
	buf[n] = byte(len(action))
	n += 1 + copy(buf[n+1:], action)
	buf[n] = byte(len(res.Kind))
	n += 1 + copy(buf[n+1:], res.Kind)
	mac := s.tokenMAC.sum(buf[:n])
	n += copy(buf[n:], mac[:])
	nonce := base64.RawURLEncoding.EncodeToString(buf[offNonce:offScreen])
	if err := s.cfg.store.PutToken(ctx, nonce, expires); err != nil {
		return "", wrapStore(err)
	}
	return tokenEncoding.EncodeToString(buf[:n]), nil
}

// VerifyToken checks a verification token for action and spends it: a
// token is accepted once, for the action it was issued for, while the store
// holds it. It fails with ErrInvalidToken (malformed, not canonical,
// forged, for another action, already used, or no longer stored),
// ErrTokenExpired, or ErrStore. Any authentic, unexpired token is spent by
// its first presentation, whatever the outcome. With the in-memory store it
// makes no network call.
func (s *Service) VerifyToken(ctx context.Context, token, action string) (TokenClaims, error) {
	return s.verifyToken(ctx, token, action, "")
}

// verifyToken is VerifyToken that also requires the token to be of
// challenge id when id is not "".
func (s *Service) verifyToken(ctx context.Context, token, action, id string) (TokenClaims, error) {
	claims, live, err := s.takeToken(ctx, token)
	reason := err
	switch {
	case err != nil:
	case !live:
		err, reason = ErrInvalidToken, errTokenNotLive
	case claims.Action != action:
		err, reason = ErrInvalidToken, errTokenAction
	case id != "" && claims.Challenge != id:
		err, reason = ErrInvalidToken, errTokenChallenge
	}
	if err != nil {
		s.tokenEvent(ctx, "token.rejected", claims, reason)
		return TokenClaims{}, err
	}
	s.tokenEvent(ctx, "token.verified", claims, nil)
	return claims, nil
}

// Reasons of token rejections, for events only: a client always sees
// ErrInvalidToken, and learns nothing about why.
var (
	errTokenNotLive   = fmt.Errorf("%w: not live (already used, or no longer stored)", ErrInvalidToken)
	errTokenAction    = fmt.Errorf("%w: issued for another action", ErrInvalidToken)
	errTokenChallenge = fmt.Errorf("%w: issued for another challenge", ErrInvalidToken)
	errTokenFailed    = fmt.Errorf("%w: spent by Fail", ErrInvalidToken)
)

// takeToken authenticates token and, when it is unexpired, takes it from
// the store, reporting whether it was live. Its errors come before anything
// is spent (ErrInvalidToken, ErrTokenExpired), or from the store.
func (s *Service) takeToken(ctx context.Context, token string) (TokenClaims, bool, error) {
	claims, nonce, err := s.parseToken(token)
	if err != nil {
		return claims, false, err
	}
	now := s.cfg.clock.Now()
	if !now.Before(claims.Expires) {
		return claims, false, ErrTokenExpired
	}
	live, err := s.cfg.store.TakeToken(ctx, nonce, now)
	if err != nil {
		return claims, false, wrapStore(err)
	}
	return claims, live, nil
}

func (s *Service) tokenEvent(ctx context.Context, typ string, c TokenClaims, reason error) {
	if s.cfg.onEvent == nil {
		return
	}
	e := Event{Type: typ, Time: s.cfg.clock.Now(), ChallengeID: c.Challenge, Screen: c.Screen, Kind: c.Kind}
	if reason != nil {
		e.Reason = reason.Error()
	}
	s.emit(ctx, e)
}

// parseToken decodes and authenticates a token without spending it. It
// returns its claims and its nonce, or ErrInvalidToken.
func (s *Service) parseToken(token string) (TokenClaims, string, error) {
	if len(token) < tokenMinLength || len(token) > tokenMaxLength {
		return TokenClaims{}, "", ErrInvalidToken
	}
	var buf [tokenMaxBytes]byte
	n, err := tokenEncoding.Decode(buf[:], []byte(token))
	// Decoding skips line breaks: only the exact length is canonical.
	if err != nil || tokenEncoding.EncodedLen(n) != len(token) || buf[0] != tokenVersion {
		return TokenClaims{}, "", ErrInvalidToken
	}
	body := n - tokenMACLen
	actionLen := int(buf[offAction])
	kindAt := offAction + 1 + actionLen
	if actionLen > maxActionLen || kindAt >= body {
		return TokenClaims{}, "", ErrInvalidToken
	}
	kindLen := int(buf[kindAt])
	if kindLen > maxKindLen || kindAt+1+kindLen != body {
		return TokenClaims{}, "", ErrInvalidToken
	}
	mac := s.tokenMAC.sum(buf[:body])
	if subtle.ConstantTimeCompare(mac[:], buf[body:n]) != 1 {
		return TokenClaims{}, "", ErrInvalidToken
	}
	// One string for the three ids and one for action and kind: fewer
	// allocations on the path of every protected request.
	var ids [3 * idLen]byte
	base64.RawURLEncoding.Encode(ids[:idLen], buf[offNonce:offScreen])
	base64.RawURLEncoding.Encode(ids[idLen:2*idLen], buf[offScreen:offChallenge])
	base64.RawURLEncoding.Encode(ids[2*idLen:], buf[offChallenge:offAction])
	idStr := string(ids[:])
	names := string(buf[offAction+1 : body]) // action | kind length | kind
	claims := TokenClaims{
		Screen:    idStr[idLen : 2*idLen],
		Challenge: idStr[2*idLen:],
		Action:    names[:actionLen],
		Kind:      Kind(names[actionLen+1:]),
		Expires:   time.UnixMilli(int64(binary.BigEndian.Uint64(buf[1:offNonce]))),
	}
	return claims, idStr[:idLen], nil
}
