package behavior

import (
	"bytes"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Default limits used for zero Limits fields.
const (
	DefaultMaxBytes       = 32 << 10
	DefaultMaxFields      = 32
	DefaultMaxEvents      = 2000
	DefaultMaxFieldEvents = 1000
)

// Bounds on individual values; larger values are rejected as malformed.
const (
	maxTime    = 1e11    // ms, about 3 years (a tab may stay open for weeks)
	maxStep    = 1000    // ms
	maxLen     = 1 << 20 // UTF-16 code units
	maxMoves   = 1 << 24
	maxPx      = 1e8
	maxNameLen = 128
	maxTypeLen = 40
	maxDepth   = 16 // nesting depth when skipping unknown members
)

// Limits bound what Decode accepts. The zero value of each field means its
// default (DefaultMaxBytes and so on); Limits{} is ready to use.
type Limits struct {
	// MaxBytes is the longest accepted document.
	MaxBytes int
	// MaxFields is the most fields in one document.
	MaxFields int
	// MaxEvents is the most events over all fields.
	MaxEvents int
	// MaxFieldEvents is the most events in one field.
	MaxFieldEvents int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxFields <= 0 {
		l.MaxFields = DefaultMaxFields
	}
	if l.MaxEvents <= 0 {
		l.MaxEvents = DefaultMaxEvents
	}
	if l.MaxFieldEvents <= 0 {
		l.MaxFieldEvents = DefaultMaxFieldEvents
	}
	return l
}

// Decode parses a telemetry document with the default Limits.
// See Limits.Decode.
func Decode(data []byte) (*Telemetry, error) { return Limits{}.Decode(data) }

// Decode parses a telemetry document strictly. It rejects, with a
// *DecodeError, documents longer than MaxBytes (ErrTooLarge), with a "v"
// other than Version (ErrVersion), with more fields or events than allowed
// (ErrLimit), and anything else that is not exactly the wire format
// (ErrMalformed): bad JSON, unknown, duplicate or missing members, values
// out of range, and handling times (T+D) that go backwards within a field or
// come after the submit. It never returns partial results.
//
// Decode is safe for concurrent use.
func (l Limits) Decode(data []byte) (*Telemetry, error) {
	return l.decode(data, false)
}

// DecodeTo is Decode into t, for servers that decode many documents and
// want to reuse memory: it overwrites all of *t, and reuses the memory of
// the fields and events of an earlier DecodeTo into the same t, so that
// decoding a stream of similar documents allocates nothing. Slices read
// from t before the call (Fields, Events) are overwritten by it. On error
// *t is the zero Telemetry (apart from the memory kept for reuse) and the
// error is the same as Decode's. A Telemetry must not be decoded into by
// two goroutines at once.
func (l Limits) DecodeTo(t *Telemetry, data []byte) error {
	d := decoder{into: t}
	_, err := d.run(l, data, false)
	return err
}

// decode decodes data; slow disables the fast path (for tests).
func (l Limits) decode(data []byte, slow bool) (*Telemetry, error) {
	var d decoder
	return d.run(l, data, slow)
}

func (d *decoder) run(l Limits, data []byte, slow bool) (*Telemetry, error) {
	l = l.withDefaults()
	t := d.into
	if t != nil {
		// Keep the memory for reuse; the old values are overwritten.
		fields, pool, ptrs := t.fieldBuf[:0], t.pool[:0], t.ptrBuf[:0]
		*t = Telemetry{fieldBuf: fields, pool: pool, ptrBuf: ptrs}
		d.fieldBuf, d.reuse, d.ptrs = fields, pool, ptrs
	} else {
		t = &Telemetry{}
	}
	if err := l.checkSize(len(data)); err != nil {
		return nil, err
	}
	d.b, d.lim, d.slow = data, l, slow || !fastSafe(data)
	d.document(t)
	if d.err != nil {
		if d.into != nil {
			*t = Telemetry{fieldBuf: d.fieldBuf, pool: d.keep(), ptrBuf: d.ptrs[:0]}
		}
		return nil, d.err
	}
	if d.into != nil {
		t.fieldBuf, t.pool, t.ptrBuf = d.fieldBuf, d.keep(), d.ptrs[:0]
	}
	return t, nil
}

// checkSize returns the error for a document of n bytes when it exceeds
// MaxBytes (l has its defaults applied), else nil.
func (l Limits) checkSize(n int) error {
	if n > l.MaxBytes {
		return &DecodeError{Offset: l.MaxBytes, Err: ErrTooLarge, Msg: strconv.Itoa(n) + " bytes, limit " + strconv.Itoa(l.MaxBytes)}
	}
	return nil
}

// keep returns the events memory to keep for the next DecodeTo: the
// larger of the reused and the new backing array.
func (d *decoder) keep() []Entry {
	if cap(d.pool) > cap(d.reuse) {
		return d.pool[:0]
	}
	return d.reuse[:0]
}

type decoder struct {
	b    []byte
	i    int
	lim  Limits
	err  *DecodeError
	pool []Entry // backing array of all fields' events
	slow bool    // never use fastEvent
	buf  []byte

	// Which event encodings the document used: arrays (version 1) or
	// strings (version 2).
	sawV1, sawV2 bool

	// ptrs holds the Pointer of each focus event.
	ptrs []Pointer

	// DecodeTo's target and the memory it offers for reuse.
	into     *Telemetry
	fieldBuf []Field
	reuse    []Entry
}

// newPointer returns a zero Pointer for a focus event, from an array for
// all of them (one allocation for the usual one focus per field).
func (d *decoder) newPointer() *Pointer {
	if len(d.ptrs) == cap(d.ptrs) {
		// Pointers already handed out keep the old array alive.
		d.ptrs = make([]Pointer, 0, max(4, 2*cap(d.ptrs)))
	}
	d.ptrs = d.ptrs[:len(d.ptrs)+1]
	p := &d.ptrs[len(d.ptrs)-1]
	*p = Pointer{}
	return p
}

func (d *decoder) fail(sentinel error, msg string) {
	if d.err == nil {
		d.err = &DecodeError{Offset: d.i, Err: sentinel, Msg: msg}
	}
}

func (d *decoder) bad(msg string) { d.fail(ErrMalformed, msg) }

func (d *decoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (d *decoder) peek() byte {
	d.ws()
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

func (d *decoder) expect(c byte) bool {
	if d.i < len(d.b) && d.b[d.i] == c && d.err == nil {
		d.i++
		return true
	}
	return d.expectSlow(c)
}

func (d *decoder) expectSlow(c byte) bool {
	if d.err != nil {
		return false
	}
	if d.peek() != c {
		if d.i >= len(d.b) {
			d.bad("unexpected end of document, expected '" + string(c) + "'")
		} else {
			d.bad("expected '" + string(c) + "'")
		}
		return false
	}
	d.i++
	return true
}

// more is called after an element of an array or object: it consumes ','
// and returns true, or consumes the closing byte and returns false.
func (d *decoder) more(closing byte) bool {
	if d.i < len(d.b) && d.err == nil {
		switch d.b[d.i] {
		case ',':
			d.i++
			return true
		case closing:
			d.i++
			return false
		}
	}
	return d.moreSlow(closing)
}

func (d *decoder) moreSlow(closing byte) bool {
	if d.err != nil {
		return false
	}
	switch d.peek() {
	case ',':
		d.i++
		return true
	case closing:
		d.i++
		return false
	}
	d.bad("expected ',' or '" + string(closing) + "'")
	return false
}

// rawString parses a JSON string and returns its contents, unescaped. The
// result aliases the input when there are no escapes, else d.buf.
func (d *decoder) rawString() []byte {
	if !d.expect('"') {
		return nil
	}
	b := d.b
	start := d.i
	ascii := true
	for i := start; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '"':
			d.i = i + 1
			s := b[start:i]
			if !ascii && !utf8.Valid(s) {
				d.i = start
				d.bad("invalid UTF-8 in string")
				return nil
			}
			return s
		case c == '\\':
			d.i = i
			return d.escapedString(start)
		case c < 0x20:
			d.i = i
			d.bad("control character in string")
			return nil
		case c >= 0x80:
			ascii = false
		}
	}
	d.i = len(b)
	d.bad("unterminated string")
	return nil
}

func (d *decoder) escapedString(start int) []byte {
	buf := append(d.buf[:0], d.b[start:d.i]...)
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			d.buf = buf
			if !utf8.Valid(buf) {
				d.bad("invalid UTF-8 in string")
				return nil
			}
			return buf
		case c < 0x20:
			d.bad("control character in string")
			return nil
		case c != '\\':
			buf = append(buf, c)
			d.i++
			continue
		}
		if d.i+1 >= len(d.b) {
			break
		}
		e := d.b[d.i+1]
		d.i += 2
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return nil
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if d.i+1 < len(d.b) && d.b[d.i] == '\\' && d.b[d.i+1] == 'u' {
					d.i += 2
					if r2, ok = d.hex4(); !ok {
						return nil
					}
				}
				r = utf16.DecodeRune(r, r2)
				if r == utf8.RuneError {
					d.bad("invalid surrogate pair in string")
					return nil
				}
			}
			buf = utf8.AppendRune(buf, r)
		default:
			d.i -= 2
			d.bad("invalid escape in string")
			return nil
		}
	}
	d.bad("unterminated string")
	return nil
}

