package captcha_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/captcha"
)

// fixedGenerator returns one prepared puzzle: benchmarks of the lifecycle
// measure no rendering.
var fixedGenerator = captcha.GeneratorFunc(func(ctx context.Context, req captcha.Request) (*captcha.Puzzle, error) {
	return &captcha.Puzzle{Answers: []string{"Seoul Station"}, Prompt: "p", Media: []byte("x"), MediaType: "image/png"}, nil
})

func benchService(b *testing.B, opts ...captcha.Option) *captcha.Service {
	b.Helper()
	base := []captcha.Option{
		captcha.WithStore(captcha.NewMemoryStore(captcha.WithMaxChallenges(1 << 21))),
		captcha.WithGenerator(captcha.KindImage, fixedGenerator),
	}
	svc, err := captcha.New(append(base, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { svc.Close() })
	return svc
}

// BenchmarkCreate measures issuing a challenge without rendering.
func BenchmarkCreate(b *testing.B) {
	svc := benchService(b)
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := svc.Create(ctx, "", "en"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify measures Service.Verify of a correct answer with the
// memory store (normalise, HMAC, atomic take-and-delete).
func BenchmarkVerify(b *testing.B) {
	svc := benchService(b)
	ctx := context.Background()
	const batch = 10_000
	ids := make([]string, batch)
	b.ReportAllocs()
	for done := 0; done < b.N; done += batch {
		b.StopTimer()
		for i := range ids {
			iss, err := svc.Create(ctx, "", "en")
			if err != nil {
				b.Fatal(err)
			}
			ids[i] = iss.ID
		}
		b.StartTimer()
		for i := 0; i < batch && done+i < b.N; i++ {
			if _, err := svc.Verify(ctx, ids[i], "seoul station"); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkVerifyStore measures the store's atomic attempt alone.
func BenchmarkVerifyStore(b *testing.B) {
	s := captcha.NewMemoryStore(captcha.WithMaxChallenges(1 << 21))
	ctx := context.Background()
	now := time.Now()
	d := captcha.NewHasher([]byte("k")).Digest("wrong")
	c := &captcha.Challenge{ID: "AAAAAAAAAAAAAAAAAAAAAA", Answers: []captcha.Digest{{1}}, Created: now, Expires: now.Add(time.Hour), MaxAttempts: 1 << 62}
	s.Put(ctx, c)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s.Attempt(ctx, c.ID, d, now)
	}
}

// BenchmarkToken measures issuing a verification token: encoding, HMAC and
// storing it in the memory store.
func BenchmarkToken(b *testing.B) {
	svc := benchService(b, captcha.WithStore(captcha.NewMemoryStore(captcha.WithMaxTokens(1<<22))))
	ctx := context.Background()
	iss, _ := svc.Create(ctx, "", "en")
	res, err := svc.Verify(ctx, iss.ID, "seoul station")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := svc.Token(ctx, res, "/login"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyToken measures checking and spending a verification token.
func BenchmarkVerifyToken(b *testing.B) {
	svc := benchService(b, captcha.WithStore(captcha.NewMemoryStore(captcha.WithMaxTokens(1<<22))))
	ctx := context.Background()
	const batch = 10_000
	toks := make([]string, batch)
	b.ReportAllocs()
	for done := 0; done < b.N; done += batch {
		b.StopTimer()
		for i := range toks {
			iss, _ := svc.Create(ctx, "", "en")
			res, err := svc.Verify(ctx, iss.ID, "seoul station")
			if err != nil {
				b.Fatal(err)
			}
			if toks[i], err = svc.Token(ctx, res, "/login"); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		for i := 0; i < batch && done+i < b.N; i++ {
			if _, err := svc.VerifyToken(ctx, toks[i], "/login"); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkPoolHit measures Create when the pool has a rendered challenge
// ready: a channel receive and a store insert, however long rendering takes.
func BenchmarkPoolHit(b *testing.B) {
	const size = 1024
	svc := benchService(b, captcha.WithLanguages("en"), captcha.WithPool(captcha.PoolConfig{Size: size, Workers: 1}))
	ctx := context.Background()
	wait := func() {
		for svc.PoolStats().Ready < size {
			time.Sleep(100 * time.Microsecond)
		}
	}
	b.ReportAllocs()
	for done := 0; done < b.N; done += size {
		b.StopTimer()
		wait()
		b.StartTimer()
		for i := 0; i < size && done+i < b.N; i++ {
			if _, err := svc.Create(ctx, "", "en"); err != nil {
				b.Fatal(err)
			}
		}
	}
	if st := svc.PoolStats(); st.Misses > 0 {
		b.Fatalf("pool missed %d times", st.Misses)
	}
}

// BenchmarkMemoryStoreTokenBytes reports the heap that a live token takes in
// a MemoryStore (the B/token metric), which the MemoryStore doc states.
func BenchmarkMemoryStoreTokenBytes(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	expires := time.Now().Add(time.Hour)
	nonces := make([]string, n)
	for i := range nonces {
		nonces[i] = fmt.Sprintf("%022d", i) // the length of a real nonce
	}
	var perToken float64
	for i := 0; i < b.N; i++ {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s := captcha.NewMemoryStore(captcha.WithMaxTokens(n))
		for _, nonce := range nonces {
			s.PutToken(ctx, strings.Clone(nonce), expires) // as Token makes it
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		perToken = float64(after.HeapAlloc-before.HeapAlloc) / n
		runtime.KeepAlive(s)
	}
	b.ReportMetric(perToken, "B/token")
}
