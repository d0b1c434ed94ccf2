package audio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"

	"github.com/tollgate/tollgate/audio/internal/dsp"
	"github.com/tollgate/tollgate/audio/internal/wavio"
)

// Rendering constants.
const (
	// sampleRate is the rate of the clips and of loaded voice samples.
	sampleRate = 16000
	// refRMS is the active RMS every loaded sample is normalised to and
	// the level of a target digit in the mix (-20 dBFS).
	refRMS = 0.1
)

// Voice pack limits.
const (
	minDigitSamples  = sampleRate / 10      // 0.1 s
	maxDigitSamples  = sampleRate * 3 / 2   // 1.5 s
	maxPromptSamples = sampleRate * 45 / 10 // 4.5 s
	maxPackFileBytes = 8 << 20
	maxManifestBytes = 64 << 10
	maxVoices        = 16
	maxPromptText    = 300
)

var (
	langName  = regexp.MustCompile(`^[a-z]{2,3}$`)
	voiceName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)
)

// voice is one loaded voice: its ten digits at sampleRate, normalised to
// refRMS, and what the instruction can say about it.
type voice struct {
	name      string
	woman     bool
	man       bool
	decoyOnly bool    // never the target
	pitch     float64 // median F0 in Hz
	digits    [10][]float32
}

// langPack is one loaded language. It is immutable after loading.
type langPack struct {
	lang    string
	voices  []*voice
	prompts map[Cue]*prompt
	// cues are the cues this pack can render, in canonical order.
	cues []Cue
}

// prompt is one spoken instruction.
type prompt struct {
	text  string
	audio []float32
}

// manifest is the format of <lang>/pack.json.
type manifest struct {
	Voices []struct {
		Name      string   `json:"name"`
		Traits    []string `json:"traits"`
		Pitch     float64  `json:"pitch"`
		DecoyOnly bool     `json:"decoyOnly"`
	} `json:"voices"`
	Prompts map[string]string `json:"prompts"`
}

// loadPacks loads every language directory of fsys that holds a pack.json.
func loadPacks(fsys fs.FS) (map[string]*langPack, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, &PackError{Path: ".", Err: err}
	}
	packs := make(map[string]*langPack)
	for _, e := range entries {
		if !e.IsDir() || !langName.MatchString(e.Name()) {
			continue
		}
		if _, err := fs.Stat(fsys, path.Join(e.Name(), "pack.json")); err != nil {
			continue
		}
		p, err := loadLang(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		packs[e.Name()] = p
	}
	if len(packs) == 0 {
		return nil, &PackError{Path: ".", Err: errors.New("no <lang>/pack.json found")}
	}
	return packs, nil
}

// loadLang loads and validates one language of a pack.
func loadLang(fsys fs.FS, lang string) (*langPack, error) {
	mpath := path.Join(lang, "pack.json")
	b, err := readLimited(fsys, mpath, maxManifestBytes)
	if err != nil {
		return nil, err
	}
	var m manifest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, &PackError{Path: mpath, Err: err}
	}
	if len(m.Voices) < 2 || len(m.Voices) > maxVoices {
		return nil, &PackError{Path: mpath, Err: fmt.Errorf("%d voices, want 2 to %d", len(m.Voices), maxVoices)}
	}
	p := &langPack{lang: lang, prompts: make(map[Cue]*prompt)}
	seen := make(map[string]bool)
	for _, mv := range m.Voices {
		if !voiceName.MatchString(mv.Name) || mv.Name == "prompts" || seen[mv.Name] {
			return nil, &PackError{Path: mpath, Err: fmt.Errorf("bad or duplicate voice name %q", mv.Name)}
		}
		seen[mv.Name] = true
		v := &voice{name: mv.Name, pitch: mv.Pitch, decoyOnly: mv.DecoyOnly}
		for _, t := range mv.Traits {
			switch t {
			case "woman":
				v.woman = true
			case "man":
				v.man = true
			default:
				return nil, &PackError{Path: mpath, Err: fmt.Errorf("voice %s: unknown trait %q (want woman or man)", mv.Name, t)}
			}
		}
		if v.woman && v.man {
			return nil, &PackError{Path: mpath, Err: fmt.Errorf("voice %s: both woman and man", mv.Name)}
		}
		if v.pitch != 0 && (v.pitch < 50 || v.pitch > 500) {
			return nil, &PackError{Path: mpath, Err: fmt.Errorf("voice %s: pitch %g Hz out of 50 to 500", mv.Name, v.pitch)}
		}
		var all []float32
		for d := range v.digits {
			fp := path.Join(lang, mv.Name, fmt.Sprintf("%d.wav", d))
			s, err := loadSound(fsys, fp, minDigitSamples, maxDigitSamples)
			if err != nil {
				return nil, err
			}
			v.digits[d] = s
			if v.pitch == 0 {
				all = append(all, s...)
			}
		}
		if v.pitch == 0 {
			v.pitch = dsp.EstimatePitch(all, sampleRate)
			if v.pitch == 0 {
				return nil, &PackError{Path: path.Join(lang, mv.Name), Err: errors.New("cannot measure the voice's pitch; set \"pitch\" in pack.json")}
			}
		}
		p.voices = append(p.voices, v)
	}
	for key, text := range m.Prompts {
		cue := Cue(key)
		if !cue.valid() {
			return nil, &PackError{Path: mpath, Err: fmt.Errorf("unknown prompt cue %q", key)}
		}
		if text == "" || len(text) > maxPromptText {
			return nil, &PackError{Path: mpath, Err: fmt.Errorf("prompt %q: text must be 1 to %d bytes", key, maxPromptText)}
		}
		fp := path.Join(lang, "prompts", key+".wav")
		s, err := loadSound(fsys, fp, minDigitSamples, maxPromptSamples)
		if err != nil {
			return nil, err
		}
		p.prompts[cue] = &prompt{text: text, audio: s}
	}
	for _, c := range Cues() {
		if p.prompts[c] != nil && p.supports(c) {
			p.cues = append(p.cues, c)
		}
	}
	if len(p.cues) == 0 {
		return nil, &PackError{Path: mpath, Err: errors.New("no usable cue: add prompts, or voices with traits")}
	}
	return p, nil
}

