package audio

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/tollgate/tollgate/audio/internal/wavio"
	"github.com/tollgate/tollgate/captcha"
)

// MediaType is the Content-Type of the clips Generate renders.
const MediaType = "audio/wav"

// Synth renders audio challenges. It implements captcha.Generator. Create
// one with New; the zero value is not usable. A Synth is immutable after New
// and safe for concurrent use; it keeps a pool of scratch buffers so that
// steady-state rendering allocates little besides the returned clip.
type Synth struct {
	cfg   config
	langs map[string]*langState
	names []string
	beep  []float32
	pool  sync.Pool // of *job
}

// langState is a loaded language with the cues the configuration allows.
type langState struct {
	pack *langPack
	cues []Cue
}

var _ captcha.Generator = (*Synth)(nil)

// New returns a Synth using the built-in voices and any packs given with
// WithVoicePack. It returns an error wrapping ErrInvalidOption for option
// values out of range and a *PackError for a malformed voice pack.
func New(opts ...Option) (*Synth, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	if err := cfg.applyDefaults(); err != nil {
		return nil, err
	}
	packs := make(map[string]*langPack)
	if !cfg.noBuiltin {
		b, err := builtinPacks()
		if err != nil {
			return nil, err
		}
		for l, p := range b {
			packs[l] = p
		}
	}
	for _, fsys := range cfg.packs {
		ps, err := loadPacks(fsys)
		if err != nil {
			return nil, err
		}
		for l, p := range ps {
			packs[l] = p
		}
	}
	if len(packs) == 0 {
		return nil, fmt.Errorf("%w: no voices: WithoutBuiltinVoices needs WithVoicePack", ErrInvalidOption)
	}
	s := &Synth{cfg: cfg, langs: make(map[string]*langState), names: languages(packs), beep: beepTone()}
	for l, p := range packs {
		ls := &langState{pack: p}
		for _, c := range p.cues {
			for _, want := range cfg.cues {
				if c == want {
					ls.cues = append(ls.cues, c)
				}
			}
		}
		if len(ls.cues) == 0 {
			return nil, fmt.Errorf("%w: language %q supports none of the cues %v", ErrInvalidOption, l, cfg.cues)
		}
		s.langs[l] = ls
	}
	s.pool.New = func() any { return new(job) }
	return s, nil
}

// Languages returns the languages s can render, sorted.
func (s *Synth) Languages() []string {
	return append([]string(nil), s.names...)
}

// resolve returns the language for a BCP 47 tag: its base language if s has
// it, else "en", else the first language in sorted order.
func (s *Synth) resolve(tag string) (string, *langState) {
	base := strings.ToLower(tag)
	if i := strings.IndexAny(base, "-_"); i >= 0 {
		base = base[:i]
	}
	if ls, ok := s.langs[base]; ok {
		return base, ls
	}
	if ls, ok := s.langs["en"]; ok {
		return "en", ls
	}
	return s.names[0], s.langs[s.names[0]]
}

// Generate renders the audio challenge for req: a WAV clip (MediaType) with
// the spoken instruction, the answer digits and the decoys. Puzzle.Answers
// holds the answer digits ("48291"), Puzzle.Decoys each decoy voice's
// digits and all the clip's digits in order of speaking, and Puzzle.Prompt
// the instruction's text in the rendered language: the request's base
// language ("ko" for "ko-KR") if s has it, else "en", else the first of
// Languages.
//
// The same Request always yields the same Puzzle. The plan (answer, decoys,
// prompt, voices and timing) uses no fused floating-point operations and is
// identical on every architecture; the samples are byte-identical on the
// same GOARCH and may differ in their least significant bits on
// architectures that fuse multiply-adds (arm64, ppc64le, s390x). Generate
// returns ctx.Err() if ctx is done before it finishes.
func (s *Synth) Generate(ctx context.Context, req captcha.Request) (*captcha.Puzzle, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	lang, ls := s.resolve(req.Lang)
	j := s.pool.Get().(*job)
	defer s.pool.Put(j)
	j.reset(s, ls, req.Seed)
	if err := j.run(ctx, pipeline); err != nil {
		return nil, err
	}
	p := &captcha.Puzzle{
		Answers:   []string{digitString(j.seqs[0])},
		Decoys:    j.decoyStrings(),
		Prompt:    j.pack.prompts[j.cue].text,
		Media:     wavio.AppendPCM16(make([]byte, 0, wavio.HeaderSize+2*len(j.pcm)), j.pcm, sampleRate),
		MediaType: MediaType,
	}
	if s.cfg.hook != nil {
		s.cfg.hook(ctx, Event{
			Type:          EventGenerated,
			Lang:          lang,
			RequestedLang: req.Lang,
			Cue:           j.cue,
			Digits:        len(j.seqs[0]),
			DecoyVoices:   len(j.voices) - 1,
			Duration:      samplesDuration(j.n),
		})
	}
	return p, nil
}

// samplesDuration converts a sample count to a duration.
func samplesDuration(n int) time.Duration {
	return time.Duration(n) * time.Second / sampleRate
}

// digitString formats digit values 0–9 as ASCII.
func digitString(d []byte) string {
	b := make([]byte, len(d))
	for i, v := range d {
		b[i] = '0' + v
	}
	return string(b)
}

// beepTone returns a 250 ms 1 kHz tone with 10 ms raised-cosine ramps,
// normalised to refRMS.
func beepTone() []float32 {
	const n, ramp = sampleRate / 4, sampleRate / 100
	b := make([]float32, n)
	var sum float64
	for i := range b {
		v := math.Sin(2 * math.Pi * 1000 * float64(i) / sampleRate)
		if r := min(i, n-1-i); r < ramp {
			v *= 0.5 - 0.5*math.Cos(math.Pi*float64(r)/ramp)
		}
		b[i] = float32(v)
		sum += v * v
	}
	g := float32(refRMS / math.Sqrt(sum/n))
	for i := range b {
		b[i] *= g
	}
	return b
}
