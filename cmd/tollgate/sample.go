package main

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tollgate/tollgate/captcha"
)

// runSample dispatches "tollgate sample image|audio".
func runSample(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		fmt.Fprintln(stdout, "Usage: tollgate sample image|audio -n N -out DIR [flags]")
		fmt.Fprintln(stdout, `Run "tollgate sample image -h" or "tollgate sample audio -h" for the flags.`)
		if len(args) == 0 {
			return usageError("sample needs a kind: image or audio")
		}
		return nil
	}
	switch args[0] {
	case "image":
		return sampleImage(args[1:], stdout, stderr)
	case "audio":
		return sampleAudio(args[1:], stdout, stderr)
	}
	return usageError("unknown sample kind %q (want image or audio)", args[0])
}

// sampleFlags are the flags that every "tollgate sample" kind shares.
type sampleFlags struct {
	fs   *flag.FlagSet
	n    *int
	out  *string
	lang *string
	seed *uint64
}

// newSampleFlags declares the shared flags on a new flag set for kind.
func newSampleFlags(kind string, defaultN int, usage string, stderr io.Writer) *sampleFlags {
	fs := flag.NewFlagSet("sample "+kind, flag.ContinueOnError)
	fs.SetOutput(stderr)
	sf := &sampleFlags{
		fs:   fs,
		n:    fs.Int("n", defaultN, "number of samples (1 to 10000)"),
		out:  fs.String("out", "", "output directory (created if missing)"),
		lang: fs.String("lang", "en", "language: en or ko"),
		seed: fs.Uint64("seed", 0, "seed of the samples (default random; printed)"),
	}
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	return sf
}

// parse parses args, checks the shared flags, and picks a random seed when
// none was given. Help goes to stdout and returns flag.ErrHelp.
func (sf *sampleFlags) parse(args []string, stdout io.Writer) error {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			sf.fs.SetOutput(stdout)
		}
	}
	if err := sf.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError("%v", err)
	}
	seedSet := false
	sf.fs.Visit(func(f *flag.Flag) { seedSet = seedSet || f.Name == "seed" })
	switch {
	case sf.fs.NArg() > 0:
		return usageError("unexpected arguments %q", sf.fs.Args())
	case *sf.n < 1 || *sf.n > 10000:
		return usageError("-n %d out of range (1 to 10000)", *sf.n)
	case *sf.out == "":
		return usageError("-out DIR is required")
	case *sf.lang != "en" && *sf.lang != "ko":
		return usageError("-lang %q (want en or ko)", *sf.lang)
	}
	if !seedSet {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		*sf.seed = binary.LittleEndian.Uint64(b[:])
	}
	return nil
}

// write renders n samples with gen into the output directory as
// prefix-NNN.ext, and writes answers.tsv (file, answer, prompt; header row).
func (sf *sampleFlags) write(prefix, ext string, gen func(i int) (*captcha.Puzzle, error)) error {
	if err := os.MkdirAll(*sf.out, 0o755); err != nil {
		return err
	}
	var tsv strings.Builder
	tsv.WriteString("file\tanswer\tprompt\n")
	width := max(3, len(fmt.Sprint(*sf.n)))
	for i := range *sf.n {
		p, err := gen(i)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("%s-%0*d.%s", prefix, width, i+1, ext)
		if err := os.WriteFile(filepath.Join(*sf.out, name), p.Media, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(&tsv, "%s\t%s\t%s\n", name, p.Answers[0], p.Prompt)
	}
	return os.WriteFile(filepath.Join(*sf.out, "answers.tsv"), []byte(tsv.String()), 0o644)
}

// sampleSeed derives the rendering seed of sample i from the flags that
// choose it, so the same flags always write the same files.
func sampleSeed(parts ...any) captcha.Seed {
	return sha256.Sum256([]byte(fmt.Sprintln(parts...)))
}
