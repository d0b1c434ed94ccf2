package audio

import (
	"context"
	"testing"

	"github.com/tollgate/tollgate/captcha"
)

// benchSeeds returns seeds whose clips last 9.5 to 10.5 s, so that the
// benchmarks measure the 10-second clip.
func benchSeeds(b *testing.B, s *Synth, lang string) []captcha.Seed {
	b.Helper()
	var seeds []captcha.Seed
	for i := 0; len(seeds) < 8 && i < 1000; i++ {
		seed := testSeed(i)
		j := planJob(b, s, seed, lang)
		if j.n >= sampleRate*95/10 && j.n <= sampleRate*105/10 {
			seeds = append(seeds, seed)
		}
	}
	if len(seeds) == 0 {
		b.Fatal("no 10-second seeds")
	}
	return seeds
}

func benchmarkGenerate(b *testing.B, lang string) {
	s := newTestSynth(b)
	seeds := benchSeeds(b, s, lang)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := s.Generate(ctx, captcha.Request{Seed: seeds[i%len(seeds)], Lang: lang}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkGenerate synthesises and encodes a 10-second English clip on one
// goroutine. Target: at most 10 ms/op.
func BenchmarkGenerate(b *testing.B) { benchmarkGenerate(b, "en") }

// BenchmarkGenerateKorean is BenchmarkGenerate for Korean.
func BenchmarkGenerateKorean(b *testing.B) { benchmarkGenerate(b, "ko") }

// BenchmarkGenerateParallel runs Generate on all CPUs.
func BenchmarkGenerateParallel(b *testing.B) {
	s := newTestSynth(b)
	seeds := benchSeeds(b, s, "en")
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := s.Generate(ctx, captcha.Request{Seed: seeds[i%len(seeds)], Lang: "en"}); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// BenchmarkPlan measures the planning steps (pick to gaps) of a clip.
func BenchmarkPlan(b *testing.B) {
	s := newTestSynth(b)
	seed := benchSeeds(b, s, "en")[0]
	_, ls := s.resolve("en")
	j := new(job)
	steps := planSteps()
	b.ReportAllocs()
	for b.Loop() {
		j.reset(s, ls, seed)
		if err := j.run(context.Background(), steps); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStep reports the cost of each rendering step for a 10-second
// English clip. Each iteration restores the mix the step starts from.
func BenchmarkStep(b *testing.B) {
	s := newTestSynth(b)
	seed := benchSeeds(b, s, "en")[0]
	_, ls := s.resolve("en")
	for k := len(planSteps()); k < len(pipeline); k++ {
		st := pipeline[k]
		b.Run(st.name, func(b *testing.B) {
			j := new(job)
			j.reset(s, ls, seed)
			if err := j.run(context.Background(), pipeline[:k]); err != nil {
				b.Fatal(err)
			}
			snapshot := append([]float32(nil), j.mix...)
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				j.mix = append(j.mix[:0], snapshot...)
				b.StartTimer()
				if err := st.run(j); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
