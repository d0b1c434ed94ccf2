package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// progress is the status line of a long command on standard error: one
// line, rewritten in place at most every progressEvery. It exists only
// when standard error is a terminal, so piped or redirected output stays
// clean; a nil *progress does nothing. It is safe for concurrent use.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	last  time.Time
	shown bool
}

const progressEvery = 100 * time.Millisecond

// newProgress returns the status line for stderr, or nil when stderr is not
// a terminal.
func newProgress(stderr io.Writer) *progress {
	if !isTerminal(stderr) {
		return nil
	}
	return &progress{w: stderr}
}

// isTerminal reports whether w is a character device (a terminal; also
// /dev/null, where the status line is harmless).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// show replaces the status line with the message; unless final, not more
// often than every progressEvery.
func (p *progress) show(final bool, format string, a ...any) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if !final && p.shown && now.Sub(p.last) < progressEvery {
		return
	}
	p.last, p.shown = now, true
	// \r returns to the start of the line, ESC [K erases it.
	fmt.Fprintf(p.w, "\r\x1b[K"+format, a...)
}

// clear erases the status line, before output goes to the terminal.
func (p *progress) clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}
