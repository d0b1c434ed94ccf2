package behavior

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sync"
	"time"
)

// Scorer turns telemetry into a Result. Create one with NewScorer; the zero
// value is not usable. A Scorer is immutable and safe for concurrent use.
type Scorer struct {
	cfg config
	// scratch recycles analysis values (2.3 KB of buffers each): Score
	// would otherwise allocate one per call.
	scratch sync.Pool
	// decodeBufs recycles the *decodeBuf of ScoreRequest.
	decodeBufs sync.Pool
}

// NewScorer returns a Scorer with the options applied over the defaults:
// thresholds 0.5 (Suspect) and 0.8 (Bot), the default weight of each reason
// code (see the Reason* constants), Limits{}, and DefaultField.
func NewScorer(opts ...Option) *Scorer {
	c := config{suspect: -1, bot: -1}
	for _, o := range opts {
		o(&c)
	}
	t := reasonTable()
	for i := range t {
		if !c.set[i] {
			c.weights[i] = t[i].weight
		}
	}
	if c.suspect < 0 {
		c.suspect = DefaultSuspectThreshold
	}
	if c.bot < 0 {
		c.bot = max(DefaultBotThreshold, c.suspect)
	}
	if c.field == "" {
		c.field = DefaultField
	}
	c.formFields = append(append([]string(nil), c.expected...), c.typed...)
	if !c.typingCapSet {
		c.typingCap = DefaultTypingCap
	}
	return &Scorer{cfg: c}
}

// Verdict returns the verdict for a score under the Scorer's thresholds.
func (s *Scorer) Verdict(score float64) Verdict {
	switch {
	case score >= s.cfg.bot:
		return VerdictBot
	case score >= s.cfg.suspect:
		return VerdictSuspect
	}
	return VerdictHuman
}

// result accumulates reasons.
type result struct {
	s       *Scorer
	keep    float64 // Π(1 - w)
	reasons []Reason
}

// add records reason r with strength in (0, 1]; detail is formatted only
// when the reason contributes.
func (b *result) add(r reason, strength float64, format string, a ...any) {
	w := b.s.cfg.weights[r] * clamp01(strength)
	if w <= 0 {
		return
	}
	b.keep *= 1 - w
	b.reasons = append(b.reasons, Reason{Code: reasonTable()[r].code, Weight: round3(w), Detail: fmt.Sprintf(format, a...)})
}

