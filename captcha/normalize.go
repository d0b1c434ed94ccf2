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
// For example Normalize(" Café  Ｍｉｎｔ-9 ") == "cafémint9".
func Normalize(s string) string {
	return string(AppendNormalized(nil, s))
}

// AppendNormalized appends the normalised form of s (see Normalize) to dst
// and returns the extended slice. It allocates nothing for ASCII input when
// dst has room.
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
	var it norm.Iter
	it.InitString(norm.NFKC, s)
	for !it.Done() {
		seg := it.Next()
		for len(seg) > 0 {
			r, size := utf8.DecodeRune(seg)
			seg = seg[size:]
			if !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)) {
				continue
			}
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		}
	}
	return dst
}
