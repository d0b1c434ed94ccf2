package simulate

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/ratelimit"
)

// TestVschedEventOrder checks that events run in time order, ties in the
// order they were scheduled, that a stopped timer does not fire, and that
// next stops at the horizon.
func TestVschedEventOrder(t *testing.T) {
	s := newVsched(virtualEpoch)
	var got []string
	add := func(ms int, name string) *event {
		return s.at(virtualEpoch.Add(time.Duration(ms)*time.Millisecond), func() { got = append(got, name) })
	}
	add(20, "c")
	add(10, "a")
	add(10, "b")
	add(30, "canceled").canceled = true
	add(50, "after the horizon")
	for e := s.next(virtualEpoch.Add(40 * time.Millisecond)); e != nil; e = s.next(virtualEpoch.Add(40 * time.Millisecond)) {
		e.fn()
	}
	if want := "a b c"; strings.Join(got, " ") != want {
		t.Errorf("events ran as %q, want %q", got, want)
	}
	if now, want := s.Now(), virtualEpoch.Add(20*time.Millisecond); !now.Equal(want) {
		t.Errorf("Now() = %v, want %v (the last event run)", now, want)
	}
	if e := s.at(virtualEpoch, func() {}); !e.at.Equal(s.Now()) {
		t.Errorf("an event scheduled in the past is at %v, want now (%v)", e.at, s.Now())
	}
}

// TestVschedTurns gives the turn to a goroutine that starts a timer (and so
// gives it back), fires the timer, and checks that stopping a fired timer
// reports false.
func TestVschedTurns(t *testing.T) {
	s := newVsched(virtualEpoch)
	c := &vclient{id: 1, ctx: vctx{deadline: virtualEpoch.Add(time.Hour)}}
	s.queued = func() int { return 1 } // c stays "queued" while it waits
	fired := make(chan time.Time)
	stopped := make(chan bool)
	s.begin(c)
	go func() {
		ch, stop := s.NewTimer(10 * time.Millisecond)
		fired <- <-ch
		stopped <- stop()
	}()
	if _, err := s.settle(); err != nil {
		t.Fatalf("settle() after NewTimer = %v", err)
	}
	e := s.next(virtualEpoch.Add(time.Second))
	if e == nil {
		t.Fatal("no timer event")
	}
	e.fn()
	if at := <-fired; !at.Equal(virtualEpoch.Add(10 * time.Millisecond)) {
		t.Errorf("timer fired at %v, want 10ms in", at)
	}
	if <-stopped {
		t.Error("stop() of a fired timer = true, want false")
	}
	s.back(c, ratelimit.Ticket{}, nil)
	done, err := s.settle()
	if err != nil || len(done) != 1 || done[0] != c {
		t.Errorf("settle() = %v, %v, want the request back", done, err)
	}
}

// TestVschedOutOfTurn checks that a timer started when no goroutine has the
// turn fails the run rather than being lost.
func TestVschedOutOfTurn(t *testing.T) {
	s := newVsched(virtualEpoch)
	s.NewTimer(time.Millisecond)
	if _, err := s.settle(); err == nil || !strings.Contains(err.Error(), "out of turn") {
		t.Errorf("settle() after a timer out of turn = %v, want an error", err)
	}
}

// TestVschedStuck gives the turn to a goroutine that blocks without a timer
// of the clock: the watchdog ends the wait with errStuck.
func TestVschedStuck(t *testing.T) {
	s := newVsched(virtualEpoch)
	stop := make(chan struct{})
	defer close(stop)
	go s.watchdog(stop, time.Millisecond, 20*time.Millisecond)
	s.begin(&vclient{id: 1})
	block := make(chan struct{})
	defer close(block)
	go func() { <-block }()
	if _, err := s.settle(); !errors.Is(err, errStuck) {
		t.Errorf("settle() with a stuck turn = %v, want errStuck", err)
	}
}
