package audio

import (
	"fmt"

	"github.com/tollgate/tollgate/audio/internal/dsp"
)

// Clip length bounds, in samples. The issue asks for about 8 to 12 seconds;
// plans aim inside with a margin.
const (
	minClip = sampleRate * 82 / 10  // 8.2 s
	maxClip = sampleRate * 118 / 10 // 11.8 s
	// lead is the silence before the prompt.
	lead = sampleRate / 5
	// maxOverlap is the largest overlap, as a fraction of the shorter of two
	// neighbouring events of different voices. Below one half, no event
	// ever overlaps more than one other.
	maxOverlap = 0.45
)

// renderedLen returns the length in samples of e once rendered.
func (j *job) renderedLen(e *event) int {
	switch e.kind {
	case kindPrompt:
		return len(j.pack.prompts[j.cue].audio)
	case kindBeep:
		return len(j.s.beep)
	}
	src := j.voices[e.track].digits[e.digit]
	return dsp.ShiftLen(dsp.StretchLen(len(src), e.tempo/e.pitch), e.pitch)
}

// timing chooses the silence or overlap between neighbouring events:
// different voices overlap by 15–35% of the shorter event 60% of the time,
// otherwise they, and digits of the same voice, are separated by short
// pauses. If the clip would exceed the maximum length it removes pauses and
// deepens overlaps, then drops decoy voices (last first).
func (j *job) timing() error {
	for {
		for i := 1; i < len(j.events); i++ {
			j.events[i].gap = j.boundary(i)
		}
		j.events[0].gap = lead
		j.tail = j.seconds(0.3, 0.5)
		if j.layout() > maxClip {
			j.compress()
		}
		if j.layout() > maxClip {
			j.hurry()
		}
		if j.layout() <= maxClip {
			return nil
		}
		if len(j.voices) <= 2 {
			return fmt.Errorf("audio: %s clip would last %.1f s, more than %.1f s: voice samples too long for %d digits",
				j.pack.lang, float64(j.layout())/sampleRate, float64(maxClip)/sampleRate, len(j.seqs[0]))
		}
		j.dropDecoy()
	}
}

// boundary returns a random gap (or negative overlap) before event i.
func (j *job) boundary(i int) int {
	prev, cur := &j.events[i-1], &j.events[i]
	switch {
	case prev.kind == kindPrompt:
		return j.seconds(0.5, 0.8)
	case prev.kind == kindBeep || cur.kind == kindBeep:
		return j.seconds(0.3, 0.45)
	case prev.track == cur.track:
		return j.seconds(0.08, 0.25)
	case j.rng.Float64() < 0.6:
		return -int(j.uniform(0.15, 0.35) * float64(min(prev.length, cur.length)))
	}
	return j.seconds(0.03, 0.2)
}

// compress shortens pauses to their minimum and deepens every overlap
// between different voices to maxOverlap.
func (j *job) compress() {
	for i := 1; i < len(j.events); i++ {
		prev, cur := &j.events[i-1], &j.events[i]
		switch {
		case prev.kind == kindPrompt:
			cur.gap = min(cur.gap, sampleRate*35/100)
		case prev.kind == kindBeep || cur.kind == kindBeep:
			cur.gap = min(cur.gap, sampleRate/5)
		case prev.track == cur.track:
			cur.gap = min(cur.gap, sampleRate*6/100)
		default:
			cur.gap = -int(maxOverlap * float64(min(prev.length, cur.length)))
		}
	}
}

// hurry speeds up every digit except a slow target's by up to 25%, just
// enough for the clip to fit, and deepens the overlaps again for the new
// lengths.
func (j *job) hurry() {
	var fixed, speedable int
	for i := range j.events {
		e := &j.events[i]
		switch {
		case e.kind != kindDigit || j.cue == CueSlow && e.track == 0:
			fixed += e.length
		default:
			speedable += e.length
		}
	}
	over := j.layout() - maxClip
	if speedable == 0 || over <= 0 {
		return
	}
	// Overlaps shrink with the events, so aim a little lower than needed.
	f := 1.25
	if over < speedable {
		f = min(f, float64(speedable)/float64(speedable-over)*1.05)
	}
	for i := range j.events {
		e := &j.events[i]
		if e.kind == kindDigit && !(j.cue == CueSlow && e.track == 0) {
			e.tempo *= f
			e.length = j.renderedLen(e)
		}
	}
	j.compress()
}

// dropDecoy removes the last decoy voice and its events.
func (j *job) dropDecoy() {
	t := len(j.voices) - 1
	j.voices, j.pitch, j.tempo, j.gain = j.voices[:t], j.pitch[:t], j.tempo[:t], j.gain[:t]
	j.seqs = j.seqs[:t]
	out := j.events[:0]
	for _, e := range j.events {
		if e.kind != kindDigit || e.track != t {
			out = append(out, e)
		}
	}
	j.events = out
}

// layout places the events from their gaps and returns the clip length.
func (j *job) layout() int {
	pos, end := 0, 0
	j.first = -1
	for i := range j.events {
		e := &j.events[i]
		pos += e.gap
		e.start = pos
		pos += e.length
		end = max(end, pos)
		if e.kind == kindDigit && j.first < 0 {
			j.first = e.start
		}
	}
	j.n = end + j.tail
	return j.n
}

// gaps inserts random pauses: it draws a clip length between 8.4 and
// 10.8 s and, if the events are shorter, spreads the difference over
// randomly weighted pauses between non-overlapping digits (at most 0.8 s
// added to each), the rest going to the end of the clip.
func (j *job) gaps() error {
	goal := j.seconds(8.4, 10.8)
	extra := goal - j.layout()
	if extra <= 0 {
		return nil
	}
	const maxAdd = sampleRate * 8 / 10
	weights := make([]float64, len(j.events))
	var sum float64
	for i := 2; i < len(j.events); i++ {
		e := &j.events[i]
		if e.gap >= 0 && e.kind == kindDigit && j.events[i-1].kind == kindDigit {
			w := j.rng.Float64()
			weights[i] = float64(w * w) // no fused multiply-add
			sum += weights[i]
		}
	}
	added := 0
	if sum > 0 {
		for i, w := range weights {
			add := min(maxAdd, int(float64(extra)*0.8*w/sum))
			j.events[i].gap += add
			added += add
		}
	}
	j.tail += extra - added
	j.layout()
	return nil
}
