// Package pow is a proof of work that a browser pays without the person
// noticing: the server issues a signed, single-use, expiring puzzle, a Web
// Worker solves it while the person fills in the form, and the server
// verifies the solution in about a microsecond. It is hashcash-style (count
// until a SHA-256 digest starts with enough zero bits) in an ALTCHA-like
// shape (a signed challenge string, a counter, Web Crypto in the browser).
//
// Proof of work is a price, not a test of humanity: it makes every attempt
// of a flood cost CPU time, and the host raises the price with the
// client's risk and the server's load (the difficulty function of
// Handler). A client with native code pays far less than a browser: Go's
// SHA-256 computes about 7 million digests a second on one core of the
// machine where the browsers computed 120,000 to 280,000 (README.md), and a
// GPU many times more. Use it beside the behaviour score and the CAPTCHA,
// never instead of them.
//
// The package imports only the standard library.
//
// # Wire format
//
// A Puzzle, as Handler sends it (201, JSON):
//
//	{"algorithm":"SHA-256","challenge":"AQAAAZ...","difficulty":15,"expires":"2026-03-01T12:02:00Z"}
//
// The challenge is 78 characters: the base64url encoding, without padding,
// of 58 bytes
//
//	version (1) = 1 | expires, Unix ms, big endian (8) | nonce (16, crypto/rand) |
//	difficulty (1, 0..32) | HMAC-SHA256 (32)
//
// with the HMAC over the 26 bytes before it, under a subkey of the secret
// (HMAC-SHA256(secret, "tollgate/pow/challenge")). Only the canonical
// encoding is accepted (strict base64url: no padding, no line breaks, the
// unused low bits of the last character zero), so one puzzle has one
// spelling.
//
// The client finds the smallest decimal counter n, counting from 0, such
// that SHA-256 of the ASCII bytes challenge + ":" + n has at least
// difficulty leading zero bits (the first byte's high bit first), and
// posts the solution string challenge + ":" + n; tollgate's widget posts
// it in the form field "tollgate_pow". The counter is canonical decimal:
// "0" or 1 to 12 digits without a leading zero. Verify accepts any counter
// that meets the difficulty; the smallest is what the worker finds, and it
// lets tests compare solvers.
//
// # Expected work
//
// A digest meets difficulty d with probability 2^-d, so the number of
// digests a client computes is geometric with mean 2^d: each step of
// difficulty doubles the work. The spread is wide: half of the puzzles take
// less than 0.69 × 2^d digests, one in ten more than 2.3 × 2^d and one in a
// hundred more than 4.6 × 2^d. DefaultDifficulty (15) is 32,768 digests
// on average: 0.13 to 0.27 s in the browsers measured in README.md, which
// computed 120,000 to 280,000 digests a second on one core of a shared
// server; a laptop's core is usually faster. The worker (WorkerScript,
// static/worker.js) hashes with crypto.subtle.digest in batches of 256
// awaited together, on its own thread: the page's thread, and so typing,
// is not blocked.
//
// # Verification
//
// Verify checks, in order: the syntax and canonical spelling, the MAC (in
// constant time) and the version, the expiry, the leading zero bits of one
// SHA-256 of the solution, and last that the puzzle is live, which the
// Store's Take ends. With the MemoryStore it takes about 1 µs and
// allocates 24 bytes (the store key); a forged solution is refused in about
// 0.4 µs without touching the store (bench_test.go). A failed check spends
// nothing; a wrong counter can be followed by the right one.
//
// # Single use that fails safe
//
// A puzzle is accepted only while its nonce is in the Store, as live
// captcha tokens are: Issue puts it there until it expires, and the first
// valid solution takes it out atomically. So the store keeps the puzzles
// that may still be spent, never a list of spent ones: a store that loses
// data (eviction at the MemoryStore's cap, a restart, a Redis eviction)
// makes the lost puzzles fail with ErrSpent and the client solves a new
// one; nothing is ever accepted twice. The MemoryStore is bounded (100,000
// puzzles by default, about 120 bytes each). Because every request to
// Handler stores a puzzle until it expires, rate-limit that endpoint per
// client.
//
// A puzzle is bound to nothing but itself: it may be solved on one machine
// and spent from another within its lifetime (2 minutes, WithTTL). Its
// single use is what makes every attempt pay.
//
// # Concurrency
//
// An Issuer is immutable after New and safe for concurrent use, as is the
// MemoryStore. Of concurrent verifications of one solution exactly one
// succeeds; the others get ErrSpent.
package pow
