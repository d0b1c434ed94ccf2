package behavior_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/tollgate/tollgate/behavior/internal/synth"
)

var update = flag.Bool("update", false, "rewrite testdata/telemetry from the scenarios")

// testdataScenarios are written to testdata/telemetry for the command-line
// tests and as readable examples of the wire format.
var testdataScenarios = []string{"human_login", "hangul_ime", "type_delay_0", "forged_timestamps_future"}

// TestTestdataUpToDate checks testdata/telemetry/*.json match what the
// scenarios encode to now (go test -run TestTestdataUpToDate -update
// rewrites them).
func TestTestdataUpToDate(t *testing.T) {
	for _, sc := range synth.Scenarios() {
		for _, name := range testdataScenarios {
			if sc.Name != name {
				continue
			}
			tel, _ := sc.Build()
			b, err := tel.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			b = append(b, '\n')
			path := filepath.Join("testdata", "telemetry", name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, b, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if string(got) != string(b) {
				t.Errorf("%s is stale (run go test -run TestTestdataUpToDate -update)", path)
			}
		}
	}
}
