package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tollgate/tollgate/audio"
	"github.com/tollgate/tollgate/audio/stt"
	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/captcha/maptile"
	"github.com/tollgate/tollgate/captcha/maptile/osmsource"
	"github.com/tollgate/tollgate/captcha/ocr"
)

// auditFlags are the flags of "tollgate audit".
type auditFlags struct {
	kind       string
	n          int
	lang       string
	source     string
	osmFile    string
	jsonOut    bool
	seed       uint64
	seedSet    bool
	profile    string
	targeted   bool
	watermarks bool
	check      bool
	quiet      bool
}

const auditUsage = `Usage: tollgate audit image|audio [flags]

Generates N fresh challenges, runs every installed OCR (image) or
speech-to-text (audio) engine on each, and prints per engine and
configuration the exact-solve rate and the share of characters recovered,
the best-of-all solve rate, the targeted attack (image: a crop of the marked
label, turned upright) and the time per challenge.

Engines: tesseract (eng/kor), gocr, ocrad, pocketsphinx (Debian packages
tesseract-ocr tesseract-ocr-eng tesseract-ocr-kor gocr ocrad pocketsphinx
pocketsphinx-en-us). Engines that are not installed are listed as not run.

Exit status: with -check, 1 when a best-of solve rate is above its target;
2 for a flag error.

Flags:
`

func auditHelp(w io.Writer) {
	fs, _ := auditFlagSet()
	fs.SetOutput(w)
	fs.Usage()
}

// runAudit implements "tollgate audit image|audio".
func runAudit(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	switch {
	case len(args) == 0:
		return usageError("needs a kind: image or audio")
	case isHelpFlag(args[0]):
		auditHelp(stdout)
		return flag.ErrHelp
	case args[0] != "image" && args[0] != "audio":
		return usageError("unknown audit kind %q (want image or audio)", args[0])
	}
	fs, f := auditFlagSet()
	f.kind = args[0]
	if err := parseFlags(fs, args[1:], stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected arguments %q", fs.Args())
	}
	fs.Visit(func(fl *flag.Flag) {
		if fl.Name == "seed" {
			f.seedSet = true
		}
	})
	if err := f.validate(); err != nil {
		return err
	}
	if !f.seedSet {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		f.seed = binary.LittleEndian.Uint64(b[:]) >> 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var p *progress
	if !f.quiet {
		p = newProgress(stderr)
	}
	progress := func(done, total int) {
		p.show(done == total, "tollgate audit: %d/%d challenges", done, total)
	}
	// Both reports print as a table or as JSON and know their targets.
	var rep interface {
		Met() bool
		WriteTable(io.Writer) error
	}
	var err error
	switch f.kind {
	case "image":
		rep, err = auditImage(ctx, f, progress)
	case "audio":
		rep, err = auditAudio(ctx, f, progress)
	}
	p.clear()
	if err != nil {
		return err
	}
	if f.jsonOut {
		err = writeJSON(stdout, rep)
	} else {
		err = rep.WriteTable(stdout)
	}
	if err != nil {
		return err
	}
	if f.check && !rep.Met() {
		return fmt.Errorf("%w: a best-of solve rate is above its target", errTargetMissed)
	}
	return nil
}

func auditFlagSet() (*flag.FlagSet, *auditFlags) {
	f := &auditFlags{}
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), auditUsage)
		fs.PrintDefaults()
	}
	fs.IntVar(&f.n, "n", 0, "number of challenges (default 200 for image, 100 for audio)")
	fs.StringVar(&f.lang, "lang", "en", "language of the challenges: en or ko")
	fs.StringVar(&f.source, "source", "procedural", "image map source: procedural or osm")
	fs.StringVar(&f.osmFile, "osm", "", "OpenStreetMap extract (.osm, .xml or .pbf) for -source osm")
	fs.BoolVar(&f.jsonOut, "json", false, "print the report as JSON")
	fs.Uint64Var(&f.seed, "seed", 0, "seed of the challenges (default random; the report shows it)")
	fs.StringVar(&f.profile, "profile", "full", "engine configurations: full (every mode and preprocessing) or quick")
	fs.BoolVar(&f.targeted, "targeted", true, "image: also run the targeted attack on a crop of the marked label")
	fs.BoolVar(&f.watermarks, "watermarks", true, "image: draw the white watermark text (false measures what it adds)")
	fs.BoolVar(&f.check, "check", false, "exit with status 1 when a best-of solve rate is above its target")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress line on standard error (shown only when it is a terminal)")
	return fs, f
}

