package pow_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"net/http"
	"strconv"
	"time"

	"github.com/tollgate/tollgate/pow"
)

// The whole exchange: the server issues a puzzle, the client searches for
// the counter (what the embedded worker does in the browser), the server
// verifies the solution once.
func Example() {
	iss, err := pow.New([]byte("a secret of at least 16 bytes, ideally 32 random ones"))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	now := time.Now()
	p, err := iss.Issue(ctx, 10, now)
	if err != nil {
		fmt.Println(err)
		return
	}

	// The client: the smallest counter n such that
	// SHA-256(challenge ":" n) starts with Difficulty zero bits.
	var solution string
	for n := 0; ; n++ {
		solution = p.Challenge + ":" + strconv.Itoa(n)
		sum := sha256.Sum256([]byte(solution))
		if bits.LeadingZeros32(binary.BigEndian.Uint32(sum[:4])) >= p.Difficulty {
			break
		}
	}

	res, err := iss.Verify(ctx, solution, now.Add(300*time.Millisecond))
	fmt.Println("verified:", err == nil, "difficulty", res.Difficulty)
	_, err = iss.Verify(ctx, solution, now.Add(time.Second))
	fmt.Println("again:", errors.Is(err, pow.ErrSpent))
	_, err = iss.Verify(ctx, p.Challenge+":x", now)
	fmt.Println("malformed:", errors.Is(err, pow.ErrInvalid))
	// Output:
	// verified: true difficulty 10
	// again: true
	// malformed: true
}

// Serving puzzles and the solver script; the difficulty grows with what the
// host knows about the client (here a header stands in for a risk score).
func ExampleIssuer_Handler() {
	iss, err := pow.New([]byte("a secret of at least 16 bytes, ideally 32 random ones"))
	if err != nil {
		fmt.Println(err)
		return
	}
	mux := http.NewServeMux()
	mux.Handle("POST /tollgate/pow", iss.Handler(func(r *http.Request) int {
		if r.Header.Get("X-Suspect") != "" {
			return pow.DefaultDifficulty + 4 // 16 times the work
		}
		return pow.DefaultDifficulty
	}))
	mux.Handle("GET /tollgate/static/pow-worker.js", pow.WorkerHandler())
	// In the page:
	//   const w = new Worker("/tollgate/static/pow-worker.js");
	//   w.onmessage = e => { form.tollgate_pow.value = e.data.solution; };
	//   w.postMessage(await (await fetch("/tollgate/pow", {method: "POST"})).json());
	fmt.Println("ok")
	// Output: ok
}
