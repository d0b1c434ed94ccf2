package fakeclock_test

import (
	"fmt"
	"time"

	"github.com/tollgate/tollgate/ratelimit/internal/fakeclock"
)

func Example() {
	c := fakeclock.New(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC))
	fired, _ := c.NewTimer(time.Second)
	c.Advance(500 * time.Millisecond)
	select {
	case <-fired:
		fmt.Println("fired early")
	default:
		fmt.Println("pending:", c.Timers())
	}
	c.Advance(500 * time.Millisecond)
	fmt.Println("fired at", (<-fired).Format(time.TimeOnly), "pending:", c.Timers())
	// Output:
	// pending: 1
	// fired at 12:00:01 pending: 0
}
