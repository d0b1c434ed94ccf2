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
//     most 3 new challenges (WithMaxRefreshes); a switch from the image to
//     the audio alternative is not counted and a switch back is, so a screen
//     shows at most 2×(3+1) challenges. Concurrent verifications of one id
//     never both succeed and never lose an attempt.
//   - A verification token (Service.Token) is HMAC-signed and bound to the
//     screen, the solved challenge and an action: the name of the protected
//     form or operation it was issued for (Require's default is the
//     request's path). It passes only that action, and with a challenge id
//     only that challenge's; it expires in 2 minutes (WithTokenTTL). Only
//     its canonical encoding is accepted (strict base64url of exact length):
//     one token has one spelling.
//   - A token is live only while the Store holds it: Token stores it, and
//     its first presentation takes it out atomically, whatever the outcome.
//     A store that loses data (eviction, restart) loses live tokens and
//     challenges, never the record of a spent one: the person solves again,
//     and nothing replays.
//   - A client cannot tell a decoy answer from a wrong one: they get the same
//     response (see ErrorResponse); only events tell them apart. Service.Fail
//     spends a request's proof exactly as a check would and answers as a
//     wrong answer, for requests already judged to come from software.
//   - Memory is bounded under a flood: the MemoryStore in challenges and
//     tokens, the media cache in bytes (WithMediaCacheBytes, default 32 MiB;
//     a solved, used-up, replaced or expired challenge's media leaves it at
//     once).
//
// Errors are sentinels to test with errors.Is (ErrNotFound, ErrExpired,
// ErrWrongAnswer, ErrDecoyAnswer, ErrTooManyAttempts, ErrRefreshLimit,
// ErrInvalidToken, ErrBadRequest, ErrStore, ...); their messages start with
// "captcha:", except that of ErrBadRequest, which the root package shares.
//
// Handler serves the JSON API and media; Service.Check verifies the proof
// of one protected request (a token, or a challenge id and answer); Require
// is middleware that admits a form post only with such a proof.
package captcha