func (d *decoder) hex4() (rune, bool) {
	if d.i+4 > len(d.b) {
		d.bad("short \\u escape")
		return 0, false
	}
	var r rune
	for _, c := range d.b[d.i : d.i+4] {
		r <<= 4
		switch {
		case '0' <= c && c <= '9':
			r |= rune(c - '0')
		case 'a' <= c && c <= 'f':
			r |= rune(c - 'a' + 10)
		case 'A' <= c && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			d.bad("bad \\u escape")
			return 0, false
		}
	}
	d.i += 4
	return r, true
}

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// number parses a JSON number.
func (d *decoder) number() float64 {
	if d.err != nil {
		return 0
	}
	// Fast path for what the collector writes: up to 12 integer digits and
	// at most 3 decimals, no sign or exponent, followed by ',' or ']'.
	if b, i := d.b, d.i; i < len(b) && '0' <= b[i] && b[i] <= '9' && (b[i] != '0' || i+1 < len(b) && (b[i+1] == '.' || b[i+1] == ',' || b[i+1] == ']')) {
		var m uint64
		j := i
		for j < len(b) && j-i < 12 && '0' <= b[j] && b[j] <= '9' {
			m = m*10 + uint64(b[j]-'0')
			j++
		}
		frac := 0
		if j < len(b) && b[j] == '.' {
			k := j + 1
			for k < len(b) && k-j <= 3 && '0' <= b[k] && b[k] <= '9' {
				m = m*10 + uint64(b[k]-'0')
				k++
			}
			frac = k - j - 1
			j = k
		}
		if j < len(b) && (b[j] == ',' || b[j] == ']') && b[j-1] != '.' {
			d.i = j
			return float64(m) / pow10[frac]
		}
	}
	if d.i < len(d.b) && (d.b[d.i] == ' ' || d.b[d.i] == '\t' || d.b[d.i] == '\n' || d.b[d.i] == '\r') {
		d.ws()
	}
	start := d.i
	b := d.b
	i := d.i
	neg := false
	if i < len(b) && b[i] == '-' {
		neg = true
		i++
	}
	var mant uint64
	digits := 0
	fracDigits := 0
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			if digits < 19 {
				mant = mant*10 + uint64(b[i]-'0')
			}
			digits++
			i++
		}
	default:
		d.bad("expected a number")
		return 0
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			d.i = i
			d.bad("bad number")
			return 0
		}
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			if digits < 19 {
				mant = mant*10 + uint64(b[i]-'0')
				fracDigits++
			}
			if mant != 0 || b[i] != '0' {
				digits++
			}
			i++
		}
	}
	exp := false
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		exp = true
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			d.i = i
			d.bad("bad number")
			return 0
		}
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	}
	d.i = i
	if !exp && digits <= 15 && fracDigits < len(pow10) {
		// Exact: an integer below 2^53 divided by an exact power of ten
		// is correctly rounded by one IEEE division.
		f := float64(mant) / pow10[fracDigits]
		if neg {
			f = -f
		}
		return f
	}
	f, err := strconv.ParseFloat(string(b[start:i]), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		d.i = start
		d.bad("number out of range")
		return 0
	}
	return f
}

