package captcha_test

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	"github.com/tollgate/tollgate/captcha"
)

// TestMemoryStoreFlood creates 1,000,000 challenges and checks that the live
// count never exceeds the cap, that expired challenges go first, and that
// after that the closest to expiry (the oldest) goes.
func TestMemoryStoreFlood(t *testing.T) {
	const limit = 100_000
	s := captcha.NewMemoryStore(captcha.WithMaxChallenges(limit))
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var b [16]byte
	id := func(i int) string {
		binary.BigEndian.PutUint64(b[:], uint64(i))
		return base64.RawURLEncoding.EncodeToString(b[:])
	}
	const n = 1_000_000
	for i := 0; i < n; i++ {
		c := &captcha.Challenge{ID: id(i), Created: now, Expires: now.Add(2 * time.Minute), MaxAttempts: 3}
		if err := s.Put(ctx, c); err != nil {
			t.Fatalf("Put #%d = %v", i, err)
		}
		if i%10_000 == 0 {
			if got := s.Len(); got > limit {
				t.Fatalf("after %d creations the store holds %d, over the cap %d", i+1, got, limit)
			}
		}
		now = now.Add(time.Microsecond)
	}
	if got := s.Len(); got > limit || got < limit*9/10 {
		t.Fatalf("after the flood the store holds %d, want ≤ %d and near it", got, limit)
	}
	// The newest are kept, the oldest are gone.
	if _, err := s.Get(ctx, id(n-1), now); err != nil {
		t.Fatalf("Get(newest) = %v, want it kept", err)
	}
	if _, err := s.Get(ctx, id(0), now); err == nil {
		t.Fatal("Get(oldest) found it, want it evicted")
	}
	// Once everything has expired, new challenges replace expired ones first.
	later := now.Add(time.Hour)
	fresh := &captcha.Challenge{ID: id(n + 1), Created: later, Expires: later.Add(time.Minute), MaxAttempts: 3}
	if err := s.Put(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	if got := s.Len(); got > limit {
		t.Fatalf("store holds %d, over the cap", got)
	}
}

// TestMemoryStoreTokensBounded puts 100,000 tokens into a store for 1,000:
// PutToken never fails, the newest are kept, and the evicted ones are not
// live.
func TestMemoryStoreTokensBounded(t *testing.T) {
	const limit, n = 1_000, 100_000
	s := captcha.NewMemoryStore(captcha.WithMaxTokens(limit))
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	nonce := func(i int) string { return fmt.Sprintf("nonce-%d", i) }
	for i := 0; i < n; i++ {
		if err := s.PutToken(ctx, nonce(i), now.Add(time.Minute+time.Duration(i)*time.Microsecond)); err != nil {
			t.Fatalf("PutToken #%d = %v, want nil", i, err)
		}
	}
	live := 0
	for i := 0; i < n; i++ {
		ok, err := s.TakeToken(ctx, nonce(i), now)
		if err != nil {
			t.Fatalf("TakeToken #%d = %v", i, err)
		}
		if ok {
			live++
			if i < n-2*limit {
				t.Fatalf("TakeToken(#%d of %d) = true; want it evicted: %d newer tokens expire later", i, n, n-1-i)
			}
		}
	}
	if live > limit || live < limit*3/4 {
		t.Fatalf("%d tokens put into a store for %d: %d live, want at most %d and near it", n, limit, live, limit)
	}
	// Expired tokens are not live, and make room.
	if err := s.PutToken(ctx, "late", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.TakeToken(ctx, "late", now.Add(time.Hour)); ok || err != nil {
		t.Fatalf("TakeToken(at expiry) = %v, %v; want false, nil", ok, err)
	}
}
