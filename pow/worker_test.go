package pow

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// nodeShim runs the worker script (argument 1) in node as a browser runs
// a Web Worker: self is the global object, self.postMessage delivers the
// answer, and crypto.subtle, TextEncoder and performance are node's own.
// It reads one message per line from stdin, posts each to the worker's
// onmessage and prints each answer as a line of JSON.
const nodeShim = `"use strict";
const fs = require("fs"), vm = require("vm"), readline = require("readline");
globalThis.self = globalThis;
if (process.env.NO_WEBCRYPTO) Object.defineProperty(globalThis, "crypto", {value: undefined});
let deliver = null;
self.postMessage = (m) => { const d = deliver; deliver = null; d(m); };
vm.runInThisContext(fs.readFileSync(process.argv[2], "utf8"), {filename: "worker.js"});
(async () => {
  for await (const line of readline.createInterface({input: process.stdin})) {
    const m = await new Promise((resolve) => { deliver = resolve; self.onmessage({data: JSON.parse(line)}); });
    process.stdout.write(JSON.stringify(m) + "\n");
  }
})();
`

// nodePath returns node, or skips (fails with TOLLGATE_REQUIRE_INTEGRATION
// set) when it is not installed.
func nodePath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"node", "nodejs"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("TOLLGATE_REQUIRE_INTEGRATION") != "" {
		t.Fatal("node not found and TOLLGATE_REQUIRE_INTEGRATION is set: install nodejs")
	}
	t.Skip("node not installed (install nodejs); set TOLLGATE_REQUIRE_INTEGRATION to make this a failure")
	return ""
}

// runWorker posts each message to the embedded worker under node and
// returns its answers.
func runWorker(t *testing.T, messages []any, env ...string) []browserSolution {
	t.Helper()
	node := nodePath(t)
	dir := t.TempDir()
	shim, script := filepath.Join(dir, "shim.js"), filepath.Join(dir, "worker.js")
	if err := os.WriteFile(shim, []byte(nodeShim), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(script, WorkerScript(), 0o644); err != nil {
		t.Fatal(err)
	}
	var in bytes.Buffer
	for _, m := range messages {
		b, _ := json.Marshal(m)
		in.Write(append(b, '\n'))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, shim, script)
	cmd.Stdin = &in
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var answers []browserSolution
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var a browserSolution
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("worker answer %q: %v", sc.Text(), err)
		}
		answers = append(answers, a)
	}
	if len(answers) != len(messages) {
		t.Fatalf("the worker answered %d of %d messages; stderr:\n%s", len(answers), len(messages), stderr.String())
	}
	return answers
}

// The worker finds the reference solver's counter, and its solution
// verifies.
func TestWorkerAgreesWithReference(t *testing.T) {
	iss := newIssuer(t)
	var puzzles []Puzzle
	for _, d := range []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 11, 12, 13} {
		puzzles = append(puzzles, issue(t, iss, d, time.Now()))
	}
	msgs := make([]any, len(puzzles))
	for k, p := range puzzles {
		msgs[k] = map[string]any{"challenge": p.Challenge, "difficulty": p.Difficulty}
	}
	answers := runWorker(t, msgs)
	for k, a := range answers {
		p := puzzles[k]
		n, want := solve(p.Challenge, p.Difficulty)
		if a.Error != "" || a.Counter != n || a.Solution != want || a.MS < 0 {
			t.Errorf("difficulty %d: worker = %+v, reference = counter %d, %q", p.Difficulty, a, n, want)
			continue
		}
		if res, err := iss.Verify(context.Background(), a.Solution, time.Now()); err != nil || res.Difficulty != p.Difficulty {
			t.Errorf("Verify(the worker's solution at difficulty %d) = %+v, %v", p.Difficulty, res, err)
		}
	}
}

// The worker refuses what is not a puzzle, and keeps working afterwards.
func TestWorkerRefusesBadMessages(t *testing.T) {
	c := "QUJD"
	msgs := []any{
		nil,
		"puzzle",
		map[string]any{},
		map[string]any{"challenge": c},
		map[string]any{"difficulty": 4},
		map[string]any{"challenge": 7, "difficulty": 4},
		map[string]any{"challenge": "", "difficulty": 4},
		map[string]any{"challenge": "a+b/c=", "difficulty": 4},
		map[string]any{"challenge": "ab:1", "difficulty": 4},
		map[string]any{"challenge": string(bytes.Repeat([]byte("A"), 129)), "difficulty": 4},
		map[string]any{"challenge": c, "difficulty": -1},
		map[string]any{"challenge": c, "difficulty": 33},
		map[string]any{"challenge": c, "difficulty": 1.5},
		map[string]any{"challenge": c, "difficulty": "4"},
		map[string]any{"challenge": c, "difficulty": 4},
	}
	answers := runWorker(t, msgs)
	for k, a := range answers[:len(answers)-1] {
		if a.Error == "" || a.Solution != "" {
			t.Errorf("message %v: worker = %+v, want an error", msgs[k], a)
		}
	}
	n, want := solve(c, 4)
	if a := answers[len(answers)-1]; a.Error != "" || a.Counter != n || a.Solution != want {
		t.Errorf("after the bad messages, worker = %+v, want counter %d", a, n)
	}
}

// Without Web Crypto (a page that is not a secure context) the worker
// answers with an error instead of failing silently.
func TestWorkerWithoutWebCrypto(t *testing.T) {
	answers := runWorker(t, []any{map[string]any{"challenge": "QUJD", "difficulty": 4}}, "NO_WEBCRYPTO=1")
	if a := answers[0]; !strings.Contains(a.Error, "Web Crypto") || a.Solution != "" {
		t.Errorf("worker without Web Crypto = %+v, want an error naming Web Crypto", a)
	}
}