func (b *result) finish() Result {
	score := round3(1 - b.keep)
	slices.SortStableFunc(b.reasons, func(x, y Reason) int { return cmp.Compare(y.Weight, x.Weight) })
	return Result{Score: score, Verdict: b.s.Verdict(score), Reasons: b.reasons}
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// Score judges one submission. A nil t means no telemetry was posted
// (ReasonNoTelemetry). sub adds what the server knows: the submitted
// lengths and its own elapsed time. Score never fails and does not modify
// t; telemetry built by hand rather than decoded is scored too, but only
// decoded telemetry is guaranteed to be consistent.
//
// Signals are computed only where they are meaningful: key timing ignores
// untrusted events, auto-repeats, IME composition and virtual-keyboard keys
// ("Unidentified", keyCode 229); hold times are ignored on touch devices
// and when the timer step is coarser than 20 ms; interval statistics
// subtract the variance the timer step itself adds. See the package docs
// for each reason's rule.
func (s *Scorer) Score(t *Telemetry, sub Submission) Result {
	b := result{s: s, keep: 1}
	if t == nil {
		b.add(rNoTelemetry, 1, "no telemetry was posted")
		return b.finish()
	}
	a, _ := s.scratch.Get().(*analysis)
	if a == nil {
		a = new(analysis)
	}
	a.reset()
	a.run(t, sub)
	for _, name := range s.cfg.typed {
		if sub.Filled[name] > 0 && !typedIn(t, name) {
			a.untypedFields = append(a.untypedFields, name)
		}
	}
	a.judge(&b, t, sub)
	r := b.finish()
	s.scratch.Put(a)
	return r
}

// scoreMalformed is the result for telemetry that failed to decode.
func (s *Scorer) scoreMalformed(err error) Result {
	b := result{s: s, keep: 1}
	b.add(rMalformed, 1, "%v", err)
	return b.finish()
}

// analysis holds the figures Score derives from a telemetry document.
type analysis struct {
	step, tol float64

	holdBuf, ivBuf, keyBuf [96]float64
	keyTimes               []float64 // sorted timeStamps of trusted keydowns without a keyup in their field
	holds                  []float64
	intervals              []float64
	keySpan                float64 // summed first-to-last keydown time per field
	keySpanKeys            int     // summed (keys-1) over those fields
	typedKeys              int
	keyEvents              int // trusted typing keydowns
	skewedKeys             int
	trustedKeys            int // any trusted keydown
	capitalNoShift         int
	touch                  bool

	firstKeyFields, instantFields int

	clicks, jumps int
	pointerMoves  int

	ahead, afterSubmit, badOrder int

	untrusted      int
	noEventFields  []string
	silentChars    int
	silentFields   int
	bareFields     int
	bareChars      int
	mismatchFields []string
	untypedFields  []string // of the Scorer's typed fields
}

// effectiveStep returns the claimed timer step, lowered to obs, the finest
// resolution the timestamps themselves show (a page claiming coarse timers
// while sending fine ones does not get the coarse-timer allowances).
func effectiveStep(claimed, obs float64) float64 {
	if claimed <= 0 {
		// No claim: what the timestamps show, up to 100 ms; 0 (no
		// allowance) when they show nothing. (The Inf test used to come
		// after the cap, where it never held, and such a document got the
		// 100 ms allowances that switch the hold-time signals off.)
		if math.IsInf(obs, 1) {
			return 0
		}
		return math.Min(obs, 100)
	}
	if obs < stepFloor(claimed) {
		return obs
	}
	return claimed
}

// stepFloor is the observed step below which a claimed step is not
// believed: a little under the claim, as values are rounded to 0.1 ms on
// the wire.
func stepFloor(claimed float64) float64 { return claimed*0.9 - 0.2 }

// finestStep returns the smallest positive delay or gap between
// neighbouring events' timestamps in es, or +Inf.
func finestStep(es []Entry) float64 {
	obs := math.Inf(1)
	for i := range es {
		if d := es[i].D; d > 0 && d < obs {
			obs = d
		}
		if i > 0 {
			if d := math.Abs(es[i].T - es[i-1].T); d > 0 && d < obs {
				obs = d
			}
		}
	}
	return obs
}

// reset readies a for a new document, keeping the buffers of slices that
// outgrew their arrays on an earlier one.
func (a *analysis) reset() {
	holds, intervals, keyTimes := a.holds[:0], a.intervals[:0], a.keyTimes[:0]
	*a = analysis{}
	if cap(holds) == 0 {
		holds, intervals, keyTimes = a.holdBuf[:0], a.ivBuf[:0], a.keyBuf[:0]
	}
	a.holds, a.intervals, a.keyTimes = holds, intervals, keyTimes
}

func (a *analysis) run(t *Telemetry, sub Submission) {
	end := t.Submit.At()
	// One pass over the events before the per-field analysis, which needs
	// what it finds: the finest timer resolution the times show (obs: the
	// smallest positive delay or gap between a field's neighbouring
	// events), and the keys still held when their field lost focus (their
	// keyup, if any, went to the next field: Tab, or the key that made a
	// field auto-advance), found as trusted keydowns no keyup refers to.
	obs := math.Inf(1)
	// A claimed step is lowered only to an obs below its stepFloor: never
	// when that is not positive (a claim of at most 2/9 ms, as Chromium's
	// 0.1 ms), and then the pass need not look for it.
	findObs := t.Step <= 0 || stepFloor(t.Step) > 0
	var pairedBits, downBits [16]uint64
	for fi := range t.Fields {
		es := t.Fields[fi].Events
		paired, downs := pairedBits[:], downBits[:]
		n := len(es)/64 + 1
		if n > len(pairedBits) {
			paired, downs = make([]uint64, n), make([]uint64, n)
		} else {
			clear(paired[:n])
			clear(downs[:n])
		}
		if findObs {
			obs = min(obs, finestStep(es))
		}
		for i := range es {
			switch e := &es[i]; e.Type {
			case EntryKeyUp:
				if r := e.Ref; r >= 0 && r < len(es) {
					paired[r/64] |= 1 << (r % 64)
				}
			case EntryKeyDown:
				if e.Trusted() {
					downs[i/64] |= 1 << (i % 64)
				}
			}
		}
		for w := range n {
			for held := downs[w] &^ paired[w]; held != 0; held &= held - 1 {
				a.keyTimes = append(a.keyTimes, es[w*64+bits.TrailingZeros64(held)].T)
			}
		}
	}
	a.step = effectiveStep(t.Step, obs)
	a.tol = 2*a.step + 1
	slices.Sort(a.keyTimes)

	for fi := range t.Fields {
		f := &t.Fields[fi]
		filled := f.FinalLen
		if n, ok := sub.Filled[f.Name]; ok {
			filled = n
		}
		a.field(f, filled, end, t.Dropped == 0)
	}
	for name, n := range sub.Filled {
		if n <= 0 {
			continue
		}
		if !slices.ContainsFunc(t.Fields, func(f Field) bool { return f.Name == name }) {
			a.noEventFields = append(a.noEventFields, name)
		}
	}
	slices.Sort(a.noEventFields)
	slices.Sort(a.mismatchFields)

	p := &t.Submit.Pointer
	if t.Submit.Via == ViaClick {
		a.click(p)
	}
	a.pointerMoves += p.Moves
	if p.Kind == PointerTouch {
		a.touch = true
	}
}

// keyCausedFocus reports whether a key still held when its field lost
// focus was pressed in the 100 ms up to a focus stamped at t.
func (a *analysis) keyCausedFocus(t float64) bool {
	i, _ := slices.BinarySearch(a.keyTimes, t-100)
	return i < len(a.keyTimes) && a.keyTimes[i] <= t
}

func (a *analysis) click(p *Pointer) {
	if p.Kind != PointerMouse || !p.Clicked() {
		return
	}
	a.clicks++
	if p.Moves <= 1 {
		a.jumps++
	}
}

// typedIn reports whether t's field name shows a person's input: a
// trusted keydown, paste, composition or input event.
func typedIn(t *Telemetry, name string) bool {
	for i := range t.Fields {
		if t.Fields[i].Name != name {
			continue
		}
		for j := range t.Fields[i].Events {
			switch e := &t.Fields[i].Events[j]; e.Type {
			case EntryKeyDown, EntryPaste, EntryInput, EntryCompositionStart, EntryCompositionUpdate, EntryCompositionEnd:
				if e.Trusted() {
					return true
				}
			}
		}
		return false
	}
	return false
}

// addSpan adds the typing span of keys keydowns, from the one at index
// first to the one at last, to the typing-speed totals. (A method, not a
// closure: a closure would keep the loop's counters in memory.)
func (a *analysis) addSpan(f *Field, keys, first, last int) {
	if keys >= 4 {
		a.keySpan += f.Events[last].T - f.Events[first].T
		a.keySpanKeys += keys - 1
	}
}

func typingKey(e *Entry) bool {
	return e.Type == EntryKeyDown && e.Trusted() &&
		e.Key != KeyUnidentified && e.Flags&(FlagRepeat|FlagComposing) == 0
}

// field analyses one field; filled is the submitted length (the server's
// when known, else the telemetry's).
func (a *analysis) field(f *Field, filled int, end float64, complete bool) {
	// Locals, not f.Events and a.tol: the writes to *a in the loop would
	// make the compiler reload them on every event.
	events, tol := f.Events, a.tol
	late := end + tol
	if filled != f.FinalLen {
		a.mismatchFields = append(a.mismatchFields, f.Name)
	}
	// A field whose only entries are the collector's own value notes
	// ("v") had no browser events at all.
	// (The loop ends at the first real event: usually the first.)
	real, afv := false, false
	for i := range events {
		if events[i].Type != EntryValue {
			real = true
			break
		}
		afv = afv || events[i].Flags&FlagAutofill != 0
	}
	if !real {
		if filled > 0 && f.InitialLen == 0 && !f.Autofill && !afv {
			a.noEventFields = append(a.noEventFields, f.Name)
		}
		return
	}
	var (
		focus      = -1 // index of the focus waiting for its first key
		lastKey    = -1 // last typing keydown since the focus
		firstKey   = -1 // first typing keydown since the focus
		keys       = 0  // typing keydowns since the focus
		sinceInput = -1 // last keydown (any) since the last input
		paste      = false
		compose    = false
		composing  = false
		explained  = f.InitialLen
		bare       = 0
		silent     = 0
		autofill   = f.Autofill
	)
	for i := range events {
		e := &events[i]
		if e.Flags&(FlagUntrusted|FlagAutofill|FlagNoTimeStamp) != 0 { // rare: one test for the three
			if !e.Trusted() {
				a.untrusted++
			}
			if e.Flags&FlagAutofill != 0 {
				autofill = true
			}
		}
		if e.Flags&FlagNoTimeStamp == 0 && (e.D < -tol || e.T > late) {
			if e.D < -tol {
				a.ahead++
			}
			if e.T > late {
				a.afterSubmit++
			}
		}
		switch e.Type {
		case EntryFocus:
			a.addSpan(f, keys, firstKey, lastKey)
			keys, firstKey, lastKey = 0, -1, -1
			focus = i
			if p := e.Pointer; p != nil {
				if p.Kind == PointerTouch {
					a.touch = true
				}
				a.pointerMoves += p.Moves
				a.click(p)
			}
		case EntryKeyDown:
			if e.Trusted() {
				a.trustedKeys++
				if e.Flags&FlagCapitalNoShift != 0 {
					a.capitalNoShift++
				}
			}
			sinceInput = i
			if !typingKey(e) {
				continue
			}
			a.keyEvents++
			if e.D > 1000 {
				a.skewedKeys++
			}
			if focus >= 0 {
				gap := e.T - events[focus].T
				// A focus moved by a key (Tab, or an auto-advancing
				// field) is followed by the next key at typing speed:
				// only a focus no key caused counts.
				if !a.keyCausedFocus(events[focus].T) {
					a.firstKeyFields++
					if gap < 10 && a.step <= 10 {
						a.instantFields++
					}
				}
				if gap < -tol && e.Flags&FlagNoTimeStamp == 0 {
					a.badOrder++ // a key stamped before the focus it follows
				}
				focus = -1
			}
			if lastKey >= 0 {
				a.intervals = append(a.intervals, e.T-events[lastKey].T)
			} else {
				firstKey = i
			}
			lastKey = i
			keys++
			a.typedKeys++
		case EntryKeyUp:
			if e.Ref < 0 || e.Ref >= i || !e.Trusted() {
				continue // no keydown, or (hand-built telemetry) not an earlier one
			}
			down := &events[e.Ref]
			if !typingKey(down) {
				continue
			}
			h := e.T - down.T
			if h < -tol {
				a.badOrder++
				continue
			}
			a.holds = append(a.holds, h)
		case EntryPaste:
			paste = true
		case EntryCompositionStart, EntryCompositionUpdate:
			compose, composing = true, true
		case EntryCompositionEnd:
			compose, composing = true, false
		case EntryValue:
			explained += e.N
			if e.N > 0 && !autofill && e.Flags&FlagAutofill == 0 {
				silent += e.N
			}
		case EntryInput:
			explained += e.N
			if e.N <= 0 {
				sinceInput, paste = -1, false
				continue
			}
			switch {
			case paste || e.InputType == InputInsertFromPaste || e.InputType == InputInsertFromDrop ||
				e.InputType == InputInsertFromYank || e.InputType == InputInsertFromPasteAsQuotation:
			case compose || composing || e.InputType == InputInsertCompositionText || e.Flags&FlagComposing != 0:
			case autofill || e.InputType == InputInsertReplacementText:
			case sinceInput >= 0:
				k := &events[sinceInput]
				if e.Trusted() && k.Trusted() && k.Flags&FlagNoTimeStamp == 0 && e.T < k.T-tol {
					a.badOrder++
				}
			default:
				if e.Trusted() && e.N >= 2 {
					bare += e.N
				}
			}
			sinceInput, paste, compose = -1, false, false
		}
	}
	a.addSpan(f, keys, firstKey, lastKey)
	if silent > 0 {
		a.silentFields++
		a.silentChars += silent
	}
	if bare > 0 {
		a.bareFields++
		a.bareChars += bare
	}
	if complete && explained != f.FinalLen && !autofill && filled == f.FinalLen {
		a.mismatchFields = append(a.mismatchFields, f.Name)
	}
}

func (a *analysis) judge(b *result, t *Telemetry, sub Submission) {
	if n := len(a.noEventFields); n > 0 {
		b.add(rNoEvents, 1, "%d filled field(s) with no events: %q", n, a.noEventFields)
	}
	if n := len(a.untypedFields); n > 0 {
		b.add(rUntypedField, 1, "%d field(s) only a person fills hold a value nobody typed: %q", n, a.untypedFields)
	}
	if a.silentFields > 0 {
		b.add(rValueWithoutInput, 1, "%d character(s) in %d field(s) appeared with no input event", a.silentChars, a.silentFields)
	}
	if a.bareFields > 0 {
		b.add(rBareInsert, float64(a.bareFields)/2, "%d character(s) in %d field(s) inserted with no key, paste, IME or autofill", a.bareChars, a.bareFields)
	}
	if n := len(a.mismatchFields); n > 0 {
		b.add(rLengthMismatch, 1, "%d field(s) whose length the events do not account for: %q", n, a.mismatchFields)
	}

	a.judgeTyping(b)

	if a.firstKeyFields > 0 && a.instantFields > 0 {
		b.add(rInstantFirstKey, 0.6+0.4*float64(a.instantFields)/float64(a.firstKeyFields),
			"first key within 10 ms of the focus in %d of %d field(s)", a.instantFields, a.firstKeyFields)
	}

	elapsed := t.Submit.At() - t.Load
	if sub.Elapsed > 0 {
		elapsed = math.Min(elapsed, float64(sub.Elapsed)/float64(time.Millisecond))
	}
	if need := 300 + 25*float64(a.typedKeys); elapsed < need {
		b.add(rFastSubmit, 2*(1-elapsed/need), "submitted %.0f ms after load with %d keys typed (a person needs about %.0f ms)", elapsed, a.typedKeys, need)
	}
	if sub.Elapsed > 0 {
		server := float64(sub.Elapsed) / float64(time.Millisecond)
		if client := t.Submit.At(); client > server*1.1+10000 {
			b.add(rClockMismatch, 1, "page claims %.0f ms since navigation, the server saw %.0f ms", client, server)
		}
	}
	if a.capitalNoShift > 0 {
		b.add(rCapitalNoShift, float64(a.capitalNoShift)/2, "%d capital letter(s) with neither Shift nor CapsLock", a.capitalNoShift)
	}
	if a.jumps > 0 {
		strength := 0.4
		if a.jumps == a.clicks && a.clicks >= 2 {
			strength = 1
		} else if a.jumps < a.clicks {
			strength = 0.4 * float64(a.jumps) / float64(a.clicks)
		}
		b.add(rPointerJump, strength, "%d of %d mouse click(s) with no pointer path before them", a.jumps, a.clicks)
	}

	if a.ahead > 0 {
		b.add(rTimestampAhead, float64(a.ahead)/3, "%d event(s) stamped after they were handled", a.ahead)
	}
	if a.afterSubmit > 0 {
		b.add(rTimestampAfterSubmit, float64(a.afterSubmit)/3, "%d event(s) stamped after the submit", a.afterSubmit)
	}
	if a.badOrder > 0 {
		b.add(rEventOrder, float64(a.badOrder)/3, "%d input or keyup event(s) stamped before the key that caused them", a.badOrder)
	}
	if a.keyEvents >= 4 && a.skewedKeys*2 >= a.keyEvents {
		b.add(rTimestampSkew, float64(a.skewedKeys)/float64(a.keyEvents), "%d of %d key events handled over a second after their timestamp", a.skewedKeys, a.keyEvents)
	}

	if t.WebDriver {
		b.add(rWebDriver, 1, "navigator.webdriver is true")
	}
	if a.untrusted > 0 {
		b.add(rUntrustedEvents, 1, "%d field event(s) dispatched by script", a.untrusted)
	}
	if t.Submit.Flags&(FlagUntrusted|FlagNoSubmitEvent) != 0 {
		b.add(rUntrustedSubmit, 1, "the submit was triggered by script")
	}
	trustedSubmit := t.Submit.Via != ViaUnknown && t.Submit.Flags&FlagUntrusted == 0
	if a.trustedKeys == 0 && a.pointerMoves == 0 && a.clicks == 0 && !trustedSubmit && !a.touch {
		b.add(rNoTrustedInput, 1, "no trusted key, pointer or submit action")
	}
}

// judgeTyping adds the typing-rhythm reasons. They all measure one thing,
// machine typing, so together they contribute at most the typing cap: on
// its own, machine typing (which OS-level auto-type in password managers
// also produces) makes a Suspect, and a Bot needs other evidence too.
func (a *analysis) judgeTyping(b *result) {
	first := len(b.reasons)
	keep := b.keep
	b.keep = 1
	a.typingReasons(b)
	group := 1 - b.keep
	if limit := b.s.cfg.typingCap; group > limit && limit < 1 {
		// Scale each reason's -ln(1-w) so the group's product is 1-limit.
		c := math.Log1p(-limit) / math.Log1p(-group)
		b.keep = 1
		for i := first; i < len(b.reasons); i++ {
			w := -math.Expm1(c * math.Log1p(-b.reasons[i].Weight))
			b.reasons[i].Weight = round3(w)
			b.keep *= 1 - w
		}
	}
	b.keep *= keep
}

func (a *analysis) typingReasons(b *result) {
	if n := len(a.holds); n >= 4 && a.step <= 20 && !a.touch {
		var m float64
		if a.step <= 4 {
			m = median(a.holds)
		} else {
			m = mean(a.holds)
		}
		if m < 35 {
			b.add(rShortHolds, (35-m)/20, "keys held %.1f ms (median over %d keys; people: about 100 ms)", m, n)
		}
		if n >= 6 {
			lo, hi := cvBar(n, 0.02, 0.05, 0.06, 0.12)
			if cv := quantCV(a.holds, a.step); cv < hi {
				b.add(rRegularHolds, (hi-cv)/(hi-lo), "hold times vary by %.3f (coefficient of variation over %d keys)", cv, n)
			}
		}
	}
	if n := len(a.intervals); n >= 5 {
		z := 8.0
		if a.step > 8 {
			z = a.step / 2
		}
		zero := 0
		for _, iv := range a.intervals {
			if iv < z {
				zero++
			}
		}
		if share := float64(zero) / float64(n); share > 0.25 {
			b.add(rZeroIntervals, (share-0.25)/0.25, "%d of %d intervals between keys under %.1f ms", zero, n, z)
		}
		// Few intervals give a noisy estimate: the bar is lower for them
		// (people's 8-key prefixes reach 0.09; fixed delays stay near 0.01).
		lo, hi := cvBar(n, 0.04, 0.12, 0.10, 0.25)
		if cv := quantCV(a.intervals, a.step); cv < hi {
			b.add(rRegularIntervals, (hi-cv)/(hi-lo), "intervals between keys vary by %.3f (coefficient of variation over %d; people: rarely under 0.35)", cv, n)
		}
	}
	if a.keySpanKeys >= 4 {
		span := math.Max(a.keySpan, a.step)
		if kps := 1000 * float64(a.keySpanKeys) / math.Max(span, 1e-3); kps > 20 {
			b.add(rFastTyping, (kps-20)/10, "%.1f keys per second over whole fields", kps)
		}
	}
}

// cvBar returns the coefficient of variation at or below which a
// regularity signal is at full strength (lo) and above which it is absent
// (hi), for n samples: lo5/hi5 at 5 samples, rising linearly to lo20/hi20
// at 20 or more.
func cvBar(n int, lo5, lo20, hi5, hi20 float64) (lo, hi float64) {
	f := math.Min(1, math.Max(0, float64(n-5)/15))
	return lo5 + (lo20-lo5)*f, hi5 + (hi20-hi5)*f
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// median returns the median of x (not empty) without reordering x.
func median(x []float64) float64 {
	var buf [96]float64
	c := append(buf[:0], x...)
	n := len(c)
	m := selectNth(c, n/2)
	if n%2 == 1 {
		return m
	}
	return (slices.Max(c[:n/2]) + m) / 2
}

// selectNth reorders c so that c[k] holds the value sorting would put
// there, everything before it no greater and everything after it no
// smaller, and returns c[k]. It is quickselect, O(n) on average instead of
// a sort's O(n log n) (a third of Score's time went to sorting holds); a
// client could send hold times that make quickselect quadratic, so after
// 2·log₂n rounds it sorts what is left.
func selectNth(c []float64, k int) float64 {
	return selectNthIn(c, k, 2*bits.Len(uint(len(c))))
}

// selectNthIn is selectNth sorting after the given number of rounds.
func selectNthIn(c []float64, k, rounds int) float64 {
	lo, hi := 0, len(c)-1
	for ; lo < hi; rounds-- {
		if rounds == 0 {
			slices.Sort(c[lo : hi+1])
			break
		}
		// Hoare partition around the median of three: the pivot's own
		// slot stops both scans, so they need no bounds of their own.
		a, b, m := c[lo], c[hi], c[lo+(hi-lo)/2]
		p := max(min(a, b), min(max(a, b), m))
		i, j := lo, hi
		for i <= j {
			for c[i] < p {
				i++
			}
			for c[j] > p {
				j--
			}
			if i <= j {
				c[i], c[j] = c[j], c[i]
				i++
				j--
			}
		}
		// Now c[lo:j+1] ≤ p ≤ c[i:hi+1], and c[j+1:i] (if any) = p.
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return c[k]
		}
	}
	return c[k]
}

// quantCV returns the coefficient of variation of x after removing the
// variance that rounding each timestamp to step adds to a difference of two
// timestamps (step²/6).
func quantCV(x []float64, step float64) float64 {
	m := mean(x)
	if m <= 0 {
		return 0
	}
	v := 0.0
	for _, e := range x {
		v += (e - m) * (e - m)
	}
	v /= float64(len(x) - 1)
	v = math.Max(0, v-step*step/6)
	return math.Sqrt(v) / m
}
