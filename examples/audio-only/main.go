// Command audio-only uses package audio alone: it renders one audio
// challenge to a WAV file, prints its spoken instruction, and checks an
// answer typed on standard input.
//
//	go run ./examples/audio-only -lang ko -out clip.wav
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/tollgate/tollgate/audio"
	"github.com/tollgate/tollgate/captcha"
)

func play(in io.Reader, w io.Writer, path, lang string) error {
	s, err := audio.New()
	if err != nil {
		return err
	}
	var seed captcha.Seed
	rand.Read(seed[:])
	p, err := s.Generate(context.Background(), captcha.Request{Seed: seed, Lang: lang})
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, p.Media, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(w, "Wrote %s (%s). %s\nAnswer: ", path, p.MediaType, p.Prompt)
	answer, _ := bufio.NewReader(in).ReadString('\n')
	switch err := audio.Check(p, answer); {
	case err == nil:
		fmt.Fprintln(w, "Right.")
	case errors.Is(err, audio.ErrDecoyAnswer):
		fmt.Fprintln(w, "Those are the digits of another voice: a speech-to-text program would say that.")
	default:
		fmt.Fprintln(w, "Wrong.")
	}
	return nil
}

func main() {
	lang := flag.String("lang", "en", "language: en or ko")
	out := flag.String("out", "clip.wav", "WAV file to write")
	flag.Parse()
	if err := play(os.Stdin, os.Stdout, *out, *lang); err != nil {
		log.Fatal(err)
	}
}