// rng parses a number and checks lo <= x <= hi.
func (d *decoder) rng(what string, lo, hi float64) float64 {
	at := d.i
	x := d.number()
	if d.err == nil && !(x >= lo && x <= hi) {
		d.i = at
		d.bad(what + " out of range")
	}
	return x
}

// integer parses an integer in [lo, hi], written as JSON digits with an
// optional minus sign (no fraction or exponent).
func (d *decoder) integer(what string, lo, hi int) int {
	if d.err != nil {
		return 0
	}
	if d.i < len(d.b) && (d.b[d.i] == ' ' || d.b[d.i] == '\t' || d.b[d.i] == '\n' || d.b[d.i] == '\r') {
		d.ws()
	}
	at := d.i
	b, i := d.b, d.i
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
	start := i
	v := 0
	for i < len(b) && '0' <= b[i] && b[i] <= '9' && i-start < 10 {
		v = v*10 + int(b[i]-'0')
		i++
	}
	d.i = i
	switch {
	case i == start:
		d.bad(what + ": expected an integer")
		return 0
	case i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E' || '0' <= b[i] && b[i] <= '9'),
		i-start > 1 && b[start] == '0':
		d.i = at
		d.bad(what + ": expected an integer")
		return 0
	}
	if neg {
		v = -v
	}
	if v < lo || v > hi {
		d.i = at
		d.bad(what + " must be in [" + strconv.Itoa(lo) + ", " + strconv.Itoa(hi) + "]")
		return 0
	}
	return v
}

