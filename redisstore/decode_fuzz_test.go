package redisstore

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/captcha"
)

// FuzzDecodeChallenge feeds arbitrary hash contents to the decoder of
// stored challenges: it must never panic, and what it accepts must be
// consistent with its input.
func FuzzDecodeChallenge(f *testing.F) {
	now := time.Date(2030, 1, 2, 3, 4, 5, 6, time.UTC)
	c := &captcha.Challenge{
		ID: "id", Kind: captcha.KindImage, Lang: "en", Screen: "s", Refreshes: 1,
		Answers: []captcha.Digest{{1}}, Decoys: []captcha.Digest{{2}},
		Created: now, Expires: now.Add(time.Minute), Attempts: 1, MaxAttempts: 3,
	}
	f.Add(encodeFields(append([]any{"s", c.Screen, "r", c.Refreshes}, challengeFields(c)...)))
	f.Add("es\x001\x00en\x000")
	f.Add("es\x001\x00en\x001000000000")
	f.Add("a\x00short\x00es\x001\x00en\x000")
	f.Add("odd")
	f.Add("n\x0099999999999999999999\x00es\x001\x00en\x000")
	f.Fuzz(func(t *testing.T, s string) {
		fields := make([]any, 0, 8)
		for _, p := range strings.Split(s, "\x00") {
			fields = append(fields, p)
		}
		got, err := decodeChallenge("id", fields)
		if err != nil {
			return
		}
		if got.ID != "id" || got.Expires.Nanosecond() < 0 {
			t.Fatalf("decodeChallenge = %+v", got)
		}
		for i := 0; i+1 < len(fields); i += 2 {
			if fields[i] == "a" && len(fields[i+1].(string)) != 32*len(got.Answers) {
				t.Fatalf("answers field of %d bytes decoded to %d digests", len(fields[i+1].(string)), len(got.Answers))
			}
		}
	})
}

// encodeFields renders field/value pairs as Redis stores them, joined by
// NUL bytes.
func encodeFields(kv []any) string {
	parts := make([]string, len(kv))
	for i, v := range kv {
		switch v := v.(type) {
		case string:
			parts[i] = v
		case int:
			parts[i] = strconv.Itoa(v)
		case int64:
			parts[i] = strconv.FormatInt(v, 10)
		}
	}
	return strings.Join(parts, "\x00")
}

// FuzzDecodeSuspect feeds arbitrary HMGET replies to the suspect decoder.
func FuzzDecodeSuspect(f *testing.F) {
	f.Add("3", "1900000000", "5", "1900000001", "999999999", "fast", false)
	f.Add("0", "1", "1", "1", "1", "", false)
	f.Add("", "", "", "", "", "", true)
	f.Add("1", "x", "1", "1", "1000000000", "r", false)
	f.Fuzz(func(t *testing.T, c, fs, fn, ls, ln, r string, missing bool) {
		vals := []any{c, fs, fn, ls, ln, r}
		if missing {
			vals[0] = nil
		}
		s, ok, err := decodeSuspect("k", vals)
		if err != nil || !ok {
			return
		}
		if s.Count < 1 || s.Key != "k" || s.LastReason != r {
			t.Fatalf("decodeSuspect = %+v", s)
		}
	})
}

// TestExpiryEncoding checks the value of a token key: exact times survive
// the round trip, and only the one spelling encodeExpiry writes decodes.
func TestExpiryEncoding(t *testing.T) {
	for _, tm := range []time.Time{
		time.Unix(0, 0), time.Unix(1767225600, 1), time.Unix(1767225600, 999999999),
		time.Unix(-5, 7), time.Date(9999, 12, 31, 23, 59, 59, 123456789, time.UTC),
	} {
		v := encodeExpiry(tm)
		got, err := decodeExpiry(v)
		if err != nil || !got.Equal(tm) {
			t.Errorf("decodeExpiry(encodeExpiry(%v) = %q) = %v, %v; want %v, nil", tm, v, got, err, tm)
		}
	}
	if got := encodeExpiry(time.Unix(1767225600, 5)); got != "1767225600.000000005" {
		t.Errorf("encodeExpiry = %q, want %q", got, "1767225600.000000005")
	}
	for _, v := range []string{"", "1", "1.", "1.5", "1.0000000001", "+1.000000000", "1.+00000000",
		"01.000000000", "1.-00000001", "x.000000000", "1.000000000 ", "1,000000000", "99999999999999999999.000000000"} {
		if got, err := decodeExpiry(v); !errors.Is(err, ErrCorrupt) {
			t.Errorf("decodeExpiry(%q) = %v, %v; want ErrCorrupt", v, got, err)
		}
	}
}

// FuzzDecodeExpiry feeds arbitrary token values to the decoder: it never
// panics, and what it accepts is exactly what encodeExpiry writes.
func FuzzDecodeExpiry(f *testing.F) {
	f.Add("1767225600.000000005")
	f.Add("-1.999999999")
	f.Add("1.5")
	f.Fuzz(func(t *testing.T, v string) {
		tm, err := decodeExpiry(v)
		if err != nil {
			return
		}
		if got := encodeExpiry(tm); got != v {
			t.Fatalf("decodeExpiry(%q) = %v, which encodes as %q", v, tm, got)
		}
	})
}
