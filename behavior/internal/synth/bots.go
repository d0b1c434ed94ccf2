package synth

import (
	"time"

	"github.com/tollgate/tollgate/behavior"
)

var login = []struct {
	name string
	n    int
}{{"user", len(user)}, {"pass", len(pass)}}

func jump(since float64) behavior.Pointer {
	return behavior.Pointer{Moves: 1, Path: 410, Disp: 410, Kind: behavior.PointerMouse, SinceDown: since}
}

// fixedDelay models Puppeteer/Playwright keyboard.type with a delay: each
// key held for delay, the next pressed right after (plus overhead).
func fixedDelay(step, delay float64, webdriver bool, seed uint64) *behavior.Telemetry {
	p := New(step, 250)
	p.WebDriver = webdriver
	ty := NewTypist(seed)
	at := 420.0
	for _, f := range login {
		p.Focus(f.name, at, behavior.Pointer{SinceDown: -1})
		at += 1.2
		for range f.n {
			hold := delay + 0.3 + ty.Rand.Float64()
			p.Press(f.name, Key{Class: behavior.KeyLetter, Down: at, Up: at + hold, Insert: 1})
			at += hold + 0.8 + 2*ty.Rand.Float64()
		}
		p.Blur(f.name, at)
		at += 3
	}
	p.Submit(at+60, behavior.ViaClick, 0, jump(70))
	return p.Build()
}

