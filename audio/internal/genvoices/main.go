// Command genvoices regenerates the voice pack embedded in package audio
// from Debian's text-to-speech engines.
//
// Usage (from the module root; scripts/gen-voices.sh wraps it):
//
//	go run ./audio/internal/genvoices [-out audio/voices] [-lang en,ko]
//
// It needs espeak-ng, flite and sox on PATH (Debian: apt-get install -y
// espeak-ng flite sox). For every voice it speaks the ten digits, and for
// every language the narrator speaks each instruction prompt. sox removes
// DC, trims the silence at both ends, normalises the peak to -1 dBFS and
// stores the result as 16 kHz mono 8-bit µ-law WAV (about 16 KB per second).
// The tool then measures each voice's median pitch and writes
// <lang>/pack.json. The engines and sox are deterministic, so rerunning
// the tool with the same Debian packages reproduces the files exactly.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/tollgate/tollgate/audio/internal/dsp"
	"github.com/tollgate/tollgate/audio/internal/wavio"
)

// engine speaks text into a WAV file.
type engine struct {
	// flite voice name, or "" for espeak-ng.
	flite string
	// fliteArgs are extra flite arguments (such as --setf duration_stretch=1.1).
	fliteArgs []string
	// espeak voice (with variant), pitch 0–99 and speed in words per minute.
	espeak       string
	pitch, speed int
}

func (e engine) speak(text, out string) error {
	var cmd *exec.Cmd
	if e.flite != "" {
		args := append([]string{"-voice", e.flite}, e.fliteArgs...)
		args = append(args, "-t", text, "-o", out)
		cmd = exec.Command("flite", args...)
	} else {
		args := []string{"-v", e.espeak, "-w", out}
		if e.pitch > 0 {
			args = append(args, "-p", fmt.Sprint(e.pitch))
		}
		if e.speed > 0 {
			args = append(args, "-s", fmt.Sprint(e.speed))
		}
		args = append(args, text)
		cmd = exec.Command("espeak-ng", args...)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %v: %s", cmd.Args[0], err, stderr.String())
	}
	return nil
}

// voiceDef is one voice of a language.
type voiceDef struct {
	name   string
	traits []string
	engine engine
	// decoyOnly keeps a voice that is less clear to people from ever
	// speaking the answer.
	decoyOnly bool
}

// langDef is everything spoken in one language.
type langDef struct {
	digits   [10]string
	voices   []voiceDef
	narrator engine
	prompts  map[string]string
}

