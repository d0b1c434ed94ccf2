package behavior

import (
	"bytes"
	"strconv"
)

// Version 2 writes a field's events as one string in a compact grammar
// (see the package docs): integers only, times as tenth-of-millisecond
// deltas, one letter per event type. This file parses it. The string is
// parsed in place in the document; the closing quote after it ends every
// run of digits or letters, so the loops need no end checks of their own.

// v2Types maps an event's letter to its type.
var v2Types = [256]EntryType{
	'f': EntryFocus, 'b': EntryBlur, 'd': EntryKeyDown, 'u': EntryKeyUp,
	'i': EntryInput, 'j': EntryBeforeInput, 'p': EntryPaste,
	's': EntryCompositionStart, 'c': EntryCompositionUpdate, 'e': EntryCompositionEnd,
	'v': EntryValue,
}

// v2Letters is the letter of each event type (the inverse of v2Types).
var v2Letters = [...]byte{
	EntryFocus: 'f', EntryBlur: 'b', EntryKeyDown: 'd', EntryKeyUp: 'u',
	EntryInput: 'i', EntryBeforeInput: 'j', EntryPaste: 'p',
	EntryCompositionStart: 's', EntryCompositionUpdate: 'c', EntryCompositionEnd: 'e',
	EntryValue: 'v',
}

// v2Int is v2Num for the general parser, which reports where an error
// is: on failure it returns i.
func v2Int(b []byte, i int) (int64, int, bool) {
	v, j := v2Num(b, i)
	if j < 0 {
		return 0, i, false
	}
	return v, j, true
}

// v2MemberIn parses ",integer" at b[j:], the integer in [lo, hi].
func v2MemberIn(b []byte, j int, lo, hi int64) (int64, int, bool) {
	if b[j] != ',' {
		return 0, j, false
	}
	v, k, ok := v2Int(b, j+1)
	if !ok || v < lo || v > hi {
		return 0, j + 1, false
	}
	return v, k, true
}