func (d *decoder) boolean() bool {
	if d.err != nil {
		return false
	}
	d.ws()
	switch {
	case hasPrefix(d.b[d.i:], "true"):
		d.i += 4
		return true
	case hasPrefix(d.b[d.i:], "false"):
		d.i += 5
		return false
	}
	d.bad("expected true or false")
	return false
}

func hasPrefix(b []byte, s string) bool {
	return len(b) >= len(s) && string(b[:len(s)]) == s
}

// skip skips any JSON value (used for unknown members, to find "v").
func (d *decoder) skip(depth int) {
	if d.err != nil {
		return
	}
	if depth > maxDepth {
		d.bad("nesting too deep")
		return
	}
	switch d.peek() {
	case '{':
		d.i++
		if d.peek() == '}' {
			d.i++
			return
		}
		for {
			d.rawString()
			d.expect(':')
			d.skip(depth + 1)
			if !d.more('}') {
				return
			}
		}
	case '[':
		d.i++
		if d.peek() == ']' {
			d.i++
			return
		}
		for {
			d.skip(depth + 1)
			if !d.more(']') {
				return
			}
		}
	case '"':
		d.rawString()
	case 't', 'f':
		d.boolean()
	case 'n':
		if hasPrefix(d.b[d.i:], "null") {
			d.i += 4
			return
		}
		d.bad("unexpected value")
	default:
		d.number()
	}
}

// Member bits for duplicate and required checks.
const (
	mV = 1 << iota
	mStep
	mWD
	mLoad
	mSubmit
	mFields
	mDropped
)

// document decodes the document into t, which is zero but for the memory
// kept for reuse; on error it returns with d.err set.
func (d *decoder) document(t *Telemetry) {
	if !d.expect('{') {
		return
	}
	var seen int
	version, versionOK := -1.0, false
	unknownAt, unknown := -1, ""
	versionAt := 0
	if d.peek() == '}' {
		d.i++
	} else {
		for d.err == nil {
			keyAt := d.i
			key := d.rawString()
			if !d.expect(':') {
				break
			}
			bit := 0
			switch string(key) {
			case "v":
				bit = mV
				versionAt = d.i
				version = d.number()
				versionOK = d.err == nil
			case "step":
				bit = mStep
				t.Step = d.rng("step", 0, maxStep)
			case "wd":
				bit = mWD
				t.WebDriver = d.boolean()
			case "ld":
				bit = mLoad
				t.Load = d.rng("ld", 0, maxTime)
			case "x":
				bit = mDropped
				t.Dropped = d.integer("x", 0, maxLen)
			case "s":
				bit = mSubmit
				d.submit(&t.Submit)
			case "f":
				bit = mFields
				t.Fields = d.fields()
			default:
				if unknownAt < 0 {
					unknownAt, unknown = keyAt, string(key)
				}
				d.skip(0)
			}
			if bit != 0 {
				if seen&bit != 0 {
					d.i = keyAt
					d.bad("duplicate member " + strconv.Quote(string(key)))
					break
				}
				seen |= bit
			}
			if !d.more('}') {
				break
			}
		}
	}
	// A version mismatch is reported before any other problem, so a newer
	// document gets a clear error rather than "unknown member".
	if versionOK && version != 1 && version != Version {
		d.err = &DecodeError{Offset: versionAt, Err: ErrVersion, Msg: "version " + strconv.FormatFloat(version, 'g', -1, 64) + ", want 1 or " + strconv.Itoa(Version)}
		return
	}
	if d.err != nil {
		return
	}
	if d.peek() != 0 {
		d.bad("data after the document")
		return
	}
	switch {
	case unknownAt >= 0:
		d.i = unknownAt
		d.bad("unknown member " + strconv.Quote(unknown))
	case seen&mV == 0:
		d.bad(`missing member "v"`)
	case seen&mSubmit == 0:
		d.bad(`missing member "s"`)
	case seen&mFields == 0:
		d.bad(`missing member "f"`)
	}
	if d.err != nil {
		return
	}
	switch {
	case version == 1 && d.sawV2:
		d.bad("version 1 events must be arrays")
		return
	case version == 2 && d.sawV1:
		d.bad("version 2 events must be strings")
		return
	}
	t.Version = int(version)
	d.check(t)
}

