package behavior

// Version is the newest wire format version: the collector writes it, and
// Decode accepts it and version 1.
const Version = 2

// DefaultField is the name of the hidden form field the collector writes
// the telemetry into, unless the page names another one.
const DefaultField = "tollgate_behavior"

// Telemetry is one decoded telemetry document: what the collector saw on a
// page from load to submit. Times are milliseconds on the page's own clock
// (the performance time origin, roughly when navigation started).
//
// A Telemetry returned by Decode is owned by the caller; it is not safe for
// concurrent mutation but may be read (and scored) by many goroutines.
type Telemetry struct {
	// Version is the wire format version of the decoded document (1 or
	// 2); MarshalJSON does not consult it.
	Version int
	// Step is the smallest timer step the page observed, in ms: about 0.1
	// in Chromium, 1 in Firefox and WebKit, 16.67 or 100 under Firefox's
	// resistFingerprinting. 0 means unknown.
	Step float64
	// WebDriver is navigator.webdriver.
	WebDriver bool
	// Load is the page load time (DOMContentLoaded, or when the collector
	// attached), ms since the time origin.
	Load float64
	// Submit describes the form submission.
	Submit Submit
	// Fields holds one entry per tracked form field, in the order the page
	// first saw them.
	Fields []Field
	// Dropped counts events the collector did not record because of its
	// own size caps.
	Dropped int

	// Memory kept by DecodeTo for the next document.
	fieldBuf []Field
	pool     []Entry
	ptrBuf   []Pointer
}

// Submit describes how the form was submitted. Like all the telemetry
// types it is a plain value: safe to read concurrently, not to mutate.
type Submit struct {
	// T is the submit event's timeStamp, ms since the time origin.
	T float64
	// D is performance.now() in the submit handler minus T, in ms.
	D float64
	// Flags are the submit's flags (FlagUntrusted, FlagNoSubmitEvent).
	Flags Flags
	// Via tells what triggered the submission.
	Via Via
	// Pointer summarises pointer movement since the last field focus.
	Pointer Pointer
}

// At returns the handling time of the submit: T+D.
func (s Submit) At() float64 { return s.T + s.D }

// Via tells what triggered a form submission.
type Via uint8

// Ways a form may be submitted.
const (
	// ViaUnknown: no click or Enter key within a second before the submit
	// (requestSubmit, form.submit, or an unrecognised control).
	ViaUnknown Via = iota
	// ViaClick: a click on a submit button.
	ViaClick
	// ViaKey: the Enter key in a field.
	ViaKey
)

// String returns the wire spelling: "", "c" or "k".
func (v Via) String() string {
	switch v {
	case ViaClick:
		return "c"
	case ViaKey:
		return "k"
	}
	return ""
}

// Field is the telemetry of one form field (a plain value, see Telemetry).
type Field struct {
	// Name is the field's name attribute (or id, or "#n" for the n-th
	// unnamed field).
	Name string
	// InitialLen is the value length (UTF-16 code units) when the collector
	// attached: non-zero for prefilled or browser-restored fields.
	InitialLen int
	// FinalLen is the value length at submit.
	FinalLen int
	// Autofill is true when the field matched the :autofill (or
	// :-webkit-autofill) pseudo-class at some point.
	Autofill bool
	// Events are the field's events in the order they were handled.
	Events []Entry
}

// EntryType identifies an event in the telemetry.
type EntryType uint8

// The event types; the comment gives the wire spelling.
const (
	EntryFocus             EntryType = iota + 1 // "f"
	EntryBlur                                   // "b"
	EntryKeyDown                                // "d"
	EntryKeyUp                                  // "u"
	EntryBeforeInput                            // "bi"
	EntryInput                                  // "i"
	EntryPaste                                  // "p"
	EntryCompositionStart                       // "cs"
	EntryCompositionUpdate                      // "cu"
	EntryCompositionEnd                         // "ce"
	EntryValue                                  // "v": value changed with no input event
)

var eventNames = [...]string{
	EntryFocus:             "f",
	EntryBlur:              "b",
	EntryKeyDown:           "d",
	EntryKeyUp:             "u",
	EntryBeforeInput:       "bi",
	EntryInput:             "i",
	EntryPaste:             "p",
	EntryCompositionStart:  "cs",
	EntryCompositionUpdate: "cu",
	EntryCompositionEnd:    "ce",
	EntryValue:             "v",
}

// String returns the wire spelling of the event type.
func (e EntryType) String() string {
	if int(e) < len(eventNames) && eventNames[e] != "" {
		return eventNames[e]
	}
	return "?"
}