// v2InputType parses the inputType at b[j:], a run of letters (possibly
// empty), and returns it with the index after it; false (with j) when it
// is longer than maxTypeLen.
func v2InputType(b []byte, j int) (InputType, int, bool) {
	if hasPrefix(b[j:], "insertText") && !isLetter(b[j+len("insertText")]) { // most input events
		return InputInsertText, j + len("insertText"), true
	}
	k := j
	for isLetter(b[k]) {
		k++
	}
	if k-j > maxTypeLen {
		return 0, j, false
	}
	return parseInputType(b[j:k]), k, true
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// eventsV2 parses the version-2 events string at d.i (its opening quote).
func (d *decoder) eventsV2() []Entry {
	b := d.b
	open := d.i
	n := bytes.IndexByte(b[open+1:], '"')
	if n < 0 {
		d.bad("unterminated events string")
		return nil
	}
	i, end := open+1, open+1+n
	if bytes.IndexByte(b[i:end], '\\') >= 0 {
		d.i = i + bytes.IndexByte(b[i:end], '\\')
		d.bad("escape in a version 2 events string")
		return nil
	}
	d.sawV2 = true
	if i == end {
		d.i = end + 1
		return nil
	}
	d.allocPool(true)
	// The loop keeps the pool in a local, written back on every way out:
	// d.pool itself would be reloaded after each store through e.
	pool := d.pool
	start := len(pool)
	// room is how many events this field may still hold.
	room := min(d.lim.MaxFieldEvents, d.lim.MaxEvents-start)
	var t int64 // tenths of a millisecond
	for {
		if !d.slow {
			var done bool
			if pool, i, t, done = fastEventsV2(b, i, pool, start, room, t); done {
				break
			}
		}
		// The event at i, which the fast path left, the general way.
		k := len(pool)
		if k-start == room {
			d.pool, d.i = pool, i
			if k-start == d.lim.MaxFieldEvents {
				d.fail(ErrLimit, "more than "+strconv.Itoa(d.lim.MaxFieldEvents)+" events in a field")
			} else {
				d.fail(ErrLimit, "more than "+strconv.Itoa(d.lim.MaxEvents)+" events")
			}
			return nil
		}
		if k < cap(pool) {
			pool = pool[:k+1]
		} else {
			pool = append(pool, Entry{})
		}
		j, msg := d.eventV2(&pool[k], pool[start:k], i, &t)
		if msg != "" {
			d.pool, d.i = pool, j
			d.bad(msg)
			return nil
		}
		i = j
		if i == end {
			break
		}
		if b[i] != ';' {
			d.pool, d.i = pool, i
			d.bad("expected ';' between events")
			return nil
		}
		i++
	}
	d.pool, d.i = pool, end+1
	return pool[start:len(pool):len(pool)]
}

// eventV2 parses one event at b[i:] into e; *t is the previous event's
// time in tenths of a millisecond, and becomes this one's. It returns the
// index after the event, or where it is malformed and why.
func (d *decoder) eventV2(e *Entry, prev []Entry, i int, t *int64) (int, string) {
	b := d.b
	typ := v2Types[b[i]]
	if typ == 0 {
		return i, "unknown event type"
	}
	dt, j, ok := v2Int(b, i+1)
	if !ok {
		return i + 1, "event time delta must be an integer"
	}
	*t += dt
	if *t < 0 || *t > maxTime*10 {
		return i + 1, "event time out of range"
	}
	if b[j] != ',' {
		return j, "expected ','"
	}
	dd, j, ok := v2Int(b, j+1)
	if !ok || dd < -maxTime*10 || dd > maxTime*10 {
		return j, "event delay must be an integer in [-1e12, 1e12]"
	}
	if b[j] != ',' {
		return j, "expected ','"
	}
	fl, j, ok := v2Int(b, j+1)
	if !ok || fl < 0 || fl > flagsAll {
		return j, "event flags must be an integer in [0, 511]"
	}
	*e = Entry{Type: typ, T: float64(*t) / 10, D: float64(dd) / 10, Flags: Flags(fl), Ref: -1}
	var n int64
	switch typ {
	case EntryFocus:
		var moves, path, disp, kind, since int64
		if n, j, ok = v2MemberIn(b, j, 0, maxLen); !ok {
			return j, "focus length must be an integer in [0, 1048576]"
		}
		if moves, j, ok = v2MemberIn(b, j, 0, maxMoves); !ok {
			return j, "pointer moves must be an integer in [0, 16777216]"
		}
		if path, j, ok = v2MemberIn(b, j, 0, maxPx); !ok {
			return j, "pointer path must be an integer in [0, 1e8]"
		}
		if disp, j, ok = v2MemberIn(b, j, 0, maxPx); !ok {
			return j, "pointer distance must be an integer in [0, 1e8]"
		}
		if kind, j, ok = v2MemberIn(b, j, 0, 3); !ok {
			return j, "pointer kind must be 0, 1, 2 or 3"
		}
		if since, j, ok = v2MemberIn(b, j, -1, maxTime*10); !ok {
			return j, "pointer down time must be -1 or an integer in [0, 1e12]"
		}
		e.N = int(n)
		sd := float64(since) / 10
		if since == -1 {
			sd = -1
		}
		e.Pointer = d.newPointer()
		*e.Pointer = Pointer{Moves: int(moves), Path: float64(path), Disp: float64(disp), Kind: PointerKind(kind), SinceDown: sd}
	case EntryBlur, EntryValue:
		lo := int64(0)
		if typ == EntryValue {
			lo = -maxLen
		}
		if n, j, ok = v2MemberIn(b, j, lo, maxLen); !ok {
			return j, "length must be an integer in range"
		}
		e.N = int(n)
	case EntryKeyDown, EntryKeyUp:
		if b[j] != ',' {
			return j, "expected ','"
		}
		if e.Key = keyClass(b[j+1 : j+2]); e.Key == KeyNone {
			return j + 1, "unknown key class"
		}
		j += 2
		if typ == EntryKeyUp {
			at := j + 1
			if n, j, ok = v2MemberIn(b, j, -1, int64(len(prev))-1); !ok {
				return j, "keyup reference must be -1 or the index of an earlier event"
			}
			if n >= 0 && prev[n].Type != EntryKeyDown {
				return at, "keyup reference is not a keydown"
			}
			e.Ref = int(n)
		}
	case EntryBeforeInput, EntryInput:
		if b[j] != ',' {
			return j, "expected ','"
		}
		if e.InputType, j, ok = v2InputType(b, j+1); !ok {
			return j, "inputType too long"
		}
		if typ == EntryInput {
			if n, j, ok = v2MemberIn(b, j, -maxLen, maxLen); !ok {
				return j, "input length change must be an integer in [-1048576, 1048576]"
			}
			e.N = int(n)
		}
	}
	return j, ""
}
