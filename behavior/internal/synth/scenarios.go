package synth

import (
	"github.com/tollgate/tollgate/behavior"
)

// Scenario is a modelled page view: a person (including the traps the
// scorer must not flag on their own) or an automation pattern.
type Scenario struct {
	Name string
	// Human is true for people.
	Human bool
	// Min and Max bound the verdict the scorer must give.
	Min, Max behavior.Verdict
	// Build returns the telemetry (nil for none) and what the server saw.
	Build func() (*behavior.Telemetry, behavior.Submission)
}

const (
	user = "alice.smith@example.com"
	pass = "Correct-Horse7!"
)

func filled(t *behavior.Telemetry) behavior.Submission {
	m := map[string]int{}
	if t != nil {
		for _, f := range t.Fields {
			m[f.Name] = f.FinalLen
		}
	}
	return behavior.Submission{Filled: m}
}

// humanLogin models a person clicking into the user field, typing, tabbing
// to the password, typing, and clicking the button.
func humanLogin(step float64, ty *Typist) *Page {
	p := New(step, 350)
	p.Latency = 1.2
	at := 2400.0
	p.Focus("user", at, MousePath(42, 640, 0.8))
	end := ty.Type(p, "user", user, at+450)
	tab := end + ty.Gap()
	p.Press("user", Key{Class: behavior.KeyOther, Down: tab, Up: -1})
	p.Blur("user", tab+0.3)
	p.Focus("pass", tab+0.4, NoPointer())
	p.Release("pass", behavior.KeyOther, tab+ty.Hold())
	end = ty.Type(p, "pass", pass, tab+ty.Gap())
	p.Blur("pass", end+900)
	p.Submit(end+980, behavior.ViaClick, 0, MousePath(31, 420, 85))
	return p
}

func human(name string, build func() *behavior.Telemetry) Scenario {
	return Scenario{Name: name, Human: true, Min: behavior.VerdictHuman, Max: behavior.VerdictHuman,
		Build: func() (*behavior.Telemetry, behavior.Submission) {
			t := build()
			return t, filled(t)
		}}
}

func bot(name string, lowest behavior.Verdict, build func() (*behavior.Telemetry, behavior.Submission)) Scenario {
	return Scenario{Name: name, Min: lowest, Max: behavior.VerdictBot, Build: build}
}