var languages = map[string]langDef{
	"en": {
		digits: [10]string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"},
		voices: []voiceDef{
			{"slt", []string{"woman"}, engine{flite: "slt"}, false},
			{"rms", []string{"man"}, engine{flite: "rms"}, false},
			{"awb", []string{"man"}, engine{flite: "awb"}, false},
			{"kal", []string{"man"}, engine{flite: "kal16"}, false},
			// espeak-ng's English is less clear than flite's: decoys only.
			{"f3", []string{"woman"}, engine{espeak: "en-us+f3", pitch: 60, speed: 150}, true},
			{"f4", []string{"woman"}, engine{espeak: "en+f4", pitch: 75, speed: 160}, true},
		},
		narrator: engine{flite: "slt"},
		prompts: map[string]string{
			"low":   "Type the digits spoken by the low voice.",
			"high":  "Type the digits spoken by the high voice.",
			"woman": "Type the digits spoken by the woman.",
			"man":   "Type the digits spoken by the man.",
			"slow":  "Type the digits spoken slowly.",
			"beep":  "Type the digits spoken after the beep.",
		},
	},
	"ko": {
		digits: [10]string{"공", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구"},
		voices: []voiceDef{
			{"m1", []string{"man"}, engine{espeak: "ko", pitch: 40, speed: 150}, false},
			{"m2", []string{"man"}, engine{espeak: "ko+m3", pitch: 15, speed: 135}, false},
			{"f2", []string{"woman"}, engine{espeak: "ko+f2", pitch: 65, speed: 160}, false},
			{"f4", []string{"woman"}, engine{espeak: "ko+f4", pitch: 85, speed: 170}, false},
		},
		narrator: engine{espeak: "ko", pitch: 45, speed: 185},
		prompts: map[string]string{
			"low":   "낮은 목소리가 말하는 숫자를 입력하세요.",
			"high":  "높은 목소리가 말하는 숫자를 입력하세요.",
			"woman": "여자 목소리가 말하는 숫자를 입력하세요.",
			"man":   "남자 목소리가 말하는 숫자를 입력하세요.",
			"slow":  "천천히 말하는 숫자를 입력하세요.",
			"beep":  "삐 소리 다음에 나오는 숫자를 입력하세요.",
		},
	},
}

// manifest is the pack.json format read by package audio.
type manifest struct {
	Voices  []manifestVoice   `json:"voices"`
	Prompts map[string]string `json:"prompts"`
}

type manifestVoice struct {
	Name      string   `json:"name"`
	Traits    []string `json:"traits"`
	Pitch     float64  `json:"pitch"`
	DecoyOnly bool     `json:"decoyOnly,omitempty"`
}

func main() {
	out := flag.String("out", "audio/voices", "output directory (the pack root)")
	langs := flag.String("lang", "en,ko", "comma-separated languages to generate")
	flag.Parse()
	for _, tool := range []string{"espeak-ng", "flite", "sox"} {
		if _, err := exec.LookPath(tool); err != nil {
			fatalf("%s not found: apt-get install -y espeak-ng flite sox", tool)
		}
	}
	tmp, err := os.MkdirTemp("", "genvoices")
	if err != nil {
		fatalf("%v", err)
	}
	defer os.RemoveAll(tmp)
	for _, lang := range strings.Split(*langs, ",") {
		def, ok := languages[lang]
		if !ok {
			fatalf("unknown language %q", lang)
		}
		if err := generate(lang, def, filepath.Join(*out, lang), tmp); err != nil {
			fatalf("%s: %v", lang, err)
		}
	}
}

func generate(lang string, def langDef, dir, tmp string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	m := manifest{Prompts: def.prompts}
	for _, v := range def.voices {
		var all []float32
		for d, text := range def.digits {
			path := filepath.Join(dir, v.name, fmt.Sprintf("%d.wav", d))
			s, err := render(v.engine, text, path, tmp)
			if err != nil {
				return fmt.Errorf("voice %s digit %d: %w", v.name, d, err)
			}
			all = append(all, s...)
		}
		pitch := math.Round(dsp.EstimatePitch(all, 16000))
		fmt.Printf("%s/%s: median pitch %.0f Hz, %.2f s of digits\n", lang, v.name, pitch, float64(len(all))/16000)
		m.Voices = append(m.Voices, manifestVoice{Name: v.name, Traits: v.traits, Pitch: pitch, DecoyOnly: v.decoyOnly})
	}
	for cue, text := range def.prompts {
		path := filepath.Join(dir, "prompts", cue+".wav")
		s, err := render(def.narrator, text, path, tmp)
		if err != nil {
			return fmt.Errorf("prompt %s: %w", cue, err)
		}
		fmt.Printf("%s/prompts/%s: %.2f s\n", lang, cue, float64(len(s))/16000)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "pack.json"), append(b, '\n'), 0o644)
}

// render speaks text with e, post-processes it with sox into path and
// returns the stored samples.
func render(e engine, text, path, tmp string) ([]float32, error) {
	raw := filepath.Join(tmp, "raw.wav")
	if err := e.speak(text, raw); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	// -R: repeatable; -D: no dither. First pass: remove DC and rumble,
	// trim leading and trailing silence. Second pass: normalise, short
	// fades against clicks, µ-law.
	trimmed := filepath.Join(tmp, "trimmed.wav")
	if err := sox(raw, trimmed, []string{"-r", "16000", "-c", "1", "-b", "16"},
		"highpass", "70",
		"silence", "1", "0.01", "1%", "reverse", "silence", "1", "0.01", "1%", "reverse"); err != nil {
		return nil, err
	}
	if err := sox(trimmed, path, []string{"-e", "u-law", "-b", "8"},
		"norm", "-1", "fade", "0.005", "-0", "0.01"); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := wavio.Decode(b)
	if err != nil {
		return nil, err
	}
	if s.Rate != 16000 || len(s.Samples) < 1600 {
		return nil, fmt.Errorf("%s: unexpected result: %d Hz, %d samples", path, s.Rate, len(s.Samples))
	}
	return s.Samples, nil
}

// sox runs sox in repeatable mode without dither.
func sox(in, out string, outFormat []string, effects ...string) error {
	args := append([]string{"-R", "-D", in}, outFormat...)
	args = append(args, out)
	cmd := exec.Command("sox", append(args, effects...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("sox: %v: %s", err, stderr.String())
	}
	return nil
}

func fatalf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "genvoices: "+format+"\n", a...)
	os.Exit(1)
}
