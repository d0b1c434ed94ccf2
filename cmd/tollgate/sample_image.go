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

	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/captcha/maptile"
	"github.com/tollgate/tollgate/captcha/maptile/osmsource"
)

const sampleImageUsage = `Usage: tollgate sample image -n N -out DIR [-lang ko|en] [-source procedural|osm -osm FILE] [-seed S] [-scale 1|2]

Writes N map-tile image challenges as DIR/map-NNN.png and DIR/answers.tsv
with the columns file, answer and prompt (header row). -source osm draws
views of an OpenStreetMap extract (-osm FILE, .osm XML or .osm.pbf); every
such image carries "© OpenStreetMap contributors". The same flags and -seed
always write the same files.

Flags:
`

// sampleImage implements "tollgate sample image".
func sampleImage(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sample image", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 12, "number of images (1 to 10000)")
	out := fs.String("out", "", "output directory (created if missing)")
	lang := fs.String("lang", "en", "language: en or ko")
	source := fs.String("source", "procedural", "map source: procedural or osm")
	osmFile := fs.String("osm", "", "OpenStreetMap extract for -source osm (.osm or .osm.pbf)")
	seed := fs.Uint64("seed", 0, "seed of the images (default random; printed)")
	scale := fs.Int("scale", 1, "pixel density: 1 (480x320) or 2 (960x640)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), sampleImageUsage)
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
	case *source != "procedural" && *source != "osm":
		return usageError("-source %q (want procedural or osm)", *source)
	case *source == "osm" && *osmFile == "":
		return usageError("-source osm needs -osm FILE")
	case *source == "procedural" && *osmFile != "":
		return usageError("-osm is only used with -source osm")
	case *scale != 1 && *scale != 2:
		return usageError("-scale %d (want 1 or 2)", *scale)
	}
	if !seedSet {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		*seed = binary.LittleEndian.Uint64(b[:])
	}
	ctx := context.Background()
	var opts []maptile.Option
	if *source == "osm" {
		src, err := osmsource.Open(ctx, *osmFile)
		if err != nil {
			return err
		}
		opts = append(opts, maptile.WithSource(src))
	}
	r, err := maptile.New(opts...)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	var tsv strings.Builder
	tsv.WriteString("file\tanswer\tprompt\n")
	width := max(3, len(fmt.Sprint(*n)))
	for i := range *n {
		p, err := r.Generate(ctx, captcha.Request{Seed: sampleImageSeed(*lang, *source, *seed, i), Lang: *lang, Scale: *scale})
		if err != nil {
			return err
		}
		name := fmt.Sprintf("map-%0*d.png", width, i+1)
		if err := os.WriteFile(filepath.Join(*out, name), p.Media, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(&tsv, "%s\t%s\t%s\n", name, p.Answers[0], p.Prompt)
	}
	if err := os.WriteFile(filepath.Join(*out, "answers.tsv"), []byte(tsv.String()), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d images and answers.tsv to %s (-lang %s -source %s -seed %d)\n", *n, *out, *lang, *source, *seed)
	return nil
}

// sampleImageSeed derives the rendering seed of image i.
func sampleImageSeed(lang, source string, seed uint64, i int) captcha.Seed {
	return sha256.Sum256([]byte(fmt.Sprintf("tollgate sample image\x00%s\x00%s\x00%d\x00%d", lang, source, seed, i)))
}