// supports reports whether the pack's voices allow cue c with at least one
// decoy voice.
func (p *langPack) supports(c Cue) bool {
	for _, t := range p.voices {
		if t.decoyOnly || (c == CueWoman || c == CueMan) && !t.has(c) {
			continue
		}
		for _, d := range p.voices {
			if d != t && !((c == CueWoman || c == CueMan) && d.has(c)) {
				return true
			}
		}
	}
	return false
}

// has reports whether v has the gender trait named by c.
func (v *voice) has(c Cue) bool {
	return (c == CueWoman && v.woman) || (c == CueMan && v.man)
}

// readLimited reads a file of at most limit bytes.
func readLimited(fsys fs.FS, name string, limit int64) ([]byte, error) {
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, &PackError{Path: name, Err: err}
	}
	if st.Size() > limit {
		return nil, &PackError{Path: name, Err: fmt.Errorf("%d bytes, more than %d", st.Size(), limit)}
	}
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, &PackError{Path: name, Err: err}
	}
	return b, nil
}

// loadSound reads a WAV file, converts it to sampleRate and normalises its
// active RMS to refRMS. Its length must be within [minLen, maxLen] samples.
func loadSound(fsys fs.FS, name string, minLen, maxLen int) ([]float32, error) {
	b, err := readLimited(fsys, name, maxPackFileBytes)
	if err != nil {
		return nil, err
	}
	snd, err := wavio.Decode(b)
	if err != nil {
		return nil, &PackError{Path: name, Err: err}
	}
	if snd.Rate < 8000 || snd.Rate > 48000 {
		return nil, &PackError{Path: name, Err: fmt.Errorf("sample rate %d Hz out of 8000 to 48000", snd.Rate)}
	}
	s := snd.Samples
	if snd.Rate != sampleRate {
		s = dsp.Resample(s, snd.Rate, sampleRate)
	}
	if len(s) < minLen || len(s) > maxLen {
		return nil, &PackError{Path: name, Err: fmt.Errorf("%.2f s long, want %.2f to %.2f s",
			float64(len(s))/sampleRate, float64(minLen)/sampleRate, float64(maxLen)/sampleRate)}
	}
	rms := dsp.ActiveRMS(s)
	if rms < 1e-4 {
		return nil, &PackError{Path: name, Err: errors.New("silent")}
	}
	g := float32(refRMS / rms)
	for i := range s {
		s[i] *= g
	}
	return s, nil
}

// languages returns the sorted language names of packs.
func languages(packs map[string]*langPack) []string {
	ls := make([]string, 0, len(packs))
	for l := range packs {
		ls = append(ls, l)
	}
	slices.Sort(ls)
	return ls
}
