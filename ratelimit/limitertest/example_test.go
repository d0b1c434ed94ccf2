package limitertest_test

import (
	"fmt"
	"testing"

	"github.com/tollgate/tollgate/ratelimit"
	"github.com/tollgate/tollgate/ratelimit/limitertest"
)

// A KeyLimiter implementation runs the suite from one test function; this
// is how the in-memory limiter does it.
func ExampleRun() {
	testMemory := func(t *testing.T) {
		limitertest.Run(t, func(t *testing.T, l ratelimit.Limit) ratelimit.KeyLimiter {
			m, err := ratelimit.NewMemoryKeyLimiter(l)
			if err != nil {
				t.Fatal(err)
			}
			return m
		})
	}
	fmt.Printf("%T\n", testMemory)
	// Output: func(*testing.T)
}
