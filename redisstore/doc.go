// Package redisstore keeps tollgate's shared state in Redis, for sites that
// run many tollgate servers behind a load balancer: a challenge created on
// one server verifies on another, attempt and rate limits count across all
// of them, a token is spent once across all of them, and a client flagged
// as a bot by one is known to all.
//
// It provides three stores, each built on a redis.UniversalClient from
// github.com/redis/go-redis/v9, so a single node, Sentinel (failover) and
// Cluster all work:
//
//   - CaptchaStore implements captcha.Store (challenges, attempts, refreshes
//     and spent tokens);
//   - Limiter implements ratelimit.KeyLimiter (GCRA per key);
//   - Suspects implements behavior.Suspects (counts and last seen per key).
//
// They pass the same behavioural suites as the in-memory stores
// (captcha/storetest, ratelimit/limitertest, behavior/suspectstest).
//
// # Atomicity and round trips
//
// Every operation that reads and writes is one Lua script, run with
// EVALSHA and loaded with EVAL when the server answers NOSCRIPT (after a
// restart or failover). Each call is therefore atomic and exactly one round
// trip once the script is loaded: concurrent verifications of a challenge,
// across servers, succeed exactly once and never lose an attempt, and
// concurrent checks of a rate-limited key never allow more than its burst.
//
// The stores never let go-redis retry a command: a retry after a broken
// connection could run a script that already ran and count an attempt or
// a request twice. A failed call is reported at once; a call that failed
// or timed out may have taken effect once, never twice.
//
// # Keys and expiry
//
// Keys start with a configurable prefix (WithPrefix, default "tollgate:");
// type Keys names them. Every key has a Redis expiry, so nothing grows
// without bound: challenges and tokens expire shortly (WithTTLMargin) after
// their own expiry, rate-limit keys when they are back at full burst, and
// suspects WithSuspectTTL after their last record. Expiry decisions of
// CaptchaStore and Suspects use the times the callers pass, exactly as the
// in-memory stores do; the Redis expiry only frees memory. The Limiter uses
// the Redis server's clock (the TIME command), so the clocks of the
// application servers do not matter. Give Redis a maxmemory limit with a
// volatile-* eviction policy (volatile-ttl suits best) as a last defence
// against floods.
//
// On Redis Cluster, all challenges share the hash tag "{captcha}" because a
// refresh replaces one challenge by another in one script; tokens, limits
// and suspects touch one key per call and spread over the cluster.
//
// # Failures
//
// Redis can be slow or gone. Every call honours its context's deadline and
// a per-call timeout (WithTimeout, default one second); constructors
// therefore require a client created with ContextTimeoutEnabled, without
// which go-redis ignores context deadlines on its sockets. What a store does
// when Redis fails is chosen per store with WithFailOpen:
//
//   - fail closed (the default): the error is returned. The captcha Service
//     reports it as captcha.ErrStore and denies the verification; a Limiter
//     returns a denying Decision;
//   - fail open: a Limiter allows, Suspects records nothing and knows no
//     one, CaptchaStore.Spend accepts the token; the call returns no error.
//     Challenges themselves always fail closed: without the stored
//     challenge there is nothing to verify against.
//
// Either way the failure is reported through the hook set with
// WithEventHook (EventError or EventFailOpen), and the first success after
// failures emits EventRecovered. The stores hold no state about the
// connection: once Redis answers again they work again, with nothing
// counted twice.
//
// Redis 5 or later is required (scripts that call TIME before writing rely
// on script effects replication).
package redisstore
