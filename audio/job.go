package audio

import (
	"context"
	"math/rand/v2"

	"github.com/tollgate/tollgate/captcha"
)

// step is one named transformation of the pipeline.
type step struct {
	name string
	run  func(*job) error
}

// pipeline lists the steps Generate runs, in order. The planning steps
// (pick to gaps) decide everything from the seed; the rendering steps
// (speech to master) turn the plan into samples.
var pipeline = []step{
	{"pick", (*job).pick},
	{"digits", (*job).digits},
	{"order", (*job).order},
	{"jitter", (*job).jitter},
	{"levels", (*job).levels},
	{"timing", (*job).timing},
	{"gaps", (*job).gaps},
	{"speech", (*job).speech},
	{"babble", (*job).babble},
	{"noise", (*job).noise},
	{"reverb", (*job).reverb},
	{"master", (*job).master},
}

// planSteps returns the planning part of the pipeline (through "gaps").
func planSteps() []step {
	for i, st := range pipeline {
		if st.name == "gaps" {
			return pipeline[:i+1]
		}
	}
	panic("audio: no gaps step")
}

// eventKind says what an event plays.
type eventKind uint8

const (
	kindPrompt eventKind = iota
	kindBeep
	kindDigit
)

// event is one sound placed in the clip.
type event struct {
	kind  eventKind
	track int  // index into job.voices for digits (0 = target); -1 otherwise
	digit byte // the digit spoken, for kindDigit
	// pitch is the resampling ratio (>1 raises the pitch); tempo the speed
	// factor (>1 is faster). Duration depends on tempo only.
	pitch, tempo float64
	// gain is the event's active RMS in units of refRMS.
	gain float64
	// gap is the silence before the event, after the previous one ends, in
	// samples; negative values overlap the previous event.
	gap int
	// start and length place the event in the clip, in samples.
	start, length int
}

// job is the state of one rendering: the plan, then the buffers. Jobs are
// pooled by their Synth; reset prepares one for a new request.
type job struct {
	s    *Synth
	pack *langPack
	cues []Cue
	rng  *rand.Rand

	cue    Cue
	voices []*voice  // [0] is the target voice, the rest decoys
	pitch  []float64 // base pitch ratio per track
	tempo  []float64 // base tempo per track
	gain   []float64 // base gain per track
	seqs   [][]byte  // digits per track: [0] is the answer
	events []event   // in order of the timeline
	tail   int       // silence after the last event, in samples
	n      int       // clip length in samples
	first  int       // start of the first digit, in samples

	mix, bufA, bufB, wet []float32
	pcm                  []int16
}

// reset prepares j for rendering req's seed in language ls.
func (j *job) reset(s *Synth, ls *langState, seed captcha.Seed) {
	j.s, j.pack, j.cues = s, ls.pack, ls.cues
	j.rng = seed.Rand()
	j.cue = ""
	j.voices = j.voices[:0]
	j.pitch, j.tempo, j.gain = j.pitch[:0], j.tempo[:0], j.gain[:0]
	j.seqs = j.seqs[:0]
	j.events = j.events[:0]
	j.tail, j.n, j.first = 0, 0, 0
}

// run executes steps in order, checking ctx between them.
func (j *job) run(ctx context.Context, steps []step) error {
	for _, st := range steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := st.run(j); err != nil {
			return err
		}
	}
	return nil
}

// uniform returns a pseudo-random number in [lo, hi). The explicit
// conversion forbids a fused multiply-add, so plans are identical on every
// architecture.
func (j *job) uniform(lo, hi float64) float64 {
	return lo + float64((hi-lo)*j.rng.Float64())
}

// seconds returns a pseudo-random duration in [lo, hi) seconds, in samples.
func (j *job) seconds(lo, hi float64) int {
	return int(j.uniform(lo, hi) * sampleRate)
}

// decoyStrings returns the decoy answers: each decoy voice's digits and the
// digits of the whole clip in order of speaking, without duplicates or the
// answer itself.
func (j *job) decoyStrings() []string {
	answer := digitString(j.seqs[0])
	out := make([]string, 0, len(j.seqs))
	add := func(s string) {
		if s == answer {
			return
		}
		for _, o := range out {
			if o == s {
				return
			}
		}
		out = append(out, s)
	}
	for _, d := range j.seqs[1:] {
		add(digitString(d))
	}
	all := make([]byte, 0, len(j.events))
	for _, e := range j.events {
		if e.kind == kindDigit {
			all = append(all, e.digit)
		}
	}
	add(digitString(all))
	return out
}
