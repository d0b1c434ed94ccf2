package pow

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math/bits"
	"strconv"
	"sync"
	"testing"
	"time"
)

// testSecret keys the test issuers.
var testSecret = []byte("tollgate pow test secret, 32 b.")

// t0 is the test clock's start.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// solve is the reference solver: the smallest counter n from 0 such that
// SHA-256(challenge ":" n) has difficulty leading zero bits, as the worker
// computes it, and the solution challenge ":" n.
func solve(challenge string, difficulty int) (counter uint64, solution string) {
	buf := make([]byte, 0, len(challenge)+1+20)
	buf = append(append(buf, challenge...), ':')
	prefix := len(buf)
	for n := uint64(0); ; n++ {
		msg := strconv.AppendUint(buf[:prefix], n, 10)
		sum := sha256.Sum256(msg)
		if bits.LeadingZeros32(binary.BigEndian.Uint32(sum[:4])) >= difficulty {
			return n, string(msg)
		}
	}
}

// zeroBits counts the leading zero bits of the SHA-256 of s, bit by bit.
func zeroBits(s string) int {
	sum := sha256.Sum256([]byte(s))
	n := 0
	for _, b := range sum {
		for m := byte(0x80); m != 0; m >>= 1 {
			if b&m != 0 {
				return n
			}
			n++
		}
	}
	return n
}

func newIssuer(t testing.TB, opts ...Option) *Issuer {
	t.Helper()
	iss, err := New(testSecret, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return iss
}

func issue(t testing.TB, iss *Issuer, difficulty int, now time.Time) Puzzle {
	t.Helper()
	p, err := iss.Issue(context.Background(), difficulty, now)
	if err != nil {
		t.Fatalf("Issue(%d) = %v", difficulty, err)
	}
	return p
}

// liveStore is a Store in which every puzzle is live: it lets the fuzz
// target reach the end of Verify.
type liveStore struct{}

func (liveStore) Put(context.Context, string, time.Time) error          { return nil }
func (liveStore) Take(context.Context, string, time.Time) (bool, error) { return true, nil }

// failStore is a Store whose every call fails.
type failStore struct{}

var errDown = errors.New("store down")

func (failStore) Put(context.Context, string, time.Time) error          { return errDown }
func (failStore) Take(context.Context, string, time.Time) (bool, error) { return false, errDown }

// recordStore records the calls it gets and keeps puzzles in a map.
type recordStore struct {
	mu    sync.Mutex
	live  map[string]time.Time
	takes int
}

func (s *recordStore) Put(_ context.Context, nonce string, exp time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.live == nil {
		s.live = map[string]time.Time{}
	}
	s.live[nonce] = exp
	return nil
}

func (s *recordStore) Take(_ context.Context, nonce string, now time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.takes++
	exp, ok := s.live[nonce]
	delete(s.live, nonce)
	return ok && now.Before(exp), nil
}
