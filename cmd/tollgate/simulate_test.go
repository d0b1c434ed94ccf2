package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestSimulateUsage(t *testing.T) {
	tests := []runCase{
		{"no scenario", []string{"simulate"}, 2, "needs a scenario"},
		{"unknown scenario", []string{"simulate", "meltdown"}, 2, "unknown scenario"},
		{"bad flag", []string{"simulate", "overload", "-nope"}, 2, "flag provided but not defined: -nope"},
		{"bad mode", []string{"simulate", "overload", "-modes", "lanes,magic"}, 2, `-modes: unknown mode "magic"`},
		{"bad config", []string{"simulate", "overload", "-short", "-workers", "1", "-modes", "lanes"}, 2, "workers 1 outside 2..10000"},
		{"stray argument", []string{"simulate", "overload", "extra"}, 2, "unexpected arguments"},
		{"help", []string{"simulate", "overload", "-h"}, 0, "-flood-factor"},
		{"scenario help", []string{"simulate", "--help"}, 0, "-realtime"},
		{"top help", []string{"help", "simulate"}, 0, "tollgate simulate overload"},
	}
	runCases(t, tests)
}

// TestSimulateFlagsBeforeWork checks that a flag out of range is refused
// with status 2 before anything runs: nothing on standard output (no
// header, no table), and the flag's problem on standard error. A zero that
// the library would read as "the default" is refused too.
func TestSimulateFlagsBeforeWork(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-workers", "0"}, "workers 0 outside 2..10000"},
		{[]string{"-workers", "-3"}, "workers -3 outside 2..10000"},
		{[]string{"-service", "0s"}, "service 0s outside 1ms..1m"},
		{[]string{"-user-share", "0"}, "user share 0 outside (0, 1]"},
		{[]string{"-background-share", "1.5"}, "background share 1.5 outside (0, 1]"},
		{[]string{"-flood-factor", "0"}, "flood factor 0 outside (0, 100]"},
		{[]string{"-before", "0s"}, "each must be positive"},
		{[]string{"-flood", "-1s"}, "each must be positive"},
		{[]string{"-timeout", "1ms"}, "client timeout 1ms outside the service time"},
		{[]string{"-short", "-workers", "0"}, "workers 0 outside 2..10000"},
		{[]string{"-workers", "x"}, `invalid value "x" for flag -workers`},
	}
	for _, tc := range tests {
		args := append([]string{"simulate", "overload"}, tc.args...)
		var stdout, stderr bytes.Buffer
		if code := run(args, strings.NewReader(""), &stdout, &stderr); code != 2 {
			t.Errorf("run(%q) = %d, want 2", args, code)
		}
		if stdout.Len() != 0 {
			t.Errorf("run(%q) did work before refusing its flags; stdout:\n%s", args, stdout.String())
		}
		if !strings.Contains(stderr.String(), tc.want) || !strings.Contains(stderr.String(), `Run "tollgate help simulate"`) {
			t.Errorf("run(%q) stderr = %q, want %q and a pointer to the help", args, stderr.String(), tc.want)
		}
	}
}

func TestSimulateOverloadShort(t *testing.T) {
	var stdout, stderr bytes.Buffer
	args := []string{"simulate", "overload", "-short", "-modes", "lanes", "-before", "200ms", "-flood", "500ms", "-after", "300ms"}
	if code := run(args, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("run(%q) = %d, stderr %q", args, code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"capacity C 500 req/s", "mode lanes", "user-login", "background-login", "goodput during the flood",
		"harness: virtual time, seed 1", "targets:"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Standard error is not a terminal: no progress line.
	if stderr.Len() != 0 {
		t.Errorf("stderr = %q, want nothing (not a terminal)", stderr.String())
	}
}

// TestSimulateDeterministic runs the same command line twice and wants the
// same bytes, every mode included.
func TestSimulateDeterministic(t *testing.T) {
	args := []string{"simulate", "overload", "-short", "-seed", "7"}
	var first, second bytes.Buffer
	for _, out := range []*bytes.Buffer{&first, &second} {
		var stderr bytes.Buffer
		if code := run(args, strings.NewReader(""), out, &stderr); code != 0 {
			t.Fatalf("run(%q) = %d, stderr %q", args, code, stderr.String())
		}
	}
	if first.String() != second.String() {
		t.Errorf("run(%q) printed different tables:\n%s\n---\n%s", args, first.String(), second.String())
	}
	if n := strings.Count(first.String(), "\nmode "); n != 3 {
		t.Errorf("run(%q) printed %d tables, want 3:\n%s", args, n, first.String())
	}
}

// TestSimulateMissedTarget makes the lanes mode miss a target with flags
// (user logins at 60% of the capacity are more than their lane can hold):
// the table says MISSED and the status is 1.
func TestSimulateMissedTarget(t *testing.T) {
	var stdout, stderr bytes.Buffer
	args := []string{"simulate", "overload", "-short", "-modes", "lanes", "-user-share", "0.6"}
	if code := run(args, strings.NewReader(""), &stdout, &stderr); code != 1 {
		t.Errorf("run(%q) = %d, want 1", args, code)
	}
	if !strings.Contains(stdout.String(), "user success ≥ 99.9% MISSED") {
		t.Errorf("table does not mark the missed target:\n%s", stdout.String())
	}
	if want := "tollgate simulate: target missed: lanes missed user success\n"; stderr.String() != want {
		t.Errorf("stderr = %q, want %q", stderr.String(), want)
	}
}
