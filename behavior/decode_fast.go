package behavior

// The fast path decodes one event written exactly as the collector writes
// it: no whitespace, no escapes, numbers with at most 12 integer digits and
// 3 decimals. Anything else, including any value the slow path would
// reject, makes it return false without consuming input, and the general
// parser (event) takes over and reports the precise error. FuzzDecode and
// TestFastPathAgrees check both paths agree.
//
// It runs only on documents whose last byte is '}' (fastSafe). Every byte
// it checks before moving on (a digit, a letter, ',', '"', '[', ']') is
// then not the last byte, so the byte after it exists, and runs of digits
// or letters end inside the document: its loops need no end checks of
// their own (Go's bounds checks stay, and never fire).

// fastMinRoom is the room an event needs after it for the fast path: the
// last events of a document (the rest of the document is shorter than
// this) take the general parser.
const fastMinRoom = 48

// fastSafe reports whether the fast path may run on document b.
func fastSafe(b []byte) bool { return len(b) > 0 && b[len(b)-1] == '}' }

// digitRun parses the run of decimal digits at b[i:] (possibly empty) and
// returns its value (meaningless past 19 digits) and the index after it.
func digitRun(b []byte, i int) (uint64, int) {
	var v uint64
	for {
		c := b[i] - '0'
		if c > 9 {
			return v, i
		}
		v = v*10 + uint64(c)
		i++
	}
}

// fastUint parses 1 to 12 digits without a superfluous leading zero.
func fastUint(b []byte, i int) (uint64, int, bool) {
	v, j := digitRun(b, i)
	if n := j - i; n == 0 || n > 12 || (n > 1 && b[i] == '0') {
		return 0, i, false
	}
	return v, j, true
}

// fastNum parses [-]digits[.1-3 digits].
func fastNum(b []byte, i int) (float64, int, bool) {
	start := i
	neg := b[i] == '-'
	if neg {
		i++
	}
	m, j, ok := fastUint(b, i)
	if !ok {
		return 0, start, false
	}
	var f float64
	switch b[j] {
	case '.':
		frac, k := digitRun(b, j+1)
		n := k - j - 1
		if n == 0 || n > 3 || b[k] == 'e' || b[k] == 'E' {
			return 0, start, false
		}
		// m < 10^15 < 2^53 and 10^n are exact, so the quotient is
		// correctly rounded, as strconv.ParseFloat's is.
		f = float64(m*pow10u[n]+frac) / pow10[n]
		j = k
	case 'e', 'E':
		return 0, start, false
	default:
		f = float64(m)
	}
	if neg {
		f = -f
	}
	return f, j, true
}

var pow10u = [...]uint64{1, 10, 100, 1000}

// fastInt parses [-]digits with no fraction or exponent.
func fastInt(b []byte, i int) (int, int, bool) {
	start := i
	neg := b[i] == '-'
	if neg {
		i++
	}
	v, j, ok := fastUint(b, i)
	if !ok || b[j] == '.' || b[j] == 'e' || b[j] == 'E' || v > 1<<40 {
		return 0, start, false
	}
	if neg {
		return -int(v), j, true
	}
	return int(v), j, true
}

// fastType reads the quoted event type at b[i:] (b[i] is '"') and returns
// it with the index after the closing quote, or 0.
func fastType(b []byte, i int) (EntryType, int) {
	c0 := b[i+1]
	c1 := b[i+2]
	if c1 == '"' {
		switch c0 {
		case 'd':
			return EntryKeyDown, i + 3
		case 'u':
			return EntryKeyUp, i + 3
		case 'i':
			return EntryInput, i + 3
		case 'f':
			return EntryFocus, i + 3
		case 'b':
			return EntryBlur, i + 3
		case 'p':
			return EntryPaste, i + 3
		case 'v':
			return EntryValue, i + 3
		}
		return 0, i
	}
	if c1 < 'a' || c1 > 'z' || b[i+3] != '"' {
		return 0, i
	}
	switch {
	case c0 == 'b' && c1 == 'i':
		return EntryBeforeInput, i + 4
	case c0 == 'c' && c1 == 's':
		return EntryCompositionStart, i + 4
	case c0 == 'c' && c1 == 'u':
		return EntryCompositionUpdate, i + 4
	case c0 == 'c' && c1 == 'e':
		return EntryCompositionEnd, i + 4
	}
	return 0, i
}