// check verifies cross-member constraints: handling times do not go
// backwards within a field and do not pass the submit.
func (d *decoder) check(t *Telemetry) {
	tol := 2*t.Step + 0.2
	hi := t.Submit.At() + tol
	if t.Load > hi {
		d.bad("load after submit")
		return
	}
	for fi := range t.Fields {
		es := t.Fields[fi].Events
		// lo is the latest handling time so far, less tol (the latest, not
		// the last: a time that went back within tol stays allowed).
		latest, lo := math.Inf(-1), math.Inf(-1)
		for ei := range es {
			at := es[ei].T + es[ei].D
			if at < lo || at > hi {
				why := " handled before the one preceding it"
				if at > hi {
					why = " handled after the submit"
				}
				d.bad("field " + strconv.Quote(t.Fields[fi].Name) + ": event " + strconv.Itoa(ei) + why)
				return
			}
			if at > latest {
				latest, lo = at, at-tol
			}
		}
	}
}

// submit parses [t, d, flags, via, moves, path, disp, kind, sinceDown].
func (d *decoder) submit(s *Submit) {
	if !d.expect('[') {
		return
	}
	s.T = d.rng("submit time", 0, maxTime)
	d.expect(',')
	s.D = d.rng("submit delay", -maxTime, maxTime)
	d.expect(',')
	s.Flags = Flags(d.integer("submit flags", 0, flagsAll))
	d.expect(',')
	at := d.i
	switch v := d.rawString(); string(v) {
	case "":
		s.Via = ViaUnknown
	case "c":
		s.Via = ViaClick
	case "k":
		s.Via = ViaKey
	default:
		if d.err == nil {
			d.i = at
			d.bad(`submit via must be "", "c" or "k"`)
		}
	}
	d.expect(',')
	d.pointer(&s.Pointer)
	d.expect(']')
}

func (d *decoder) pointer(p *Pointer) {
	p.Moves = d.integer("pointer moves", 0, maxMoves)
	d.expect(',')
	p.Path = d.rng("pointer path", 0, maxPx)
	d.expect(',')
	p.Disp = d.rng("pointer displacement", 0, maxPx)
	d.expect(',')
	p.Kind = PointerKind(d.integer("pointer kind", 0, 3))
	d.expect(',')
	at := d.i
	p.SinceDown = d.number()
	if d.err == nil && !(p.SinceDown == -1 || (p.SinceDown >= 0 && p.SinceDown <= maxTime)) {
		d.i = at
		d.bad("pointer down time must be -1 or in [0, 1e11]")
	}
}

