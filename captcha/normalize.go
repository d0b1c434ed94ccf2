package captcha

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize returns the form in which answers are compared: Unicode NFKC
// (so Hangul typed as decomposed jamo by an IME matches the precomposed
// syllables, and full-width letters match ASCII), lower case (simple case
// folding), with everything that is not a letter, digit or combining mark
// removed (white space, punctuation, symbols).
//
// Removing a character does not keep apart what it separated: jamo, or a
// letter and a combining mark, on either side of a space compose all the
// same, so Normalize("ᄉ ᅩᆯ") == "솔". A run of more than 30 combining
// marks (or Hangul vowel and final jamo), more than any word needs, is cut
// to 30, as in Unicode's Stream-Safe Text Format. Normalize is idempotent,
// Normalize(Normalize(s)) == Normalize(s), and its result is in NFKC.
//
// For example Normalize(" Café  Ｍｉｎｔ-9 ") == "cafémint9".
func Normalize(s string) string {
	return string(AppendNormalized(nil, s))
}

// AppendNormalized appends the normalised form of s (see Normalize) to dst
// and returns the extended slice. When dst has room it allocates nothing for
// ASCII, Hangul (syllables or jamo) or full-width letters and digits; letters
// with diacritics cost two allocations.
func AppendNormalized(dst []byte, s string) []byte {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		for i := 0; i < len(s); i++ {
			c := s[i]
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				dst = append(dst, c)
			case 'A' <= c && c <= 'Z':
				dst = append(dst, c+('a'-'A'))
			}
		}
		return dst
	}
	// Filter and fold the NFKD decomposition, and only then compose (NFC),
	// so that what a dropped character kept apart composes all the same.
	//
	// Why Normalize(t) == t for t = Normalize(s): every rune that
	// folder.add keeps, lower-cased, is its own NFKD decomposition and its
	// own lower case, is kept again, and is a starter or not as the rune it
	// came from (TestNormalizeRunes checks every rune). t is canonically
	// equivalent to what appendFolded kept from s, so appendFolded keeps
	// from t the same runes up to canonical order, which moves no rune past
	// a starter: all of them, as their runs of non-starters are within
	// maxNonStarters already. Canonically equivalent strings have the same
	// NFC: t. And NFKC(t) = NFC(NFKD(t)) = t. composeHangul and isComposed
	// only spare package norm work: composing jamo gives a canonically
	// equivalent string, and a string that isComposed is its own NFC.
	var buf [256]byte
	u := appendFolded(buf[:0], s)
	u = composeHangul(u)
	if isComposed(u) {
		return append(dst, u...)
	}
	// Marks to compose or reorder: package norm does it, on a copy, as it
	// would keep hold of buf and so move it to the heap.
	tmp := make([]byte, 2*len(u))
	src := tmp[:copy(tmp, u)]
	return append(dst, norm.NFC.Append(tmp[len(u):len(u)], src...)...)
}

// isComposed reports whether b, valid UTF-8 whose runes are each in NFC, is
// in NFC as a whole because no rune in it combines with what precedes it: no
// composition and no reordering can then apply.
func isComposed(b []byte) bool {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		p := norm.NFC.Properties(b[i:])
		if !p.BoundaryBefore() {
			return false
		}
		i += p.Size()
	}
	return true
}

// maxNonStarters bounds a run of non-starters: runes that can combine with
// what precedes them (Properties.BoundaryBefore is false), such as combining
// marks and Hangul vowel and final jamo. The non-starters past it are
// dropped. It is the bound of Unicode's Stream-Safe Text Format, past which
// package norm inserts U+034F (a mark, which Normalize keeps) when
// composing: with no longer runs, composing inserts nothing, as idempotency
// needs.
const maxNonStarters = 30

// appendFolded appends to dst a string canonically equivalent to the NFKD
// decomposition of s lower-cased, with only its letters, digits and
// combining marks, and at most maxNonStarters non-starters in a run, as
// package norm counts them. Hangul syllables stay composed.
func appendFolded(dst []byte, s string) []byte {
	f := folder{b: dst}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				f.b = append(f.b, c)
			case 'A' <= c && c <= 'Z':
				f.b = append(f.b, c+('a'-'A'))
			default:
				i++
				continue
			}
			f.run = 0
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case hangulBase <= r && r < hangulBase+hangulCount:
			// A letter without case, canonically equivalent to its jamo:
			// a leading consonant, then one or two non-starters.
			f.b = append(f.b, s[i:i+size]...)
			f.run = 1
			if (r-hangulBase)%jamoTCount != 0 {
				f.run = 2
			}
		case 0x1100 <= r && r <= 0x11FF:
			// A jamo: a letter without case or decomposition.
			f = f.keep(r, norm.NFC.PropertiesString(s[i:i+size]).BoundaryBefore())
		default:
			p := norm.NFKD.PropertiesString(s[i : i+size])
			d := p.Decomposition()
			if d == nil {
				f = f.add(r, p.BoundaryBefore())
				break
			}
			for len(d) > 0 {
				p := norm.NFKD.Properties(d)
				r, _ := utf8.DecodeRune(d)
				f = f.add(r, p.BoundaryBefore())
				d = d[p.Size():]
			}
		}
		i += size
	}
	return f.b
}

// folder accumulates what appendFolded keeps.
type folder struct {
	b   []byte
	run int // the number of non-starters b ends with
}

// add returns f with r lower-cased appended if r is a letter, digit or
// mark. r must be its own NFKD decomposition, and starter whether it is not
// a non-starter (lower-casing changes neither).
func (f folder) add(r rune, starter bool) folder {
	if !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)) {
		return f
	}
	return f.keep(unicode.ToLower(r), starter)
}

// keep returns f with r appended, unless r is a non-starter past
// maxNonStarters in a run.
func (f folder) keep(r rune, starter bool) folder {
	if starter {
		f.run = 0
	} else if f.run++; f.run > maxNonStarters {
		return f
	}
	f.b = utf8.AppendRune(f.b, r)
	return f
}

// Hangul syllables compose from jamo arithmetically (The Unicode Standard,
// section 3.12).
const (
	hangulBase  = 0xAC00
	hangulCount = 11172
	jamoLBase   = 0x1100
	jamoVBase   = 0x1161
	jamoTBase   = 0x11A7
	jamoLCount  = 19
	jamoVCount  = 21
	jamoTCount  = 28
)

// composeHangul composes, in place, the conjoining jamo in b into Hangul
// syllables as canonical composition does, and returns the shortened b. What
// it writes is canonically equivalent to what it reads, and never longer.
func composeHangul(b []byte) []byte {
	w := 0
	last := rune(-1) // the rune at b[lastAt:w]
	lastAt := 0
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		i += size
		switch {
		case jamoLBase <= last && last < jamoLBase+jamoLCount && jamoVBase <= r && r < jamoVBase+jamoVCount:
			last = hangulBase + ((last-jamoLBase)*jamoVCount+r-jamoVBase)*jamoTCount
			w = lastAt + utf8.EncodeRune(b[lastAt:], last)
			continue
		case hangulBase <= last && last < hangulBase+hangulCount && (last-hangulBase)%jamoTCount == 0 &&
			jamoTBase < r && r < jamoTBase+jamoTCount:
			last += r - jamoTBase
			w = lastAt + utf8.EncodeRune(b[lastAt:], last)
			continue
		}
		last, lastAt = r, w
		w += utf8.EncodeRune(b[w:], r)
	}
	return b[:w]
}
