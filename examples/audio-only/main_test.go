package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPlay(t *testing.T) {
	var out bytes.Buffer
	path := filepath.Join(t.TempDir(), "clip.wav")
	if err := play(strings.NewReader("12\n"), &out, path, "en"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(b, []byte("RIFF")) || len(b) < 32000 {
		t.Fatalf("clip: %d bytes, %v", len(b), err)
	}
	if !strings.Contains(out.String(), "digits") || !strings.Contains(out.String(), "Wrong.") {
		t.Fatalf("output %q", out.String())
	}
}
