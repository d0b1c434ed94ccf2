package pow

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"time"
)

// Sentinel errors of Verify, to test with errors.Is. Any other error of
// Verify or Issue comes from the Store and wraps the store's error.
var (
	// ErrInvalid: the solution is malformed, not in its canonical spelling,
	// not signed by this Issuer's secret, or its hash has fewer leading zero
	// bits than the puzzle's difficulty.
	ErrInvalid = errors.New("pow: invalid solution")
	// ErrExpired: the puzzle is authentic but its time ran out.
	ErrExpired = errors.New("pow: puzzle expired")
	// ErrSpent: the puzzle is authentic, unexpired and solved, but not live:
	// it was used already, or the Store lost it (eviction, restart). The
	// client solves a new puzzle.
	ErrSpent = errors.New("pow: puzzle already used or no longer stored")
)

// algorithm is the hash a Puzzle names: the only one this package uses.
const algorithm = "SHA-256"

// DefaultDifficulty is the difficulty Handler issues when it is given no
// difficulty function: 2^15 expected digests, 0.13 to 0.27 s in headless
// Chromium, Firefox and WebKitGTK on one loaded server core (README.md), so
// a person typing never waits for it. Hosts raise it with risk and load.
const DefaultDifficulty = 15

// maxDifficulty is the largest difficulty a puzzle can have: the leading
// zero bits are counted in the digest's first 32 bits.
const maxDifficulty = 32

// The challenge is, in base64url without padding (78 characters),
//
//	version (1) = 1 | expires, Unix ms (8) | nonce (16) | difficulty (1) | HMAC-SHA256 (32)
//
// with the HMAC under a subkey of the secret over everything before it.
const (
	version       = 1
	offExpires    = 1
	offNonce      = offExpires + 8
	offDifficulty = offNonce + 16
	offMAC        = offDifficulty + 1
	rawLen        = offMAC + sha256.Size                       // 58 bytes
	challengeLen  = (rawLen*8 + 5) / 6                         // 78 characters
	maxDigits     = 12                                         // of the counter
	minSolution   = challengeLen + 1 + 1                       // challenge ":" digit
	maxSolution   = challengeLen + 1 + maxDigits               // 91 bytes
	_             = uint(sha256.BlockSize*2 - 9 - maxSolution) // a solution hashes in two blocks
)

var encoding = base64.RawURLEncoding.Strict()

// Puzzle is a puzzle for a client to solve, as Handler sends it in JSON.
type Puzzle struct {
	// Algorithm is the hash function: always "SHA-256".
	Algorithm string `json:"algorithm"`
	// Challenge is the signed challenge string (78 characters of base64url).
	Challenge string `json:"challenge"`
	// Difficulty is the number of leading zero bits the hash of the
	// solution must have, 0 to 32.
	Difficulty int `json:"difficulty"`
	// Expires is when Verify stops accepting a solution.
	Expires time.Time `json:"expires"`
}

// Result is what a valid solution proves.
type Result struct {
	// Difficulty is the difficulty of the solved puzzle: a caller that
	// needs at least some work compares it with its own requirement.
	Difficulty int
}

// Issuer issues and verifies puzzles under one secret. It is safe for
// concurrent use; its zero value is not usable: create one with New.
type Issuer struct {
	ipad, opad [sha256.BlockSize]byte // HMAC key pads of the subkey
	store      Store
	ttl        time.Duration
}

// Option configures an Issuer.
type Option func(*config)

type config struct {
	store Store
	ttl   time.Duration
}

// WithStore sets the Store of live puzzles (nil: the default, a
// NewMemoryStore(0)). Servers that verify each other's puzzles share the
// store and the secret.
func WithStore(s Store) Option { return func(c *config) { c.store = s } }

// WithTTL sets how long a puzzle can be solved after it is issued (zero or
// less: the default, 2 minutes). Expiry is kept in milliseconds.
func WithTTL(d time.Duration) Option { return func(c *config) { c.ttl = d } }

// minSecret is the shortest secret New accepts.
const minSecret = 16

// New returns an Issuer that signs puzzles with a subkey of secret, which
// must be at least 16 bytes (32 random bytes are ideal). The subkey is for
// this package alone, so the secret may be shared with other parts of
// tollgate.
func New(secret []byte, opts ...Option) (*Issuer, error) {
	if len(secret) < minSecret {
		return nil, fmt.Errorf("pow: the secret must be at least %d bytes, got %d", minSecret, len(secret))
	}
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.store == nil {
		cfg.store = NewMemoryStore(0)
	}
	if cfg.ttl <= 0 {
		cfg.ttl = 2 * time.Minute
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("tollgate/pow/challenge"))
	key := m.Sum(nil) // 32 bytes: fits one block as is
	i := &Issuer{store: cfg.store, ttl: cfg.ttl}
	copy(i.ipad[:], key)
	copy(i.opad[:], key)
	for k := range i.ipad {
		i.ipad[k] ^= 0x36
		i.opad[k] ^= 0x5c
	}
	return i, nil
}

