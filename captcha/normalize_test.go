package captcha_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"strings"
	"testing"
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
	}
	for _, tc := range tests {
		if got := captcha.Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if len(nfd) == len("한강공원") {
		t.Fatal("test setup: NFD form should differ from NFC")
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

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Seoul Station", "한강공원", norm.NFD.String("한강공원"), "Ｓｅｏｕｌ", "\xff\xfe", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := captcha.Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q, not valid UTF-8", s, n)
		}
		if again := captcha.Normalize(n); again != n {
			t.Fatalf("Normalize not idempotent: Normalize(%q) = %q, Normalize of that = %q", s, n, again)
		}
		if strings.ContainsAny(n, " \t\n.,-") {
			t.Fatalf("Normalize(%q) = %q keeps spaces or punctuation", s, n)
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
