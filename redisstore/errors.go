package redisstore

import "errors"

// Errors of the constructors and of stored data. Their messages start with
// "redisstore:".
var (
	// ErrNilClient: a constructor was given a nil client.
	ErrNilClient = errors.New("redisstore: nil redis client")
	// ErrInvalidPrefix: the key prefix contains '{' or '}', which Redis
	// Cluster would read as a hash tag.
	ErrInvalidPrefix = errors.New("redisstore: key prefix must not contain '{' or '}'")
	// ErrContextTimeoutDisabled: the client was created without
	// ContextTimeoutEnabled, so go-redis would ignore context deadlines on
	// the socket and calls could outlive their deadline. Set
	// ContextTimeoutEnabled: true in the client's options.
	ErrContextTimeoutDisabled = errors.New("redisstore: redis client must have ContextTimeoutEnabled set, so that calls honour context deadlines")
	// ErrCorrupt: Redis held or returned data the store did not write (a key
	// of the wrong shape, for example written by another program under the
	// same prefix).
	ErrCorrupt = errors.New("redisstore: unexpected data in redis")
)