func (f *auditFlags) validate() error {
	if f.n == 0 {
		f.n = 200
		if f.kind == "audio" {
			f.n = 100
		}
	}
	if f.n < 1 || f.n > 100000 {
		return usageError("-n %d out of range (1 to 100000)", f.n)
	}
	if f.lang != "en" && f.lang != "ko" {
		return usageError("-lang %q (want en or ko)", f.lang)
	}
	if f.profile != "full" && f.profile != "quick" {
		return usageError("-profile %q (want full or quick)", f.profile)
	}
	switch f.source {
	case "procedural":
		if f.osmFile != "" {
			return usageError("-osm needs -source osm")
		}
	case "osm":
		if f.osmFile == "" {
			return usageError("-source osm needs -osm FILE")
		}
	default:
		return usageError("-source %q (want procedural or osm)", f.source)
	}
	if f.kind == "audio" && (f.source != "procedural" || f.osmFile != "") {
		return usageError("-source and -osm apply to image audits only")
	}
	return nil
}

// command returns the command line that reproduces the audit.
func (f *auditFlags) command() string {
	parts := []string{"tollgate", "audit", f.kind, "-n", strconv.Itoa(f.n), "-lang", f.lang}
	if f.kind == "image" {
		parts = append(parts, "-source", f.source)
		if f.osmFile != "" {
			parts = append(parts, "-osm", f.osmFile)
		}
		if !f.targeted {
			parts = append(parts, "-targeted=false")
		}
		if !f.watermarks {
			parts = append(parts, "-watermarks=false")
		}
	}
	if f.profile != "full" {
		parts = append(parts, "-profile", f.profile)
	}
	parts = append(parts, "-seed", strconv.FormatUint(f.seed, 10))
	return strings.Join(parts, " ")
}

// challengeSeed derives the rendering seed of challenge i from the audit's
// seed, so the same command renders the same challenges.
func challengeSeed(f *auditFlags, i int) captcha.Seed {
	return sha256.Sum256([]byte(fmt.Sprintf("tollgate audit\x00%s\x00%s\x00%s\x00%d\x00%d", f.kind, f.lang, f.source, f.seed, i)))
}

func auditImage(ctx context.Context, f *auditFlags, progress func(int, int)) (*ocr.Report, error) {
	opts := []maptile.Option{maptile.WithWatermarks(f.watermarks)}
	if f.source == "osm" {
		src, err := osmsource.Open(ctx, f.osmFile)
		if err != nil {
			return nil, err
		}
		opts = append(opts, maptile.WithSource(src))
	}
	r, err := maptile.New(opts...)
	if err != nil {
		return nil, err
	}
	profile := ocr.Full
	if f.profile == "quick" {
		profile = ocr.Quick
	}
	eng, err := ocr.Installed(ctx, f.lang, profile)
	if err != nil {
		return nil, err
	}
	aopts := []ocr.AuditOption{ocr.WithSkipped(eng.Skipped...), ocr.WithProgress(progress)}
	if f.targeted {
		aopts = append(aopts, ocr.WithTargeted(eng.Targeted...))
	}
	a, err := ocr.NewAuditor(eng.Whole, aopts...)
	if err != nil {
		return nil, err
	}
	rep, err := a.Run(ctx, f.n, func(ctx context.Context, i int) (*ocr.Challenge, error) {
		rd, err := r.Render(ctx, captcha.Request{Seed: challengeSeed(f, i), Lang: f.lang})
		if err != nil {
			return nil, err
		}
		return &ocr.Challenge{Puzzle: rd.Puzzle, Image: rd.Image, TargetQuad: rd.TargetLabel().Quad}, nil
	})
	if err != nil {
		return nil, err
	}
	rep.Lang, rep.Source = f.lang, f.source
	if !f.watermarks {
		rep.Source += " (watermarks off)"
	}
	rep.Date = time.Now().UTC().Format("2006-01-02")
	rep.Command = f.command()
	return rep, nil
}

func auditAudio(ctx context.Context, f *auditFlags, progress func(int, int)) (*stt.Report, error) {
	s, err := audio.New()
	if err != nil {
		return nil, err
	}
	recs, skipped, err := stt.Installed(f.lang, f.profile == "full")
	if err != nil {
		return nil, err
	}
	a, err := stt.NewAuditor(recs, stt.WithSkipped(skipped...), stt.WithProgress(progress))
	if err != nil {
		return nil, err
	}
	rep, err := a.Run(ctx, f.n, func(ctx context.Context, i int) (*captcha.Puzzle, error) {
		return s.Generate(ctx, captcha.Request{Seed: challengeSeed(f, i), Lang: f.lang})
	})
	if err != nil {
		return nil, err
	}
	rep.Lang = f.lang
	rep.Date = time.Now().UTC().Format("2006-01-02")
	rep.Command = f.command()
	return rep, nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
