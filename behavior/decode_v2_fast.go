package behavior

// fastEventsV2 is the version-2 twin of fastEvent: it appends the events
// of one field at b[i:] to pool exactly as eventV2 and eventsV2 would, for
// the events a collector writes, in fewer instructions: one loop for the
// whole string, no error messages, a table for the key class, and few
// live variables, so that they stay in registers. pool[start:] holds the
// field's events so far, of which it may hold room in all; t is the last
// one's time in tenths of a millisecond. It stops at the closing quote of
// the string (done), or before an event it does not take: a focus (one per
// field, not worth the code), one malformed or over a limit, or one that
// would outgrow pool's array. It returns the pool, and the index and time
// reached. Like eventV2 it relies on the closing quote to end every run of
// digits or letters; since the string has no other quote, meeting one
// after an event is meeting its end.
func fastEventsV2(b []byte, i int, pool []Entry, start, room int, t int64) (_ []Entry, _ int, _ int64, done bool) {
	// fs is the field's part of pool up to its limit; n events are in it.
	n := len(pool) - start
	fs := pool[start:min(start+room, cap(pool))]
	for n < len(fs) {
		typ := v2Types[b[i]]
		if typ == 0 || typ == EntryFocus {
			break
		}
		dt, j := v2Num(b, i+1)
		if j < 0 || b[j] != ',' {
			break
		}
		tt := t + dt
		if uint64(tt) > maxTime*10 { // or negative
			break
		}
		dd, j := v2Num(b, j+1)
		if j < 0 || b[j] != ',' || dd < -maxTime*10 || dd > maxTime*10 {
			break
		}
		fl, j := v2Num(b, j+1)
		if j < 0 || uint64(fl) > flagsAll {
			break
		}
		e := &fs[n]
		// Field by field: a composite literal would be built on the stack
		// and copied.
		e.Type, e.Key, e.Flags, e.InputType = typ, KeyNone, Flags(fl), 0
		e.Ref, e.N, e.T, e.D = -1, 0, float64(tt)/10, float64(dd)/10
		e.Pointer = nil
		switch typ {
		case EntryKeyDown, EntryKeyUp:
			if b[j] != ',' {
				j = -1
				break
			}
			if e.Key = keyClasses[b[j+1]]; e.Key == KeyNone {
				j = -1
				break
			}
			j += 2
			if typ == EntryKeyUp {
				var ref int64
				if ref, j = v2Member(b, j); j < 0 || ref >= int64(n) || ref < -1 || ref >= 0 && fs[ref].Type != EntryKeyDown {
					j = -1
					break
				}
				e.Ref = int(ref)
			}
		case EntryBeforeInput, EntryInput:
			if b[j] != ',' {
				j = -1
				break
			}
			var ok bool
			if e.InputType, j, ok = v2InputType(b, j+1); !ok {
				j = -1
				break
			}
			if typ == EntryInput {
				var v int64
				if v, j = v2Member(b, j); j < 0 || v < -maxLen || v > maxLen {
					j = -1
					break
				}
				e.N = int(v)
			}
		case EntryBlur, EntryValue:
			var v int64
			if v, j = v2Member(b, j); j < 0 || v > maxLen || v < -maxLen || v < 0 && typ == EntryBlur {
				j = -1
				break
			}
			e.N = int(v)
		}
		if j < 0 {
			break
		}
		switch b[j] {
		case ';':
			n++
			t, i = tt, j+1
			continue
		case '"':
			return pool[:start+n+1], j, tt, true
		}
		break
	}
	return pool[:start+n], i, t, false
}

// v2Num parses an integer of the version 2 grammar at b[i:], an optional
// '-' and 1 to 15 digits with no superfluous leading zero ("-0" is not an
// integer here), and returns it and the index after it, or -1 for the
// index.
func v2Num(b []byte, i int) (int64, int) {
	neg := b[i] == '-'
	if neg {
		i++
	}
	c := b[i] - '0'
	if c > 9 {
		return 0, -1
	}
	j := i + 1
	if c == 0 {
		if neg || b[j]-'0' <= 9 {
			return 0, -1
		}
		return 0, j
	}
	v := int64(c)
	for {
		c = b[j] - '0'
		if c > 9 {
			break
		}
		v = v*10 + int64(c)
		j++
	}
	if j-i > 15 {
		return 0, -1
	}
	if neg {
		v = -v
	}
	return v, j
}

// v2Member parses ",integer" at b[j:] with v2Num.
func v2Member(b []byte, j int) (int64, int) {
	if b[j] != ',' {
		return 0, -1
	}
	return v2Num(b, j+1)
}
