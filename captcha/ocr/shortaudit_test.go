package ocr_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/captcha/maptile"
	"github.com/tollgate/tollgate/captcha/ocr"
)

// Short-audit limits: with 20 challenges these are far enough above the
// targets (1% whole image, 5% targeted) that a generator meeting the targets
// fails them with probability below 0.3%.
const (
	shortAuditMaxWhole    = 0.10
	shortAuditMaxTargeted = 0.20
)

// shortAuditParams reads TOLLGATE_AUDIT_N (default 20) and
// TOLLGATE_AUDIT_PROFILE ("quick", the default, or "full").
func shortAuditParams(t *testing.T) (int, ocr.Profile) {
	t.Helper()
	n := 20
	if s := os.Getenv("TOLLGATE_AUDIT_N"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			t.Fatalf("TOLLGATE_AUDIT_N=%q: want a positive integer", s)
		}
		n = v
	}
	p := ocr.Quick
	switch os.Getenv("TOLLGATE_AUDIT_PROFILE") {
	case "", "quick":
	case "full":
		p = ocr.Full
	default:
		t.Fatalf("TOLLGATE_AUDIT_PROFILE=%q: want quick or full", os.Getenv("TOLLGATE_AUDIT_PROFILE"))
	}
	return n, p
}

// TestShortAudit is the CI audit: fresh map challenges in English and
// Korean through every installed OCR engine (quick profile), whole image
// and targeted crop. It fails when a best-of solve rate is clearly above
// its target.
func TestShortAudit(t *testing.T) {
	if _, err := exec.LookPath("tesseract"); err != nil {
		if os.Getenv("TOLLGATE_REQUIRE_INTEGRATION") != "" {
			t.Fatal("tesseract is not installed and TOLLGATE_REQUIRE_INTEGRATION is set")
		}
		t.Skip("tesseract is not installed")
	}
	n, profile := shortAuditParams(t)
	r, err := maptile.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "ko"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			eng, err := ocr.Installed(ctx, lang, profile)
			if err != nil {
				t.Fatal(err)
			}
			a, err := ocr.NewAuditor(eng.Whole, ocr.WithTargeted(eng.Targeted...), ocr.WithSkipped(eng.Skipped...))
			if err != nil {
				t.Fatal(err)
			}
			rep, err := a.Run(ctx, n, func(ctx context.Context, i int) (*ocr.Challenge, error) {
				seed := captcha.Seed(sha256.Sum256([]byte(fmt.Sprintf("tollgate short audit %s %d", lang, i))))
				rd, err := r.Render(ctx, captcha.Request{Seed: seed, Lang: lang})
				if err != nil {
					return nil, err
				}
				return &ocr.Challenge{Puzzle: rd.Puzzle, Image: rd.Image, TargetQuad: rd.TargetLabel().Quad}, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			rep.Lang = lang
			var b strings.Builder
			rep.WriteTable(&b)
			t.Log("\n" + b.String())
			for _, e := range append(rep.Engines, rep.TargetedEngines...) {
				if e.Errors > 0 {
					t.Errorf("%s failed %d times: %s", e.Engine, e.Errors, e.FirstError)
				}
			}
			if rep.BestOf.Rate > shortAuditMaxWhole {
				t.Errorf("best-of solve rate on whole images = %d/%d, want ≤ %.0f%% (target %.0f%%)",
					rep.BestOf.Solved, n, 100*shortAuditMaxWhole, 100*ocr.DefaultTarget)
			}
			if rep.TargetedBestOf.Rate > shortAuditMaxTargeted {
				t.Errorf("best-of solve rate of the targeted attack = %d/%d, want ≤ %.0f%% (target %.0f%%)",
					rep.TargetedBestOf.Solved, n, 100*shortAuditMaxTargeted, 100*ocr.DefaultTargetedTarget)
			}
		})
	}
}
