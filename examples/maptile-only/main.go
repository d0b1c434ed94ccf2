// Command maptile-only uses package captcha/maptile alone: it renders map
// challenges to PNG files and prints each one's prompt and answer.
//
//	go run ./examples/maptile-only -n 3 -lang ko -out /tmp/maps
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/captcha/maptile"
)

func render(w io.Writer, dir, lang string, n int) error {
	r, err := maptile.New() // procedural maps; maptile.WithSource for your own data
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		var seed captcha.Seed
		rand.Read(seed[:])
		p, err := r.Generate(context.Background(), captcha.Request{Seed: seed, Lang: lang, Scale: 1})
		if err != nil {
			return err
		}
		name := filepath.Join(dir, fmt.Sprintf("map-%d.png", i+1))
		if err := os.WriteFile(name, p.Media, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(w, "%s\t%s\t%s\n", name, p.Prompt, p.Answers[0])
	}
	return nil
}

func main() {
	n := flag.Int("n", 3, "how many maps")
	lang := flag.String("lang", "en", "language: en or ko")
	out := flag.String("out", ".", "output directory")
	flag.Parse()
	if err := render(os.Stdout, *out, *lang, *n); err != nil {
		log.Fatal(err)
	}
}
