package redisstore

import (
	"context"
	"fmt"
)

// Ping reports whether Redis answers a PING within the store's timeout
// (WithTimeout), for health checks: tollgate.Gate.Health calls it on every
// store of the Gate that has it. A probe is no call of the store's own: it
// emits no event and does not count towards EventRecovered. On a Cluster or
// Ring client it asks one node.
func (b *base) Ping(ctx context.Context) error {
	ctx, cancel := b.context(ctx)
	defer cancel()
	// Once, as the stores send every command: a probe sees what a call
	// would.
	if err := do(ctx, b.client, "ping").Err(); err != nil {
		return fmt.Errorf("redisstore: %s ping: %w", b.name, err)
	}
	return nil
}
