package captcha

import (
	"crypto/sha256"
	"crypto/subtle"
	"time"
)

// Digest is a keyed hash (HMAC-SHA256 under the server secret) of a
// normalised answer. Stores keep digests, never answers.
type Digest [32]byte

// poisoned is the only answer digest a poisoned challenge keeps (see
// Store.Poison): all zero, which no HMAC output is but with probability
// 2^-256.
var poisoned Digest

// Challenge is the server-side record of one challenge. It holds no answer
// in clear: only digests. A Store keeps it; callers get copies.
type Challenge struct {
	// ID is the public identifier: 128 random bits, base64url without padding.
	ID string
	// Kind is the generator family ("image", "audio", ...).
	Kind Kind
	// Lang is the language the challenge was rendered in.
	Lang string
	// Screen identifies the refresh chain: the first challenge of a screen
	// and every refresh of it share it.
	Screen string
	// Refreshes counts the new challenges already taken on this screen
	// before this one (0 for the first); a switch to the audio alternative
	// is not counted (see Store.Refresh).
	Refreshes int
	// Answers are digests of the accepted answers.
	Answers []Digest
	// Decoys are digests of answers that only software would give.
	Decoys []Digest
	// Created is when the challenge was issued.
	Created time.Time
	// Expires is when it stops being accepted.
	Expires time.Time
	// Attempts counts wrong answers so far.
	Attempts int
	// MaxAttempts is how many answers it accepts in all.
	MaxAttempts int
}

// clone returns a deep copy of c.
func (c *Challenge) clone() *Challenge {
	d := *c
	d.Answers = append([]Digest(nil), c.Answers...)
	d.Decoys = append([]Digest(nil), c.Decoys...)
	return &d
}

// Match tells how an answer digest compares with a challenge.
type Match int

// Matches of an answer digest against a challenge's digests.
const (
	// MatchNone: neither an accepted answer nor a decoy.
	MatchNone Match = iota
	// MatchAnswer: one of the accepted answers.
	MatchAnswer
	// MatchDecoy: one of the decoys.
	MatchDecoy
)

// MatchDigest compares d with every accepted answer and decoy of c in
// constant time (it looks at all of them whatever matches), so that the
// timing of a verification tells nothing about which digest matched.
func (c *Challenge) MatchDigest(d Digest) Match {
	answer, decoy := 0, 0
	for i := range c.Answers {
		answer |= subtle.ConstantTimeCompare(c.Answers[i][:], d[:])
	}
	for i := range c.Decoys {
		decoy |= subtle.ConstantTimeCompare(c.Decoys[i][:], d[:])
	}
	switch {
	case answer == 1:
		return MatchAnswer
	case decoy == 1:
		return MatchDecoy
	}
	return MatchNone
}

// Hasher computes answer digests under one secret. The zero value is not
// usable; create one with NewHasher. It is safe for concurrent use.
type Hasher struct {
	ipad, opad [sha256.BlockSize]byte
}

// NewHasher returns a Hasher keyed by secret (any length; 32 random bytes
// are ideal).
func NewHasher(secret []byte) *Hasher {
	key := secret
	if len(key) > sha256.BlockSize {
		sum := sha256.Sum256(key)
		key = sum[:]
	}
	h := &Hasher{}
	copy(h.ipad[:], key)
	copy(h.opad[:], key)
	for i := range h.ipad {
		h.ipad[i] ^= 0x36
		h.opad[i] ^= 0x5c
	}
	return h
}

// Digest returns the HMAC-SHA256 of the normalised answer (see Normalize).
func (h *Hasher) Digest(answer string) Digest {
	var buf [128]byte
	return h.sum(AppendNormalized(buf[:0], answer))
}

// sum is HMAC-SHA256(secret, msg), written out so that it allocates only
// when msg is large: crypto/hmac allocates two hash states per call.
func (h *Hasher) sum(msg []byte) Digest {
	var buf [sha256.BlockSize + 256]byte
	var inner [32]byte
	if len(msg) <= 256 {
		n := copy(buf[:], h.ipad[:])
		n += copy(buf[n:], msg)
		inner = sha256.Sum256(buf[:n])
	} else {
		in := make([]byte, 0, sha256.BlockSize+len(msg))
		in = append(append(in, h.ipad[:]...), msg...)
		inner = sha256.Sum256(in)
	}
	n := copy(buf[:], h.opad[:])
	n += copy(buf[n:], inner[:])
	return sha256.Sum256(buf[:n])
}
