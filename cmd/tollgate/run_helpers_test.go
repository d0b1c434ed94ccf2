package main

import (
	"bytes"
	"strings"
	"testing"
)

// runCase is one command line: its exit code, and a string its output
// (standard output and error together) must contain.
type runCase struct {
	name string
	args []string
	code int
	out  string
}

// runCases runs each case through run with empty standard input.
func runCases(t *testing.T, cases []runCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tc.args, strings.NewReader(""), &stdout, &stderr)
			if code != tc.code {
				t.Errorf("run(%q) = %d, want %d (stderr %q)", tc.args, code, tc.code, stderr.String())
			}
			if all := stdout.String() + stderr.String(); !strings.Contains(all, tc.out) {
				t.Errorf("run(%q) output lacks %q:\n%s", tc.args, tc.out, all)
			}
		})
	}
}