// KeyClass is the category of a key: the collector never sends the key
// itself.
type KeyClass uint8

// Key classes; the comment gives the wire spelling.
const (
	KeyNone         KeyClass = iota // not a key event
	KeyLetter                       // "l": a letter (any script with case)
	KeyDigit                        // "d": 0-9
	KeyShift                        // "s": Shift
	KeyBackspace                    // "b": Backspace
	KeyOther                        // "o": anything else (space, punctuation, Tab, Enter, arrows)
	KeyUnidentified                 // "u": "Unidentified", "Process" or keyCode 229 (virtual keyboards, IME)
)

var keyNames = [...]string{KeyLetter: "l", KeyDigit: "d", KeyShift: "s", KeyBackspace: "b", KeyOther: "o", KeyUnidentified: "u"}

// String returns the wire spelling of the key class.
func (k KeyClass) String() string {
	if int(k) < len(keyNames) && keyNames[k] != "" {
		return keyNames[k]
	}
	return "?"
}

// Flags are per-event bits.
type Flags uint16

// Event flags.
const (
	// FlagUntrusted: event.isTrusted was false (dispatched by script).
	FlagUntrusted Flags = 1 << iota
	// FlagRepeat: a key auto-repeat.
	FlagRepeat
	// FlagCapitalNoShift: an upper-case letter with neither Shift held nor
	// CapsLock on.
	FlagCapitalNoShift
	// FlagComposing: during IME composition (isComposing or keyCode 229).
	FlagComposing
	// FlagModifier: Ctrl, Meta or Alt held.
	FlagModifier
	// FlagAutofill: the field matched :autofill when the event was handled.
	FlagAutofill
	// FlagNoSubmitEvent: (submit only) the telemetry was written without a
	// submit event, e.g. by form.submit().
	FlagNoSubmitEvent
	// FlagNoTimeStamp: event.timeStamp was unusable; T is performance.now().
	FlagNoTimeStamp
	// FlagBeforeInput: (input only) a beforeinput with the same inputType
	// came just before; the collector folds it into the input event.
	FlagBeforeInput

	flagsAll = 1<<9 - 1
)

// Entry is one recorded browser event (a plain value, see Telemetry). Which
// of Key, Ref, InputType, N and Pointer are meaningful depends on Type (see
// the wire format in the package docs).
type Entry struct {
	// Type is the event type.
	Type EntryType
	// Key is the key class (key events only).
	Key KeyClass
	// Flags are the event's flags.
	Flags Flags
	// InputType is the inputType of beforeinput and input events.
	InputType InputType
	// Ref is, for a keyup, the index in the field's Events of the keydown
	// that pressed the same key, or -1.
	Ref int
	// N is the value length for focus and blur, and the length change for
	// input and value events.
	N int
	// T is event.timeStamp, ms since the time origin.
	T float64
	// D is performance.now() at handling minus T, in ms.
	D float64
	// Pointer summarises pointer movement before a focus. It is nil for
	// other events, and the scorer reads a focus without one (possible
	// only in telemetry built by hand) as a focus with no pointer use. (A
	// pointer, not a value, keeps an Entry at 48 bytes: a 2 KB login
	// document holds over a hundred of them.)
	Pointer *Pointer
}

// At returns the handling time of the event: T+D.
func (e *Entry) At() float64 { return e.T + e.D }

// Trusted reports whether the event was dispatched by the browser.
func (e *Entry) Trusted() bool { return e.Flags&FlagUntrusted == 0 }

// PointerKind is the pointerType of the last pointer event.
type PointerKind uint8

// Pointer kinds; the wire spelling is the number.
const (
	PointerNone  PointerKind = 0
	PointerMouse PointerKind = 1
	PointerPen   PointerKind = 2
	PointerTouch PointerKind = 3
)

// Pointer summarises the trusted pointer events between two focus changes
// (a plain value).
type Pointer struct {
	// Moves counts pointermove events.
	Moves int
	// Path is the length of the path they drew, CSS px.
	Path float64
	// Disp is the straight distance from the first to the last point, CSS px.
	Disp float64
	// Kind is the pointerType of the last pointer event.
	Kind PointerKind
	// SinceDown is the time from the last pointerdown to the focus or
	// submit, ms, or -1 when there was none in the preceding second.
	SinceDown float64
}

// Clicked reports whether a pointerdown caused the focus or submit.
func (p Pointer) Clicked() bool { return p.SinceDown >= 0 }
