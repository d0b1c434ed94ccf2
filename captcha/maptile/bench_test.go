package maptile_test

import (
	"context"
	"testing"

	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/captcha/maptile"
)

// benchGenerate renders a fresh seed per iteration, single goroutine, and
// reports the mean PNG size.
func benchGenerate(b *testing.B, r *maptile.Renderer, lang string, scale int) {
	b.Helper()
	ctx := context.Background()
	b.ReportAllocs()
	total := 0
	i := 0
	c0 := cpuTime()
	for b.Loop() {
		p, err := r.Generate(ctx, captcha.Request{Seed: seed(i), Lang: lang, Scale: scale})
		if err != nil {
			b.Fatal(err)
		}
		total += len(p.Media)
		i++
	}
	if c := cpuTime() - c0; c > 0 {
		b.ReportMetric(float64(c)/float64(i), "cpu-ns/op")
	}
	b.ReportMetric(float64(total)/float64(i), "B/png")
}

func BenchmarkGenerateProcedural(b *testing.B) {
	r := newRenderer(b)
	b.Run("en", func(b *testing.B) { benchGenerate(b, r, "en", 1) })
	b.Run("ko", func(b *testing.B) { benchGenerate(b, r, "ko", 1) })
	b.Run("ko-scale2", func(b *testing.B) { benchGenerate(b, r, "ko", 2) })
}

func BenchmarkGenerateProceduralParallel(b *testing.B) {
	r := newRenderer(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := r.Generate(context.Background(), captcha.Request{Seed: seed(i), Lang: "en"}); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}