// Scenarios returns every modelled scenario.
func Scenarios() []Scenario {
	s := []Scenario{
		human("human_login", func() *behavior.Telemetry {
			return humanLogin(0, NewTypist(1)).Build()
		}),
		human("human_login_1ms", func() *behavior.Telemetry {
			return humanLogin(1, NewTypist(2)).Build()
		}),
		human("human_login_16.67ms", func() *behavior.Telemetry {
			return humanLogin(50.0/3, NewTypist(3)).Build()
		}),
		human("human_login_100ms", func() *behavior.Telemetry {
			return humanLogin(100, NewTypist(4)).Build()
		}),
		human("human_fast_typist", func() *behavior.Telemetry {
			ty := NewTypist(5)
			ty.GapMedian, ty.GapSigma, ty.HoldMedian = 95, 0.45, 70
			return humanLogin(0, ty).Build()
		}),
		human("human_fast_typist_16.67ms", func() *behavior.Telemetry {
			ty := NewTypist(6)
			ty.GapMedian, ty.GapSigma, ty.HoldMedian = 95, 0.45, 70
			return humanLogin(50.0/3, ty).Build()
		}),
		human("human_hunt_and_peck", func() *behavior.Telemetry {
			ty := NewTypist(7)
			ty.GapMedian, ty.GapSigma = 420, 0.7
			return humanLogin(0, ty).Build()
		}),
		human("human_jank", func() *behavior.Telemetry {
			// A 2.5 s main-thread freeze while typing: keys queue up and are
			// handled late, in a burst.
			p := New(0, 350)
			ty := NewTypist(8)
			p.Focus("user", 2000, MousePath(30, 500, 1))
			ts := 2500.0
			for i, r := range user {
				at := ts + 0.8
				if i >= 5 && i < 14 {
					at = 6000 + float64(i)
				}
				up := ts + ty.Hold()
				p.Press("user", Key{Class: Class(r), Down: ts, DownAt: at, Up: up, UpAt: max(at+0.2, up+0.5), Insert: 1})
				ts += ty.Gap()
			}
			p.Submit(ts+1500, behavior.ViaClick, 0, MousePath(20, 300, 70))
			return p.Build()
		}),
		human("tab_through", func() *behavior.Telemetry {
			// Tabs through empty optional fields, types in one.
			p := New(0, 300)
			ty := NewTypist(9)
			p.Focus("name", 1500, MousePath(25, 400, 0.5))
			end := ty.Type(p, "name", "Bob", 1900)
			at, cur := end+200, "name"
			for _, f := range []string{"company", "phone", "note"} {
				p.Press(cur, Key{Class: behavior.KeyOther, Down: at, Up: -1})
				p.Blur(cur, at+0.2)
				p.Focus(f, at+0.3, NoPointer())
				p.Release(f, behavior.KeyOther, at+95)
				cur = f
				at += 350
			}
			p.Submit(at+300, behavior.ViaKey, 0, NoPointer())
			return p.Build()
		}),
		human("tap_through", func() *behavior.Telemetry {
			// Phone: taps into fields, types nothing, taps submit.
			p := New(1, 300)
			p.Focus("email", 2000, Tap(40))
			p.Blur("email", 3000)
			p.Focus("code", 3000.5, Tap(45))
			p.Blur("code", 4000)
			p.Submit(4100, behavior.ViaClick, 0, Tap(60))
			return p.Build()
		}),
		human("paste_password", func() *behavior.Telemetry {
			p := New(0, 300)
			ty := NewTypist(10)
			p.Focus("user", 1800, MousePath(35, 500, 0.6))
			end := ty.Type(p, "user", "alice", 2300)
			p.Focus("pass", end+700, MousePath(12, 120, 0.7))
			k := end + 1300
			p.Press("pass", Key{Class: behavior.KeyOther, Down: k, Up: k + 260, NoInput: true})
			p.Event("pass", behavior.EntryPaste, k+140, 0)
			p.Press("pass", Key{Class: behavior.KeyLetter, Down: k + 140, Up: k + 220, Flags: behavior.FlagModifier, Insert: 24, InputType: "insertFromPaste"})
			p.Submit(k+1400, behavior.ViaClick, 0, MousePath(20, 260, 90))
			return p.Build()
		}),
		human("paste_context_menu", func() *behavior.Telemetry {
			p := New(0, 300)
			p.Focus("code", 1500, MousePath(30, 500, 0.6))
			p.Event("code", behavior.EntryPaste, 2900, 0)
			p.Input("code", 2900.2, "insertFromPaste", 32, 0)
			p.Submit(3800, behavior.ViaClick, 0, MousePath(14, 200, 80))
			return p.Build()
		}),
		human("autofill_on_load", func() *behavior.Telemetry {
			// Chrome fills on load; the values show only after a gesture,
			// the collector sees them at submit.
			p := New(0, 300)
			p.Autofill("user")
			p.Autofill("pass")
			p.SetValue("user", 2100, 23)
			p.SetValue("pass", 2100, 15)
			p.Submit(2100, behavior.ViaClick, 0, MousePath(40, 700, 90))
			return p.Build()
		}),
		human("autofill_dropdown", func() *behavior.Telemetry {
			p := New(0, 300)
			p.Focus("user", 1700, MousePath(33, 520, 0.5))
			p.Autofill("user")
			p.Autofill("pass")
			p.Input("user", 2600, "", 23, behavior.FlagAutofill)
			p.Input("pass", 2600.5, "", 15, behavior.FlagAutofill)
			p.Submit(3300, behavior.ViaClick, 0, MousePath(18, 240, 85))
			return p.Build()
		}),
		human("restored_values", func() *behavior.Telemetry {
			p := New(1, 300)
			p.Prefill("user", 23)
			p.Prefill("pass", 15)
			p.Submit(1200, behavior.ViaKey, 0, NoPointer())
			return p.Build()
		}),
		human("password_manager_fill", func() *behavior.Telemetry {
			// An extension simulates typing with untrusted events at once;
			// the person clicks the button.
			p := New(0, 300)
			at := 1900.0
			for _, f := range []struct {
				name string
				n    int
			}{{"user", 23}, {"pass", 15}} {
				p.Focus(f.name, at, NoPointer())
				for range f.n {
					p.Press(f.name, Key{Class: behavior.KeyLetter, Down: at, Up: at + 0.1, Flags: behavior.FlagUntrusted, Insert: 1})
					at += 0.2
				}
				p.Blur(f.name, at)
			}
			p.Submit(at+1600, behavior.ViaClick, 0, MousePath(38, 600, 95))
			return p.Build()
		}),
		human("password_manager_autologin", func() *behavior.Telemetry {
			p := New(0, 300)
			at := 1250.0
			for _, f := range []struct {
				name string
				n    int
			}{{"user", 23}, {"pass", 15}} {
				p.Focus(f.name, at, NoPointer())
				p.Input(f.name, at+0.2, "", f.n, behavior.FlagUntrusted)
				p.Blur(f.name, at+0.5)
				at += 1
			}
			p.Submit(at+20, behavior.ViaClick, behavior.FlagUntrusted, NoPointer())
			return p.Build()
		}),
		human("hangul_ime", func() *behavior.Telemetry {
			// 김민수: each syllable composed from jamo keystrokes reported as
			// keyCode 229 ("u", composing) with composition events.
			p := New(0, 300)
			ty := NewTypist(11)
			p.Focus("name", 1600, MousePath(26, 380, 0.5))
			ts := 2100.0
			p.Event("name", behavior.EntryCompositionStart, ts, 0)
			for syl := range 3 {
				for j := range 3 {
					ins := 0
					if syl == 0 && j == 0 {
						ins = 1
					}
					p.Press("name", Key{Class: behavior.KeyUnidentified, Down: ts, Up: ts + ty.Hold(), Flags: behavior.FlagComposing, Insert: ins, InputType: "insertCompositionText"})
					p.Event("name", behavior.EntryCompositionUpdate, ts+0.2, 0)
					ts += ty.Gap()
				}
				if syl > 0 {
					p.Input("name", ts-0.5, "insertCompositionText", 1, behavior.FlagComposing)
				}
			}
			p.Event("name", behavior.EntryCompositionEnd, ts, 0)
			p.Submit(ts+900, behavior.ViaClick, 0, MousePath(22, 310, 80))
			return p.Build()
		}),
		human("android_keyboard", func() *behavior.Telemetry {
			// Gboard: keydown/keyup "Unidentified" (229) fired together,
			// text committed through composition.
			p := New(0, 300)
			ty := NewTypist(12)
			p.Focus("user", 1500, Tap(60))
			ts := 2200.0
			p.Event("user", behavior.EntryCompositionStart, ts, 0)
			for range 12 {
				p.Press("user", Key{Class: behavior.KeyUnidentified, Down: ts, Up: ts + 2, Flags: behavior.FlagComposing, Insert: 1, InputType: "insertCompositionText"})
				ts += ty.Gap()
			}
			p.Event("user", behavior.EntryCompositionEnd, ts, 0)
			p.Focus("pass", ts+600, Tap(50))
			ts += 1200
			for range 10 {
				p.Press("pass", Key{Class: behavior.KeyUnidentified, Down: ts, Up: ts + 1.5, Insert: 1})
				ts += ty.Gap()
			}
			p.Submit(ts+800, behavior.ViaClick, 0, Tap(70))
			return p.Build()
		}),
		human("ios_keyboard", func() *behavior.Telemetry {
			// iOS Safari: real key values but near-zero holds.
			p := New(1, 300)
			ty := NewTypist(13)
			p.Focus("user", 1500, Tap(55))
			ts := 2300.0
			for _, r := range "alice.smith" {
				p.Press("user", Key{Class: Class(r), Down: ts, Up: ts + 4 + 6*ty.Rand.Float64(), Insert: 1})
				ts += ty.Gap()
			}
			p.Submit(ts+900, behavior.ViaClick, 0, Tap(65))
			return p.Build()
		}),
	}
	s = append(s,
		human("human_tab_rollover", func() *behavior.Telemetry {
			// Presses the next key 6 ms after Tab moved the focus.
			p := New(1, 300)
			ty := NewTypist(14)
			p.Focus("user", 1500, MousePath(30, 450, 0.8))
			end := ty.Type(p, "user", "alice", 2000)
			tab := end + 150
			p.Press("user", Key{Class: behavior.KeyOther, Down: tab, Up: -1})
			p.Blur("user", tab+0.5)
			p.Focus("pass", tab+0.6, NoPointer())
			p.Release("pass", behavior.KeyOther, tab+60)
			end = ty.Type(p, "pass", "hunter22", tab+6)
			p.Submit(end+700, behavior.ViaKey, 0, NoPointer())
			return p.Build()
		}),
		Scenario{Name: "password_manager_autotype", Human: true, Min: behavior.VerdictHuman, Max: behavior.VerdictSuspect,
			Build: func() (*behavior.Telemetry, behavior.Submission) {
				// KeePass-style auto-type: the person clicks the field and
				// presses the hotkey; the password manager types through
				// the OS, 10 ms a key, Tab between the fields, then Enter.
				// Machine typing on its own: at most a Suspect.
				p := New(0, 300)
				p.Focus("user", 2000, MousePath(35, 520, 0.7))
				at := 2900.0
				typeFast := func(name string, n int) {
					for range n {
						p.Press(name, Key{Class: behavior.KeyLetter, Down: at, Up: at + 0.8, Insert: 1})
						at += 10
					}
				}
				typeFast("user", len(user))
				p.Press("user", Key{Class: behavior.KeyOther, Down: at, Up: -1})
				p.Blur("user", at+0.3)
				p.Focus("pass", at+0.4, NoPointer())
				p.Release("pass", behavior.KeyOther, at+0.8)
				at += 10
				typeFast("pass", len(pass))
				p.Press("pass", Key{Class: behavior.KeyOther, Down: at, Up: -1, NoInput: true})
				p.Submit(at+0.5, behavior.ViaKey, 0, NoPointer())
				t := p.Build()
				return t, filled(t)
			}},
	)
	s = append(s, bots()...)
	return s
}
