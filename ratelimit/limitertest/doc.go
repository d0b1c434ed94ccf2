// Package limitertest is the behavioural test suite every
// ratelimit.KeyLimiter must pass: the in-memory limiter runs it, and so does
// any shared implementation (such as a Redis-backed one).
//
// The suite uses real time and passes time.Now() as the now argument, so it
// also holds for implementations that use their server's clock. Limits are
// generous (long intervals) so that clock differences of a few milliseconds
// cannot change an outcome; the whole suite takes well under a second.
package limitertest
