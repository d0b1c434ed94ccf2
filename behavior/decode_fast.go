package behavior

// The fast path decodes one event written exactly as the collector writes
// it: no whitespace, no escapes, numbers with at most 12 integer digits and
// 3 decimals. Anything else, including any value the slow path would
// reject, makes it return false without consuming input, and the general
// parser (event) takes over and reports the precise error. FuzzDecode
// checks both paths agree.

// fastUint parses 1 to 12 digits without a superfluous leading zero. (A
// longer run of digits overflows v but is rejected.)
func fastUint(b []byte, i int) (uint64, int, bool) {
	var v uint64
	j := i
	for ; j < len(b); j++ {
		c := b[j] - '0'
		if c > 9 {
			break
		}
		v = v*10 + uint64(c)
	}
	if n := j - i; n == 0 || n > 12 || (n > 1 && b[i] == '0') {
		return 0, i, false
	}
	return v, j, true
}

// fastNum parses [-]digits[.1-3 digits].
func fastNum(b []byte, i int) (float64, int, bool) {
	start := i
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
	m, j, ok := fastUint(b, i)
	if !ok {
		return 0, start, false
	}
	if j >= len(b) {
		return 0, start, false // a document ends with '}', never a number
	}
	var f float64
	switch b[j] {
	case '.':
		k := j + 1
		for ; k < len(b); k++ {
			c := b[k] - '0'
			if c > 9 {
				break
			}
			m = m*10 + uint64(c)
		}
		frac := k - j - 1
		if frac == 0 || frac > 3 || k < len(b) && (b[k] == 'e' || b[k] == 'E') {
			return 0, start, false
		}
		// m < 10^15 < 2^53 and 10^frac are exact, so the quotient is
		// correctly rounded, as strconv.ParseFloat's is.
		f = float64(m) / pow10[frac]
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

// fastInt parses [-]digits with no fraction or exponent.
func fastInt(b []byte, i int) (int, int, bool) {
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
	v, j, ok := fastUint(b, i)
	if !ok || j < len(b) && (b[j] == '.' || b[j] == 'e' || b[j] == 'E') || v > 1<<40 {
		return 0, i, false
	}
	if neg {
		return -int(v), j, true
	}
	return int(v), j, true
}

// sep consumes the byte c at b[i].
func sep(b []byte, i int, c byte) (int, bool) {
	if i < len(b) && b[i] == c {
		return i + 1, true
	}
	return i, false
}

// fastEvent decodes one event at d.i into e, or returns false and leaves
// d.i unchanged.
func (d *decoder) fastEvent(e *Entry, prev []Entry) bool {
	b, i := d.b, d.i
	if i+5 >= len(b) || b[i] != '[' || b[i+1] != '"' {
		return false
	}
	i += 2
	var typ EntryType
	switch {
	case b[i+1] == '"':
		typ = eventType(b[i : i+1])
		i += 2
	case i+2 < len(b) && b[i+2] == '"':
		typ = eventType(b[i : i+2])
		i += 3
	}
	if typ == 0 {
		return false
	}
	var ok bool
	var t, dd float64
	var fl int
	if i, ok = sep(b, i, ','); !ok {
		return false
	}
	if t, i, ok = fastNum(b, i); !ok || !(t >= 0 && t <= maxTime) {
		return false
	}
	if i, ok = sep(b, i, ','); !ok {
		return false
	}
	if dd, i, ok = fastNum(b, i); !ok || !(dd >= -maxTime && dd <= maxTime) {
		return false
	}
	if i, ok = sep(b, i, ','); !ok {
		return false
	}
	if fl, i, ok = fastInt(b, i); !ok || fl < 0 || fl > flagsAll {
		return false
	}
	x := Entry{Type: typ, T: t, D: dd, Flags: Flags(fl), Ref: -1}
	switch typ {
	case EntryFocus:
		var moves, kind int
		var path, disp, since float64
		if i, ok = sep(b, i, ','); !ok {
			return false
		}
		if x.N, i, ok = fastInt(b, i); !ok || x.N < 0 || x.N > maxLen {
			return false
		}
		if i, ok = sep(b, i, ','); !ok {
			return false
		}
		if moves, i, ok = fastInt(b, i); !ok || moves < 0 || moves > maxMoves {
			return false
		}
		if i, ok = sep(b, i, ','); !ok {
			return false
		}
		if path, i, ok = fastNum(b, i); !ok || !(path >= 0 && path <= maxPx) {
			return false
		}
		if i, ok = sep(b, i, ','); !ok {
			return false
		}
		if disp, i, ok = fastNum(b, i); !ok || !(disp >= 0 && disp <= maxPx) {
			return false
		}
		if i, ok = sep(b, i, ','); !ok {
			return false
		}
		if kind, i, ok = fastInt(b, i); !ok || kind < 0 || kind > 3 {
			return false
		}
		if i, ok = sep(b, i, ','); !ok {
			return false
		}
		if since, i, ok = fastNum(b, i); !ok || !(since == -1 || since >= 0 && since <= maxTime) {
			return false
		}
		x.Pointer = Pointer{Moves: moves, Path: path, Disp: disp, Kind: PointerKind(kind), SinceDown: since}
	case EntryBlur, EntryValue:
		if i, ok = sep(b, i, ','); !ok {
			return false
		}
		lo := 0
		if typ == EntryValue {
			lo = -maxLen
		}
		if x.N, i, ok = fastInt(b, i); !ok || x.N < lo || x.N > maxLen {
			return false
		}
	case EntryKeyDown, EntryKeyUp:
		if i+4 >= len(b) || b[i] != ',' || b[i+1] != '"' || b[i+3] != '"' {
			return false
		}
		if x.Key = keyClass(b[i+2 : i+3]); x.Key == KeyNone {
			return false
		}
		i += 4
		if typ == EntryKeyUp {
			if i, ok = sep(b, i, ','); !ok {
				return false
			}
			if x.Ref, i, ok = fastInt(b, i); !ok || x.Ref < -1 || x.Ref >= len(prev) || x.Ref >= 0 && prev[x.Ref].Type != EntryKeyDown {
				return false
			}
		}
	case EntryBeforeInput, EntryInput:
		if i+2 >= len(b) || b[i] != ',' || b[i+1] != '"' {
			return false
		}
		i += 2
		if hasPrefix(b[i:], `insertText"`) { // most input events
			x.InputType = InputInsertText
			i += len(`insertText"`)
		} else {
			j := i
			for j < len(b) && j-i <= maxTypeLen && ('a' <= b[j] && b[j] <= 'z' || 'A' <= b[j] && b[j] <= 'Z') {
				j++
			}
			if j >= len(b) || b[j] != '"' || j-i > maxTypeLen {
				return false
			}
			x.InputType = parseInputType(b[i:j])
			i = j + 1
		}
		if typ == EntryInput {
			if i, ok = sep(b, i, ','); !ok {
				return false
			}
			if x.N, i, ok = fastInt(b, i); !ok || x.N < -maxLen || x.N > maxLen {
				return false
			}
		}
	}
	if i, ok = sep(b, i, ']'); !ok {
		return false
	}
	*e = x
	d.i = i
	return true
}
