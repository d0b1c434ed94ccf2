package audio

import (
	"fmt"
	"io/fs"
)

// Defaults of the options.
const (
	DefaultMinDigits   = 5
	DefaultMaxDigits   = 6
	DefaultDecoyVoices = 2
)

// config is the unexported configuration options edit.
type config struct {
	packs            []fs.FS
	noBuiltin        bool
	minDigits        int
	maxDigits        int
	decoyVoices      int
	cues             []Cue
	hook             EventHook
	digitsSet, decoy bool
}

// Option configures a Synth. Options are applied once, in order, by New;
// defaults are applied after them.
type Option func(*config)

// WithVoicePack adds the languages of the voice pack fsys (see the package
// documentation for the layout); top-level directories without a pack.json
// are ignored. A language present in fsys replaces the
// built-in language of the same name; of several packs, the last one given
// wins. New loads and validates the pack and reports problems as
// *PackError.
func WithVoicePack(fsys fs.FS) Option {
	return func(c *config) { c.packs = append(c.packs, fsys) }
}

// WithoutBuiltinVoices leaves the embedded voices out, so that only packs
// given with WithVoicePack are used.
func WithoutBuiltinVoices() Option {
	return func(c *config) { c.noBuiltin = true }
}

// WithDigits sets the range of the answer's length; each clip picks a
// length in [min, max]. The default is 5 to 6; allowed values are 3 to 8.
// Clips longer than 12 seconds are avoided by dropping decoy voices, so long
// answers may come with fewer decoys.
func WithDigits(min, max int) Option {
	return func(c *config) { c.minDigits, c.maxDigits, c.digitsSet = min, max, true }
}

// WithDecoyVoices sets how many decoy voices speak over the target: 1 to 3,
// default 2. A language with fewer suitable voices for a cue uses fewer.
func WithDecoyVoices(n int) Option {
	return func(c *config) { c.decoyVoices, c.decoy = n, true }
}

// WithCues restricts the instructions to the given cues (default: all cues a
// language's pack supports). New fails if a language is left without any.
func WithCues(cues ...Cue) Option {
	return func(c *config) {
		c.cues = make([]Cue, len(cues)) // non-nil even when empty
		copy(c.cues, cues)
	}
}

// WithEventHook sets a function that receives an Event after every clip.
func WithEventHook(h EventHook) Option {
	return func(c *config) { c.hook = h }
}

// applyDefaults fills unset fields and validates the result.
func (c *config) applyDefaults() error {
	if !c.digitsSet {
		c.minDigits, c.maxDigits = DefaultMinDigits, DefaultMaxDigits
	}
	if c.minDigits < 3 || c.maxDigits > 8 || c.minDigits > c.maxDigits {
		return fmt.Errorf("%w: digits %d to %d (want 3 <= min <= max <= 8)", ErrInvalidOption, c.minDigits, c.maxDigits)
	}
	if !c.decoy {
		c.decoyVoices = DefaultDecoyVoices
	}
	if c.decoyVoices < 1 || c.decoyVoices > 3 {
		return fmt.Errorf("%w: %d decoy voices (want 1 to 3)", ErrInvalidOption, c.decoyVoices)
	}
	if c.cues == nil {
		c.cues = Cues()
	}
	if len(c.cues) == 0 {
		return fmt.Errorf("%w: no cues", ErrInvalidOption)
	}
	for _, q := range c.cues {
		if !q.valid() {
			return fmt.Errorf("%w: unknown cue %q", ErrInvalidOption, string(q))
		}
	}
	return nil
}