func (d *decoder) fields() []Field {
	if !d.expect('[') {
		return nil
	}
	if d.peek() == ']' {
		d.i++
		return nil
	}
	fs := d.fieldBuf[:0]
	if cap(fs) == 0 {
		fs = make([]Field, 0, 4)
	}
	for d.err == nil {
		if len(fs) == d.lim.MaxFields {
			d.fail(ErrLimit, "more than "+strconv.Itoa(d.lim.MaxFields)+" fields")
			return nil
		}
		at := d.i
		// A reused array still holds the previous document's field here:
		// the same form posts the same names, which need no new string.
		var oldName string
		if len(fs) < cap(fs) {
			oldName = fs[:len(fs)+1][len(fs)].Name
		}
		fs = append(fs, Field{})
		if cap(fs) > cap(d.fieldBuf) {
			d.fieldBuf = fs[:0]
		}
		d.field(&fs[len(fs)-1], oldName)
		if d.err != nil {
			return nil
		}
		name := fs[len(fs)-1].Name
		for i := range len(fs) - 1 {
			if fs[i].Name == name {
				d.i = at
				d.bad("duplicate field name " + strconv.Quote(name))
				return nil
			}
		}
		if !d.more(']') {
			break
		}
	}
	return fs
}

const (
	fName = 1 << iota
	fInitial
	fFinal
	fAutofill
	fEvents
)

// field decodes one field object into f; oldName, when equal to the
// decoded name, is used instead of a new string.
func (d *decoder) field(f *Field, oldName string) {
	if !d.expect('{') {
		return
	}
	seen := 0
	if d.peek() == '}' {
		d.bad("empty field object")
		return
	}
	for d.err == nil {
		keyAt := d.i
		key := d.rawString()
		if !d.expect(':') {
			return
		}
		bit := 0
		switch string(key) {
		case "n":
			bit = fName
			at := d.i
			n := d.rawString()
			if d.err == nil && (len(n) == 0 || len(n) > maxNameLen) {
				d.i = at
				d.bad("field name must be 1 to " + strconv.Itoa(maxNameLen) + " bytes")
			}
			if string(n) == oldName {
				f.Name = oldName
			} else {
				f.Name = string(n)
			}
		case "l0":
			bit = fInitial
			f.InitialLen = d.integer("l0", 0, maxLen)
		case "l":
			bit = fFinal
			f.FinalLen = d.integer("l", 0, maxLen)
		case "a":
			bit = fAutofill
			f.Autofill = d.boolean()
		case "e":
			bit = fEvents
			if d.peek() == '"' {
				f.Events = d.eventsV2()
			} else {
				f.Events = d.events()
			}
		default:
			d.i = keyAt
			d.bad("unknown field member " + strconv.Quote(string(key)))
			return
		}
		if seen&bit != 0 {
			d.i = keyAt
			d.bad("duplicate field member " + strconv.Quote(string(key)))
			return
		}
		seen |= bit
		if !d.more('}') {
			break
		}
	}
	if d.err == nil && seen&(fName|fEvents) != fName|fEvents {
		d.bad(`field needs "n" and "e"`)
	}
}

func (d *decoder) events() []Entry {
	if !d.expect('[') {
		return nil
	}
	if d.peek() == ']' {
		d.i++
		return nil
	}
	d.sawV1 = true
	d.allocPool(false)
	start := len(d.pool)
loop:
	for d.err == nil {
		e, prev := d.nextEntry(start)
		if e == nil {
			return nil
		}
		if d.slow || !d.fastEvent(e, prev) {
			*e = Entry{}
			d.event(e, prev)
		}
		if d.i < len(d.b) && d.err == nil { // d.more(']'), inlined: once per event
			switch d.b[d.i] {
			case ',':
				d.i++
				continue
			case ']':
				d.i++
				break loop
			}
		}
		if !d.more(']') {
			break
		}
	}
	if d.err != nil {
		return nil
	}
	return d.pool[start:len(d.pool):len(d.pool)]
}

// nextEntry makes room in d.pool for one more event of the field whose
// events start at index start, and returns it (to be written in full) with
// the field's earlier events. It fails with ErrLimit, returning nil, when
// the field or the document already holds the most events allowed.
func (d *decoder) nextEntry(start int) (*Entry, []Entry) {
	k := len(d.pool)
	if k-start == d.lim.MaxFieldEvents {
		d.fail(ErrLimit, "more than "+strconv.Itoa(d.lim.MaxFieldEvents)+" events in a field")
		return nil, nil
	}
	if k == d.lim.MaxEvents {
		d.fail(ErrLimit, "more than "+strconv.Itoa(d.lim.MaxEvents)+" events")
		return nil, nil
	}
	if k < cap(d.pool) {
		d.pool = d.pool[:k+1]
	} else {
		d.pool = append(d.pool, Entry{})
	}
	return &d.pool[k], d.pool[start:k]
}

