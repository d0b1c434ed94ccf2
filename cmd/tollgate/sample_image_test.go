package main

import (
	"bytes"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSampleImageWritesImagesAndAnswers(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	if err := sampleImage([]string{"-n", "3", "-out", dir, "-lang", "ko", "-seed", "42"}, &stdout, &stderr); err != nil {
		t.Fatalf("sampleImage() error = %v (stderr %q)", err, stderr.String())
	}
	tsv, err := os.ReadFile(filepath.Join(dir, "answers.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(tsv), "\n"), "\n")
	if len(lines) != 4 || lines[0] != "file\tanswer\tprompt" {
		t.Fatalf("answers.tsv = %q, want a header and 3 rows", tsv)
	}
	for _, row := range lines[1:] {
		cols := strings.Split(row, "\t")
		if len(cols) != 3 || cols[1] == "" || !strings.Contains(cols[2], "입력하세요") {
			t.Errorf("row %q: want file, answer, Korean prompt", row)
			continue
		}
		f, err := os.Open(filepath.Join(dir, cols[0]))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Width != 480 || cfg.Height != 320 {
			t.Errorf("%s: %v %dx%d, want a 480x320 PNG", cols[0], err, cfg.Width, cfg.Height)
		}
	}
	// Same flags and seed: same files.
	dir2 := t.TempDir()
	if err := sampleImage([]string{"-n", "3", "-out", dir2, "-lang", "ko", "-seed", "42"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"map-001.png", "map-003.png", "answers.tsv"} {
		a, _ := os.ReadFile(filepath.Join(dir, name))
		b, _ := os.ReadFile(filepath.Join(dir2, name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between runs with the same seed", name)
		}
	}
}

func TestSampleImageOSM(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	err := sampleImage([]string{"-n", "2", "-out", dir, "-source", "osm", "-osm", "../../testdata/osm/monaco-port-small.osm.pbf", "-scale", "2"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("sampleImage(osm) error = %v", err)
	}
	f, err := os.Open(filepath.Join(dir, "map-002.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if cfg, err := png.DecodeConfig(f); err != nil || cfg.Width != 960 {
		t.Errorf("scale 2 image: %v, width %d", err, cfg.Width)
	}
	if !strings.Contains(stdout.String(), "-source osm") {
		t.Errorf("stdout %q does not report the source", stdout.String())
	}
}

func TestSampleImageUsage(t *testing.T) {
	dir := t.TempDir()
	tests := [][]string{
		{"-n", "3"},
		{"-n", "0", "-out", dir},
		{"-out", dir, "-lang", "fr"},
		{"-out", dir, "-source", "tiles"},
		{"-out", dir, "-source", "osm"},
		{"-out", dir, "-osm", "x.osm"},
		{"-out", dir, "-scale", "3"},
		{"-out", dir, "extra"},
		{"-bogus"},
	}
	for _, args := range tests {
		var stdout, stderr bytes.Buffer
		if err := sampleImage(args, &stdout, &stderr); !errors.Is(err, errUsage) {
			t.Errorf("sampleImage(%q) error = %v, want a usage error", args, err)
		}
	}
	var stdout, stderr bytes.Buffer
	if err := sampleImage([]string{"-out", dir, "-source", "osm", "-osm", filepath.Join(dir, "missing.osm")}, &stdout, &stderr); err == nil || errors.Is(err, errUsage) {
		t.Errorf("missing OSM file: error = %v, want a plain error", err)
	}
	stdout.Reset()
	if err := sampleImage([]string{"-h"}, &stdout, &stderr); err == nil || !strings.Contains(stdout.String(), "-source") {
		t.Errorf("-h: error %v, help %q", err, stdout.String())
	}
}
