package audio

import (
	"math"
	"slices"
	"testing"

	"github.com/tollgate/tollgate/audio/internal/dsp"
)

func TestPipelineSteps(t *testing.T) {
	want := []string{"pick", "digits", "order", "jitter", "levels", "timing", "gaps",
		"speech", "babble", "noise", "reverb", "master"}
	var got []string
	for _, st := range pipeline {
		got = append(got, st.name)
	}
	if !slices.Equal(got, want) {
		t.Errorf("pipeline = %v, want %v", got, want)
	}
	if n := len(planSteps()); n != 7 {
		t.Errorf("len(planSteps()) = %d, want 7", n)
	}
}

// targetEvents returns the digit events of track tr in timeline order.
func trackEvents(j *job, tr int) []*event {
	var out []*event
	for i := range j.events {
		if e := &j.events[i]; e.kind == kindDigit && e.track == tr {
			out = append(out, e)
		}
	}
	return out
}

// correlate returns the normalised correlation of a and b at zero lag over
// their common length.
func correlate(a, b []float32) float64 {
	n := min(len(a), len(b))
	var ab, aa, bb float64
	for i := range n {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	if aa == 0 || bb == 0 {
		return 0
	}
	return ab / math.Sqrt(aa*bb)
}

// classify returns, for the segment of x where e plays, the digit of e's
// voice that correlates best when rendered with e's pitch and tempo, and
// that correlation.
func classify(j *job, x []float32, e *event) (byte, float64) {
	seg := x[e.start:min(len(x), e.start+e.length)]
	best, bestC := byte(0), math.Inf(-1)
	for d := range byte(10) {
		src := j.voices[e.track].digits[d]
		a := dsp.Stretch(nil, src, e.tempo/e.pitch)
		b := dsp.Shift(nil, a, e.pitch)
		if c := correlate(seg, b); c > bestC {
			best, bestC = d, c
		}
	}
	return best, bestC
}

func TestAnswerInTargetTrack(t *testing.T) {
	s := newTestSynth(t)
	for i := range 6 {
		lang := []string{"en", "ko"}[i%2]
		j := planJob(t, s, testSeed(i), lang)
		tev := trackEvents(j, 0)
		var spoken []byte
		for _, e := range tev {
			spoken = append(spoken, e.digit)
		}
		if !slices.Equal(spoken, j.seqs[0]) {
			t.Fatalf("%s seed %d: target events speak %v, answer is %v", lang, i, spoken, j.seqs[0])
		}
		target := j.track(func(e *event) bool { return e.kind == kindDigit && e.track == 0 })
		speech := j.track(func(e *event) bool { return true })
		for k, e := range tev {
			if d, c := classify(j, target, e); d != e.digit || c < 0.99 {
				t.Errorf("%s seed %d: target digit %d sounds like %d (correlation %.3f), want %d", lang, i, k, d, c, e.digit)
			}
			if d, c := classify(j, speech, e); d != e.digit || c < 0.5 {
				t.Errorf("%s seed %d: in the speech mix, target digit %d sounds like %d (correlation %.3f), want %d", lang, i, k, d, c, e.digit)
			}
		}
		// The target track is silent outside its events.
		for k := range target {
			inside := false
			for _, e := range tev {
				if k >= e.start && k < e.start+e.length {
					inside = true
					break
				}
			}
			if !inside && target[k] != 0 {
				t.Fatalf("%s seed %d: target track has sound at %d outside its digits", lang, i, k)
			}
		}
	}
}

func TestDecoySequences(t *testing.T) {
	for _, digits := range []int{3, 5, 6, 8} {
		s := newTestSynth(t, WithDigits(digits, digits), WithDecoyVoices(3))
		for i := range 60 {
			lang := []string{"en", "ko"}[i%2]
			j := planJob(t, s, testSeed(i), lang)
			answer := j.seqs[0]
			if len(answer) != digits {
				t.Fatalf("answer %v has %d digits, want %d", answer, len(answer), digits)
			}
			for k, d := range j.seqs[1:] {
				if len(d) != digits {
					t.Errorf("decoy %v has %d digits, want %d", d, len(d), digits)
				}
				if h := hamming(d, answer); 2*h < digits {
					t.Errorf("decoy %v differs from answer %v in %d of %d digits, want at least half", d, answer, h, digits)
				}
				for _, o := range j.seqs[1+k+1:] {
					if slices.Equal(o, d) {
						t.Errorf("decoys repeat: %v", d)
					}
				}
				// The decoy voice speaks exactly its sequence.
				var spoken []byte
				for _, e := range trackEvents(j, k+1) {
					spoken = append(spoken, e.digit)
				}
				if !slices.Equal(spoken, d) {
					t.Errorf("decoy track %d speaks %v, want %v", k+1, spoken, d)
				}
			}
		}
	}
}

func TestTargetLouderThanDecoys(t *testing.T) {
	s := newTestSynth(t)
	for i := range 6 {
		lang := []string{"en", "ko"}[i%2]
		j := planJob(t, s, testSeed(i), lang)
		tracks := make([][]float32, len(j.voices))
		for tr := range tracks {
			tracks[tr] = j.track(func(e *event) bool { return e.kind == kindDigit && e.track == tr })
		}
		eventRMS := func(e *event) float64 {
			return dsp.ActiveRMS(tracks[e.track][e.start : e.start+e.length])
		}
		minTarget := math.Inf(1)
		for _, e := range trackEvents(j, 0) {
			minTarget = min(minTarget, eventRMS(e))
		}
		target := dsp.ActiveRMS(tracks[0])
		if target < 0.9*refRMS || target > 1.1*refRMS {
			t.Errorf("%s seed %d: target level %.4f, want about %.2f", lang, i, target, refRMS)
		}
		for tr := 1; tr < len(tracks); tr++ {
			if d := dsp.ActiveRMS(tracks[tr]); d > target || d < 0.6*target {
				t.Errorf("%s seed %d: decoy %d level %.4f, want 60–100%% of the target's %.4f", lang, i, tr, d, target)
			}
			for _, e := range trackEvents(j, tr) {
				if r := eventRMS(e); r > minTarget {
					t.Errorf("%s seed %d: decoy digit at %d has level %.4f above the quietest target digit's %.4f", lang, i, e.start, r, minTarget)
				}
			}
		}
	}
}

func TestPitchBands(t *testing.T) {
	s := newTestSynth(t)
	measured := 0
	for i := range 120 {
		lang := []string{"en", "ko"}[i%2]
		j := planJob(t, s, testSeed(i), lang)
		f := func(e *event) float64 { return j.voices[e.track].pitch * e.pitch }
		for _, te := range trackEvents(j, 0) {
			for tr := 1; tr < len(j.voices); tr++ {
				for _, de := range trackEvents(j, tr) {
					ratio := f(de) / f(te)
					switch {
					case j.cue == CueLow && ratio < 1.3:
						t.Fatalf("%s seed %d: low target at %.0f Hz, decoy at %.0f Hz", lang, i, f(te), f(de))
					case j.cue == CueHigh && ratio > 1/1.3:
						t.Fatalf("%s seed %d: high target at %.0f Hz, decoy at %.0f Hz", lang, i, f(te), f(de))
					case ratio < 1.3 && ratio > 1/1.3:
						t.Fatalf("%s seed %d (%s): target at %.0f Hz, decoy at %.0f Hz: too close", lang, i, j.cue, f(te), f(de))
					}
				}
			}
		}
		// Measure the rendered pitch on a few clips.
		if i >= 4 {
			continue
		}
		measured++
		trackPitch := func(tr int) float64 {
			x := j.track(func(e *event) bool { return e.kind == kindDigit && e.track == tr })
			return dsp.EstimatePitch(x, sampleRate)
		}
		ft := trackPitch(0)
		for tr := 1; tr < len(j.voices); tr++ {
			fd := trackPitch(tr)
			ratio := fd / ft
			if ratio < 1.2 && ratio > 1/1.2 || j.cue == CueLow && ratio < 1.2 || j.cue == CueHigh && ratio > 1/1.2 {
				t.Errorf("%s seed %d (%s): measured target pitch %.0f Hz, decoy %d pitch %.0f Hz", lang, i, j.cue, ft, tr, fd)
			}
		}
	}
	if measured == 0 {
		t.Error("no clip measured")
	}
}

func TestCueRules(t *testing.T) {
	seen := map[Cue]bool{}
	for _, cue := range Cues() {
		s := newTestSynth(t, WithCues(cue))
		for i := range 30 {
			lang := []string{"en", "ko"}[i%2]
			j := planJob(t, s, testSeed(i), lang)
			if j.cue != cue {
				t.Fatalf("WithCues(%s): got cue %s", cue, j.cue)
			}
			seen[cue] = true
			if j.voices[0].decoyOnly {
				t.Errorf("%s: target %s is a decoy-only voice", cue, j.voices[0].name)
			}
			if len(j.voices) < 2 || len(j.voices) > 3 {
				t.Errorf("%s: %d voices, want 2 or 3", cue, len(j.voices))
			}
			switch cue {
			case CueWoman, CueMan:
				if !j.voices[0].has(cue) {
					t.Errorf("%s: target %s lacks the trait", cue, j.voices[0].name)
				}
				for _, d := range j.voices[1:] {
					if d.has(cue) {
						t.Errorf("%s: decoy %s has the trait", cue, d.name)
					}
				}
			case CueSlow:
				for _, e := range j.events {
					if e.kind != kindDigit {
						continue
					}
					if e.track == 0 && e.tempo > 0.8 || e.track != 0 && e.tempo < 0.97 {
						t.Errorf("slow: track %d digit at tempo %.2f", e.track, e.tempo)
					}
				}
			case CueBeep:
				beep := slices.IndexFunc(j.events, func(e event) bool { return e.kind == kindBeep })
				if beep < 0 {
					t.Fatal("beep: no beep event")
				}
				b := j.events[beep]
				for _, e := range j.events {
					if e.kind != kindDigit {
						continue
					}
					if e.track == 0 && e.start < b.start+b.length || e.track != 0 && e.start+e.length > b.start {
						t.Errorf("beep at %d–%d: track %d digit at %d–%d", b.start, b.start+b.length, e.track, e.start, e.start+e.length)
					}
				}
			}
			if j.events[0].kind != kindPrompt || j.events[0].start != lead {
				t.Errorf("%s: first event %+v, want the prompt at %d", cue, j.events[0], lead)
			}
		}
	}
	for _, c := range Cues() {
		if !seen[c] {
			t.Errorf("cue %s never rendered", c)
		}
	}
}

func TestOverlaps(t *testing.T) {
	s := newTestSynth(t, WithDecoyVoices(3))
	overlapped := 0
	for i := range 100 {
		lang := []string{"en", "ko"}[i%2]
		j := planJob(t, s, testSeed(i), lang)
		for a := range j.events {
			for b := a + 1; b < len(j.events); b++ {
				ea, eb := &j.events[a], &j.events[b]
				ov := min(ea.start+ea.length, eb.start+eb.length) - max(ea.start, eb.start)
				if ov <= 0 {
					continue
				}
				switch {
				case ea.kind != kindDigit || eb.kind != kindDigit:
					t.Fatalf("%s seed %d: prompt or beep overlaps event %d", lang, i, b)
				case ea.track == eb.track:
					t.Fatalf("%s seed %d: one voice overlaps itself (events %d and %d)", lang, i, a, b)
				case b != a+1:
					t.Fatalf("%s seed %d: events %d and %d overlap but are not neighbours", lang, i, a, b)
				case float64(ov) > maxOverlap*float64(min(ea.length, eb.length))+1:
					t.Fatalf("%s seed %d: overlap of %d samples exceeds %.2f of %d", lang, i, ov, maxOverlap, min(ea.length, eb.length))
				}
				if ea.track == 0 || eb.track == 0 {
					overlapped++
				}
			}
		}
	}
	if overlapped == 0 {
		t.Error("no target digit was ever overlapped by a decoy")
	}
}

func TestJitterAndLevels(t *testing.T) {
	s := newTestSynth(t)
	pitches := map[float64]bool{}
	for i := range 20 {
		j := planJob(t, s, testSeed(i), "en")
		for _, e := range j.events {
			if e.kind != kindDigit {
				if e.pitch != 1 || e.tempo != 1 {
					t.Errorf("prompt/beep jittered: %+v", e)
				}
				continue
			}
			pitches[e.pitch] = true
			if r := e.pitch / j.pitch[e.track]; r < 1-pitchJitter || r > 1+pitchJitter {
				t.Errorf("pitch jitter %.3f out of ±%.2f", r, pitchJitter)
			}
			if r := e.tempo / j.tempo[e.track]; r < 1-tempoJitter || r > 1+tempoJitter {
				t.Errorf("tempo jitter %.3f out of ±%.2f", r, tempoJitter)
			}
			if e.length != j.renderedLen(&e) || e.length == 0 {
				t.Errorf("event length %d, want %d", e.length, j.renderedLen(&e))
			}
			if e.track == 0 && (e.gain < 0.97 || e.gain > 1.03) || e.track != 0 && (e.gain < 0.95*decoyGainLo || e.gain > decoyGainHi) {
				t.Errorf("track %d gain %.3f out of range", e.track, e.gain)
			}
		}
	}
	if len(pitches) < 100 {
		t.Errorf("only %d distinct digit pitches in 20 clips", len(pitches))
	}
}

func TestTimingDropsDecoysWhenLong(t *testing.T) {
	s := newTestSynth(t, WithDigits(8, 8), WithDecoyVoices(3))
	dropped := false
	for i := range 20 {
		j := planJob(t, s, testSeed(i), "en")
		if len(j.voices) < 4 {
			dropped = true
		}
		if len(j.seqs) != len(j.voices) || len(j.pitch) != len(j.voices) || len(j.gain) != len(j.voices) {
			t.Fatalf("seed %d: inconsistent tracks after dropping: %d voices, %d seqs", i, len(j.voices), len(j.seqs))
		}
		for _, e := range j.events {
			if e.kind == kindDigit && e.track >= len(j.voices) {
				t.Fatalf("seed %d: event of dropped track %d remains", i, e.track)
			}
		}
	}
	if !dropped {
		t.Error("8 digits with 3 decoys never dropped a decoy voice")
	}
}

func TestStepGaps(t *testing.T) {
	s := newTestSynth(t, WithDigits(3, 3), WithDecoyVoices(1))
	for i := range 20 {
		j := planJob(t, s, testSeed(i), "ko")
		// Short clips are padded by gaps to at least 8.4 s.
		if j.n < sampleRate*84/10 {
			t.Errorf("seed %d: clip %.2f s, want at least 8.4 s", i, float64(j.n)/sampleRate)
		}
		for k, e := range j.events[1:] {
			if e.gap > sampleRate*8/10+sampleRate/4 {
				t.Errorf("seed %d: gap before event %d is %.2f s", i, k+1, float64(e.gap)/sampleRate)
			}
		}
	}
}

func TestStepBabble(t *testing.T) {
	s := newTestSynth(t)
	j := planJob(t, s, testSeed(4), "en")
	j.mix = make([]float32, j.n)
	if err := j.babble(); err != nil {
		t.Fatal(err)
	}
	start := j.first - sampleRate*3/10
	if p := dsp.Peak(j.mix[:start]); p != 0 {
		t.Errorf("babble before %d: peak %g, want silence", start, p)
	}
	rms := dsp.RMS(j.mix[j.first:])
	if rms < 0.1*refRMS || rms > 0.5*refRMS {
		t.Errorf("babble RMS %.4f, want 10–50%% of %.2f", rms, refRMS)
	}
	// Babble is continuous: no 100 ms stretch of silence after it starts.
	for k := j.first; k+1600 < j.n; k += 1600 {
		if dsp.Peak(j.mix[k:k+1600]) == 0 {
			t.Errorf("babble silent at %.2f s", float64(k)/sampleRate)
		}
	}
	// It is made of reversed fragments: no forward target digit appears.
	for _, e := range trackEvents(j, 0) {
		if _, c := classify(j, j.mix, e); c > 0.3 {
			t.Errorf("babble correlates %.2f with a target digit", c)
		}
	}
}

func TestStepNoise(t *testing.T) {
	s := newTestSynth(t)
	j := planJob(t, s, testSeed(5), "en")
	j.mix = make([]float32, j.n)
	if err := j.noise(); err != nil {
		t.Fatal(err)
	}
	if rms := dsp.RMS(j.mix); rms < 0.059*refRMS || rms > 0.111*refRMS {
		t.Errorf("noise RMS %.5f, want 6–11%% of %.2f", rms, refRMS)
	}
}

func TestStepReverb(t *testing.T) {
	s := newTestSynth(t)
	j := planJob(t, s, testSeed(6), "en")
	j.mix = make([]float32, j.n)
	const at = 1000
	j.mix[at] = 1
	if err := j.reverb(); err != nil {
		t.Fatal(err)
	}
	if p := dsp.Peak(j.mix[:at]); p != 0 {
		t.Errorf("reverb before the impulse: %g", p)
	}
	if j.mix[at] < 0.9 || j.mix[at] > 1 {
		t.Errorf("dry impulse = %g, want about 1", j.mix[at])
	}
	tail := j.mix[at+1:]
	var e float64
	for _, v := range tail {
		e += float64(v) * float64(v)
	}
	if e == 0 || e > 0.05 {
		t.Errorf("reverb tail energy %g, want light (0 < e <= 0.05)", e)
	}
	if late := dsp.Peak(j.mix[at+sampleRate:]); late > 1e-3 {
		t.Errorf("reverb still at %g one second later", late)
	}
}

func TestStepMaster(t *testing.T) {
	j := &job{n: 4, mix: []float32{0.5, -0.25, 0, 0.125}}
	if err := j.master(); err != nil {
		t.Fatal(err)
	}
	want := []int16{29163, -14581, 0, 7291}
	if !slices.Equal(j.pcm, want) {
		t.Errorf("master(%v) = %v, want %v", j.mix, j.pcm, want)
	}
	got := make([]int16, 3)
	quantize(got, []float32{2, -2, 0.49999}, 32767)
	if want := []int16{32767, -32768, 16383}; !slices.Equal(got, want) {
		t.Errorf("quantize = %v, want %v", got, want)
	}
}
