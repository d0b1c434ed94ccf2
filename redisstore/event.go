package redisstore

import "github.com/tollgate/tollgate/redisstore/redisevent"

// Event types. They are stable strings that a host may match on; package
// redisevent defines them, with Event, apart from the Redis client.
const (
	// EventError: a call to Redis failed and the store returned the error
	// (fail closed).
	EventError = redisevent.EventError
	// EventFailOpen: a call to Redis failed and the store, configured with
	// WithFailOpen(true), let the request through instead.
	EventFailOpen = redisevent.EventFailOpen
	// EventRecovered: a call succeeded after one or more failed calls.
	EventRecovered = redisevent.EventRecovered
)

// Event reports something a store did that a host may want to log or count.
// It is a plain value, safe to copy and to share between goroutines; the
// hook set with WithEventHook receives it. It is redisevent.Event, which
// the tollgate package's Event carries without importing this package.
type Event = redisevent.Event
