package storetest_test

import (
	"testing"

	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/captcha/storetest"
)

// A Store implementation runs the suite from one of its tests. This one
// checks the in-memory store with 100 goroutines in the concurrency tests,
// and its eviction of tokens at a cap of 64.
func Example() {
	testMemoryStore := func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) captcha.Store { return captcha.NewMemoryStore(captcha.WithMaxTokens(64)) },
			storetest.Options{Concurrency: 100, MaxTokens: 64})
	}
	_ = testMemoryStore // call it from a func TestXxx(t *testing.T)
}
