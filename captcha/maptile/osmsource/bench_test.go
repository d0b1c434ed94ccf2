package osmsource_test

import (
	"context"
	"os"
	"testing"

	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/captcha/maptile"
	"github.com/tollgate/tollgate/captcha/maptile/osmsource"
)

func BenchmarkGenerateOSM(b *testing.B) {
	for _, path := range []string{seoulXML, monacoPBF} {
		src := open(b, path)
		r, err := maptile.New(maptile.WithSource(src))
		if err != nil {
			b.Fatal(err)
		}
		name := "seoul-xml"
		if path == monacoPBF {
			name = "monaco-pbf"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			total, i := 0, 0
			c0 := cpuTime()
			for b.Loop() {
				p, err := r.Generate(context.Background(), captcha.Request{Seed: seed(i), Lang: "en"})
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
		})
	}
}

func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile(monacoPBF)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := osmsource.Open(context.Background(), monacoPBF); err != nil {
			b.Fatal(err)
		}
	}
}
