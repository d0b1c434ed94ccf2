package pow

import (
	"context"
	"math"
	"testing"
	"time"
)

// solvedBatch issues n puzzles of difficulty d at t0 and returns their
// solutions. The difficulty changes what a client pays, not what Verify
// does: one SHA-256 of two blocks for any counter of up to 12 digits.
func solvedBatch(b *testing.B, iss *Issuer, n, d int) []string {
	sols := make([]string, n)
	for k := range sols {
		_, sols[k] = solve(issue(b, iss, d, t0).Challenge, d)
	}
	return sols
}

// BenchmarkVerify is the server's cost of one valid solution, with the
// MemoryStore holding 10,000 live puzzles. The target is at most 5 µs.
func BenchmarkVerify(b *testing.B) {
	const batch = 10_000
	iss := newIssuer(b, WithStore(NewMemoryStore(4*batch)))
	ctx := context.Background()
	now := t0.Add(time.Second)
	b.ReportAllocs()
	for done := 0; done < b.N; {
		b.StopTimer()
		sols := solvedBatch(b, iss, batch, 4)
		b.StartTimer()
		for _, s := range sols[:min(batch, b.N-done)] {
			if _, err := iss.Verify(ctx, s, now); err != nil {
				b.Fatal(err)
			}
		}
		done += batch
	}
}

// BenchmarkVerifyParallel is BenchmarkVerify from every core at once.
func BenchmarkVerifyParallel(b *testing.B) {
	iss := newIssuer(b, WithStore(NewMemoryStore(0)))
	ctx := context.Background()
	now := t0.Add(time.Second)
	sols := solvedBatch(b, iss, 50_000, 4)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		// Past the issued puzzles, solutions are refused as spent: the
		// same work but for the store's delete.
		for k := 0; pb.Next(); k++ {
			iss.Verify(ctx, sols[k%len(sols)], now)
		}
	})
}

// BenchmarkVerifyInvalid is the cost of refusing a forged solution.
func BenchmarkVerifyInvalid(b *testing.B) {
	iss := newIssuer(b)
	other, _ := New([]byte("another secret of thirty-two b.."))
	_, forged := solve(issue(b, other, 4, t0).Challenge, 4)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := iss.Verify(ctx, forged, t0); err != ErrInvalid {
			b.Fatal(err)
		}
	}
}

// BenchmarkIssue is the cost of a new puzzle with the MemoryStore.
func BenchmarkIssue(b *testing.B) {
	iss := newIssuer(b, WithStore(NewMemoryStore(0)))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := iss.Issue(ctx, 16, t0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSolveNative is the reference solver in Go on one core: what a
// client with native code pays, for comparison with the browser's rate.
func BenchmarkSolveNative(b *testing.B) {
	iss := newIssuer(b, WithStore(liveStore{}))
	const d = 14
	var digests uint64
	for b.Loop() {
		n, _ := solve(issue(b, iss, d, t0).Challenge, d)
		digests += n + 1
	}
	rate := float64(digests) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "digests/s")
	b.ReportMetric(math.Ldexp(1, d)/rate*1e3, "ms/solve@14")
}
