package audio

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/tollgate/tollgate/captcha"
)

// testSeed returns a distinct seed for each i.
func testSeed(i int) captcha.Seed {
	var s captcha.Seed
	binary.LittleEndian.PutUint64(s[:], uint64(i)+1)
	s[31] = 0x5a
	return s
}

// newTestSynth returns a Synth with the built-in voices and opts.
func newTestSynth(tb testing.TB, opts ...Option) *Synth {
	tb.Helper()
	s, err := New(opts...)
	if err != nil {
		tb.Fatalf("New() error = %v", err)
	}
	return s
}

// planJob runs the planning steps for seed and lang and returns the job.
func planJob(tb testing.TB, s *Synth, seed captcha.Seed, lang string) *job {
	tb.Helper()
	_, ls := s.resolve(lang)
	j := new(job)
	j.reset(s, ls, seed)
	if err := j.run(context.Background(), planSteps()); err != nil {
		tb.Fatalf("plan(%x, %s) error = %v", seed[:4], lang, err)
	}
	return j
}

// track renders only the events keep accepts into a clip-length buffer.
func (j *job) track(keep func(*event) bool) []float32 {
	out := make([]float32, j.n)
	j.renderEvents(out, keep)
	return out
}
