// Package redisevent defines the events package redisstore reports. They
// live apart from redisstore, in a package that imports no Redis client,
// so that the tollgate package's Event can carry them while a program that
// keeps its state in memory links neither redisstore nor go-redis.
// redisstore.Event is this package's Event, and its Event* constants are
// these.
package redisevent

import "time"

// Event types. They are stable strings that a host may match on.
const (
	// EventError: a call to Redis failed and the store returned the error
	// (fail closed).
	EventError = "redisstore.error"
	// EventFailOpen: a call to Redis failed and the store, configured with
	// redisstore.WithFailOpen(true), let the request through instead.
	EventFailOpen = "redisstore.fail_open"
	// EventRecovered: a call succeeded after one or more failed calls.
	EventRecovered = "redisstore.recovered"
)

// Event reports something a Redis store did that a host may want to log or
// count. It is a plain value, safe to copy and to share between
// goroutines; the hook set with redisstore.WithEventHook receives it.
type Event struct {
	// Type is one of the Event* constants.
	Type string
	// Store names the store: "captcha", "ratelimit" or "suspects".
	Store string
	// Op names the operation, such as "attempt", "allow" or "record".
	Op string
	// Key is the Redis key involved, when there is one.
	Key string
	// Err is the failure, for EventError and EventFailOpen.
	Err error
	// Failures is, for EventRecovered, how many calls failed in a row
	// before this success.
	Failures int64
	// Duration is how long the call to Redis took.
	Duration time.Duration
}
