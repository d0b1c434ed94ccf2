package audio

import (
	"math"
	"slices"
)

// Planning constants.
const (
	// bandSep is the minimum pitch ratio between the target voice and each
	// decoy voice (about 5.8 semitones) before per-digit jitter.
	bandSep = 1.4
	// pitchJitter and tempoJitter are the per-digit variations (±).
	pitchJitter = 0.03
	tempoJitter = 0.07
	// Decoy levels relative to the target (before per-digit variation).
	decoyGainLo, decoyGainHi = 0.70, 0.92
)

// pick chooses the cue, the target voice and the decoy voices, and sets the
// per-track pitch ratios that put the target in its own pitch band, the
// per-track tempos and the track list.
func (j *job) pick() error {
	j.cue = j.cues[j.rng.IntN(len(j.cues))]
	vs := j.pack.voices
	// For each possible target, count the voices that may be its decoys.
	best := 0
	for _, t := range vs {
		if n := j.countEligible(t); n > best && j.targetOK(t) {
			best = n
		}
	}
	k := min(j.s.cfg.decoyVoices, best)
	var cands []*voice
	for _, t := range vs {
		if j.targetOK(t) && j.countEligible(t) >= k {
			cands = append(cands, t)
		}
	}
	t := cands[j.rng.IntN(len(cands))]
	var el []*voice
	for _, d := range vs {
		if d != t && j.eligible(t, d) {
			el = append(el, d)
		}
	}
	// Partial Fisher-Yates: the first k of el become the decoys.
	for i := 0; i < k; i++ {
		r := i + j.rng.IntN(len(el)-i)
		el[i], el[r] = el[r], el[i]
	}
	j.voices = append(append(j.voices, t), el[:k]...)
	j.bands()
	for i := range j.voices {
		switch {
		case j.cue == CueSlow && i == 0:
			j.tempo = append(j.tempo, j.uniform(0.68, 0.74))
		case j.cue == CueSlow:
			j.tempo = append(j.tempo, j.uniform(1.05, 1.2))
		case i == 0:
			j.tempo = append(j.tempo, j.uniform(0.95, 1.05))
		default:
			j.tempo = append(j.tempo, j.uniform(0.95, 1.12))
		}
	}
	return nil
}

// targetOK reports whether v may be the target under the job's cue.
func (j *job) targetOK(v *voice) bool {
	if v.decoyOnly {
		return false
	}
	if j.cue == CueWoman || j.cue == CueMan {
		return v.has(j.cue)
	}
	return true
}

// eligible reports whether d may be a decoy for target t under the job's
// cue. Pitch cues admit decoys the band shifts can separate without large
// shifts.
func (j *job) eligible(t, d *voice) bool {
	switch j.cue {
	case CueLow:
		return d.pitch >= 0.9*t.pitch
	case CueHigh:
		return d.pitch <= t.pitch/0.9
	case CueWoman, CueMan:
		return !d.has(j.cue)
	}
	return true
}

func (j *job) countEligible(t *voice) int {
	n := 0
	for _, d := range j.pack.voices {
		if d != t && j.eligible(t, d) {
			n++
		}
	}
	return n
}

// bands sets j.pitch so that the target's pitch differs from every decoy's
// by at least bandSep, in the direction the cue demands (below all decoys
// for CueLow, above for CueHigh, else away from each decoy's natural
// pitch), shifting as little as possible.
func (j *job) bands() {
	ft := j.voices[0].pitch
	decoys := j.voices[1:]
	rt := 1.0
	switch j.cue {
	case CueLow:
		lo := math.Inf(1)
		for _, d := range decoys {
			lo = min(lo, d.pitch)
		}
		if lo < bandSep*ft {
			rt = max(0.8, math.Sqrt(lo/(bandSep*ft)))
		}
	case CueHigh:
		hi := 0.0
		for _, d := range decoys {
			hi = max(hi, d.pitch)
		}
		if ft < bandSep*hi {
			rt = min(1.25, math.Sqrt(bandSep*hi/ft))
		}
	}
	j.pitch = append(j.pitch, rt)
	ft *= rt
	for _, d := range decoys {
		up := d.pitch > ft
		switch j.cue {
		case CueLow:
			up = true
		case CueHigh:
			up = false
		default:
			if d.pitch == ft {
				up = j.rng.IntN(2) == 0
			}
		}
		var r float64
		if up {
			r = min(1.4, max(1, bandSep*ft/d.pitch))
		} else {
			r = max(0.72, min(1, ft/(bandSep*d.pitch)))
		}
		j.pitch = append(j.pitch, r)
	}
}

