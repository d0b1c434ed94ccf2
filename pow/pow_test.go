package pow

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// decodeChallenge returns the bytes of a challenge, which must be valid
// base64url.
func decodeChallenge(t *testing.T, c string) [rawLen]byte {
	t.Helper()
	var raw [rawLen]byte
	b, err := encoding.DecodeString(c)
	if err != nil || len(b) != rawLen {
		t.Fatalf("challenge %q: %d bytes, %v", c, len(b), err)
	}
	copy(raw[:], b)
	return raw
}

// sign returns the challenge of raw with its MAC recomputed: an authentic
// challenge with any content.
func sign(iss *Issuer, raw [rawLen]byte) string {
	mac := iss.mac(raw[:offMAC])
	copy(raw[offMAC:], mac[:])
	return encoding.EncodeToString(raw[:])
}

// failing returns the smallest counter whose digest misses difficulty d.
func failing(challenge string, d int) string {
	for n := 0; ; n++ {
		s := challenge + ":" + strconv.Itoa(n)
		if zeroBits(s) < d {
			return s
		}
	}
}

// flipCase changes the case of the first letter of s.
func flipCase(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case 'a' <= c && c <= 'z':
			b[i] = c - 'a' + 'A'
		case 'A' <= c && c <= 'Z':
			b[i] = c - 'A' + 'a'
		default:
			continue
		}
		break
	}
	return string(b)
}

func TestIssueVerify(t *testing.T) {
	for _, d := range []int{0, 1, 4, 8, 12, 16} {
		t.Run(strconv.Itoa(d), func(t *testing.T) {
			iss := newIssuer(t)
			p := issue(t, iss, d, t0)
			if p.Algorithm != "SHA-256" || p.Difficulty != d || !p.Expires.Equal(t0.Add(2*time.Minute)) || len(p.Challenge) != challengeLen {
				t.Fatalf("Issue(%d) = %+v, want SHA-256, difficulty %d, expiry %v, a %d-character challenge", d, p, d, t0.Add(2*time.Minute), challengeLen)
			}
			raw := decodeChallenge(t, p.Challenge)
			if raw[0] != version || int(raw[offDifficulty]) != d || int64(binary.BigEndian.Uint64(raw[offExpires:])) != p.Expires.UnixMilli() {
				t.Errorf("challenge bytes = version %d, difficulty %d, expires %d; want 1, %d, %d",
					raw[0], raw[offDifficulty], binary.BigEndian.Uint64(raw[offExpires:]), d, p.Expires.UnixMilli())
			}
			n, sol := solve(p.Challenge, d)
			res, err := iss.Verify(context.Background(), sol, t0.Add(time.Minute))
			if err != nil || res.Difficulty != d {
				t.Fatalf("Verify(counter %d) = %+v, %v; want difficulty %d", n, res, err, d)
			}
		})
	}
}

func TestIssueNonceUnique(t *testing.T) {
	iss := newIssuer(t)
	seen := map[string]bool{}
	for range 1000 {
		raw := decodeChallenge(t, issue(t, iss, 0, t0).Challenge)
		nonce := string(raw[offNonce:offDifficulty])
		if seen[nonce] {
			t.Fatalf("nonce %x issued twice", nonce)
		}
		seen[nonce] = true
	}
}

