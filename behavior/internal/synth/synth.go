// Package synth builds telemetry documents the way the browser collector
// would, for tests, fixtures, benchmarks and the calibration replay.
//
// Events are given with their event.timeStamp (ts) and the time they were
// handled (at); Build sorts each field's events by handling time, as the
// collector records them, resolves keyup references, and applies the timer
// step rounding.
package synth

import (
	"math"
	"slices"

	"github.com/tollgate/tollgate/behavior"
)

// Page accumulates the events of one page view.
type Page struct {
	// Step is the timer step: times are floored to multiples of it (0:
	// rounded to 0.1 ms like the collector does).
	Step float64
	// WebDriver sets navigator.webdriver.
	WebDriver bool
	// Load is the page load time.
	Load float64
	// Latency is the default handling delay, ms (default 0.5).
	Latency float64

	fields []*field
	submit behavior.Submit
	nextID int
}

type field struct {
	name     string
	initial  int
	autofill bool
	length   int
	events   []ev
}

type ev struct {
	e   behavior.Entry
	ts  float64
	at  float64
	seq int
	id  int // keydown id, or the keydown id a keyup refers to (-1)
}

// New returns a page with the given timer step and load time.
func New(step, load float64) *Page { return &Page{Step: step, Load: load, Latency: 0.5} }

func (p *Page) field(name string) *field {
	for _, f := range p.fields {
		if f.name == name {
			return f
		}
	}
	f := &field{name: name}
	p.fields = append(p.fields, f)
	return f
}

// Prefill marks a field as holding n characters when the collector attached.
func (p *Page) Prefill(name string, n int) {
	f := p.field(name)
	f.initial, f.length = n, n
}

// Autofill marks a field as having matched :autofill.
func (p *Page) Autofill(name string) { p.field(name).autofill = true }

// Len returns the field's current value length.
func (p *Page) Len(name string) int { return p.field(name).length }

func (p *Page) add(name string, e behavior.Entry, ts, at float64, id int) int {
	f := p.field(name)
	f.events = append(f.events, ev{e: e, ts: ts, at: at, seq: len(f.events), id: id})
	return len(f.events) - 1
}

// Raw adds an event with explicit timeStamp ts and handling time at.
func (p *Page) Raw(name string, e behavior.Entry, ts, at float64) {
	p.add(name, e, ts, at, -1)
}

// Focus adds a focus event at ts with the pointer summary.
func (p *Page) Focus(name string, ts float64, ptr behavior.Pointer) {
	f := p.field(name)
	p.add(name, behavior.Entry{Type: behavior.EntryFocus, N: f.length, Pointer: &ptr}, ts, ts+p.Latency, -1)
}

// Blur adds a blur event at ts.
func (p *Page) Blur(name string, ts float64) {
	f := p.field(name)
	p.add(name, behavior.Entry{Type: behavior.EntryBlur, N: f.length}, ts, ts+p.Latency, -1)
}

// Key describes one key press.
type Key struct {
	Class behavior.KeyClass
	// Down and Up are the keydown and keyup timeStamps; Up < 0 means no
	// keyup is recorded.
	Down, Up float64
	// DownAt and UpAt, when non-zero, are the handling times (default
	// timeStamp + Latency).
	DownAt, UpAt float64
	// Flags are added to both key events.
	Flags behavior.Flags
	// Insert is the number of characters the key inserts (0 for Shift; a
	// Backspace deletes one when Insert is 0).
	Insert int
	// InputType overrides the input event's inputType.
	InputType string
	// InputTS, when non-zero, is the input events' timeStamp (default: the
	// keydown's handling time).
	InputTS float64
	// NoInput suppresses the beforeinput and input events.
	NoInput bool
}

// Press adds a key press in the field: keydown, beforeinput and input (when
// the key changes the value) and keyup.
func (p *Page) Press(name string, k Key) {
	f := p.field(name)
	downAt := k.DownAt
	if downAt == 0 {
		downAt = k.Down + p.Latency
	}
	p.nextID++
	id := p.nextID
	p.add(name, behavior.Entry{Type: behavior.EntryKeyDown, Key: k.Class, Flags: k.Flags}, k.Down, downAt, id)
	if !k.NoInput {
		dl, it := k.Insert, k.InputType
		if dl == 0 && k.Class == behavior.KeyBackspace && f.length > 0 {
			dl = -1
		}
		if it == "" {
			if dl > 0 {
				it = "insertText"
			} else {
				it = "deleteContentBackward"
			}
		}
		if dl != 0 {
			its := k.InputTS
			if its == 0 {
				its = downAt + 0.1
			}
			in := k.Flags&(behavior.FlagUntrusted|behavior.FlagComposing) | behavior.FlagBeforeInput
			p.add(name, behavior.Entry{Type: behavior.EntryInput, Flags: in, InputType: behavior.ParseInputType(it), N: dl}, its+0.1, max(its, downAt)+0.2, -1)
			f.length += dl
		}
	}
	if k.Up >= 0 {
		upAt := k.UpAt
		if upAt == 0 {
			upAt = k.Up + p.Latency
		}
		p.add(name, behavior.Entry{Type: behavior.EntryKeyUp, Key: k.Class, Flags: k.Flags &^ behavior.FlagCapitalNoShift}, k.Up, upAt, -id)
	}
}

