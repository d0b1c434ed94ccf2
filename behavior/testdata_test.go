package behavior_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/tollgate/tollgate/behavior"
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

// TestVersion1Fixtures decodes the fixtures as written in wire version 1
// (testdata/telemetry/v1, kept from before version 2): each must decode to
// the same telemetry as its version 2 fixture, so documents from cached
// older collectors keep working.
func TestVersion1Fixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "telemetry", "v1", "*.json"))
	if err != nil || len(files) < 4 {
		t.Fatalf("v1 fixtures: %v, %d files; want at least 4", err, len(files))
	}
	for _, f := range files {
		v1, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		v2, err := os.ReadFile(filepath.Join("testdata", "telemetry", filepath.Base(f)))
		if err != nil {
			t.Fatal(err)
		}
		old, err := behavior.Decode(bytes.TrimSpace(v1))
		if err != nil {
			t.Fatalf("Decode(%s) = %v", f, err)
		}
		cur, err := behavior.Decode(bytes.TrimSpace(v2))
		if err != nil {
			t.Fatalf("Decode(%s) = %v", filepath.Base(f), err)
		}
		if old.Version != 1 || cur.Version != 2 {
			t.Errorf("%s: versions %d and %d, want 1 and 2", f, old.Version, cur.Version)
		}
		old.Version = 2
		if !reflect.DeepEqual(old, cur) {
			t.Errorf("%s decodes differently in version 1 and 2:\n%+v\n%+v", filepath.Base(f), old, cur)
		}
		if len(v2) >= len(v1) {
			t.Errorf("%s: version 2 is %d bytes, version 1 %d; want it smaller", filepath.Base(f), len(v2), len(v1))
		}
	}
}