// allocPool sets up, at the first events of a document, one backing array
// for the events of all fields, big enough for them all: each version 1
// event is an array, so the '[' left in the document bound their number;
// each version 2 event but the first of a field follows a ';', and each
// field is an object, so the ';' and '{' left bound theirs. (A document
// that breaks the bound is malformed, mixing the two; the pool then grows.)
func (d *decoder) allocPool(v2 bool) {
	if d.pool != nil {
		return
	}
	rest := d.b[d.i:]
	var n int
	if v2 {
		n = bytes.Count(rest, []byte{';'}) + bytes.Count(rest, []byte{'{'}) + 1
	} else {
		n = bytes.Count(rest, []byte{'['})
	}
	n = min(n, d.lim.MaxEvents)
	if cap(d.reuse) >= n {
		d.pool = d.reuse[:0]
	} else {
		d.pool = make([]Entry, 0, n)
	}
}

func eventType(b []byte) EntryType {
	switch string(b) {
	case "f":
		return EntryFocus
	case "b":
		return EntryBlur
	case "d":
		return EntryKeyDown
	case "u":
		return EntryKeyUp
	case "bi":
		return EntryBeforeInput
	case "i":
		return EntryInput
	case "p":
		return EntryPaste
	case "cs":
		return EntryCompositionStart
	case "cu":
		return EntryCompositionUpdate
	case "ce":
		return EntryCompositionEnd
	case "v":
		return EntryValue
	}
	return 0
}

// keyClasses maps a key class's wire letter to the class.
var keyClasses = [256]KeyClass{'l': KeyLetter, 'd': KeyDigit, 's': KeyShift, 'b': KeyBackspace, 'o': KeyOther, 'u': KeyUnidentified}

// keyClass returns the class spelled b, or KeyNone.
func keyClass(b []byte) KeyClass {
	if len(b) != 1 {
		return KeyNone
	}
	return keyClasses[b[0]]
}

func (d *decoder) inputType() InputType {
	at := d.i
	b := d.rawString()
	if d.err != nil {
		return 0
	}
	if len(b) > maxTypeLen {
		d.i = at
		d.bad("inputType too long")
		return 0
	}
	for _, c := range b {
		if !isLetter(c) {
			d.i = at
			d.bad("inputType must be ASCII letters")
			return 0
		}
	}
	return parseInputType(b)
}

// event parses one event array; prev are the field's earlier events.
func (d *decoder) event(e *Entry, prev []Entry) {
	if !d.expect('[') {
		return
	}
	at := d.i
	e.Type = eventType(d.rawString())
	if d.err != nil {
		return
	}
	if e.Type == 0 {
		d.i = at
		d.bad("unknown event type")
		return
	}
	d.expect(',')
	e.T = d.rng("event time", 0, maxTime)
	d.expect(',')
	e.D = d.rng("event delay", -maxTime, maxTime)
	d.expect(',')
	e.Flags = Flags(d.integer("event flags", 0, flagsAll))
	e.Ref = -1
	switch e.Type {
	case EntryFocus:
		d.expect(',')
		e.N = d.integer("focus length", 0, maxLen)
		d.expect(',')
		e.Pointer = d.newPointer()
		d.pointer(e.Pointer)
	case EntryBlur:
		d.expect(',')
		e.N = d.integer("blur length", 0, maxLen)
	case EntryKeyDown, EntryKeyUp:
		d.expect(',')
		at := d.i
		e.Key = keyClass(d.rawString())
		if d.err == nil && e.Key == KeyNone {
			d.i = at
			d.bad("unknown key class")
			return
		}
		if e.Type == EntryKeyUp {
			d.expect(',')
			at := d.i
			e.Ref = d.integer("keyup reference", -1, len(prev)-1)
			if d.err == nil && e.Ref >= 0 && prev[e.Ref].Type != EntryKeyDown {
				d.i = at
				d.bad("keyup reference is not a keydown")
				return
			}
		}
	case EntryBeforeInput:
		d.expect(',')
		e.InputType = d.inputType()
	case EntryInput:
		d.expect(',')
		e.InputType = d.inputType()
		d.expect(',')
		e.N = d.integer("input length change", -maxLen, maxLen)
	case EntryValue:
		d.expect(',')
		e.N = d.integer("value length change", -maxLen, maxLen)
	}
	d.expect(']')
}
