package simulate_test

import (
	"context"
	"fmt"
	"os"

	"github.com/tollgate/tollgate/ratelimit/simulate"
)

func ExampleWriteHeader() {
	simulate.WriteHeader(os.Stdout, simulate.DefaultConfig())
	// Output:
	// server: 40 workers × 25ms = capacity C 1600 req/s; client timeout 1s
	// load: user logins 320 req/s (20% of C) throughout; background logins 160 req/s, then 32000 req/s (20× C) for 8s, then none; phases 3s / 8s / 5s
}

func ExampleLaneClasses() {
	for _, c := range simulate.LaneClasses(simulate.ShortConfig()) {
		fmt.Printf("%s: %v, share %.1f, lendable %.1f, queue %d, max wait %v\n",
			c.Name, c.Criticality, c.Share, c.Lendable, c.QueueLen, c.MaxWait)
	}
	// Output:
	// user-login: never-shed, share 0.4, lendable 0.5, queue 20, max wait 200ms
	// background-login: sheddable, share 0.6, lendable 1.0, queue 10, max wait 50ms
}

// A replay runs in virtual time unless Config.Realtime is set: the same
// config gives the same result on any machine, in milliseconds for the
// short story.
func ExampleRun() {
	r, err := simulate.Run(context.Background(), simulate.ShortConfig(), simulate.ModeLanes)
	if err != nil {
		fmt.Println(err)
		return
	}
	u := r.Class(simulate.UserLogin)
	fmt.Printf("user logins during the flood: %d of %d succeeded\n", u.FloodSucceeded, u.FloodOffered)
	fmt.Println("targets missed:", r.Missed())
	// Output:
	// user logins during the flood: 92 of 92 succeeded
	// targets missed: []
}
