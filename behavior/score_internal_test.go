package behavior

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestMedian compares median with the median of a sorted copy, on random
// samples with and without ties, and on sorted, reversed and constant ones
// (quickselect's worst cases).
func TestMedian(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	check := func(x []float64) {
		t.Helper()
		in := slices.Clone(x)
		s := slices.Sorted(slices.Values(x))
		n := len(s)
		want := s[n/2]
		if n%2 == 0 {
			want = (s[n/2-1] + s[n/2]) / 2
		}
		if got := median(x); got != want {
			t.Fatalf("median(%v) = %v, want %v", in, got, want)
		}
		if !slices.Equal(x, in) {
			t.Fatalf("median reordered its argument: %v, was %v", x, in)
		}
	}
	for n := 1; n <= 300; n++ {
		x := make([]float64, n)
		for i := range x {
			x[i] = float64(rng.IntN(1 + n/3))
		}
		check(x)
		for i := range x {
			x[i] = rng.NormFloat64()*30 + 100
		}
		check(x)
		slices.Sort(x)
		check(x)
		slices.Reverse(x)
		check(x)
		for i := range x {
			x[i] = 7
		}
		check(x)
	}
}

// TestSelectNth checks every rank of small random samples, with the
// default number of quickselect rounds and with the fallback to sorting
// after 0, 1 and 2 rounds.
func TestSelectNth(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for n := 1; n <= 40; n++ {
		x := make([]float64, n)
		for i := range x {
			x[i] = float64(rng.IntN(10))
		}
		s := slices.Sorted(slices.Values(x))
		for _, rounds := range []int{-1, 0, 1, 2} {
			for k := range n {
				c := slices.Clone(x)
				var got float64
				if rounds < 0 {
					got = selectNth(c, k)
				} else {
					got = selectNthIn(c, k, rounds)
				}
				if got != s[k] {
					t.Fatalf("selectNth(%v, %d) (rounds %d) = %v, want %v", x, k, rounds, got, s[k])
				}
				for i := range c {
					if i < k && c[i] > c[k] || i > k && c[i] < c[k] {
						t.Fatalf("selectNth(%v, %d) (rounds %d) left %v: not partitioned at %d", x, k, rounds, c, i)
					}
				}
			}
		}
	}
}

// TestEffectiveStep checks the rule Score's pre-pass relies on to skip
// looking for the finest observed step: a claimed step of at most 2/9 ms
// (Chromium's 0.1 ms) is kept whatever the timestamps show, and a coarser
// one is lowered to a finer observed step.
func TestEffectiveStep(t *testing.T) {
	tests := []struct{ claimed, obs, want float64 }{
		{0.1, 0.001, 0.1},
		{2.0 / 9, 1e-9, 2.0 / 9},
		{1, 0.1, 0.1},
		{1, 0.8, 1},
		{16.67, 1, 1},
		{0, 5, 5},
		{0, 500, 100},
		{0, math.Inf(1), 0},
	}
	for _, tc := range tests {
		if got := effectiveStep(tc.claimed, tc.obs); got != tc.want {
			t.Errorf("effectiveStep(%v, %v) = %v, want %v", tc.claimed, tc.obs, got, tc.want)
		}
	}
}
