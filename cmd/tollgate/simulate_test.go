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
		{"bad flag", []string{"simulate", "overload", "-nope"}, 2, "flag provided but not defined"},
		{"bad mode", []string{"simulate", "overload", "-modes", "lanes,magic"}, 2, "unknown mode"},
		{"bad config", []string{"simulate", "overload", "-short", "-workers", "1", "-modes", "lanes"}, 2, "workers 1"},
		{"stray argument", []string{"simulate", "overload", "extra"}, 2, "unexpected arguments"},
		{"help", []string{"simulate", "overload", "-h"}, 0, "-flood-factor"},
		{"top help", []string{"help", "simulate"}, 0, "tollgate simulate overload"},
	}
	runCases(t, tests)
}

func TestSimulateOverloadShort(t *testing.T) {
	var stdout, stderr bytes.Buffer
	args := []string{"simulate", "overload", "-short", "-modes", "lanes", "-before", "200ms", "-flood", "500ms", "-after", "300ms"}
	if code := run(args, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("run(%q) = %d, stderr %q", args, code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"capacity C 500 req/s", "mode lanes", "user-login", "background-login", "goodput during the flood", "targets:"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
