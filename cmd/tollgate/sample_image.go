package main

import (
	"context"
	"fmt"
	"io"

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

// imageFlags are the flags of "tollgate sample image".
type imageFlags struct {
	*sampleFlags
	source, osmFile *string
	scale           *int
}

func newImageFlags() *imageFlags {
	sf := newSampleFlags("image", 12, sampleImageUsage)
	return &imageFlags{
		sampleFlags: sf,
		source:      sf.fs.String("source", "procedural", "map source: procedural or osm"),
		osmFile:     sf.fs.String("osm", "", "OpenStreetMap extract for -source osm (.osm or .osm.pbf)"),
		scale:       sf.fs.Int("scale", 1, "pixel density: 1 (480x320) or 2 (960x640)"),
	}
}

// sampleImage implements "tollgate sample image".
func sampleImage(args []string, stdout, stderr io.Writer) error {
	f := newImageFlags()
	sf, source, osmFile, scale := f.sampleFlags, f.source, f.osmFile, f.scale
	if err := sf.parse(args, stdout); err != nil {
		return err
	}
	switch {
	case *source != "procedural" && *source != "osm":
		return usageError("-source %q (want procedural or osm)", *source)
	case *source == "osm" && *osmFile == "":
		return usageError("-source osm needs -osm FILE")
	case *source == "procedural" && *osmFile != "":
		return usageError("-osm is only used with -source osm")
	case *scale != 1 && *scale != 2:
		return usageError("-scale %d (want 1 or 2)", *scale)
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
	err = sf.write(newProgress(stderr), "images", "map", "png", func(i int) (*captcha.Puzzle, error) {
		seed := sampleSeed("image", *sf.lang, *source, *sf.seed, i)
		return r.Generate(ctx, captcha.Request{Seed: seed, Lang: *sf.lang, Scale: *scale})
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d images and answers.tsv to %s (-lang %s -source %s -seed %d)\n", *sf.n, *sf.out, *sf.lang, *source, *sf.seed)
	return nil
}
