package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHelpAndVersion checks that help and the version go to standard output
// with status 0, whichever way they are asked for, that a command's help
// lists its flags, and that misuse goes to standard error with status 2.
func TestHelpAndVersion(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // standard output contains it
		stderr string // standard error contains it; "" means it is empty
	}{
		{"-h", []string{"-h"}, 0, "Commands:\n  sample", ""},
		{"-help", []string{"-help"}, 0, "Commands:\n  sample", ""},
		{"--help", []string{"--help"}, 0, "Commands:\n  sample", ""},
		{"help", []string{"help"}, 0, "Commands:\n  sample", ""},
		{"help documents the exit status", []string{"help"}, 0, "Exit status: 0 on success; 1 on a failure, or when a checked target is\nmissed", ""},
		{"--version", []string{"--version"}, 0, "tollgate ", ""},
		{"-version", []string{"-version"}, 0, "tollgate ", ""},
		{"version", []string{"version"}, 0, "tollgate ", ""},
		{"version -h", []string{"version", "-h"}, 0, "Usage: tollgate version", ""},
		{"help version", []string{"help", "version"}, 0, "Usage: tollgate version", ""},
		{"help help", []string{"help", "help"}, 0, "Usage: tollgate help [command]", ""},
		{"help -h", []string{"help", "-h"}, 0, "Usage: tollgate help [command]", ""},
		{"help sample", []string{"help", "sample"}, 0, "-scale int", ""},
		{"help sample lists audio", []string{"help", "sample"}, 0, "Usage: tollgate sample audio", ""},
		{"sample -h", []string{"sample", "-h"}, 0, "-scale int", ""},
		{"sample image -h", []string{"sample", "image", "-h"}, 0, "-source string", ""},
		{"sample audio --help", []string{"sample", "audio", "--help"}, 0, "-lang string", ""},
		{"help score", []string{"help", "score"}, 0, "-suspect float", ""},
		{"score -h", []string{"score", "-h"}, 0, "-elapsed duration", ""},
		{"help audit", []string{"help", "audit"}, 0, "-watermarks", ""},
		{"audit image -help", []string{"audit", "image", "-help"}, 0, "-profile string", ""},
		{"help simulate", []string{"help", "simulate"}, 0, "-workers int", ""},
		{"simulate overload --help", []string{"simulate", "overload", "--help"}, 0, "-realtime", ""},

		{"no command", nil, 2, "", "Usage: tollgate <command>"},
		{"unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"unknown flag", []string{"--verbose"}, 2, "", `unknown flag "--verbose"`},
		{"help of an unknown command", []string{"help", "frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"help of two commands", []string{"help", "sample", "score"}, 2, "", "help takes one command"},
		{"version argument", []string{"version", "now"}, 2, "", "unexpected arguments"},
		{"bad flag names the help", []string{"score", "-nope"}, 2, "", `Run "tollgate help score"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tc.args, strings.NewReader(""), &stdout, &stderr)
			if code != tc.code {
				t.Errorf("run(%q) = %d, want %d (stderr %q)", tc.args, code, tc.code, stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("run(%q) stdout lacks %q:\n%s", tc.args, tc.stdout, stdout.String())
			}
			if tc.stderr == "" && stderr.Len() != 0 {
				t.Errorf("run(%q) stderr = %q, want nothing", tc.args, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("run(%q) stderr lacks %q:\n%s", tc.args, tc.stderr, stderr.String())
			}
		})
	}
}

// TestProgressOnlyOnTerminals checks that the status line exists only for a
// character device, and that a nil one is silent.
func TestProgressOnlyOnTerminals(t *testing.T) {
	file, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for name, out := range map[string]io.Writer{"buffer": &bytes.Buffer{}, "file": file, "pipe": w} {
		if p := newProgress(out); p != nil {
			t.Errorf("newProgress(%s) = %v, want nil (not a terminal)", name, p)
		}
	}
	if fi, err := file.Stat(); err != nil || fi.Size() != 0 {
		t.Errorf("the file got %d bytes (%v), want none", fi.Size(), err)
	}
	var p *progress
	p.show(true, "nothing %d", 1) // must not panic
	p.clear()

	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no %s: %v", os.DevNull, err)
	}
	defer devNull.Close()
	if !isTerminal(devNull) {
		t.Errorf("isTerminal(%s) = false, want true (a character device)", os.DevNull)
	}
}

// TestProgressLine checks the status line's rewriting and throttling.
func TestProgressLine(t *testing.T) {
	var b bytes.Buffer
	p := &progress{w: &b}
	p.show(false, "step %d", 1)
	p.show(false, "step %d", 2) // within progressEvery: skipped
	p.show(true, "step %d", 3)  // final: shown
	p.clear()
	p.clear() // nothing left to clear
	if got, want := b.String(), "\r\x1b[Kstep 1\r\x1b[Kstep 3\r\x1b[K"; got != want {
		t.Errorf("status line wrote %q, want %q", got, want)
	}
}

// TestLongCommandsQuietWhenPiped runs a sample of many files with standard
// error not a terminal: nothing is written there.
func TestLongCommandsQuietWhenPiped(t *testing.T) {
	var stdout, stderr bytes.Buffer
	args := []string{"sample", "audio", "-n", "3", "-out", t.TempDir(), "-seed", "1"}
	if code := run(args, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("run(%q) = %d, stderr %q", args, code, stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("run(%q) stderr = %q, want nothing", args, stderr.String())
	}
}
