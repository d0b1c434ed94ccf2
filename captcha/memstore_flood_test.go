package captcha_test

import (
	"context"
	"encoding/base64"
	"encoding/binary"
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

func TestSpentTokensBounded(t *testing.T) {
	s := captcha.NewMemoryStore(captcha.WithMaxSpentTokens(16))
	ctx := context.Background()
	now := time.Now()
	full := 0
	for i := 0; i < 1000; i++ {
		_, err := s.Spend(ctx, string(rune('a'+i%26))+time.Duration(i).String(), now.Add(time.Minute), now)
		if err != nil {
			full++
		}
	}
	if full == 0 {
		t.Fatal("1000 unexpired spent tokens in a store for 16: no ErrStoreFull, want refusals")
	}
	// After they expire there is room again.
	if ok, err := s.Spend(ctx, "new", now.Add(3*time.Minute), now.Add(2*time.Minute)); err != nil || !ok {
		t.Fatalf("Spend after expiry = %v, %v; want true, nil", ok, err)
	}
}
