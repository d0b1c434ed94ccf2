// Package captcha runs the lifecycle of CAPTCHA challenges: a challenge is
// created, shown, answered, and then gone.
//
// A Service creates challenges with a Generator registered for their kind
// (package captcha/maptile renders map images, package audio spoken digits
// with decoy voices), keeps them in a Store (a bounded MemoryStore by default,
// package redisstore for many servers), serves their media, verifies answers
// and issues verification tokens. The package imports no renderer.
//
// Security properties:
//
//   - Ids are 128 bits from crypto/rand, base64url. The rendering seed is
//     derived from the id under the server secret, so the same id always shows
//     the same media while the id reveals nothing.
//   - Stores keep HMAC-SHA256 digests of normalised answers (see Normalize),
//     never answers, and compare them in constant time.
//   - A challenge accepts one correct answer (single use), at most 3 answers
//     in all (WithMaxAttempts), for 2 minutes (WithTTL). A screen may take at
//     most 3 new challenges (WithMaxRefreshes). Concurrent verifications of
//     one id never both succeed and never lose an attempt.
//   - Verification tokens are HMAC-signed, bound to the screen, single use,
//     and expire in 2 minutes (WithTokenTTL).
//
// Errors are sentinels to test with errors.Is (ErrNotFound, ErrExpired,
// ErrWrongAnswer, ErrDecoyAnswer, ErrTooManyAttempts, ErrRefreshLimit,
// ErrStore, ...); their messages start with "captcha:".
//
// Handler serves the JSON API and media; Require is middleware that admits a
// form post only with a solved challenge or a valid token.
package captcha