func bots() []Scenario {
	return []Scenario{
		bot("no_telemetry", behavior.VerdictBot, func() (*behavior.Telemetry, behavior.Submission) {
			return nil, behavior.Submission{Filled: map[string]int{"user": 23, "pass": 15}}
		}),
		bot("script_fill", behavior.VerdictBot, func() (*behavior.Telemetry, behavior.Submission) {
			// el.value = ...; button.click(): the collector notices the
			// values at submit.
			p := New(0, 250)
			for _, f := range login {
				p.SetValue(f.name, 600, f.n)
			}
			p.Submit(600, behavior.ViaClick, behavior.FlagUntrusted, behavior.Pointer{SinceDown: -1})
			t := p.Build()
			return t, filled(t)
		}),
		bot("forged_fields_missing", behavior.VerdictBot, func() (*behavior.Telemetry, behavior.Submission) {
			// A hand-made document that leaves the filled fields out.
			p := New(0, 250)
			p.Submit(4000, behavior.ViaClick, 0, MousePath(20, 300, 80))
			return p.Build(), behavior.Submission{Filled: map[string]int{"user": 23, "pass": 15}}
		}),
		bot("playwright_fill", behavior.VerdictBot, func() (*behavior.Telemetry, behavior.Submission) {
			// locator.fill: focus, then one trusted insertText per field.
			p := New(0, 250)
			p.WebDriver = true
			at := 300.0
			for _, f := range login {
				p.Focus(f.name, at, behavior.Pointer{SinceDown: -1})
				p.Input(f.name, at+1, "insertText", f.n, 0)
				p.Blur(f.name, at+3)
				at += 8
			}
			p.Submit(at+40, behavior.ViaClick, 0, jump(60))
			t := p.Build()
			return t, filled(t)
		}),
		bot("playwright_fill_stealth", behavior.VerdictSuspect, func() (*behavior.Telemetry, behavior.Submission) {
			p := New(0, 250)
			at := 300.0
			for _, f := range login {
				p.Focus(f.name, at, behavior.Pointer{SinceDown: -1})
				p.Input(f.name, at+1, "insertText", f.n, 0)
				p.Blur(f.name, at+3)
				at += 8
			}
			p.Submit(at+40, behavior.ViaClick, 0, jump(60))
			t := p.Build()
			return t, filled(t)
		}),
		bot("type_delay_0", behavior.VerdictBot, func() (*behavior.Telemetry, behavior.Submission) {
			t := fixedDelay(0, 0, true, 21)
			return t, filled(t)
		}),
		bot("type_delay_0_stealth", behavior.VerdictBot, func() (*behavior.Telemetry, behavior.Submission) {
			t := fixedDelay(0, 0, false, 22)
			return t, filled(t)
		}),
		bot("type_delay_50_stealth", behavior.VerdictBot, func() (*behavior.Telemetry, behavior.Submission) {
			t := fixedDelay(0, 50, false, 23)
			return t, filled(t)
		}),
		bot("type_delay_120_stealth", behavior.VerdictBot, func() (*behavior.Telemetry, behavior.Submission) {
			t := fixedDelay(0, 120, false, 24)
			return t, filled(t)
		}),
		bot("type_delay_50_16.67ms", behavior.VerdictBot, func() (*behavior.Telemetry, behavior.Submission) {
			// Firefox with resistFingerprinting driven by automation.
			t := fixedDelay(50.0/3, 50, false, 25)
			return t, filled(t)
		}),
		bot("type_delay_0_100ms", behavior.VerdictBot, func() (*behavior.Telemetry, behavior.Submission) {
			t := fixedDelay(100, 0, false, 26)
			return t, filled(t)
		}),
		bot("type_delay_0_claims_100ms", behavior.VerdictBot, func() (*behavior.Telemetry, behavior.Submission) {
			// Claims coarse timers to excuse its holds; the timestamps
			// show 0.1 ms resolution.
			t := fixedDelay(0, 0, false, 27)
			t.Step = 100
			return t, filled(t)
		}),
		bot("js_dispatch", behavior.VerdictBot, func() (*behavior.Telemetry, behavior.Submission) {
			// Page script in a WebDriver session: el.focus(), dispatched
			// KeyboardEvents and input Events, then button.click().
			p := New(0, 250)
			p.WebDriver = true
			at := 280.0
			for _, f := range login {
				p.Focus(f.name, at, behavior.Pointer{SinceDown: -1})
				for range f.n {
					p.Press(f.name, Key{Class: behavior.KeyLetter, Down: at, Up: at + 0.05, Flags: behavior.FlagUntrusted, Insert: 1, InputType: ""})
					at += 0.1
				}
				p.Blur(f.name, at)
			}
			p.Submit(at+1, behavior.ViaClick, behavior.FlagUntrusted, behavior.Pointer{SinceDown: -1})
			t := p.Build()
			return t, filled(t)
		}),
		bot("forged_timestamps_future", behavior.VerdictBot, func() (*behavior.Telemetry, behavior.Submission) {
			// CDP Input.dispatchKeyEvent with made-up timestamps that follow
			// a human rhythm from the moment dispatching starts, while the
			// events are actually sent 2 ms apart. Input events carry the
			// real time.
			return forgedTyping(31, 2500, 400)
		}),
		bot("forged_timestamps_past", behavior.VerdictSuspect, func() (*behavior.Telemetry, behavior.Submission) {
			// The same, with timestamps that end when dispatching starts:
			// the keys claim to predate the focus.
			return forgedTyping(32, 9000, -5000)
		}),
		bot("typed_user_scripted_password", behavior.VerdictSuspect, func() (*behavior.Telemetry, behavior.Submission) {
			p := New(0, 300)
			ty := NewTypist(33)
			p.Focus("user", 1500, MousePath(30, 500, 1))
			end := ty.Type(p, "user", user, 1900)
			p.Focus("pass", end+300, MousePath(10, 100, 1))
			p.SetValue("pass", end+900, len(pass))
			p.Submit(end+900, behavior.ViaClick, 0, MousePath(20, 300, 80))
			t := p.Build()
			return t, filled(t)
		}),
		bot("replayed_telemetry", behavior.VerdictSuspect, func() (*behavior.Telemetry, behavior.Submission) {
			// A recorded human document posted with other credentials, 400
			// ms after the server served the form.
			t := humanLogin(0, NewTypist(34)).Build()
			return t, behavior.Submission{
				Filled:  map[string]int{"user": 17, "pass": 11},
				Elapsed: 400 * time.Millisecond,
			}
		}),
	}
}

// forgedTyping types the login with CDP-style key events whose timestamps
// follow a human rhythm from focus+offset ms while they are really sent
// 2 ms apart (input events carry the real time), starting at ms at.
func forgedTyping(seed uint64, at, offset float64) (*behavior.Telemetry, behavior.Submission) {
	p := New(0, 300)
	ty := NewTypist(seed)
	for _, f := range login {
		p.Focus(f.name, at, MousePath(30, 500, 1))
		ts := at + offset
		real := at + 1
		for range f.n {
			hold := ty.Hold()
			p.Press(f.name, Key{Class: behavior.KeyLetter, Down: ts, DownAt: real, Up: ts + hold, UpAt: real + 1, Insert: 1, InputTS: real + 0.2})
			ts += ty.Gap()
			real += 2
		}
		at = real + 5
	}
	p.Submit(at+30, behavior.ViaClick, 0, MousePath(20, 300, 80))
	t := p.Build()
	return t, filled(t)
}
