package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readTelemetry(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "behavior", "testdata", "telemetry", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestScoreText(t *testing.T) {
	in := readTelemetry(t, "human_login") + readTelemetry(t, "type_delay_0")
	var out, errb bytes.Buffer
	if err := runScore(nil, strings.NewReader(in), &out, &errb); err != nil {
		t.Fatalf("runScore = %v (stderr %q)", err, errb.String())
	}
	got := out.String()
	for _, want := range []string{"document 1: score 0.000 human\n", "document 2: score ", " bot\n", "short_holds", "zero_intervals"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

func TestScoreJSON(t *testing.T) {
	// One pretty-printed document followed by a compact one.
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, []byte(readTelemetry(t, "hangul_ime")), "", "  "); err != nil {
		t.Fatal(err)
	}
	in := pretty.String() + readTelemetry(t, "forged_timestamps_future")
	var out bytes.Buffer
	if err := runScore([]string{"-json"}, strings.NewReader(in), &out, &bytes.Buffer{}); err != nil {
		t.Fatalf("runScore(-json) = %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2:\n%s", len(lines), out.String())
	}
	type line struct {
		Document int     `json:"document"`
		Score    float64 `json:"score"`
		Verdict  string  `json:"verdict"`
		Reasons  []struct {
			Code   string  `json:"code"`
			Weight float64 `json:"weight"`
		} `json:"reasons"`
	}
	var a, b line
	if err := json.Unmarshal([]byte(lines[0]), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &b); err != nil {
		t.Fatal(err)
	}
	if a.Document != 1 || a.Verdict != "human" || a.Reasons == nil || len(a.Reasons) != 0 {
		t.Errorf("line 1 = %+v, want document 1, human, reasons []", a)
	}
	if b.Document != 2 || b.Verdict != "bot" || len(b.Reasons) == 0 || b.Score < 0.8 {
		t.Errorf("line 2 = %+v, want document 2, bot with reasons", b)
	}
}

func TestScoreFlags(t *testing.T) {
	doc := readTelemetry(t, "human_login")
	tests := []struct {
		name  string
		args  []string
		in    string
		code  int
		inOut string
	}{
		{"ok", nil, doc, 0, "human"},
		{"elapsed", []string{"-elapsed", "1s"}, doc, 0, "clock_mismatch"},
		{"thresholds", []string{"-suspect", "0", "-bot", "0.9"}, doc, 0, "suspect"},
		{"bad flag", []string{"-nope"}, doc, 2, ""},
		{"bad thresholds", []string{"-suspect", "0.9", "-bot", "0.5"}, doc, 2, ""},
		{"negative elapsed", []string{"-elapsed", "-1s"}, doc, 2, ""},
		{"argument", []string{"file.json"}, doc, 2, ""},
		{"help", []string{"-h"}, doc, 0, ""},
		{"empty input", nil, "", 1, ""},
		{"bad telemetry continues", nil, `{"v":3}` + "\n" + doc, 1, "document 2: score 0.000 human"},
		{"not json", nil, "hello", 1, "document 1: error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(append([]string{"score"}, tc.args...), strings.NewReader(tc.in), &out, &errb)
			if code != tc.code {
				t.Errorf("exit code = %d, want %d (stdout %q, stderr %q)", code, tc.code, out.String(), errb.String())
			}
			if !strings.Contains(out.String(), tc.inOut) {
				t.Errorf("stdout = %q, want it to contain %q", out.String(), tc.inOut)
			}
		})
	}
	// Usage errors come back wrapped in errUsage.
	if err := runScore([]string{"-bot", "2"}, strings.NewReader(doc), &bytes.Buffer{}, &bytes.Buffer{}); !errors.Is(err, errUsage) {
		t.Errorf("runScore(-bot 2) = %v, want errUsage", err)
	}
}
