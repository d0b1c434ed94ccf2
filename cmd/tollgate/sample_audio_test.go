package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-audio/wav"
	"github.com/tollgate/tollgate/audio"
)

func TestSampleAudio(t *testing.T) {
	for _, lang := range []string{"en", "ko"} {
		dir := filepath.Join(t.TempDir(), "out")
		var stdout, stderr bytes.Buffer
		if err := sampleAudio([]string{"-n", "2", "-out", dir, "-lang", lang, "-seed", "7"}, &stdout, &stderr); err != nil {
			t.Fatalf("sample audio -lang %s error = %v (stderr %s)", lang, err, stderr.String())
		}
		if !strings.Contains(stdout.String(), "-seed 7") {
			t.Errorf("stdout = %q, want the seed", stdout.String())
		}
		tsv, err := os.ReadFile(filepath.Join(dir, "answers.tsv"))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(tsv), "\n"), "\n")
		if len(lines) != 3 || lines[0] != "file\tanswer\tprompt" {
			t.Fatalf("answers.tsv = %q, want a header and 2 rows", tsv)
		}
		for _, line := range lines[1:] {
			cols := strings.Split(line, "\t")
			if len(cols) != 3 || !strings.HasSuffix(cols[0], ".wav") || len(cols[1]) < 5 || audio.NormalizeDigits(cols[1]) != cols[1] || cols[2] == "" {
				t.Fatalf("answers.tsv row %q", line)
			}
			b, err := os.ReadFile(filepath.Join(dir, cols[0]))
			if err != nil {
				t.Fatal(err)
			}
			d := wav.NewDecoder(bytes.NewReader(b))
			if !d.IsValidFile() || d.SampleRate != 16000 {
				t.Errorf("%s is not a 16 kHz WAV", cols[0])
			}
			if ko := strings.Contains(cols[2], "숫자"); ko != (lang == "ko") {
				t.Errorf("-lang %s prompt %q", lang, cols[2])
			}
		}
		// The same seed writes the same files.
		dir2 := t.TempDir()
		if err := sampleAudio([]string{"-n", "2", "-out", dir2, "-lang", lang, "-seed", "7"}, &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"answers.tsv", "audio-001.wav", "audio-002.wav"} {
			a, _ := os.ReadFile(filepath.Join(dir, name))
			b, _ := os.ReadFile(filepath.Join(dir2, name))
			if len(a) == 0 || !bytes.Equal(a, b) {
				t.Errorf("%s differs between runs with the same seed", name)
			}
		}
	}
}

func TestSampleAudioUsage(t *testing.T) {
	dir := t.TempDir()
	tests := [][]string{
		{"-n", "0", "-out", dir},
		{"-n", "10001", "-out", dir},
		{"-n", "1"},
		{"-n", "1", "-out", dir, "-lang", "fr"},
		{"-n", "1", "-out", dir, "extra"},
		{"-bogus"},
		{"-n", "x", "-out", dir},
	}
	for _, args := range tests {
		var stdout, stderr bytes.Buffer
		if err := sampleAudio(args, &stdout, &stderr); !errors.Is(err, errUsage) {
			t.Errorf("sample audio %q error = %v, want a usage error", args, err)
		}
	}
	var stdout, stderr bytes.Buffer
	if err := sampleAudio([]string{"-h"}, &stdout, &stderr); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("sample audio -h error = %v, want flag.ErrHelp", err)
	}
	if !strings.Contains(stdout.String(), "answers.tsv") || !strings.Contains(stdout.String(), "-seed") {
		t.Errorf("sample audio -h printed %q", stdout.String())
	}
	if code := run([]string{"sample", "audio", "-n", "0", "-out", dir}, nil, &stdout, &stderr); code != 2 {
		t.Errorf("run(sample audio -n 0) = %d, want 2", code)
	}
}
