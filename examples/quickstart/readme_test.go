package main

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeQuickStart checks that the quick start in the repository's
// README is this program, so that what a newcomer pastes is what CI runs.
func TestReadmeQuickStart(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "## Quick start")
	if !ok {
		t.Fatal("README has no Quick start section")
	}
	_, code, ok := strings.Cut(after, "```go\n")
	if ok {
		code, _, ok = strings.Cut(code, "```")
	}
	if !ok {
		t.Fatal("README's Quick start has no Go block")
	}
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	// main.go starts with its package comment, which the README leaves out.
	_, prog, _ := strings.Cut(string(src), "package main")
	if strings.TrimSpace(code) != strings.TrimSpace("package main"+prog) {
		t.Errorf("README's quick start differs from examples/quickstart/main.go")
	}
}
