package behavior

// Default verdict thresholds.
const (
	DefaultSuspectThreshold = 0.5
	DefaultBotThreshold     = 0.8
)

// Reason codes. Each has a default weight (see DefaultWeight), changed with
// WithWeight.
const (
	// ReasonNoTelemetry: no telemetry was posted (script blocked, or a bot
	// posting the form directly). Default weight 0.9: a bot on its own.
	ReasonNoTelemetry = "no_telemetry"
	// ReasonMalformed: telemetry was posted but did not decode (forged or
	// corrupted). Default 0.9.
	ReasonMalformed = "malformed"
	// ReasonNoEvents: a filled field with no browser events at all (only
	// the collector's note that its value changed, or not even in the
	// telemetry), neither prefilled nor autofilled. Default 0.9.
	ReasonNoEvents = "no_events"
	// ReasonValueWithoutInput: a field's value changed with no input event
	// (set by script), not autofill. Default 0.6.
	ReasonValueWithoutInput = "value_without_input"
	// ReasonBareInsert: trusted text insertions with no key, paste, IME or
	// autofill behind them (e.g. CDP Input.insertText). Default 0.4.
	ReasonBareInsert = "bare_insert"
	// ReasonLengthMismatch: the submitted value length differs from the one
	// the telemetry accounts for. Default 0.3.
	ReasonLengthMismatch = "length_mismatch"
	// ReasonShortHolds: keys held for under ~30 ms (people: ~100 ms).
	// Default 0.6.
	ReasonShortHolds = "short_holds"
	// ReasonRegularHolds: all keys held for the same time. Default 0.35.
	ReasonRegularHolds = "regular_holds"
	// ReasonRegularIntervals: intervals between keys with a coefficient of
	// variation near 0 (fixed-delay typing). Default 0.65.
	ReasonRegularIntervals = "regular_intervals"
	// ReasonZeroIntervals: a large share of near-zero intervals between
	// keys. Default 0.6.
	ReasonZeroIntervals = "zero_intervals"
	// ReasonFastTyping: more than ~20 keys per second over whole fields.
	// Default 0.5.
	ReasonFastTyping = "fast_typing"
	// ReasonInstantFirstKey: the first key came within 10 ms of the focus.
	// Default 0.35.
	ReasonInstantFirstKey = "instant_first_key"
	// ReasonFastSubmit: the form was sent faster after page load than a
	// person could type what was typed. Default 0.35.
	ReasonFastSubmit = "fast_submit"
	// ReasonCapitalNoShift: capital letters typed with neither Shift nor
	// CapsLock. Default 0.3.
	ReasonCapitalNoShift = "capital_without_shift"
	// ReasonPointerJump: mouse clicks with no pointer path before them
	// (none, or one jump). Default 0.35.
	ReasonPointerJump = "pointer_jump"
	// ReasonTimestampAhead: event.timeStamp later than performance.now()
	// when the event was handled. Default 0.6.
	ReasonTimestampAhead = "timestamp_ahead"
	// ReasonTimestampAfterSubmit: events stamped after the submit.
	// Default 0.6.
	ReasonTimestampAfterSubmit = "timestamp_after_submit"
	// ReasonTimestampSkew: most key events handled over a second after
	// their timeStamp. Default 0.35.
	ReasonTimestampSkew = "timestamp_skew"
	// ReasonEventOrder: an input stamped before the key that caused it, or
	// a keyup before its keydown. Default 0.6.
	ReasonEventOrder = "event_order"
	// ReasonClockMismatch: the page claims more time between load and
	// submit than the server saw. Default 0.6.
	ReasonClockMismatch = "clock_mismatch"
	// ReasonWebDriver: navigator.webdriver was true. Default 0.45.
	ReasonWebDriver = "webdriver"
	// ReasonUntrustedEvents: field events dispatched by script (password
	// managers do this too: weak). Default 0.15.
	ReasonUntrustedEvents = "untrusted_events"
	// ReasonUntrustedSubmit: the submit was triggered by script. Default 0.15.
	ReasonUntrustedSubmit = "untrusted_submit"
	// ReasonNoTrustedInput: no trusted key, pointer or submit action at
	// all. Default 0.25.
	ReasonNoTrustedInput = "no_trusted_input"
	// ReasonUntypedField: a field named with WithTypedFields (one only a
	// person fills, such as a CAPTCHA answer) was posted with a value but
	// shows no trusted key, paste, IME composition or input event. Password
	// managers fill names and passwords by script, which the other reasons
	// forgive; none fills a CAPTCHA answer. Default 0.9.
	ReasonUntypedField = "untyped_field"
)

// reason indexes the weight table.
type reason uint8

const (
	rNoTelemetry reason = iota
	rMalformed
	rNoEvents
	rValueWithoutInput
	rBareInsert
	rLengthMismatch
	rShortHolds
	rRegularHolds
	rRegularIntervals
	rZeroIntervals
	rFastTyping
	rInstantFirstKey
	rFastSubmit
	rCapitalNoShift
	rPointerJump
	rTimestampAhead
	rTimestampAfterSubmit
	rTimestampSkew
	rEventOrder
	rClockMismatch
	rWebDriver
	rUntrustedEvents
	rUntrustedSubmit
	rNoTrustedInput
	rUntypedField
	numReasons
)

type reasonInfo struct {
	code   string
	weight float64
}

