package pow

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
)

// counterSyntax is the canonical counter, written independently of Verify.
var counterSyntax = regexp.MustCompile(`^(0|[1-9][0-9]{0,11})$`)

// referenceVerify is Verify written the slow, plain way from the wire
// format in the package documentation, against a store in which every
// puzzle is live.
func referenceVerify(secret []byte, solution string, now time.Time) (Result, error) {
	challenge, counter, ok := strings.Cut(solution, ":")
	if !ok || !counterSyntax.MatchString(counter) {
		return Result{}, ErrInvalid
	}
	raw, err := base64.RawURLEncoding.DecodeString(challenge)
	if err != nil || len(raw) != 58 || base64.RawURLEncoding.EncodeToString(raw) != challenge {
		return Result{}, ErrInvalid
	}
	k := hmac.New(sha256.New, secret)
	k.Write([]byte("tollgate/pow/challenge"))
	m := hmac.New(sha256.New, k.Sum(nil))
	m.Write(raw[:26])
	if !hmac.Equal(m.Sum(nil), raw[26:]) || raw[0] != 1 || raw[25] > 32 {
		return Result{}, ErrInvalid
	}
	if now.UnixMilli() >= int64(binary.BigEndian.Uint64(raw[1:9])) {
		return Result{}, ErrExpired
	}
	if zeroBits(solution) < int(raw[25]) {
		return Result{}, ErrInvalid
	}
	return Result{Difficulty: int(raw[25])}, nil
}

// FuzzVerify checks that Verify never panics, answers only with its
// sentinels, and agrees with referenceVerify on every input.
func FuzzVerify(f *testing.F) {
	ctx := context.Background()
	iss, err := New(testSecret, WithStore(liveStore{}))
	if err != nil {
		f.Fatal(err)
	}
	now := t0.Add(time.Minute)
	for _, d := range []int{0, 1, 2, 4, 8} {
		p, err := iss.Issue(ctx, d, t0)
		if err != nil {
			f.Fatal(err)
		}
		_, sol := solve(p.Challenge, d)
		f.Add(sol)
		f.Add(failing(p.Challenge, d+1))
		f.Add(p.Challenge + ":00")
	}
	old, _ := iss.Issue(ctx, 0, t0.Add(-time.Hour))
	f.Add(old.Challenge + ":0")
	for _, s := range []string{"", ":", "0", strings.Repeat("A", 78) + ":0", strings.Repeat("_", 78) + ":999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, solution string) {
		res, err := iss.Verify(ctx, solution, now)
		want, wantErr := referenceVerify(testSecret, solution, now)
		if res != want || !errors.Is(err, wantErr) || (err == nil) != (wantErr == nil) {
			t.Fatalf("Verify(%q) = %+v, %v; the reference says %+v, %v", solution, res, err, want, wantErr)
		}
		if err != nil && !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrExpired) {
			t.Fatalf("Verify(%q) = %v, not a sentinel", solution, err)
		}
	})
}
