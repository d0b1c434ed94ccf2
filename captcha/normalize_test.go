package captcha_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/tollgate/tollgate/captcha"
)

func TestNormalize(t *testing.T) {
	nfd := norm.NFD.String("한강공원")
	tests := []struct{ in, want string }{
		{"Seoul Station", "seoulstation"},
		{"  seoul-station!  ", "seoulstation"},
		{"SEOUL\tSTATION\n", "seoulstation"},
		{"Ｓｅｏｕｌ", "seoul"},   // full-width letters
		{"１２３４５６", "123456"}, // full-width digits
		{"한강공원", "한강공원"},
		{nfd, "한강공원"}, // Hangul typed as jamo by an IME
		{"한강 공원", "한강공원"},
		{"카페 '모닝'", "카페모닝"},
		{"Café", "café"},
		{"Cafe\u0301", "café"}, // decomposed accent composes
		{"", ""},
		{"!!! ...", ""},
		{"ÅNGSTRÖM", "ångström"},
		// What a dropped character separated composes all the same.
		{"\u1109 \u1169\u11af담역", "솔담역"}, // jamo either side of a space
		{"\u1109-\u1169\u11af", "솔"},
		{"하 \u11ab", "한"},             // a syllable and a final consonant
		{"e-\u0301", "é"},             // a letter and its accent
		{"a\u0301-\u0323", "ạ\u0301"}, // marks in canonical order, then composed
		// Compatibility characters decompose, then what is kept composes.
		{"①②", "12"},
		{"㈜", "주"},
		{"ﬁ", "fi"},
		{"\u212a", "k"}, // Kelvin sign
		{"\u00a8a", "\u0308a"},
		{"\xff한\xfe", "한"},   // invalid UTF-8 is dropped
		{"\xf1\u0149", "ʼn"}, // byte by byte: what follows decomposes
		// At most 30 non-starters in a run, so that composing inserts no
		// U+034F: marks, and vowel and final jamo.
		{"가" + strings.Repeat("\u0301", 40), "가" + strings.Repeat("\u0301", 29)},
		{"각" + strings.Repeat("\u0301", 40), "각" + strings.Repeat("\u0301", 28)},
		{norm.NFD.String("각") + strings.Repeat("\u0301", 40), "각" + strings.Repeat("\u0301", 28)},
		{"a" + strings.Repeat("\u0301", 40), "á" + strings.Repeat("\u0301", 29)},
		{"a" + strings.Repeat("\u0301", 20) + "-" + strings.Repeat("\u0301", 20), "á" + strings.Repeat("\u0301", 29)},
	}
	for _, tc := range tests {
		got := captcha.Normalize(tc.in)
		if got != tc.want {
			t.Errorf("Normalize(%+q) = %+q, want %+q", tc.in, got, tc.want)
		}
		if again := captcha.Normalize(got); again != got {
			t.Errorf("Normalize(Normalize(%+q)) = %+q, want %+q", tc.in, again, got)
		}
	}
	if len(nfd) == len("한강공원") {
		t.Fatal("test setup: NFD form should differ from NFC")
	}
}

// TestAppendNormalized checks that AppendNormalized appends to what dst
// holds, composing nothing across it, and allocates nothing for ASCII,
// Hangul or full-width input when dst has room.
func TestAppendNormalized(t *testing.T) {
	for _, tc := range []struct{ dst, in, want string }{
		{"x", "Seoul", "xseoul"},
		{"x", "Café", "xcafé"},
		{"e", "\u0301", "e\u0301"},
		{"\u1109", "\u1169", "\u1109\u1169"},
	} {
		if got := string(captcha.AppendNormalized([]byte(tc.dst), tc.in)); got != tc.want {
			t.Errorf("AppendNormalized(%+q, %+q) = %+q, want %+q", tc.dst, tc.in, got, tc.want)
		}
	}
	var buf [128]byte
	for _, in := range []string{"Seoul Station", "한강 공원", norm.NFD.String("한강 공원"), "Ｓｅｏｕｌ"} {
		if n := testing.AllocsPerRun(10, func() { captcha.AppendNormalized(buf[:0], in) }); n != 0 {
			t.Errorf("AppendNormalized(buf, %q) allocates %v times, want 0", in, n)
		}
	}
}

// normalizeRef is Normalize as its documentation defines it, written
// directly on package norm: the NFKD decomposition, lower-cased, without
// what is not a letter, digit or mark, then NFC, invalid UTF-8 dropped
// first (package norm would leave the rune after an invalid byte
// undecomposed: FuzzNormalize found "\xf1\u0149"). It reports whether that
// is what Normalize must return: it is not when s holds a run of more than
// 30 non-starters (runes that can combine with what precedes them), before
// or after the filter, as Normalize then drops some and package norm's NFKD
// inserts U+034F.
func normalizeRef(s string) (string, bool) {
	s = strings.ToValidUTF8(s, "")
	d := norm.NFKD.String(s)
	exact := strings.Count(d, "\u034f") == strings.Count(s, "\u034f")
	var b []byte
	run := 0
	for _, r := range d {
		if !keptRune(r) {
			continue
		}
		if starter(r) {
			run = 0
		} else if run++; run > 30 {
			exact = false
		}
		b = utf8.AppendRune(b, unicode.ToLower(r))
	}
	return norm.NFC.String(string(b)), exact
}

func keptRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }

func starter(r rune) bool { return norm.NFC.PropertiesString(string(r)).BoundaryBefore() }

