package ratelimit

import (
	"errors"
	"testing"
	"time"
)

func TestGCRATable(t *testing.T) {
	l := Limit{Count: 10, Period: time.Second, Burst: 3} // T = 100ms, tau = 300ms
	ms := int64(time.Millisecond)
	now := int64(1_000_000) * ms
	tests := []struct {
		name      string
		tat       int64
		n         int
		allowed   bool
		newTAT    int64
		remaining int
		retry     time.Duration
		reset     time.Duration
	}{
		{"fresh key", 0, 1, true, now + 100*ms, 2, 0, 100 * time.Millisecond},
		{"fresh key, whole burst", 0, 3, true, now + 300*ms, 0, 0, 300 * time.Millisecond},
		{"expired TAT", now - 5000*ms, 1, true, now + 100*ms, 2, 0, 100 * time.Millisecond},
		{"two spent", now + 200*ms, 1, true, now + 300*ms, 0, 0, 300 * time.Millisecond},
		{"burst spent", now + 300*ms, 1, false, now + 300*ms, 0, 100 * time.Millisecond, 300 * time.Millisecond},
		{"burst spent, n=2", now + 250*ms, 2, false, now + 250*ms, 0, 150 * time.Millisecond, 250 * time.Millisecond},
		{"partly refilled", now + 150*ms, 1, true, now + 250*ms, 0, 0, 250 * time.Millisecond},
		{"n=0 records nothing", now + 300*ms, 0, true, now + 300*ms, 0, 0, 300 * time.Millisecond},
		{"n=2 denied leaves remaining", now + 200*ms, 2, false, now + 200*ms, 1, 100 * time.Millisecond, 200 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, tat, err := GCRA(l, tc.tat, now, tc.n)
			if err != nil {
				t.Fatalf("GCRA() error = %v", err)
			}
			if d.Allowed != tc.allowed || tat != tc.newTAT || d.Remaining != tc.remaining ||
				d.RetryAfter != tc.retry || d.ResetAfter != tc.reset || d.Limit != l {
				t.Errorf("GCRA(tat=%d, n=%d) = %+v tat %d, want allowed %v tat %d remaining %d retry %v reset %v",
					tc.tat-now, tc.n, d, tat-now, tc.allowed, tc.newTAT-now, tc.remaining, tc.retry, tc.reset)
			}
		})
	}
}

func TestGCRAErrors(t *testing.T) {
	good := Limit{Count: 1, Period: time.Second, Burst: 2}
	tests := []struct {
		l    Limit
		n    int
		want error
	}{
		{Limit{Count: 0, Period: time.Second, Burst: 1}, 1, ErrInvalidLimit},
		{Limit{Count: 1, Period: 0, Burst: 1}, 1, ErrInvalidLimit},
		{Limit{Count: 1, Period: time.Second, Burst: 0}, 1, ErrInvalidLimit},
		{Limit{Count: 10, Period: 5, Burst: 1}, 1, ErrInvalidLimit},
		{Limit{Count: 1, Period: 24 * time.Hour, Burst: 1 << 30}, 1, ErrInvalidLimit},
		{good, -1, ErrInvalidN},
		{good, 3, ErrInvalidN},
	}
	for _, tc := range tests {
		if _, _, err := GCRA(tc.l, 0, 1, tc.n); !errors.Is(err, tc.want) {
			t.Errorf("GCRA(%v, n=%d) error = %v, want %v", tc.l, tc.n, err, tc.want)
		}
	}
}

// FuzzGCRA checks GCRA's invariants on arbitrary limits and histories: an
// allowed call never leaves more than the burst in flight, a denied call
// changes nothing and its RetryAfter is exact.
func FuzzGCRA(f *testing.F) {
	f.Add(10, int64(time.Second), 3, int64(0), int64(1e12), 1)
	f.Add(1, int64(time.Hour), 1, int64(1e12+5), int64(1e12), 1)
	f.Add(7, int64(time.Minute), 100, int64(2e12), int64(1e12), 50)
	f.Fuzz(func(t *testing.T, count int, period int64, burst int, tat, now int64, n int) {
		l := Limit{Count: count, Period: time.Duration(period), Burst: burst}
		if l.Validate() != nil || n < 0 || n > burst || now < 0 || now > 1<<61 || tat < 0 || tat > now+int64(maxTolerance) {
			return
		}
		d, newTAT, err := GCRA(l, tat, now, n)
		if err != nil {
			t.Fatalf("GCRA error = %v", err)
		}
		T := int64(l.Interval())
		tau := T * int64(burst)
		if d.Allowed {
			if newTAT-now > tau {
				t.Fatalf("allowed but TAT %d ahead of now by more than tau %d", newTAT-now, tau)
			}
			if d.RetryAfter != 0 || d.Remaining < 0 || d.Remaining > burst-n {
				t.Fatalf("allowed decision %+v out of range", d)
			}
			return
		}
		if newTAT != tat {
			t.Fatalf("denied call changed TAT %d -> %d", tat, newTAT)
		}
		if d.RetryAfter <= 0 {
			t.Fatalf("denied with RetryAfter %v", d.RetryAfter)
		}
		later, _, _ := GCRA(l, tat, now+int64(d.RetryAfter), n)
		if !later.Allowed {
			t.Fatalf("still denied after RetryAfter %v", d.RetryAfter)
		}
		if d.RetryAfter > time.Nanosecond {
			earlier, _, _ := GCRA(l, tat, now+int64(d.RetryAfter)-1, n)
			if earlier.Allowed {
				t.Fatalf("allowed before RetryAfter %v", d.RetryAfter)
			}
		}
	})
}