// Release adds a keyup whose keydown happened elsewhere (Tab's keyup
// lands in the field it moved to).
func (p *Page) Release(name string, class behavior.KeyClass, ts float64) {
	p.add(name, behavior.Entry{Type: behavior.EntryKeyUp, Key: class}, ts, ts+p.Latency, 0)
}

// Input adds an input event that changes the length by dl, with no key.
// Unless flags has FlagUntrusted (script-dispatched input events have no
// beforeinput) or inputType is "" (autofill), it is marked as preceded by a
// beforeinput.
func (p *Page) Input(name string, ts float64, inputType string, dl int, flags behavior.Flags) {
	f := p.field(name)
	if flags&behavior.FlagUntrusted == 0 && inputType != "" {
		flags |= behavior.FlagBeforeInput
	}
	p.add(name, behavior.Entry{Type: behavior.EntryInput, Flags: flags, InputType: behavior.ParseInputType(inputType), N: dl}, ts+0.1, ts+p.Latency+0.1, -1)
	f.length += dl
}

// Event adds an event of type typ with no payload (paste, composition).
func (p *Page) Event(name string, typ behavior.EntryType, ts float64, flags behavior.Flags) {
	p.add(name, behavior.Entry{Type: typ, Flags: flags}, ts, ts+p.Latency, -1)
}

// SetValue changes the value with no input event (as script does); the
// collector notices at the next focus, blur or submit (at ts).
func (p *Page) SetValue(name string, ts float64, n int) {
	f := p.field(name)
	p.add(name, behavior.Entry{Type: behavior.EntryValue, N: n - f.length}, ts, ts+p.Latency, -1)
	f.length = n
}

// SetSilently changes the value length without any event being recorded
// (for forged documents).
func (p *Page) SetSilently(name string, n int) { p.field(name).length = n }

// Submit sets the submission.
func (p *Page) Submit(ts float64, via behavior.Via, flags behavior.Flags, ptr behavior.Pointer) {
	p.submit = behavior.Submit{T: ts, D: p.Latency, Flags: flags, Via: via, Pointer: ptr}
}

func (p *Page) round(x float64) float64 {
	if p.Step > 0 {
		return math.Floor(x/p.Step+1e-9) * p.Step
	}
	return x
}

func r1(x float64) float64 { return math.Round(x*10) / 10 }

// Build returns the telemetry.
func (p *Page) Build() *behavior.Telemetry {
	t := &behavior.Telemetry{
		Version:   behavior.Version,
		Step:      r1(p.Step),
		WebDriver: p.WebDriver,
		Load:      r1(p.Load),
	}
	if p.Step == 0 {
		t.Step = 0.1
	}
	s := p.submit
	sAt := p.round(s.T + s.D)
	s.T = r1(p.round(s.T))
	s.D = r1(sAt - s.T)
	s.Pointer.SinceDown = r1(s.Pointer.SinceDown)
	t.Submit = s
	for _, f := range p.fields {
		evs := slices.Clone(f.events)
		slices.SortStableFunc(evs, func(a, b ev) int {
			if a.at != b.at {
				if a.at < b.at {
					return -1
				}
				return 1
			}
			return a.seq - b.seq
		})
		idx := map[int]int{}
		var out []behavior.Entry
		if len(evs) > 0 {
			out = make([]behavior.Entry, len(evs))
		}
		for i, e := range evs {
			x := e.e
			at := p.round(e.at)
			x.T = r1(p.round(e.ts))
			x.D = r1(at - x.T)
			x.Ref = -1
			switch {
			case x.Type == behavior.EntryKeyDown && e.id > 0:
				idx[e.id] = i
			case x.Type == behavior.EntryKeyUp && e.id < 0:
				if j, ok := idx[-e.id]; ok {
					x.Ref = j
					delete(idx, -e.id)
				}
			}
			if x.Pointer != nil {
				ptr := *x.Pointer
				ptr.SinceDown = r1(ptr.SinceDown)
				x.Pointer = &ptr
			}
			out[i] = x
		}
		t.Fields = append(t.Fields, behavior.Field{
			Name: f.name, InitialLen: f.initial, FinalLen: f.length, Autofill: f.autofill, Events: out,
		})
	}
	return t
}

// JSON returns the wire encoding of Build().
func (p *Page) JSON() []byte {
	b, _ := p.Build().MarshalJSON()
	return b
}