// Every failure before the store's Take spends nothing: the valid solution
// verifies afterwards.
func TestVerifyErrors(t *testing.T) {
	store := &recordStore{}
	iss := newIssuer(t, WithStore(store))
	p := issue(t, iss, 8, t0)
	c := p.Challenge
	_, sol := solve(c, 8)
	raw := decodeChallenge(t, c)
	// At difficulty 0 every digest passes: only the check under test can
	// refuse a solution of z.
	z := issue(t, iss, 0, t0).Challenge
	z7 := z + ":7"
	other, err := New([]byte("another secret of thirty-two b.."))
	if err != nil {
		t.Fatal(err)
	}
	otherSol := issue(t, other, 0, t0).Challenge + ":0"

	// Setting the unused low bits of the last character spells the same
	// bytes a second way. At difficulty 0 every digest passes, so only the
	// spelling can refuse it.
	alphabet := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, z[challengeLen-1])
	nonCanonical := z[:challengeLen-1] + string(alphabet[last|1]) + ":0"

	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	with := func(f func(r *[rawLen]byte)) [rawLen]byte {
		r := raw
		f(&r)
		return r
	}
	lowered := with(func(r *[rawLen]byte) { r[offDifficulty] = 0 })
	v2 := with(func(r *[rawLen]byte) { r[0], r[offDifficulty] = 2, 0 })
	v0 := with(func(r *[rawLen]byte) { r[0], r[offDifficulty] = 0, 0 })
	d33 := with(func(r *[rawLen]byte) { r[offDifficulty] = 33 })
	d255 := with(func(r *[rawLen]byte) { r[offDifficulty] = 255 })

	for _, tc := range []struct {
		name     string
		solution string
		now      time.Time
		want     error
	}{
		{"empty", "", t0, ErrInvalid},
		{"short", "x", t0, ErrInvalid},
		{"challenge only", z, t0, ErrInvalid},
		{"no counter", z + ":", t0, ErrInvalid},
		{"semicolon", z + ";7", t0, ErrInvalid},
		{"digit for colon", z + "07", t0, ErrInvalid},
		{"two colons", z + "::7", t0, ErrInvalid},
		{"colon moved", z[:challengeLen-1] + ":" + z[challengeLen-1:] + "7", t0, ErrInvalid},
		{"leading zero", z + ":07", t0, ErrInvalid},
		{"plus sign", z + ":+7", t0, ErrInvalid},
		{"minus sign", z + ":-7", t0, ErrInvalid},
		{"space", z + ": 7", t0, ErrInvalid},
		{"trailing space", z7 + " ", t0, ErrInvalid},
		{"trailing newline", z7 + "\n", t0, ErrInvalid},
		{"leading space", " " + z7, t0, ErrInvalid},
		{"NUL", z7 + "\x00", t0, ErrInvalid},
		{"hex counter", z + ":0x1", t0, ErrInvalid},
		{"exponent", z + ":1e3", t0, ErrInvalid},
		{"arabic digit", z + ":\u0661", t0, ErrInvalid},
		{"13 digits", z + ":1000000000000", t0, ErrInvalid},
		{"challenge padded", z + "==:7", t0, ErrInvalid},
		{"challenge cut", z[:challengeLen-1] + ":7", t0, ErrInvalid},
		{"standard alphabet", strings.Replace(z7, z[:1], "+", 1), t0, ErrInvalid},
		{"dot", "." + z7[1:], t0, ErrInvalid},
		{"case flipped", flipCase(z7), t0, ErrInvalid},
		{"non-canonical base64", nonCanonical, t0, ErrInvalid},
		{"forged MAC", flip(z, challengeLen-20) + ":7", t0, ErrInvalid},
		{"forged nonce", flip(z, 14) + ":7", t0, ErrInvalid},
		{"forged expiry", flip(z, 3) + ":7", t0, ErrInvalid},
		{"other secret", otherSol, t0, ErrInvalid},
		{"difficulty lowered", encoding.EncodeToString(lowered[:]) + ":0", t0, ErrInvalid},
		{"authentic version 2", sign(iss, v2) + ":0", t0, ErrInvalid},
		{"authentic version 0", sign(iss, v0) + ":0", t0, ErrInvalid},
		{"authentic difficulty 33", sign(iss, d33) + ":0", t0, ErrInvalid},
		{"authentic difficulty 255", sign(iss, d255) + ":0", t0, ErrInvalid},
		{"too few zero bits", failing(c, 8), t0, ErrInvalid},
		{"expired", sol, p.Expires, ErrExpired},
		{"long expired", sol, p.Expires.Add(time.Hour), ErrExpired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := iss.Verify(context.Background(), tc.solution, tc.now)
			if !errors.Is(err, tc.want) || res != (Result{}) {
				t.Errorf("Verify(%q) = %+v, %v; want %v", tc.solution, res, err, tc.want)
			}
		})
	}
	if store.takes != 0 {
		t.Errorf("the failed verifications took %d puzzles from the store, want 0", store.takes)
	}
	if _, err := iss.Verify(context.Background(), sol, p.Expires.Add(-time.Millisecond)); err != nil {
		t.Errorf("Verify(the solution, 1 ms before expiry) = %v, want success", err)
	}
}

