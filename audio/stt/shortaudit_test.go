package stt_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/tollgate/tollgate/audio"
	"github.com/tollgate/tollgate/audio/stt"
	"github.com/tollgate/tollgate/captcha"
)

// shortAuditMax is the CI limit for 20 clips: far enough above the 1%
// target that a synthesiser meeting it fails with probability below 0.1%.
const shortAuditMax = 0.10

// TestShortAudit is the CI audio audit: fresh English clips through
// PocketSphinx with the digits grammar (TOLLGATE_AUDIT_PROFILE=full adds
// the general language model; TOLLGATE_AUDIT_N sets the number of clips,
// default 20). It fails when the best-of solve rate is clearly above the
// target.
func TestShortAudit(t *testing.T) {
	n := 20
	if s := os.Getenv("TOLLGATE_AUDIT_N"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			t.Fatalf("TOLLGATE_AUDIT_N=%q: want a positive integer", s)
		}
		n = v
	}
	full := os.Getenv("TOLLGATE_AUDIT_PROFILE") == "full"
	recs, skipped, err := stt.Installed("en", full)
	if err != nil {
		if os.Getenv("TOLLGATE_REQUIRE_INTEGRATION") != "" {
			t.Fatalf("%v (TOLLGATE_REQUIRE_INTEGRATION is set)", err)
		}
		t.Skip(err)
	}
	synth, err := audio.New()
	if err != nil {
		t.Fatal(err)
	}
	a, err := stt.NewAuditor(recs, stt.WithSkipped(skipped...))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := a.Run(context.Background(), n, func(ctx context.Context, i int) (*captcha.Puzzle, error) {
		seed := captcha.Seed(sha256.Sum256([]byte(fmt.Sprintf("tollgate short audio audit en %d", i))))
		return synth.Generate(ctx, captcha.Request{Seed: seed, Lang: "en"})
	})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	rep.WriteTable(&b)
	t.Log("\n" + b.String())
	for _, e := range rep.Engines {
		if e.Errors > 0 {
			t.Errorf("%s failed %d times: %s", e.Engine, e.Errors, e.FirstError)
		}
	}
	if rep.BestOf.Rate > shortAuditMax {
		t.Errorf("best-of solve rate = %d/%d, want ≤ %.0f%% (target %.0f%%)", rep.BestOf.Solved, n, 100*shortAuditMax, 100*stt.DefaultTarget)
	}
}
