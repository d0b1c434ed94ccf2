package main

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tollgate/tollgate/captcha"
)

const sampleUsage = `Usage: tollgate sample image|audio -n N -out DIR [flags]

Writes N sample challenges of one kind, with their answers, for people and
tools to look at. The same flags and -seed always write the same files.
`

// sampleHelp prints the help of "tollgate sample" and of both its kinds.
func sampleHelp(w io.Writer) {
	fmt.Fprint(w, sampleUsage)
	for _, fs := range []*flag.FlagSet{newImageFlags().fs, newAudioFlags().fs} {
		fmt.Fprintln(w)
		fs.SetOutput(w)
		fs.Usage()
	}
}

// runSample dispatches "tollgate sample image|audio".
func runSample(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	switch {
	case len(args) == 0:
		return usageError("needs a kind: image or audio")
	case isHelpFlag(args[0]):
		sampleHelp(stdout)
		return flag.ErrHelp
	case args[0] == "image":
		return sampleImage(args[1:], stdout, stderr)
	case args[0] == "audio":
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
func newSampleFlags(kind string, defaultN int, usage string) *sampleFlags {
	fs := flag.NewFlagSet("sample "+kind, flag.ContinueOnError)
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
	if err := parseFlags(sf.fs, args, stdout); err != nil {
		return err
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
// p shows how many of what are written.
func (sf *sampleFlags) write(p *progress, what, prefix, ext string, gen func(i int) (*captcha.Puzzle, error)) error {
	defer p.clear()
	if err := os.MkdirAll(*sf.out, 0o755); err != nil {
		return err
	}
	var tsv strings.Builder
	tsv.WriteString("file\tanswer\tprompt\n")
	width := max(3, len(fmt.Sprint(*sf.n)))
	for i := range *sf.n {
		pz, err := gen(i)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("%s-%0*d.%s", prefix, width, i+1, ext)
		if err := os.WriteFile(filepath.Join(*sf.out, name), pz.Media, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(&tsv, "%s\t%s\t%s\n", name, pz.Answers[0], pz.Prompt)
		p.show(i+1 == *sf.n, "tollgate sample: %d/%d %s", i+1, *sf.n, what)
	}
	return os.WriteFile(filepath.Join(*sf.out, "answers.tsv"), []byte(tsv.String()), 0o644)
}

// sampleSeed derives the rendering seed of sample i from the flags that
// choose it, so the same flags always write the same files.
func sampleSeed(parts ...any) captcha.Seed {
	return sha256.Sum256([]byte(fmt.Sprintln(parts...)))
}