func reasonTable() [numReasons]reasonInfo {
	return [numReasons]reasonInfo{
		rNoTelemetry:          {ReasonNoTelemetry, 0.9},
		rMalformed:            {ReasonMalformed, 0.9},
		rNoEvents:             {ReasonNoEvents, 0.9},
		rValueWithoutInput:    {ReasonValueWithoutInput, 0.6},
		rBareInsert:           {ReasonBareInsert, 0.4},
		rLengthMismatch:       {ReasonLengthMismatch, 0.3},
		rShortHolds:           {ReasonShortHolds, 0.6},
		rRegularHolds:         {ReasonRegularHolds, 0.35},
		rRegularIntervals:     {ReasonRegularIntervals, 0.65},
		rZeroIntervals:        {ReasonZeroIntervals, 0.6},
		rFastTyping:           {ReasonFastTyping, 0.5},
		rInstantFirstKey:      {ReasonInstantFirstKey, 0.35},
		rFastSubmit:           {ReasonFastSubmit, 0.35},
		rCapitalNoShift:       {ReasonCapitalNoShift, 0.3},
		rPointerJump:          {ReasonPointerJump, 0.35},
		rTimestampAhead:       {ReasonTimestampAhead, 0.6},
		rTimestampAfterSubmit: {ReasonTimestampAfterSubmit, 0.6},
		rTimestampSkew:        {ReasonTimestampSkew, 0.35},
		rEventOrder:           {ReasonEventOrder, 0.6},
		rClockMismatch:        {ReasonClockMismatch, 0.6},
		rWebDriver:            {ReasonWebDriver, 0.45},
		rUntrustedEvents:      {ReasonUntrustedEvents, 0.15},
		rUntrustedSubmit:      {ReasonUntrustedSubmit, 0.15},
		rNoTrustedInput:       {ReasonNoTrustedInput, 0.25},
		rUntypedField:         {ReasonUntypedField, 0.9},
	}
}

// ReasonCodes returns every reason code the scorer may report.
func ReasonCodes() []string {
	t := reasonTable()
	out := make([]string, len(t))
	for i, r := range t {
		out[i] = r.code
	}
	return out
}

// DefaultWeight returns the default weight of a reason code, and false for
// an unknown code.
func DefaultWeight(code string) (float64, bool) {
	for _, r := range reasonTable() {
		if r.code == code {
			return r.weight, true
		}
	}
	return 0, false
}

// DefaultTypingCap is the most the typing-rhythm reasons (short_holds,
// regular_holds, regular_intervals, zero_intervals, fast_typing) add up to
// together: below the bot threshold, so machine typing alone is a Suspect.
const DefaultTypingCap = 0.78

type config struct {
	suspect, bot float64
	typingCap    float64
	typingCapSet bool
	weights      [numReasons]float64
	set          [numReasons]bool
	limits       Limits
	field        string
	expected     []string
	typed        []string
	formFields   []string // expected and typed: what ScoreRequest measures
}

// Option configures a Scorer.
type Option func(*config)

// WithThresholds sets the scores at which the verdict becomes VerdictSuspect and
// VerdictBot (defaults 0.5 and 0.8). Values are clamped to [0, 1] and bot is
// raised to suspect if lower.
func WithThresholds(suspect, bot float64) Option {
	return func(c *config) {
		c.suspect = clamp01(suspect)
		c.bot = max(clamp01(bot), c.suspect)
	}
}

// WithWeight sets the weight of the reason code, clamped to [0, 1]; 0
// disables the reason. Unknown codes are ignored (see ReasonCodes). For
// example WithWeight(ReasonNoTelemetry, 0.6) makes a missing telemetry a
// Suspect rather than a Bot.
func WithWeight(code string, w float64) Option {
	return func(c *config) {
		t := reasonTable()
		for i := range t {
			if t[i].code == code {
				c.weights[i] = clamp01(w)
				c.set[i] = true
			}
		}
	}
}

// WithTypingCap sets the most the typing-rhythm reasons may contribute
// together (default DefaultTypingCap); 1 removes the cap. Values are
// clamped to [0, 1].
func WithTypingCap(c float64) Option {
	return func(cfg *config) { cfg.typingCap, cfg.typingCapSet = clamp01(c), true }
}

// WithLimits sets the decoding limits ScoreRequest uses (default Limits{}).
func WithLimits(l Limits) Option { return func(c *config) { c.limits = l } }

// WithField sets the form field ScoreRequest reads (default DefaultField).
func WithField(name string) Option { return func(c *config) { c.field = name } }

// WithExpectedFields names form fields that ScoreRequest checks even when
// the telemetry does not mention them: a non-empty posted value in one of
// them with no telemetry for it counts as ReasonNoEvents. Only name fields
// people type into (not hidden inputs, selects or checkboxes).
func WithExpectedFields(names ...string) Option {
	return func(c *config) { c.expected = append([]string(nil), names...) }
}

// WithTypedFields names form fields only a person fills: a CAPTCHA answer,
// a one-time code. A post where one of them holds a value (in
// Submission.Filled) but its telemetry shows no trusted key, paste, IME
// composition or input event — set by script, or missing from the
// telemetry — gets ReasonUntypedField. ScoreRequest measures them like
// WithExpectedFields.
func WithTypedFields(names ...string) Option {
	return func(c *config) { c.typed = append([]string(nil), names...) }
}

func clamp01(x float64) float64 {
	switch {
	case x > 1:
		return 1
	case x >= 0:
		return x
	}
	return 0 // negative or NaN
}
