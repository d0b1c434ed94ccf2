package behavior

import (
	"strconv"
	"unicode/utf8"
)

// MarshalJSON encodes t in the wire format, as the collector would. It is
// meant for tests, replays and tools; Decode(t.MarshalJSON()) gives t back
// when t is valid.
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

// AppendJSON appends the wire encoding of t to b and returns the result.
func (t *Telemetry) AppendJSON(b []byte) []byte {
	b = append(b, `{"v":`...)
	b = strconv.AppendInt(b, Version, 10)
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
		b = appendPointer(b, &e.Pointer)
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
