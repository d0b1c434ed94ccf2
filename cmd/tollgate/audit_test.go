package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestAuditUsage(t *testing.T) {
	tests := []runCase{
		{"no kind", []string{"audit"}, 2, "needs a kind"},
		{"unknown kind", []string{"audit", "video"}, 2, "unknown audit kind"},
		{"bad lang", []string{"audit", "image", "-lang", "fr"}, 2, `-lang "fr"`},
		{"bad n", []string{"audit", "image", "-n", "-3"}, 2, "-n -3 out of range"},
		{"bad profile", []string{"audit", "audio", "-profile", "huge"}, 2, `-profile "huge"`},
		{"osm without file", []string{"audit", "image", "-source", "osm"}, 2, "needs -osm FILE"},
		{"file without osm", []string{"audit", "image", "-osm", "x.pbf"}, 2, "-osm needs -source osm"},
		{"bad source", []string{"audit", "image", "-source", "tiles"}, 2, `-source "tiles"`},
		{"audio with osm", []string{"audit", "audio", "-source", "osm", "-osm", "x.pbf"}, 2, "image audits only"},
		{"bad flag", []string{"audit", "image", "-nope"}, 2, "flag provided but not defined"},
		{"stray argument", []string{"audit", "audio", "extra"}, 2, "unexpected arguments"},
		{"help", []string{"audit", "-h"}, 0, "-targeted"},
		{"kind help", []string{"audit", "image", "-h"}, 0, "-watermarks"},
		{"top help", []string{"help", "audit"}, 0, "tollgate audit image|audio"},
		{"check documented", []string{"help", "audit"}, 0, "Exit status: with -check, 1"},
	}
	runCases(t, tests)
}

func TestAuditSeedsAndCommand(t *testing.T) {
	f := &auditFlags{kind: "image", n: 200, lang: "ko", source: "procedural", profile: "full", seed: 7, targeted: true, watermarks: true}
	if got, want := f.command(), "tollgate audit image -n 200 -lang ko -source procedural -seed 7"; got != want {
		t.Errorf("command() = %q, want %q", got, want)
	}
	a, b := challengeSeed(f, 0), challengeSeed(f, 1)
	if a == b || a != challengeSeed(f, 0) {
		t.Errorf("challengeSeed: not distinct per challenge or not stable")
	}
	g := *f
	g.lang = "en"
	if challengeSeed(&g, 0) == a {
		t.Errorf("challengeSeed ignores the language")
	}
	g = *f
	g.kind, g.profile, g.targeted = "audio", "quick", false
	if got, want := g.command(), "tollgate audit audio -n 200 -lang ko -profile quick -seed 7"; got != want {
		t.Errorf("command() = %q, want %q", got, want)
	}
}

// requireBin skips the test when none of bins is installed, unless
// TOLLGATE_REQUIRE_INTEGRATION is set (then it fails).
func requireBin(t *testing.T, bins ...string) {
	t.Helper()
	for _, b := range bins {
		if _, err := exec.LookPath(b); err == nil {
			return
		}
	}
	if os.Getenv("TOLLGATE_REQUIRE_INTEGRATION") != "" {
		t.Fatalf("%s is not installed and TOLLGATE_REQUIRE_INTEGRATION is set", bins[0])
	}
	t.Skipf("%s is not installed", bins[0])
}

func TestAuditAudioJSON(t *testing.T) {
	requireBin(t, "pocketsphinx_continuous", "pocketsphinx")
	var stdout, stderr bytes.Buffer
	code := run([]string{"audit", "audio", "-n", "2", "-profile", "quick", "-seed", "7", "-json"}, strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var rep struct {
		Kind       string `json:"kind"`
		Lang       string `json:"lang"`
		Command    string `json:"command"`
		Challenges int    `json:"challenges"`
		Rows       []struct {
			Engine string `json:"engine"`
			Total  int    `json:"total"`
		} `json:"rows"`
		BestOf struct {
			Total int `json:"total"`
		} `json:"best_of"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout.String())
	}
	if rep.Kind != "audio" || rep.Lang != "en" || rep.Challenges != 2 || rep.BestOf.Total != 2 || len(rep.Rows) == 0 ||
		rep.Rows[0].Engine != "pocketsphinx:en:digits" || !strings.HasSuffix(rep.Command, "-seed 7") {
		t.Errorf("report = %+v", rep)
	}
	if stderr.Len() != 0 {
		t.Errorf("standard error is not a terminal, yet it got %q", stderr.String())
	}
}

func TestAuditImageTable(t *testing.T) {
	requireBin(t, "tesseract")
	var stdout, stderr bytes.Buffer
	code := run([]string{"audit", "image", "-n", "1", "-lang", "ko", "-profile", "quick", "-seed", "3", "-quiet"}, strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"OCR audit of 1 image challenges, lang ko, source procedural", "tesseract:kor:lstm",
		"best of all (whole image): ", "best of all (targeted): ", "time per challenge", "gocr: reads Latin script only",
		"command: tollgate audit image -n 1 -lang ko -source procedural -profile quick -seed 3", "verdict: "} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if stderr.Len() != 0 {
		t.Errorf("-quiet still printed %q", stderr.String())
	}
}
