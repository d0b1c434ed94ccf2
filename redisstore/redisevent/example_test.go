package redisevent_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tollgate/tollgate/redisstore/redisevent"
)

// Example counts a store's failures with a hook of the shape
// redisstore.WithEventHook takes; the events here are made up, as a
// CaptchaStore would emit them while Redis is down and once it is back.
func Example() {
	failures := map[string]int{}
	hook := func(_ context.Context, e redisevent.Event) {
		switch e.Type {
		case redisevent.EventError, redisevent.EventFailOpen:
			failures[e.Store+" "+e.Op]++
		case redisevent.EventRecovered:
			fmt.Printf("%s recovered after %d failed calls\n", e.Store, e.Failures)
		}
	}
	down := errors.New("dial tcp: connection refused")
	hook(context.Background(), redisevent.Event{Type: redisevent.EventError, Store: "captcha", Op: "attempt", Err: down})
	hook(context.Background(), redisevent.Event{Type: redisevent.EventError, Store: "captcha", Op: "take_token", Err: down})
	hook(context.Background(), redisevent.Event{Type: redisevent.EventRecovered, Store: "captcha", Op: "attempt", Failures: 2, Duration: time.Millisecond})
	fmt.Println(failures)
	// Output:
	// captcha recovered after 2 failed calls
	// map[captcha attempt:1 captcha take_token:1]
}
