package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tollgate/tollgate/audio"
	"github.com/tollgate/tollgate/captcha"
)

const sampleAudioUsage = `Usage: tollgate sample audio -n N -out DIR [-lang ko|en] [-seed S]

Writes N audio challenges as DIR/audio-NNN.wav (16 kHz mono WAV) and
DIR/answers.tsv with the columns file, answer and prompt (header row). The
same -seed and -lang always write the same files.

Flags:
`

// sampleAudio implements "tollgate sample audio".
func sampleAudio(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sample audio", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 10, "number of clips (1 to 10000)")
	out := fs.String("out", "", "output directory (created if missing)")
	lang := fs.String("lang", "en", "language: en or ko")
	seed := fs.Uint64("seed", 0, "seed of the clips (default random; printed)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), sampleAudioUsage)
		fs.PrintDefaults()
	}
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(stdout)
		}
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return usageError("%v", err)
	}
	seedSet := false
	fs.Visit(func(f *flag.Flag) { seedSet = seedSet || f.Name == "seed" })
	switch {
	case fs.NArg() > 0:
		return usageError("unexpected arguments %q", fs.Args())
	case *n < 1 || *n > 10000:
		return usageError("-n %d out of range (1 to 10000)", *n)
	case *out == "":
		return usageError("-out DIR is required")
	case *lang != "en" && *lang != "ko":
		return usageError("-lang %q (want en or ko)", *lang)
	}
	if !seedSet {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		*seed = binary.LittleEndian.Uint64(b[:])
	}
	synth, err := audio.New()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	var tsv strings.Builder
	tsv.WriteString("file\tanswer\tprompt\n")
	ctx := context.Background()
	width := max(3, len(fmt.Sprint(*n)))
	for i := range *n {
		p, err := synth.Generate(ctx, captcha.Request{Seed: sampleAudioSeed(*lang, *seed, i), Lang: *lang})
		if err != nil {
			return err
		}
		name := fmt.Sprintf("audio-%0*d.wav", width, i+1)
		if err := os.WriteFile(filepath.Join(*out, name), p.Media, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(&tsv, "%s\t%s\t%s\n", name, p.Answers[0], p.Prompt)
	}
	if err := os.WriteFile(filepath.Join(*out, "answers.tsv"), []byte(tsv.String()), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d audio clips and answers.tsv to %s (-lang %s -seed %d)\n", *n, *out, *lang, *seed)
	return nil
}

// sampleAudioSeed derives the rendering seed of clip i.
func sampleAudioSeed(lang string, seed uint64, i int) captcha.Seed {
	return sha256.Sum256([]byte(fmt.Sprintf("tollgate sample audio\x00%s\x00%d\x00%d", lang, seed, i)))
}
