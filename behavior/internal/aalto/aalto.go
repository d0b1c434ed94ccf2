// Package aalto reads the Aalto "136M Keystrokes" calibration sample kept
// beside the repository (../shared/data/keystrokes/aalto-calibration; the
// data is never copied into the repository) and replays each typed
// sentence into the telemetry wire format, as the browser collector would
// have recorded it, to calibrate the scorer on real people.
package aalto

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/behavior/internal/synth"
)

// Keystroke is one key press from the data set.
type Keystroke struct {
	Press, Release int64 // epoch ms
	Letter         string
	KeyCode        int
}

// Sentence is one typed sentence.
type Sentence struct {
	Participant, Section string
	Keys                 []Keystroke
}

// FindDir returns the calibration directory: $TOLLGATE_KEYSTROKES if set,
// else ../shared/data/keystrokes/aalto-calibration from the repository root
// (found by walking up from the working directory to go.mod).
func FindDir() (string, bool) {
	if d := os.Getenv("TOLLGATE_KEYSTROKES"); d != "" {
		_, err := os.Stat(d)
		return d, err == nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			d := filepath.Join(dir, "..", "shared", "data", "keystrokes", "aalto-calibration")
			_, err := os.Stat(d)
			return d, err == nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// ReadDir reads every every-th participant file (every <= 1: all) in
// name order.
func ReadDir(dir string, every int) ([]Sentence, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*_keystrokes.txt"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("aalto: no *_keystrokes.txt in %s", dir)
	}
	slices.Sort(files)
	every = max(every, 1)
	var out []Sentence
	for i, f := range files {
		if i%every != 0 {
			continue
		}
		s, err := ReadFile(f)
		if err != nil {
			return nil, err
		}
		out = append(out, s...)
	}
	return out, nil
}

// ReadFile reads one participant file (tab-separated, latin-1, with a
// header row).
func ReadFile(path string) ([]Sentence, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var out []Sentence
	line := 0
	for sc.Scan() {
		line++
		if line == 1 {
			continue
		}
		cols := strings.Split(latin1(sc.Bytes()), "\t")
		if len(cols) < 9 {
			continue // the files have a few malformed rows
		}
		press, err1 := strconv.ParseInt(cols[5], 10, 64)
		release, err2 := strconv.ParseInt(cols[6], 10, 64)
		code, err3 := strconv.Atoi(strings.TrimSpace(cols[8]))
		if err1 != nil || err2 != nil || err3 != nil {
			continue
		}
		if len(out) == 0 || out[len(out)-1].Section != cols[1] {
			out = append(out, Sentence{Participant: cols[0], Section: cols[1]})
		}
		s := &out[len(out)-1]
		s.Keys = append(s.Keys, Keystroke{Press: press, Release: release, Letter: cols[7], KeyCode: code})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("aalto: %s: %w", path, err)
	}
	for i := range out {
		slices.SortStableFunc(out[i].Keys, func(a, b Keystroke) int { return int(a.Press - b.Press) })
	}
	return out, nil
}

func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// Replay turns sentences into telemetry.
type Replay struct {
	// Step is the timer step to round to (0: the data's own 1 ms).
	Step float64
	// MaxKeys, when > 0, keeps only the first MaxKeys keystrokes (short,
	// password-like fields).
	MaxKeys int
}

// Telemetry replays one sentence: the page loads, the person moves the
// mouse and clicks the field, types the sentence with the recorded press
// and release times, and clicks the submit button. The parts the data set
// does not record (pointer, handling delays, pauses around the typing) are
// drawn from a generator seeded by the sentence.
func (r Replay) Telemetry(s Sentence) (*behavior.Telemetry, behavior.Submission) {
	seed, _ := strconv.ParseUint(s.Section, 10, 64)
	rng := rand.New(rand.NewPCG(seed, 77))
	keys := s.Keys
	if r.MaxKeys > 0 && len(keys) > r.MaxKeys {
		keys = keys[:r.MaxKeys]
	}
	p := synth.New(r.Step, 250+200*rng.Float64())
	if r.Step == 0 {
		p.Step = 1 // the data set's own resolution
	}
	const field = "text"
	focus := 1500 + 1500*rng.Float64()
	first := keys[0].Press
	start := focus + 300 + 500*rng.Float64()
	at := func(ms int64) float64 { return start + float64(ms-first) }
	p.Focus(field, focus, synth.MousePath(15+rng.IntN(50), 200+600*rng.Float64(), 0.5+rng.Float64()))

	latency := func() float64 { return 0.2 + rng.ExpFloat64()*1.5 }
	caps := false
	end := 0.0
	for i, k := range keys {
		down := at(k.Press)
		up := at(max(k.Release, k.Press))
		key := synth.Key{Down: down, Up: up, DownAt: down + latency(), UpAt: up + latency()}
		switch name := k.Letter; {
		case name == "SHIFT":
			key.Class = behavior.KeyShift
			key.NoInput = true
		case name == "BKSP":
			key.Class = behavior.KeyBackspace
		case name == "CAPS_LOCK":
			key.Class = behavior.KeyOther
			key.NoInput = true
			caps = !caps
		case len([]rune(name)) == 1:
			c := []rune(name)[0]
			key.Class = synth.Class(c)
			key.Insert = 1
			if unicode.IsUpper(c) && !caps && !shiftDown(keys, i) {
				key.Flags |= behavior.FlagCapitalNoShift
			}
		default: // arrows, Ctrl, Win, ...
			key.Class = behavior.KeyOther
			key.NoInput = true
		}
		if ctrlDown(keys, i) {
			key.Flags |= behavior.FlagModifier
		}
		p.Press(field, key)
		end = math.Max(end, up)
	}
	blur := end + 300 + 900*rng.Float64()
	p.Blur(field, blur)
	p.Submit(blur+1, behavior.ViaClick, 0, synth.MousePath(10+rng.IntN(40), 150+400*rng.Float64(), 60+60*rng.Float64()))
	t := p.Build()
	return t, behavior.Submission{Filled: map[string]int{field: t.Fields[0].FinalLen}}
}

func held(keys []Keystroke, i int, letter string) bool {
	t := keys[i].Press
	for j := i - 1; j >= 0; j-- {
		if keys[j].Letter == letter && keys[j].Press <= t && keys[j].Release >= t {
			return true
		}
	}
	return false
}

func shiftDown(keys []Keystroke, i int) bool { return held(keys, i, "SHIFT") }
func ctrlDown(keys []Keystroke, i int) bool  { return held(keys, i, "CTRL") }
