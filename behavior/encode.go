package behavior

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// MarshalJSON encodes t in the wire format, as the collector would: version
// 2 when every event time, delay and pointer figure fits it (times in
// whole tenths of a millisecond, pointer paths in whole pixels, as the
// collector records them), else version 1. It is meant for tests, replays
// and tools; Decode(t.MarshalJSON()) gives t back, but for Version, when t
// is valid.
func (t *Telemetry) MarshalJSON() ([]byte, error) {
	return t.AppendJSON(make([]byte, 0, 256+64*t.eventCount())), nil
}

func (t *Telemetry) eventCount() int {
	n := 0
	for i := range t.Fields {
		n += len(t.Fields[i].Events)
	}
	return n
}

// AppendJSON appends the wire encoding of t (see MarshalJSON) to b and
// returns the result.
func (t *Telemetry) AppendJSON(b []byte) []byte {
	return t.appendJSON(b, t.fitsV2())
}

// fitsV2 reports whether version 2 can carry t's events exactly.
func (t *Telemetry) fitsV2() bool {
	for i := range t.Fields {
		for j := range t.Fields[i].Events {
			e := &t.Fields[i].Events[j]
			if _, ok := tenths(e.T); !ok {
				return false
			}
			if _, ok := tenths(e.D); !ok {
				return false
			}
			if p := e.Pointer; e.Type == EntryFocus && p != nil {
				if p.Path != float64(int64(p.Path)) || p.Disp != float64(int64(p.Disp)) {
					return false
				}
				if _, ok := tenths(p.SinceDown); !ok && p.SinceDown != -1 {
					return false
				}
			}
		}
	}
	return true
}

// tenths returns x in whole tenths of a millisecond, if it is exactly that.
func tenths(x float64) (int64, bool) {
	if !(x > -1e15 && x < 1e15) {
		return 0, false
	}
	n := int64(math.Round(x * 10))
	return n, float64(n)/10 == x
}

func (t *Telemetry) appendJSON(b []byte, v2 bool) []byte {
	b = append(b, `{"v":`...)
	if v2 {
		b = append(b, '2')
	} else {
		b = append(b, '1')
	}
	b = append(b, `,"step":`...)
	b = appendNum(b, t.Step)
	b = append(b, `,"wd":`...)
	b = strconv.AppendBool(b, t.WebDriver)
	b = append(b, `,"ld":`...)
	b = appendNum(b, t.Load)
	if t.Dropped != 0 {
		b = append(b, `,"x":`...)
		b = strconv.AppendInt(b, int64(t.Dropped), 10)
	}
	b = append(b, `,"s":[`...)
	s := &t.Submit
	b = appendNum(b, s.T)
	b = append(b, ',')
	b = appendNum(b, s.D)
	b = append(b, ',')
	b = strconv.AppendUint(b, uint64(s.Flags), 10)
	b = append(b, ',', '"')
	b = append(b, s.Via.String()...)
	b = append(b, '"', ',')
	b = appendPointer(b, &s.Pointer)
	b = append(b, `],"f":[`...)
	for i := range t.Fields {
		f := &t.Fields[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"n":`...)
		b = appendString(b, f.Name)
		b = append(b, `,"l0":`...)
		b = strconv.AppendInt(b, int64(f.InitialLen), 10)
		b = append(b, `,"l":`...)
		b = strconv.AppendInt(b, int64(f.FinalLen), 10)
		if f.Autofill {
			b = append(b, `,"a":true`...)
		}
		if v2 {
			b = append(b, `,"e":"`...)
			b = appendEventsV2(b, f.Events)
			b = append(b, `"}`...)
			continue
		}
		b = append(b, `,"e":[`...)
		for j := range f.Events {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendEvent(b, &f.Events[j])
		}
		b = append(b, "]}"...)
	}
	b = append(b, "]}"...)
	return b
}