// digits chooses the answer and one decoy sequence per decoy voice, of the
// same length. Each decoy differs from the answer in at least half of the
// positions (rounded up) and from the other decoys.
func (j *job) digits() error {
	cfg := &j.s.cfg
	n := cfg.minDigits + j.rng.IntN(cfg.maxDigits-cfg.minDigits+1)
	for range j.voices {
		j.seqs = append(j.seqs, nil)
	}
	for t := range j.seqs {
		j.seqs[t] = slices.Grow(j.seqs[t][:0], n)[:n]
	}
	answer := j.seqs[0]
	for i := range answer {
		answer[i] = byte(j.rng.IntN(10))
	}
	need := (n + 1) / 2
	for t := 1; t < len(j.seqs); t++ {
		seq := j.seqs[t]
		for try := 0; ; try++ {
			for i := range seq {
				seq[i] = byte(j.rng.IntN(10))
			}
			if try == 8 { // force a difference at every position
				for i := range seq {
					seq[i] = (answer[i] + 1 + byte(j.rng.IntN(9))) % 10
				}
			}
			if hamming(seq, answer) >= need && !j.repeats(t) || try >= 16 {
				break
			}
		}
	}
	return nil
}

// repeats reports whether decoy t equals an earlier decoy.
func (j *job) repeats(t int) bool {
	for u := 1; u < t; u++ {
		if slices.Equal(j.seqs[u], j.seqs[t]) {
			return true
		}
	}
	return false
}

// hamming counts the positions where a and b differ.
func hamming(a, b []byte) int {
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

// order lays out the events: the prompt, then the digits. For CueBeep the
// decoy voices speak their sequences (interleaved with each other) before a
// beep and the target after it; otherwise the i-th digits of all voices form
// a group in shuffled order, so that target and decoy digits alternate.
func (j *job) order() error {
	j.events = append(j.events, event{kind: kindPrompt, track: -1, pitch: 1, tempo: 1, gain: 1})
	tracks := make([]int, 0, len(j.voices))
	first := 0
	if j.cue == CueBeep {
		first = 1
	}
	for i := range j.seqs[0] {
		tracks = tracks[:0]
		for t := first; t < len(j.voices); t++ {
			tracks = append(tracks, t)
		}
		j.rng.Shuffle(len(tracks), func(a, b int) { tracks[a], tracks[b] = tracks[b], tracks[a] })
		for _, t := range tracks {
			j.events = append(j.events, event{kind: kindDigit, track: t, digit: j.seqs[t][i]})
		}
	}
	if j.cue == CueBeep {
		j.events = append(j.events, event{kind: kindBeep, track: -1, pitch: 1, tempo: 1, gain: 0.8})
		for _, d := range j.seqs[0] {
			j.events = append(j.events, event{kind: kindDigit, track: 0, digit: d})
		}
	}
	return nil
}

// jitter varies each digit's pitch and tempo around its track's values and
// computes every event's length.
func (j *job) jitter() error {
	for i := range j.events {
		e := &j.events[i]
		if e.kind == kindDigit {
			e.pitch = j.pitch[e.track] * j.uniform(1-pitchJitter, 1+pitchJitter)
			e.tempo = j.tempo[e.track] * j.uniform(1-tempoJitter, 1+tempoJitter)
		}
		e.length = j.renderedLen(e)
	}
	return nil
}

// levels sets each digit's loudness: the target at 97–103% of the
// reference level, each decoy voice at 70–92% of it, varied per digit by up
// to -5%, so no decoy digit is ever louder than any target digit.
func (j *job) levels() error {
	for range j.voices {
		j.gain = append(j.gain, j.uniform(decoyGainLo, decoyGainHi))
	}
	j.gain[0] = 1
	for i := range j.events {
		e := &j.events[i]
		switch {
		case e.kind != kindDigit:
		case e.track == 0:
			e.gain = j.uniform(0.97, 1.03)
		default:
			e.gain = j.gain[e.track] * j.uniform(0.95, 1)
		}
	}
	return nil
}