// A puzzle is spent by its first valid solution, whatever the counter.
func TestVerifyReplay(t *testing.T) {
	iss := newIssuer(t)
	p := issue(t, iss, 4, t0)
	n, sol := solve(p.Challenge, 4)
	ctx := context.Background()
	if _, err := iss.Verify(ctx, sol, t0); err != nil {
		t.Fatalf("Verify = %v, want success", err)
	}
	if _, err := iss.Verify(ctx, sol, t0); !errors.Is(err, ErrSpent) {
		t.Errorf("Verify(the same solution again) = %v, want ErrSpent", err)
	}
	// Another counter that also solves the puzzle.
	for m := n + 1; ; m++ {
		s := p.Challenge + ":" + strconv.FormatUint(m, 10)
		if zeroBits(s) >= 4 {
			if _, err := iss.Verify(ctx, s, t0); !errors.Is(err, ErrSpent) {
				t.Errorf("Verify(another counter %d) = %v, want ErrSpent", m, err)
			}
			break
		}
	}
}

// A store that loses its data (here: a restart with an empty one) refuses
// the puzzles it lost.
func TestVerifyStoreLost(t *testing.T) {
	p := issue(t, newIssuer(t), 4, t0)
	_, sol := solve(p.Challenge, 4)
	restarted := newIssuer(t)
	if _, err := restarted.Verify(context.Background(), sol, t0); !errors.Is(err, ErrSpent) {
		t.Errorf("Verify(after the store lost the puzzle) = %v, want ErrSpent", err)
	}
}

// At its cap the MemoryStore evicts the puzzle closest to expiry, which is
// then refused like a spent one, never accepted.
func TestVerifyEvictedAtCap(t *testing.T) {
	iss := newIssuer(t, WithStore(NewMemoryStore(3)))
	var sols []string
	for k := range 4 {
		p := issue(t, iss, 2, t0.Add(time.Duration(k)*time.Millisecond))
		_, sol := solve(p.Challenge, 2)
		sols = append(sols, sol)
	}
	ctx := context.Background()
	for k, sol := range sols {
		_, err := iss.Verify(ctx, sol, t0)
		if k == 0 && !errors.Is(err, ErrSpent) || k > 0 && err != nil {
			t.Errorf("Verify(puzzle %d of 4, cap 3) = %v, want %v", k, err, map[bool]error{true: ErrSpent, false: nil}[k == 0])
		}
	}
	// A flood: every puzzle pushed out is refused.
	flood := newIssuer(t, WithStore(NewMemoryStore(16)))
	var early []string
	for k := range 200 {
		p := issue(t, flood, 1, t0.Add(time.Duration(k)*time.Millisecond))
		if k < 100 {
			_, sol := solve(p.Challenge, 1)
			early = append(early, sol)
		}
	}
	for k, sol := range early {
		if _, err := flood.Verify(ctx, sol, t0); !errors.Is(err, ErrSpent) {
			t.Fatalf("Verify(flooded-out puzzle %d) = %v, want ErrSpent", k, err)
		}
	}
	if n := flood.store.(*MemoryStore).len(); n > 16 {
		t.Errorf("the store holds %d puzzles, want at most its cap 16", n)
	}
}

func TestIssueClampsDifficulty(t *testing.T) {
	iss := newIssuer(t)
	for _, tc := range []struct{ in, want int }{
		{math.MinInt, 0}, {-100, 0}, {-1, 0}, {0, 0}, {1, 1}, {17, 17},
		{31, 31}, {32, 32}, {33, 32}, {1000, 32}, {math.MaxInt, 32},
	} {
		p := issue(t, iss, tc.in, t0)
		raw := decodeChallenge(t, p.Challenge)
		if p.Difficulty != tc.want || int(raw[offDifficulty]) != tc.want {
			t.Errorf("Issue(%d) = difficulty %d (challenge says %d), want %d", tc.in, p.Difficulty, raw[offDifficulty], tc.want)
		}
		if tc.want <= 1 {
			_, sol := solve(p.Challenge, tc.want)
			if res, err := iss.Verify(context.Background(), sol, t0); err != nil || res.Difficulty != tc.want {
				t.Errorf("Verify(Issue(%d)) = %+v, %v; want difficulty %d", tc.in, res, err, tc.want)
			}
		}
	}
}

