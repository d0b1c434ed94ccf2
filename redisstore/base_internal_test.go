package redisstore

import (
	"testing"
	"time"
)

func TestTTL(t *testing.T) {
	tests := []struct {
		margin, d time.Duration
		want      int64
	}{
		{0, 0, 1},
		{0, -time.Hour, 1},
		{0, time.Microsecond, 1},
		{0, time.Millisecond + 1, 2},
		{30 * time.Second, time.Minute, 90_000},
		{time.Second, 1<<63 - 1, int64(100*365*24*time.Hour/time.Millisecond) + 1000},
	}
	for _, tc := range tests {
		b := &base{cfg: config{ttlMargin: tc.margin}}
		if got := b.ttl(tc.d); got != tc.want {
			t.Errorf("ttl(%v) with margin %v = %d, want %d", tc.d, tc.margin, got, tc.want)
		}
	}
}

func TestNewConfig(t *testing.T) {
	c := newConfig(nil)
	if c.prefix != DefaultPrefix || c.timeout != DefaultTimeout || c.ttlMargin != DefaultTTLMargin ||
		c.suspectTTL != DefaultSuspectTTL || c.failOpen || c.callerClock || c.hook != nil {
		t.Errorf("newConfig(nil) = %+v, want the defaults", c)
	}
	c = newConfig([]Option{WithTimeout(-1), WithTTLMargin(-time.Second), WithSuspectTTL(-1), WithFailOpen(true)})
	if c.timeout > 0 || c.ttlMargin != 0 || c.suspectTTL != DefaultSuspectTTL || !c.failOpen {
		t.Errorf("newConfig(odd values) = %+v, want no timeout, no margin, default suspect TTL, fail open", c)
	}
}
