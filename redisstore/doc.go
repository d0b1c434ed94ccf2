// Package redisstore keeps tollgate's shared state in Redis, for sites that
// run many tollgate servers behind a load balancer: a challenge created on
// one server verifies on another, attempt and rate limits count across all
// of them, a token is accepted once across all of them, and a client flagged
// as a bot by one is known to all.
//
// It provides three stores, each built on a redis.UniversalClient from
// github.com/redis/go-redis/v9, so a single node, Sentinel (failover) and
// Cluster all work:
//
//   - CaptchaStore implements captcha.Store (challenges, attempts, refreshes
//     and live tokens);
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
// The one exception is a challenge refresh on Redis Cluster, which is two
// scripts (see below and CaptchaStore.Refresh) and still has one winner.
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
// application servers do not matter.
//
// No key has a hash tag: on Redis Cluster, challenges, tokens, limits and
// suspects spread over the shards by their ids. Every call touches one key
// in one round trip, but CaptchaStore.Refresh on a cluster: the old and the
// new challenge lie in different slots, so it deletes the old one in one
// script and writes the new one in a second (see there why of concurrent
// refreshes and answers exactly one still wins). A single node or Sentinel
// runs a refresh as one script. A prefix holding braces would become the
// hash tag of every key, so keep braces out of it.
//
// Create and verify throughput (a Put and its solving Attempt, 64
// goroutines, go test -bench ClusterCreateVerify with TOLLGATE_CLUSTER_BENCH=1)
// on one 2-core machine that runs the client and every shard:
//
//	BenchmarkClusterCreateVerify/1shards-2   39780 ns/op   25138 ops/s   2.000 roundtrips/op
//	BenchmarkClusterCreateVerify/3shards-2   42324 ns/op   23627 ops/s   2.000 roundtrips/op
//	BenchmarkClusterCreateVerify/6shards-2   42235 ns/op   23677 ops/s   2.000 roundtrips/op
//
// The shards there compete for the same two cores, so the lines show the
// cost per call is the same on any number of shards, not the gain: on
// separate machines each shard carries only its share of the challenges.
//
// # Losing data
//
// Redis may lose any key: evicted under maxmemory, or gone when a server
// without persistence restarts. The stores are built so that a lost key
// never makes a used challenge or token valid again. A challenge or token
// is valid only while its own key exists, and solving the challenge or
// taking the token deletes that key in the same atomic step: no key records
// a use, so no lost key can forget one. Each key, after the prefix:
//
//	key                 holds                          Redis expiry                 when lost
//	captcha:c:<id>      challenge: digests, screen,    its lifetime + margin        captcha.ErrNotFound: a new
//	                    attempts, refreshes                                         challenge
//	captcha:t:<nonce>   live token: its expiry         its lifetime + margin        captcha.ErrInvalidToken:
//	                                                                                solve again
//	rl:<key>            GCRA arrival time              until back at full burst     the key is at full burst
//	                                                   (+ margin, WithCallerClock)  again
//	sus:<key>           count, first and last seen,    WithSuspectTTL + margin      not a suspect until
//	                    last reason                    after the last record        recorded again
//
// Why each loss is safe, or what the host accepts:
//
//   - Challenge: nothing can be verified without it, so its loss only
//     costs the person a new challenge. Its attempt count and refresh count
//     are fields of the same hash, lost only with it: a loss never gives a
//     live challenge fresh attempts. A new challenge starts a new screen
//     with all its refreshes, which captcha.Service.Create grants anyway.
//     A refresh on Redis Cluster that fails after its first step has
//     deleted the old challenge and not written the new one: the same as a
//     lost challenge, and the refresh reports the error.
//   - Token: TakeToken accepts a token only if its key exists and deletes
//     it with the same GETDEL. A lost token is refused and the person
//     solves again; a token that was taken has no key left to lose.
//   - Rate limit: the key is the debt of its client (its time to live is
//     how long until the client is back at full burst), so losing it
//     forgives that debt: at most Burst events more than the limit allows,
//     once per loss and key, never an unbounded number. The host accepts
//     that bounded excess.
//   - Suspect: the client is no longer known as a suspect and meets the
//     behaviour checks afresh, as a new client does; its next verdict flags
//     it again. The host accepts that a flood which evicts suspects gives
//     their clients one more unflagged try.
//
// Give Redis a maxmemory limit as a last defence against floods, with the
// policy volatile-ttl: it evicts first the keys closest to their own
// expiry, whose loss costs least (tokens and challenges about to lapse,
// rate-limit keys with the smallest debt), the long-lived suspects last,
// and never the host's keys that have no expiry. allkeys-lru is safe too.
// With noeviction (Redis's default), writes that need memory fail once it
// is full: new challenges, tokens and attempts fail closed
// (captcha.ErrStore), and Limiter and Suspects fail as WithFailOpen says.
//
// Safety does not need persistence: a restart without it (save "" and
// appendonly no) costs every challenge and token in flight, which are
// solved again, and resets limits and suspects as above. What the stores
// cannot tell from live data is older data coming back. After a crash, a
// server that persists by RDB snapshots reloads its last snapshot, and one
// with appendfsync everysec loses up to its last second of writes; a
// failover promotes a replica that may lack the last writes (replication
// is asynchronous); restoring a backup goes back further still. Challenges
// solved and tokens taken since then are live again, and can be used once
// more until their own expiry (minutes). So run the stores' Redis without
// persistence, or with appendonly yes and appendfsync always (a clean
// SHUTDOWN saves everything first and is safe either way); with replicas,
// the host accepts that window of the replication lag.
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
//     one, CaptchaStore.TakeToken reports the token live (so an authentic
//     unexpired token can be replayed while Redis is down); the call
//     returns no error. Challenges and the issue of tokens always fail
//     closed: without the stored challenge there is nothing to verify
//     against.
//
// Either way the failure is reported through the hook set with
// WithEventHook (EventError or EventFailOpen), and the first success after
// failures emits EventRecovered. The stores hold no state about the
// connection: once Redis answers again they work again, with nothing
// counted twice.
//
// Every store has Ping, a PING within the store's timeout for health
// checks (tollgate.Gate.Health calls it); it emits no event. go-redis
// writes its own log lines (failed dials, pool trouble) through one logger
// per process, plain lines on stderr unless the program sets another with
// redis.SetLogger; the stores never set it.
//
// Redis 6.2 or later is required (TakeToken is one GETDEL; scripts that
// call TIME before writing rely on script effects replication).
package redisstore
