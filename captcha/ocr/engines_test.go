package ocr

import (
	"context"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/tollgate/tollgate/captcha"
)

// textImage renders text in black on white with the font data, size px,
// as clean as an OCR engine could wish.
func textImage(t *testing.T, fontData []byte, text string, size float64) *image.RGBA {
	t.Helper()
	f, err := opentype.Parse(fontData)
	if err != nil {
		t.Fatal(err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		t.Fatal(err)
	}
	defer face.Close()
	w := font.MeasureString(face, text).Ceil() + int(size)
	h := int(size * 2)
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(m, m.Rect, image.NewUniform(color.White), image.Point{}, draw.Src)
	d := font.Drawer{Dst: m, Src: image.NewUniform(color.Black), Face: face,
		Dot: fixed.P(int(size/2), int(size*1.35))}
	d.DrawString(text)
	return m
}

// koreanFont returns a font with Hangul, from package maptile's embedded
// fonts.
func koreanFont(t *testing.T) []byte {
	t.Helper()
	paths, _ := filepath.Glob("../maptile/fonts/*.otf")
	for _, p := range paths {
		if strings.Contains(p, "KR") && !strings.Contains(p, "Bold") {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("no Korean font in ../maptile/fonts (found %v)", paths)
	return nil
}

// TestEnginesReadCleanText proves each adapter runs its engine and parses
// what it prints: every engine must read clean large text.
func TestEnginesReadCleanText(t *testing.T) {
	ctx := context.Background()
	en := textImage(t, goregular.TTF, "Hanbit Cafe 42", 32)
	type engine struct {
		bin string
		new func() (captcha.Recognizer, error)
	}
	engines := []engine{
		{"tesseract", func() (captcha.Recognizer, error) {
			return NewTesseract(ctx, "eng", LSTM, []int{7, 11}, WithVariants(Raw, Gray2))
		}},
		{"gocr", func() (captcha.Recognizer, error) { return NewGOCR(WithVariants(Raw)) }},
		{"ocrad", func() (captcha.Recognizer, error) { return NewOcrad(WithVariants(Raw)) }},
	}
	for _, e := range engines {
		t.Run(e.bin, func(t *testing.T) {
			requireBinary(t, e.bin)
			r, err := e.new()
			if err != nil {
				t.Fatal(err)
			}
			cands, err := r.Recognize(ctx, en)
			if err != nil {
				t.Fatal(err)
			}
			read := false
			for _, c := range cands {
				read = read || Reads(c.Text, []string{"Hanbit Cafe 42"})
			}
			if !read {
				t.Errorf("%s read %+v, want %q in some candidate", r.Name(), cands, "Hanbit Cafe 42")
			}
		})
	}
	t.Run("tesseract-kor", func(t *testing.T) {
		requireBinary(t, "tesseract")
		r, err := NewTesseract(ctx, "kor", LSTM, []int{7})
		if err != nil {
			t.Fatal(err)
		}
		ko := textImage(t, koreanFont(t), "한빛 카페", 48)
		cands, err := r.Recognize(ctx, ko)
		if err != nil {
			t.Fatal(err)
		}
		read := false
		for _, c := range cands {
			read = read || Reads(c.Text, []string{"한빛카페"})
		}
		if !read {
			t.Errorf("%s read %+v, want 한빛 카페", r.Name(), cands)
		}
		if len(cands) != 2 || cands[0].Config != "psm7 dark×3" || cands[1].Config != "psm7 gray×2" {
			t.Errorf("candidates = %+v, want one per default variant with Config psm7 <variant>", cands)
		}
	})
}

func TestTesseractConfigErrors(t *testing.T) {
	requireBinary(t, "tesseract")
	ctx := context.Background()
	_, err := NewTesseract(ctx, "zzz", LSTM, []int{3})
	var ni *NotInstalledError
	if !errors.As(err, &ni) || ni.What != "zzz.traineddata" || !errors.Is(err, ErrNotInstalled) {
		t.Errorf("NewTesseract(zzz) = %v, want *NotInstalledError for zzz.traineddata", err)
	}
	for _, bad := range []struct {
		lang string
		psm  []int
	}{{"../eng", []int{3}}, {"eng", nil}, {"eng", []int{2}}, {"eng", []int{14}}} {
		if _, err := NewTesseract(ctx, bad.lang, LSTM, bad.psm); !errors.Is(err, ErrInvalidOption) {
			t.Errorf("NewTesseract(%q, %v) = %v, want ErrInvalidOption", bad.lang, bad.psm, err)
		}
	}
	// The legacy engine works exactly when the traineddata has its parts.
	info, err := listLangs(ctx, mustRunner(t), "")
	if err != nil {
		t.Fatal(err)
	}
	legacy, err := hasLegacy(filepath.Join(info.dir, "eng.traineddata"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewTesseract(ctx, "eng", Legacy, []int{3})
	if legacy != (err == nil) || (!legacy && !errors.Is(err, ErrUnsupported)) {
		t.Errorf("NewTesseract(eng, Legacy) = %v with legacy data %v", err, legacy)
	}
}

func mustRunner(t *testing.T) *runner {
	t.Helper()
	r, err := newRunner("tesseract", "tesseract", "", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestNotInstalled(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-engine")
	for name, f := range map[string]func() error{
		"gocr":  func() error { _, err := NewGOCR(WithBinary(missing)); return err },
		"ocrad": func() error { _, err := NewOcrad(WithBinary(missing)); return err },
		"tesseract": func() error {
			_, err := NewTesseract(context.Background(), "eng", LSTM, []int{3}, WithBinary(missing))
			return err
		},
	} {
		err := f()
		var ni *NotInstalledError
		if !errors.As(err, &ni) || ni.Engine != name || !errors.Is(err, ErrNotInstalled) || !strings.HasPrefix(err.Error(), "ocr: "+name) {
			t.Errorf("%s with a missing binary = %v, want *NotInstalledError naming it", name, err)
		}
	}
}

// TestTimeoutAndCleanup runs a fake engine that hangs: Recognize must stop
// it at the timeout and leave no temporary files behind.
func TestTimeoutAndCleanup(t *testing.T) {
	requireBinary(t, "sh")
	dir := t.TempDir()
	script := filepath.Join(dir, "hang")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nexec sleep 30\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	g, err := NewGOCR(WithBinary(script), WithTimeout(300*time.Millisecond), WithVariants(Raw))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = g.Recognize(context.Background(), image.NewGray(image.Rect(0, 0, 8, 8)))
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, ErrEngine) {
		t.Errorf("Recognize(hanging engine) = %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Recognize took %v after a 300ms timeout", d)
	}
	left, _ := os.ReadDir(tmp)
	if len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
	// A cancelled context ends the run with the context's error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := g.Recognize(ctx, image.NewGray(image.Rect(0, 0, 8, 8))); !errors.Is(err, context.Canceled) {
		t.Errorf("Recognize(cancelled) = %v, want context.Canceled", err)
	}
	// A failing engine reports its exit and error output.
	fail := filepath.Join(dir, "fail")
	os.WriteFile(fail, []byte("#!/bin/sh\necho 'bad input' >&2\nexit 3\n"), 0o755)
	g, _ = NewGOCR(WithBinary(fail), WithVariants(Raw))
	_, err = g.Recognize(context.Background(), image.NewGray(image.Rect(0, 0, 8, 8)))
	var ee *EngineError
	if !errors.As(err, &ee) || ee.Stderr != "bad input" || !errors.Is(err, ErrEngine) {
		t.Errorf("Recognize(failing engine) = %v, want *EngineError with its stderr", err)
	}
}

func TestInstalled(t *testing.T) {
	requireBinary(t, "tesseract")
	requireBinary(t, "gocr")
	requireBinary(t, "ocrad")
	ctx := context.Background()
	e, err := Installed(ctx, "en", Quick)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range e.Whole {
		names = append(names, r.Name())
	}
	var tnames []string
	for _, r := range e.Targeted {
		tnames = append(tnames, r.Name())
	}
	if strings.Join(names, ",") != "tesseract:eng:lstm,gocr,ocrad" ||
		strings.Join(tnames, ",") != "tesseract:eng:lstm,tesseract:eng:glyphs,gocr,ocrad" {
		t.Errorf("Installed(en, Quick) = %v, targeted %v; want tesseract, gocr, ocrad and the glyph attack on crops", names, tnames)
	}
	k, err := Installed(ctx, "ko", Full)
	if err != nil {
		t.Fatal(err)
	}
	skipped := map[string]bool{}
	for _, s := range k.Skipped {
		skipped[s.Engine] = true
	}
	if !skipped["gocr"] || !skipped["ocrad"] || k.Whole[0].Name() != "tesseract:kor:lstm" {
		t.Errorf("Installed(ko, Full) = %v, skipped %+v; want tesseract:kor only, gocr and ocrad skipped", k.Whole, k.Skipped)
	}
	if _, err := Installed(ctx, "fr", Quick); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("Installed(fr) = %v, want ErrInvalidOption", err)
	}
}
