package stt

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tollgate/tollgate/audio"

	"github.com/tollgate/tollgate/internal/engine"
)

// Mode selects what a PocketSphinx recognizer listens for.
type Mode int

const (
	// Digits decodes with a JSGF grammar of one or more digit words, as an
	// attacker who knows the answer is digits would: every sound becomes
	// some digit.
	Digits Mode = iota
	// LanguageModel decodes with the general English language model and
	// dictionary and reads number words and their homophones ("to",
	// "for", "won", "ate") as digits. English only.
	LanguageModel
)

// String returns "digits" or "lm".
func (m Mode) String() string {
	if m == LanguageModel {
		return "lm"
	}
	return "digits"
}

// DefaultModelDir is where Debian's pocketsphinx-en-us package installs
// the US English model.
const DefaultModelDir = "/usr/share/pocketsphinx/model/en-us"

// Option configures a PocketSphinx recognizer.
type Option func(*config)

type config struct {
	bin      string
	modelDir string
	timeout  time.Duration
}

// WithBinary sets the program: "pocketsphinx_continuous" (PocketSphinx
// 0.8 and 5prealpha, as in Debian 12) or "pocketsphinx" (the 5.x command
// line), by name on PATH or as a path. By default the first of the two
// found on PATH is used.
func WithBinary(path string) Option { return func(c *config) { c.bin = path } }

// WithModelDir sets the directory of the en-us model (default
// DefaultModelDir): it holds the acoustic model directory "en-us" (or is
// it), "cmudict-en-us.dict" and "en-us.lm.bin".
func WithModelDir(dir string) Option { return func(c *config) { c.modelDir = dir } }

// WithTimeout limits one run of the program (default DefaultTimeout).
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// cliKind is the command-line dialect of the installed program.
type cliKind int

const (
	cliContinuous cliKind = iota // pocketsphinx_continuous -infile f.wav: one hypothesis per line
	cliV5                        // pocketsphinx [opts] live f.wav: one JSON object per utterance
)

// PocketSphinx transcribes clips with CMU PocketSphinx. It is safe for
// concurrent use; each Recognize call works in its own temporary
// directory.
type PocketSphinx struct {
	run            *runner
	cli            cliKind
	lang           string
	mode           Mode
	hmm, dict, lm  string
	grammar, words string
}

var _ audio.Recognizer = (*PocketSphinx)(nil)

