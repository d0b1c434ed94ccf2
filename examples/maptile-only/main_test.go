package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	var out bytes.Buffer
	dir := t.TempDir()
	if err := render(&out, dir, "ko", 2); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("output %q", out.String())
	}
	for _, l := range lines {
		f := strings.Split(l, "\t")
		b, err := os.ReadFile(f[0])
		if len(f) != 3 || err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) || f[1] == "" || f[2] == "" {
			t.Fatalf("line %q: %v", l, err)
		}
	}
}