func appendEvent(b []byte, e *Entry) []byte {
	b = append(b, '[', '"')
	b = append(b, e.Type.String()...)
	b = append(b, '"', ',')
	b = appendNum(b, e.T)
	b = append(b, ',')
	b = appendNum(b, e.D)
	b = append(b, ',')
	b = strconv.AppendUint(b, uint64(e.Flags), 10)
	switch e.Type {
	case EntryFocus:
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(e.N), 10)
		b = append(b, ',')
		b = appendPointer(b, focusPointer(e))
	case EntryBlur, EntryValue:
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(e.N), 10)
	case EntryKeyDown, EntryKeyUp:
		b = append(b, ',', '"')
		b = append(b, e.Key.String()...)
		b = append(b, '"')
		if e.Type == EntryKeyUp {
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(e.Ref), 10)
		}
	case EntryBeforeInput:
		b = append(b, ',')
		b = appendString(b, e.InputType.String())
	case EntryInput:
		b = append(b, ',')
		b = appendString(b, e.InputType.String())
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(e.N), 10)
	}
	return append(b, ']')
}

// appendEventsV2 appends events in the version 2 grammar (the events
// string without its quotes). The times must fit it (fitsV2).
func appendEventsV2(b []byte, events []Entry) []byte {
	var prev int64
	for j := range events {
		e := &events[j]
		if j > 0 {
			b = append(b, ';')
		}
		t, _ := tenths(e.T)
		dd, _ := tenths(e.D)
		b = append(b, v2Letters[e.Type])
		b = strconv.AppendInt(b, t-prev, 10)
		prev = t
		b = append(b, ',')
		b = strconv.AppendInt(b, dd, 10)
		b = append(b, ',')
		b = strconv.AppendUint(b, uint64(e.Flags), 10)
		switch e.Type {
		case EntryFocus:
			p := focusPointer(e)
			since := int64(-1)
			if p.SinceDown != -1 {
				since, _ = tenths(p.SinceDown)
			}
			for _, v := range [...]int64{int64(e.N), int64(p.Moves), int64(p.Path), int64(p.Disp), int64(p.Kind), since} {
				b = append(b, ',')
				b = strconv.AppendInt(b, v, 10)
			}
		case EntryBlur, EntryValue:
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(e.N), 10)
		case EntryKeyDown, EntryKeyUp:
			b = append(b, ',')
			b = append(b, e.Key.String()...)
			if e.Type == EntryKeyUp {
				b = append(b, ',')
				b = strconv.AppendInt(b, int64(e.Ref), 10)
			}
		case EntryBeforeInput, EntryInput:
			b = append(b, ',')
			b = append(b, e.InputType.String()...)
			if e.Type == EntryInput {
				b = append(b, ',')
				b = strconv.AppendInt(b, int64(e.N), 10)
			}
		}
	}
	return b
}

// noPointer is the summary of a focus with no pointer use.
var noPointer = Pointer{SinceDown: -1}

// focusPointer returns e's Pointer, or noPointer for a focus without one.
func focusPointer(e *Entry) *Pointer {
	if e.Pointer == nil {
		return &noPointer
	}
	return e.Pointer
}

func appendPointer(b []byte, p *Pointer) []byte {
	b = strconv.AppendInt(b, int64(p.Moves), 10)
	b = append(b, ',')
	b = appendNum(b, p.Path)
	b = append(b, ',')
	b = appendNum(b, p.Disp)
	b = append(b, ',')
	b = strconv.AppendUint(b, uint64(p.Kind), 10)
	b = append(b, ',')
	return appendNum(b, p.SinceDown)
}

func appendNum(b []byte, x float64) []byte {
	if x == float64(int64(x)) && x > -1e15 && x < 1e15 {
		return strconv.AppendInt(b, int64(x), 10)
	}
	return strconv.AppendFloat(b, x, 'f', -1, 64)
}

const hexDigits = "0123456789abcdef"

func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