// NewPocketSphinx returns a recognizer for clips in lang ("en" or "ko")
// decoding in mode. Korean uses the en-us acoustic model with the Korean
// digit words spelled in English phones (Debian has no Korean model);
// LanguageModel is English only (an error matching ErrUnsupported
// otherwise). It checks that the program and model are installed
// (*NotInstalledError otherwise).
func NewPocketSphinx(lang string, mode Mode, opts ...Option) (*PocketSphinx, error) {
	var c config
	for _, o := range opts {
		o(&c)
	}
	if c.modelDir == "" {
		c.modelDir = DefaultModelDir
	}
	if _, ok := digitWords[lang]; !ok {
		return nil, errorf("language %q (want one of %s)", lang, strings.Join(grammarLangs(), ", "))
	}
	if mode != Digits && mode != LanguageModel {
		return nil, errorf("mode %d", int(mode))
	}
	if mode == LanguageModel && lang != "en" {
		return nil, &unsupportedError{"no " + lang + " language model for PocketSphinx in Debian"}
	}
	bins := []string{"pocketsphinx_continuous", "pocketsphinx"}
	if c.bin != "" {
		bins = []string{c.bin}
	}
	var r *runner
	var err error
	for _, b := range bins {
		if r, err = newRunner("pocketsphinx", b, "apt-get install pocketsphinx", c.timeout); err == nil {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	p := &PocketSphinx{run: r, lang: lang, mode: mode, cli: cliV5}
	if strings.Contains(filepath.Base(r.r.Bin()), "continuous") {
		p.cli = cliContinuous
	}
	hint := "apt-get install pocketsphinx-en-us"
	switch {
	case fileExists(filepath.Join(c.modelDir, "en-us", "mdef")):
		p.hmm = filepath.Join(c.modelDir, "en-us")
	case fileExists(filepath.Join(c.modelDir, "mdef")):
		p.hmm = c.modelDir
	default:
		return nil, &NotInstalledError{Engine: "pocketsphinx", What: "acoustic model in " + c.modelDir, Hint: hint}
	}
	if mode == LanguageModel {
		p.dict = firstExisting(filepath.Join(c.modelDir, "cmudict-en-us.dict"), filepath.Join(filepath.Dir(p.hmm), "cmudict-en-us.dict"))
		p.lm = firstExisting(filepath.Join(c.modelDir, "en-us.lm.bin"), filepath.Join(filepath.Dir(p.hmm), "en-us.lm.bin"))
		if p.dict == "" || p.lm == "" {
			return nil, &NotInstalledError{Engine: "pocketsphinx", What: "cmudict-en-us.dict or en-us.lm.bin in " + c.modelDir, Hint: hint}
		}
	} else {
		p.grammar, p.words = digitsGrammar(lang), digitsDict(lang)
	}
	return p, nil
}

// unsupportedError is a configuration the installed engine cannot run.
type unsupportedError struct{ why string }

func (e *unsupportedError) Error() string        { return "stt: unsupported: " + e.why }
func (e *unsupportedError) Is(target error) bool { return target == ErrUnsupported }

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

func firstExisting(paths ...string) string {
	for _, p := range paths {
		if fileExists(p) {
			return p
		}
	}
	return ""
}

// Name returns "pocketsphinx:<lang>:<mode>", such as
// "pocketsphinx:en:digits".
func (p *PocketSphinx) Name() string { return "pocketsphinx:" + p.lang + ":" + p.mode.String() }

// Recognize implements audio.Recognizer. The clip is decoded (see
// DecodeWAV), mixed to mono and resampled to 16 kHz before decoding.
func (p *PocketSphinx) Recognize(ctx context.Context, wav []byte) (string, error) {
	clip, err := DecodeWAV(wav)
	if err != nil {
		return "", err
	}
	clip = Resample(clip, EngineRate)
	dir, err := os.MkdirTemp("", "tollgate-stt-*")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "clip.wav")
	if err := os.WriteFile(in, EncodeWAV(clip), 0o600); err != nil {
		return "", err
	}
	args := []string{"-hmm", p.hmm}
	if p.mode == LanguageModel {
		args = append(args, "-lm", p.lm, "-dict", p.dict)
	} else {
		g, d := filepath.Join(dir, "digits.gram"), filepath.Join(dir, "digits.dict")
		if err := os.WriteFile(g, []byte(p.grammar), 0o600); err != nil {
			return "", err
		}
		if err := os.WriteFile(d, []byte(p.words), 0o600); err != nil {
			return "", err
		}
		args = append(args, "-jsgf", g, "-dict", d)
	}
	var utts []string
	if p.cli == cliContinuous {
		args = append(args, "-infile", in, "-logfn", filepath.Join(dir, "log"))
		out, err := p.run.run(ctx, dir, args...)
		if err != nil {
			return "", p.withLog(err, dir)
		}
		utts = parseContinuous(out)
	} else {
		args = append(args, "live", in)
		out, err := p.run.run(ctx, dir, args...)
		if err != nil {
			return "", err
		}
		if utts, err = parseJSONLines(out); err != nil {
			return "", &EngineError{Engine: "pocketsphinx", Err: err}
		}
	}
	for i, u := range utts {
		utts[i] = wordsToDigits(u, p.lang, p.mode == LanguageModel)
	}
	return strings.Join(utts, "\n"), nil
}

// withLog adds the ERROR lines of pocketsphinx_continuous's log file to an
// engine error.
func (p *PocketSphinx) withLog(err error, dir string) error {
	ee, ok := err.(*EngineError)
	if !ok {
		return err
	}
	b, _ := os.ReadFile(filepath.Join(dir, "log"))
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "ERROR") || strings.HasPrefix(l, "FATAL") {
			lines = append(lines, strings.TrimSpace(l))
		}
	}
	if msg := strings.Join(lines, "; "); msg != "" {
		ee.Stderr = msg[:min(len(msg), engine.MaxStderr)]
	}
	return ee
}

// parseContinuous reads pocketsphinx_continuous output: one hypothesis per
// utterance and line, possibly prefixed by an utterance id ("000000000: ").
func parseContinuous(out []byte) []string {
	var utts []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if id, rest, ok := strings.Cut(l, ": "); ok && isDigits(id) {
			l = strings.TrimSpace(rest)
		}
		if l != "" {
			utts = append(utts, l)
		}
	}
	return utts
}

// parseJSONLines reads the 5.x command line's output: one JSON object per
// utterance with the hypothesis in "t".
func parseJSONLines(out []byte) ([]string, error) {
	var utts []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		l := bytes.TrimSpace(sc.Bytes())
		if len(l) == 0 {
			continue
		}
		var u struct {
			T string `json:"t"`
		}
		if err := json.Unmarshal(l, &u); err != nil {
			return nil, err
		}
		if t := strings.TrimSpace(u.T); t != "" {
			utts = append(utts, t)
		}
	}
	return utts, sc.Err()
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
