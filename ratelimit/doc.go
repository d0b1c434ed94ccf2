// Package ratelimit keeps a server useful under overload: per-class
// admission lanes, load-level shedding and per-key rate limits.
//
// The story it is built for: an emergency alert wakes every phone, every app
// re-logs in in the background, and the login servers see 20× their
// capacity, almost all of it background logins, while the people who open
// the app to send a message cannot log in. The fix has three parts, and this
// package provides each:
//
//  1. Lanes. A Limiter has a total number of seats (concurrent requests)
//     split among host-declared classes (Class): each class has a share,
//     part of which may be lent to idle-lane borrowers and the rest of which
//     is reserved: a flood in another class can never take it. Requests take
//     a seat with Acquire (waiting in a bounded FIFO queue for at most
//     MaxWait and the context's deadline) or TryAcquire, and give it back
//     with Ticket.Release. The hot path takes no mutex and does not allocate.
//  2. Load levels. A sampler measures utilisation and queue delay and moves
//     the Level (normal, elevated, high, critical) with hysteresis. Each
//     level sheds the classes whose Criticality is at or below it: their
//     requests are never queued and are rejected at once unless a seat is
//     free, with a Retry-After that grows with the level (1–32 s, jittered).
//     NeverShed classes are bounded only by their lane. The host can read
//     the level, Subscribe to changes and show Stats on a status page.
//  3. Per-key limits. KeyLimiter is GCRA per key (client network, account,
//     both); MemoryKeyLimiter is the bounded in-memory store and GCRA the
//     shared arithmetic, so a Redis implementation stays identical
//     (package ratelimit/limitertest holds the suite both must pass).
//     IPExtractor finds client addresses (IPv6 grouped by /64, trusted
//     proxy aware, not spoofable by default).
//
// Limiter.Middleware and KeyMiddleware wire all of this into net/http: shed
// and queue rejections answer 503, per-key denials 429, both with
// Retry-After, and per-key limits send the RateLimit-Policy and RateLimit
// fields of the IETF draft draft-ietf-httpapi-ratelimit-headers.
//
// Decisions are reported through an EventHook and a Metrics interface set by
// the host; the package logs nothing itself. Package ratelimit/simulate
// replays the emergency story against the real limiter ("tollgate simulate
// overload").
package ratelimit