// fastEvent decodes one event at d.i into e, or returns false and leaves
// d.i unchanged (e may then hold anything; the caller resets it).
func (d *decoder) fastEvent(e *Entry, prev []Entry) bool {
	b, i := d.b, d.i
	if len(b)-i < fastMinRoom || b[i] != '[' || b[i+1] != '"' {
		return false
	}
	typ, i := fastType(b, i+1)
	if typ == 0 || b[i] != ',' {
		return false
	}
	t, i, ok := fastNum(b, i+1)
	if !ok || !(t >= 0 && t <= maxTime) || b[i] != ',' {
		return false
	}
	dd, i, ok := fastNum(b, i+1)
	if !ok || !(dd >= -maxTime && dd <= maxTime) || b[i] != ',' {
		return false
	}
	fl, i, ok := fastInt(b, i+1)
	if !ok || fl < 0 || fl > flagsAll {
		return false
	}
	*e = Entry{Type: typ, T: t, D: dd, Flags: Flags(fl), Ref: -1}
	switch typ {
	case EntryKeyDown, EntryKeyUp:
		// ,"l"
		if b[i] != ',' || b[i+1] != '"' {
			return false
		}
		if e.Key = keyClass(b[i+2 : i+3]); e.Key == KeyNone || b[i+3] != '"' {
			return false
		}
		i += 4
		if typ == EntryKeyUp {
			if b[i] != ',' {
				return false
			}
			if e.Ref, i, ok = fastInt(b, i+1); !ok || e.Ref < -1 || e.Ref >= len(prev) || e.Ref >= 0 && prev[e.Ref].Type != EntryKeyDown {
				return false
			}
		}
	case EntryBeforeInput, EntryInput:
		if b[i] != ',' || b[i+1] != '"' {
			return false
		}
		i += 2
		if hasPrefix(b[i:], `insertText"`) { // most input events
			e.InputType = InputInsertText
			i += len(`insertText"`)
		} else {
			j := i
			for isLetter(b[j]) {
				j++
			}
			if b[j] != '"' || j-i > maxTypeLen {
				return false
			}
			e.InputType = parseInputType(b[i:j])
			i = j + 1
		}
		if typ == EntryInput {
			if b[i] != ',' {
				return false
			}
			if e.N, i, ok = fastInt(b, i+1); !ok || e.N < -maxLen || e.N > maxLen {
				return false
			}
		}
	case EntryFocus:
		var moves, kind int
		var path, disp, since float64
		if b[i] != ',' {
			return false
		}
		if e.N, i, ok = fastInt(b, i+1); !ok || e.N < 0 || e.N > maxLen || b[i] != ',' {
			return false
		}
		if moves, i, ok = fastInt(b, i+1); !ok || moves < 0 || moves > maxMoves || b[i] != ',' {
			return false
		}
		if path, i, ok = fastNum(b, i+1); !ok || !(path >= 0 && path <= maxPx) || b[i] != ',' {
			return false
		}
		if disp, i, ok = fastNum(b, i+1); !ok || !(disp >= 0 && disp <= maxPx) || b[i] != ',' {
			return false
		}
		if kind, i, ok = fastInt(b, i+1); !ok || kind < 0 || kind > 3 || b[i] != ',' {
			return false
		}
		// The closing ']' is checked here already: a focus the fast path
		// gives up on must not have taken a Pointer.
		if since, i, ok = fastNum(b, i+1); !ok || !(since == -1 || since >= 0 && since <= maxTime) || b[i] != ']' {
			return false
		}
		e.Pointer = d.newPointer()
		*e.Pointer = Pointer{Moves: moves, Path: path, Disp: disp, Kind: PointerKind(kind), SinceDown: since}
	case EntryBlur, EntryValue:
		if b[i] != ',' {
			return false
		}
		lo := 0
		if typ == EntryValue {
			lo = -maxLen
		}
		if e.N, i, ok = fastInt(b, i+1); !ok || e.N < lo || e.N > maxLen {
			return false
		}
	}
	if b[i] != ']' {
		return false
	}
	d.i = i + 1
	return true
}