// TestNormalizeRunes checks, for every rune, the Unicode properties that
// make Normalize idempotent (see AppendNormalized), and that Normalize of
// the rune alone agrees with normalizeRef.
func TestNormalizeRunes(t *testing.T) {
	const cgj = "\u034f" // what package norm inserts into too long runs of non-starters
	bad := 0
	fail := func(format string, args ...any) {
		t.Helper()
		if bad++; bad <= 20 {
			t.Errorf(format, args...)
		}
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if 0xD800 <= r && r <= 0xDFFF {
			continue
		}
		s := string(r)
		want, _ := normalizeRef(s) // a single rune has no long runs
		if got := captcha.Normalize(s); got != want {
			fail("Normalize(%+q) = %+q, want %+q", s, got, want)
		}
		if 0x1100 <= r && r <= 0x11FF && (!unicode.IsLetter(r) || unicode.ToLower(r) != r || norm.NFKD.String(s) != s) {
			fail("jamo %+q is not a letter without case or decomposition", r)
		}
		for _, x := range norm.NFKD.String(s) {
			if !keptRune(x) {
				continue
			}
			y := unicode.ToLower(x)
			ys := string(y)
			n := 30 // the longest run of non-starters that package norm leaves alone
			if starter(y) {
				n++
			}
			switch {
			case norm.NFKD.String(ys) != ys:
				fail("%+q, kept from %+q and lower-cased, is not its own NFKD", y, r)
			case !keptRune(y) || unicode.ToLower(y) != y:
				fail("%+q, kept from %+q and lower-cased, is not kept or not its own lower case", y, r)
			case starter(y) != starter(x) || norm.NFD.PropertiesString(ys).CCC() != norm.NFD.PropertiesString(string(x)).CCC():
				fail("%+q lower-cased to %+q changes its combining class or whether it is a starter", x, y)
			case strings.Count(norm.NFC.String("a"+strings.Repeat(ys, n)), cgj) > strings.Count(ys, cgj)*n:
				fail("package norm counts %+q as more than one non-starter, or a starter as one", y)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d failures", bad)
	}
}

func TestDigestMatchesHMAC(t *testing.T) {
	secret := []byte("a server secret")
	h := captcha.NewHasher(secret)
	for _, answer := range []string{"", "Seoul Station", "한강 공원", strings.Repeat("long answer ", 40)} {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte(captcha.Normalize(answer)))
		var want captcha.Digest
		copy(want[:], m.Sum(nil))
		if got := h.Digest(answer); got != want {
			t.Errorf("Digest(%q) = %x, want HMAC-SHA256 %x", answer, got, want)
		}
	}
	long := captcha.NewHasher([]byte(strings.Repeat("k", 100)))
	m := hmac.New(sha256.New, []byte(strings.Repeat("k", 100)))
	m.Write([]byte("abc"))
	if got := long.Digest("ABC"); string(got[:]) != string(m.Sum(nil)) {
		t.Errorf("Digest with a 100-byte secret = %x, want %x", got, m.Sum(nil))
	}
}

// FuzzNormalize checks that Normalize is idempotent, gives NFKC without
// spaces or punctuation, agrees with normalizeRef, and ignores where ASCII
// spaces and punctuation were.
func FuzzNormalize(f *testing.F) {
	if a, b := captcha.Normalize("\u1109 \u1169\u11af담역"), captcha.Normalize("솔담역"); a != b {
		f.Fatalf("Normalize(\"\u1109 \u1169\u11af담역\") = %+q, Normalize(\"솔담역\") = %+q, want equal", a, b)
	}
	for _, s := range []string{
		"Seoul Station", "한강공원", norm.NFD.String("한강공원"), "Ｓｅｏｕｌ", "\xff\xfe", "",
		"\u1109 \u1169\u11af담역", "a\u0301-\u0323", "a" + strings.Repeat("\u0301", 20) + " " + strings.Repeat("\u0323", 20),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := captcha.Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%+q) = %+q, not valid UTF-8", s, n)
		}
		if again := captcha.Normalize(n); again != n {
			t.Fatalf("Normalize not idempotent: Normalize(%+q) = %+q, Normalize of that = %+q", s, n, again)
		}
		if !norm.NFKC.IsNormalString(n) {
			t.Fatalf("Normalize(%+q) = %+q, not in NFKC", s, n)
		}
		if strings.ContainsAny(n, " \t\n.,-") {
			t.Fatalf("Normalize(%+q) = %+q keeps spaces or punctuation", s, n)
		}
		if want, exact := normalizeRef(s); exact && n != want {
			t.Fatalf("Normalize(%+q) = %+q, want %+q", s, n, want)
		}
		stripped := strings.Map(func(r rune) rune {
			if r < utf8.RuneSelf && !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
				return -1
			}
			return r
		}, s)
		if got := captcha.Normalize(stripped); got != n {
			t.Fatalf("Normalize(%+q) = %+q, but without its ASCII spaces and punctuation %+q", s, n, got)
		}
	})
}

func FuzzValidID(f *testing.F) {
	f.Add("AAAAAAAAAAAAAAAAAAAAAA")
	f.Add("AAAAAAAAAAAAAAAAAAAAAB")
	f.Add("")
	f.Add("________________________")
	f.Fuzz(func(t *testing.T, s string) {
		if captcha.ValidID(s) && len(s) != 22 {
			t.Fatalf("ValidID(%q) = true for length %d", s, len(s))
		}
	})
}

// BenchmarkNormalize measures AppendNormalized into a buffer with room, as
// Hasher.Digest calls it: the ASCII cases must allocate nothing.
func BenchmarkNormalize(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"ascii", "Seoul Station"},
		{"hangul", "한강 공원"},
		{"jamo", norm.NFD.String("한강 공원")},
		{"fullwidth", "Ｓｅｏｕｌ Ｓｔａｔｉｏｎ"},
		{"latin", "Ångström Café"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var buf [128]byte
			for b.Loop() {
				captcha.AppendNormalized(buf[:0], bc.in)
			}
		})
	}
}
