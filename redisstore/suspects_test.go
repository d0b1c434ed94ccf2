package redisstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/redisstore"
	"github.com/tollgate/tollgate/redisstore/internal/redistest"
)

func TestSuspects(t *testing.T) {
	client := redistest.Client(t, redistest.Addr(t))
	ctx := context.Background()
	s, err := redisstore.NewSuspects(client, redisstore.WithPrefix(redistest.Prefix(t)),
		redisstore.WithSuspectTTL(time.Minute), redisstore.WithTTLMargin(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if s.TTL() != time.Minute {
		t.Fatalf("TTL() = %v, want 1m", s.TTL())
	}
	now := time.Date(2030, 3, 4, 5, 6, 7, 891234567, time.UTC)
	if err := s.Record(ctx, "k", "late", now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := s.Record(ctx, "k", "early", now); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.Lookup(ctx, "k", now)
	want := behavior.Suspect{Key: "k", Count: 2, FirstSeen: now, LastSeen: now.Add(time.Second), LastReason: "early"}
	if err != nil || !ok || got.Key != want.Key || got.Count != 2 || got.LastReason != "early" ||
		!got.FirstSeen.Equal(want.FirstSeen) || !got.LastSeen.Equal(want.LastSeen) {
		t.Fatalf("Lookup = %+v, %v, %v; want %+v (exact to the nanosecond)", got, ok, err, want)
	}
	// Expiry is judged by the caller's now, to the nanosecond.
	end := want.LastSeen.Add(time.Minute)
	if _, ok, _ := s.Lookup(ctx, "k", end.Add(-1)); !ok {
		t.Error("Lookup 1ns before LastSeen+TTL: ok = false, want true")
	}
	if _, ok, _ := s.Lookup(ctx, "k", end); ok {
		t.Error("Lookup at LastSeen+TTL: ok = true, want false")
	}
	// The key expires in Redis too: TTL + margin after the record (plus the
	// second by which LastSeen is ahead of the last record's now).
	ttl, err := client.PTTL(ctx, s.Keys().Suspect("k")).Result()
	if err != nil || ttl <= time.Minute || ttl > 62*time.Second {
		t.Fatalf("PTTL = %v, %v; want in (1m, 1m2s]", ttl, err)
	}
	long := strings.Repeat("x", behavior.MaxSuspectKeyLen+1)
	for _, key := range []string{"", long} {
		if err := s.Record(ctx, key, "r", now); !errors.Is(err, behavior.ErrInvalidKey) {
			t.Errorf("Record(key of %d bytes) = %v, want ErrInvalidKey", len(key), err)
		}
		if _, ok, err := s.Lookup(ctx, key, now); ok || err != nil {
			t.Errorf("Lookup(key of %d bytes) = %v, %v; want false, nil", len(key), ok, err)
		}
	}
	if err := s.Record(ctx, long[1:], "r", now); err != nil {
		t.Errorf("Record(key of MaxSuspectKeyLen bytes) = %v, want nil", err)
	}
	// Foreign data is an error, not a suspect.
	if err := client.HSet(ctx, s.Keys().Suspect("bad"), "c", "x", "fs", "1").Err(); err != nil {
		t.Fatal(err)
	}
	client.Expire(ctx, s.Keys().Suspect("bad"), time.Minute)
	if _, ok, err := s.Lookup(ctx, "bad", now); ok || !errors.Is(err, redisstore.ErrCorrupt) {
		t.Errorf("Lookup(foreign data) = %v, %v; want ErrCorrupt", ok, err)
	}
}
