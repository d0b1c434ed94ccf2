package captcha

import (
	"context"
	"math/rand/v2"
)

// Kind names a family of challenges, such as "image" or "audio".
type Kind string

// Kinds of challenge that tollgate's own renderers produce. A host may
// register generators under kinds of its own.
const (
	KindImage Kind = "image"
	KindAudio Kind = "audio"
)

// Seed is the secret randomness one challenge renders from. The Service
// derives it from the challenge id with a keyed hash, so the same id always
// renders the same media, while a client that knows the id (and the
// open-source renderer) still cannot compute the answer.
type Seed [32]byte

// Rand returns a deterministic pseudo-random generator seeded by s. Each call
// returns a new generator that starts at the same point.
func (s Seed) Rand() *rand.Rand {
	return rand.New(rand.NewChaCha8(s))
}

// Request says what a Generator must render.
type Request struct {
	// Seed is the only source of randomness the generator may use.
	Seed Seed
	// Lang is the language of the prompt and of any text in the media, as a
	// BCP 47 base tag ("en", "ko"). Generators fall back to "en" for
	// languages they do not support.
	Lang string
	// Scale is the pixel density of image media: 1 (default, also for 0)
	// or 2 for high-DPI screens and zoom. Generators that ignore it render
	// the same media at every scale.
	Scale int
}

// Puzzle is one rendered challenge: what the person sees or hears and what
// they must answer. Answers and Decoys never leave the server; the Service
// stores only keyed hashes of them.
type Puzzle struct {
	// Answers are the accepted answers. Verification normalises them (see
	// Normalize), so spelling variants differing only in case, spacing or
	// punctuation need not be listed.
	Answers []string
	// Decoys are answers that only software would give, such as the digits
	// spoken by a decoy voice. Submitting one is reported as ErrDecoyAnswer.
	Decoys []string
	// Prompt is the instruction shown or spoken to the person, in the
	// request's language.
	Prompt string
	// Media is the encoded image or audio clip.
	Media []byte
	// MediaType is the Content-Type of Media, such as "image/png".
	MediaType string
}

// Generator renders puzzles. Generate must be deterministic: the same
// Request always yields the same Puzzle, so that a reload, another server
// or a scaled variant shows the same challenge. Implementations must be safe
// for concurrent use.
type Generator interface {
	Generate(ctx context.Context, req Request) (*Puzzle, error)
}

// GeneratorFunc adapts an ordinary function to the Generator interface.
type GeneratorFunc func(ctx context.Context, req Request) (*Puzzle, error)

// Generate calls f(ctx, req).
func (f GeneratorFunc) Generate(ctx context.Context, req Request) (*Puzzle, error) {
	return f(ctx, req)
}