// mac is HMAC-SHA256 of msg (at most 64 bytes) under the subkey, written
// out so that it does not allocate.
func (i *Issuer) mac(msg []byte) [sha256.Size]byte {
	var buf [sha256.BlockSize * 2]byte
	n := copy(buf[:], i.ipad[:])
	n += copy(buf[n:], msg)
	inner := sha256.Sum256(buf[:n])
	n = copy(buf[:], i.opad[:])
	n += copy(buf[n:], inner[:])
	return sha256.Sum256(buf[:n])
}

// clampDifficulty limits d to [0, 32].
func clampDifficulty(d int) int { return min(max(d, 0), maxDifficulty) }

// Issue makes a puzzle of difficulty leading zero bits (clamped to
// [0, 32]) that can be solved until now plus the TTL, and records it in
// the Store as live. Its only errors come from the Store.
func (i *Issuer) Issue(ctx context.Context, difficulty int, now time.Time) (Puzzle, error) {
	difficulty = clampDifficulty(difficulty)
	expires := time.UnixMilli(now.Add(i.ttl).UnixMilli())
	var raw [rawLen]byte
	raw[0] = version
	binary.BigEndian.PutUint64(raw[offExpires:offNonce], uint64(expires.UnixMilli()))
	rand.Read(raw[offNonce:offDifficulty]) // never fails (crypto/rand)
	raw[offDifficulty] = byte(difficulty)
	mac := i.mac(raw[:offMAC])
	copy(raw[offMAC:], mac[:])
	nonce := base64.RawURLEncoding.EncodeToString(raw[offNonce:offDifficulty])
	if err := i.store.Put(ctx, nonce, expires); err != nil {
		return Puzzle{}, fmt.Errorf("pow: store: %w", err)
	}
	return Puzzle{
		Algorithm:  algorithm,
		Challenge:  encoding.EncodeToString(raw[:]),
		Difficulty: difficulty,
		Expires:    expires,
	}, nil
}

// Verify checks a solution, challenge + ":" + counter, and spends its
// puzzle. In order, the solution must be well formed, canonical and
// authentic (ErrInvalid), unexpired at now (ErrExpired), its SHA-256 must
// have the puzzle's leading zero bits (ErrInvalid), and the puzzle must be
// live, which the Store's Take ends (ErrSpent). Any counter that meets the
// difficulty is accepted, not only the smallest. A failed check before the
// last spends nothing: only an authentic, unexpired, solved puzzle is
// taken from the store. Store errors are wrapped.
//
// The counter is canonical decimal: "0", or 1 to 12 digits without a
// leading zero. With the MemoryStore, Verify takes about a microsecond and
// allocates only the store key.
func (i *Issuer) Verify(ctx context.Context, solution string, now time.Time) (Result, error) {
	if len(solution) < minSolution || len(solution) > maxSolution || solution[challengeLen] != ':' {
		return Result{}, ErrInvalid
	}
	counter := solution[challengeLen+1:]
	if counter[0] == '0' && len(counter) > 1 {
		return Result{}, ErrInvalid
	}
	for k := 0; k < len(counter); k++ {
		if c := counter[k]; c < '0' || c > '9' {
			return Result{}, ErrInvalid
		}
	}
	// Copies to arrays keep the conversions off the heap.
	var text [maxSolution]byte
	n := copy(text[:], solution)
	var raw [rawLen]byte
	if m, err := encoding.Decode(raw[:], text[:challengeLen]); err != nil || m != rawLen {
		return Result{}, ErrInvalid
	}
	mac := i.mac(raw[:offMAC])
	if subtle.ConstantTimeCompare(mac[:], raw[offMAC:rawLen]) != 1 || raw[0] != version {
		return Result{}, ErrInvalid
	}
	difficulty := int(raw[offDifficulty])
	// Signed expiries come from Issue and fit an int64.
	if now.UnixMilli() >= int64(binary.BigEndian.Uint64(raw[offExpires:offNonce])) {
		return Result{}, ErrExpired
	}
	sum := sha256.Sum256(text[:n])
	// At most 32 zero bits are counted, so a difficulty above 32, which
	// Issue never signs, can never be met.
	if bits.LeadingZeros32(binary.BigEndian.Uint32(sum[:4])) < difficulty {
		return Result{}, ErrInvalid
	}
	nonce := base64.RawURLEncoding.EncodeToString(raw[offNonce:offDifficulty])
	live, err := i.store.Take(ctx, nonce, now)
	if err != nil {
		return Result{}, fmt.Errorf("pow: store: %w", err)
	}
	if !live {
		return Result{}, ErrSpent
	}
	return Result{Difficulty: difficulty}, nil
}