// Store failures are reported, wrapped, and are none of the sentinels: a
// caller must not mistake an outage for a client's fault.
func TestStoreFailure(t *testing.T) {
	ctx := context.Background()
	broken := newIssuer(t, WithStore(failStore{}))
	if p, err := broken.Issue(ctx, 4, t0); !errors.Is(err, errDown) || p != (Puzzle{}) {
		t.Errorf("Issue with a failing store = %+v, %v; want no puzzle and the store's error", p, err)
	}
	p := issue(t, newIssuer(t), 4, t0)
	_, sol := solve(p.Challenge, 4)
	_, err := broken.Verify(ctx, sol, t0)
	if !errors.Is(err, errDown) || errors.Is(err, ErrSpent) || errors.Is(err, ErrInvalid) || !strings.HasPrefix(err.Error(), "pow: ") {
		t.Errorf("Verify with a failing store = %v, want the store's error, wrapped by pow", err)
	}
}

func TestNew(t *testing.T) {
	for _, n := range []int{0, 1, 15} {
		if iss, err := New(make([]byte, n)); err == nil || iss != nil {
			t.Errorf("New(a %d-byte secret) = %v, %v; want an error", n, iss, err)
		}
	}
	if _, err := New(make([]byte, 16)); err != nil {
		t.Errorf("New(a 16-byte secret) = %v, want success", err)
	}
	iss := newIssuer(t, WithTTL(time.Second), WithStore(nil))
	p := issue(t, iss, 0, t0)
	if !p.Expires.Equal(t0.Add(time.Second)) {
		t.Errorf("WithTTL(1s): expires %v, want %v", p.Expires, t0.Add(time.Second))
	}
	if _, ok := iss.store.(*MemoryStore); !ok {
		t.Errorf("WithStore(nil): store %T, want the MemoryStore", iss.store)
	}
	for _, d := range []time.Duration{0, -time.Second} {
		if p := issue(t, newIssuer(t, WithTTL(d)), 0, t0); !p.Expires.Equal(t0.Add(2 * time.Minute)) {
			t.Errorf("WithTTL(%v): expires %v, want the default 2 minutes", d, p.Expires)
		}
	}
	// Expiry is in milliseconds, rounded down.
	if p := issue(t, newIssuer(t), 0, t0.Add(1500*time.Microsecond)); !p.Expires.Equal(t0.Add(2*time.Minute + time.Millisecond)) {
		t.Errorf("expires %v, want %v", p.Expires, t0.Add(2*time.Minute+time.Millisecond))
	}
}

// Of concurrent verifications of one solution exactly one succeeds.
func TestVerifyConcurrent(t *testing.T) {
	iss := newIssuer(t)
	ctx := context.Background()
	for round := range 20 {
		p := issue(t, iss, 2, t0)
		_, sol := solve(p.Challenge, 2)
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, spent := 0, 0
		for range 8 {
			wg.Go(func() {
				_, err := iss.Verify(ctx, sol, t0)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errors.Is(err, ErrSpent):
					spent++
				default:
					t.Errorf("Verify = %v", err)
				}
			})
		}
		wg.Wait()
		if ok != 1 || spent != 7 {
			t.Fatalf("round %d: %d successes and %d ErrSpent of 8, want 1 and 7", round, ok, spent)
		}
	}
	// Many puzzles issued and solved at once.
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for k := range 50 {
				p, err := iss.Issue(ctx, 1, t0)
				if err != nil {
					t.Error(err)
					return
				}
				_, sol := solve(p.Challenge, 1)
				if _, err := iss.Verify(ctx, sol, t0); err != nil {
					t.Errorf("goroutine %d, puzzle %d: Verify = %v", g, k, err)
				}
			}
		})
	}
	wg.Wait()
}
