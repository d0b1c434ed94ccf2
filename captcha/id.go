package captcha

import (
	"encoding/base64"
	"fmt"
	"io"
)

// idBytes is the entropy of challenge ids, screen ids and token nonces.
const idBytes = 16

// idLen is the length of an id in base64url without padding.
const idLen = 22

// newID reads 128 random bits and encodes them URL-safe.
func newID(r io.Reader) (string, error) {
	var b [idBytes]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("captcha: reading randomness: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// ValidID reports whether s has the form of an id this package issues: 22
// characters of the URL-safe base64 alphabet that decode to 16 bytes. It
// lets handlers reject junk before touching the store.
func ValidID(s string) bool {
	if len(s) != idLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !urlSafe[s[i]] {
			return false
		}
	}
	// The last character carries 2 bits of padding that must be zero for
	// the id to be canonical.
	return base64Index(s[idLen-1])&0x0f == 0
}

func base64Index(c byte) byte {
	switch {
	case 'A' <= c && c <= 'Z':
		return c - 'A'
	case 'a' <= c && c <= 'z':
		return c - 'a' + 26
	case '0' <= c && c <= '9':
		return c - '0' + 52
	case c == '-':
		return 62
	}
	return 63
}

// urlSafe marks the bytes of the base64url alphabet.
var urlSafe = func() (t [256]bool) {
	for _, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" {
		t[c] = true
	}
	return t
}()
