package behavior_test

import (
	"encoding/json"
	"math"
	"net/url"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/behavior/internal/synth"
)

func TestScoreNoTelemetry(t *testing.T) {
	tests := []struct {
		name    string
		opts    []behavior.Option
		score   float64
		verdict behavior.Verdict
	}{
		{"default", nil, 0.9, behavior.VerdictBot},
		{"suspect only", []behavior.Option{behavior.WithWeight(behavior.ReasonNoTelemetry, 0.6)}, 0.6, behavior.VerdictSuspect},
		{"disabled", []behavior.Option{behavior.WithWeight(behavior.ReasonNoTelemetry, 0)}, 0, behavior.VerdictHuman},
		{"clamped", []behavior.Option{behavior.WithWeight(behavior.ReasonNoTelemetry, 7)}, 1, behavior.VerdictBot},
		{"unknown code ignored", []behavior.Option{behavior.WithWeight("nope", 0)}, 0.9, behavior.VerdictBot},
		{"thresholds", []behavior.Option{behavior.WithThresholds(0.2, 0.95)}, 0.9, behavior.VerdictSuspect},
	}
	for _, tc := range tests {
		res := behavior.NewScorer(tc.opts...).Score(nil, behavior.Submission{})
		if res.Score != tc.score || res.Verdict != tc.verdict {
			t.Errorf("%s: Score(nil) = %v %v, want %v %v", tc.name, res.Score, res.Verdict, tc.score, tc.verdict)
		}
		if tc.score > 0 && (len(res.Reasons) != 1 || res.Reasons[0].Code != behavior.ReasonNoTelemetry) {
			t.Errorf("%s: reasons = %+v, want only no_telemetry", tc.name, res.Reasons)
		}
		if tc.score == 0 && len(res.Reasons) != 0 {
			t.Errorf("%s: reasons = %+v, want none", tc.name, res.Reasons)
		}
	}
}

func TestVerdictThresholds(t *testing.T) {
	s := behavior.NewScorer(behavior.WithThresholds(0.3, 0.6))
	for _, tc := range []struct {
		score float64
		want  behavior.Verdict
	}{{0, behavior.VerdictHuman}, {0.29, behavior.VerdictHuman}, {0.3, behavior.VerdictSuspect}, {0.59, behavior.VerdictSuspect}, {0.6, behavior.VerdictBot}, {1, behavior.VerdictBot}} {
		if got := s.Verdict(tc.score); got != tc.want {
			t.Errorf("Verdict(%v) = %v, want %v", tc.score, got, tc.want)
		}
	}
	// bot below suspect is raised to suspect.
	if got := behavior.NewScorer(behavior.WithThresholds(0.7, 0.2)).Verdict(0.7); got != behavior.VerdictBot {
		t.Errorf("WithThresholds(0.7, 0.2).Verdict(0.7) = %v, want bot", got)
	}
}

// TestScoreCombines checks that reason weights combine as 1-Π(1-w) and
// come back strongest first.
func TestScoreCombines(t *testing.T) {
	p := synth.New(0, 300)
	p.WebDriver = true
	p.Submit(5000, behavior.ViaClick, behavior.FlagUntrusted, synth.MousePath(30, 400, 80))
	res := behavior.NewScorer().Score(p.Build(), behavior.Submission{})
	want := math.Round((1-(1-0.45)*(1-0.15))*1000) / 1000
	if res.Score != want {
		t.Errorf("Score = %v, want %v (reasons %+v)", res.Score, want, res.Reasons)
	}
	codes := []string{}
	for _, r := range res.Reasons {
		codes = append(codes, r.Code)
	}
	if !slices.Equal(codes, []string{behavior.ReasonWebDriver, behavior.ReasonUntrustedSubmit}) {
		t.Errorf("reasons = %v, want webdriver then untrusted_submit", codes)
	}
	if !res.Has(behavior.ReasonWebDriver) || res.Has(behavior.ReasonNoEvents) {
		t.Errorf("Has: wrong answers for %+v", res.Reasons)
	}
}

// TestEveryReasonFires checks that each reason code is produced by some
// modelled scenario or targeted document, so none is dead code.
func TestEveryReasonFires(t *testing.T) {
	s := behavior.NewScorer()
	seen := map[string]bool{}
	note := func(r behavior.Result) {
		for _, x := range r.Reasons {
			seen[x.Code] = true
			if x.Weight <= 0 || x.Weight > 1 || x.Detail == "" {
				t.Errorf("reason %+v: weight out of (0,1] or no detail", x)
			}
		}
	}
	for _, sc := range synth.Scenarios() {
		tel, sub := sc.Build()
		note(s.Score(tel, sub))
	}
	// Capitals with no Shift (CDP key events with text but no modifiers).
	p := synth.New(0, 300)
	ty := synth.NewTypist(3)
	p.Focus("name", 1000, synth.MousePath(20, 300, 1))
	ts := 1500.0
	for range 2 {
		p.Press("name", synth.Key{Class: behavior.KeyLetter, Down: ts, Up: ts + ty.Hold(), Insert: 1, Flags: behavior.FlagCapitalNoShift})
		ts += ty.Gap()
		ts = ty.Type(p, "name", "ob", ts) + ty.Gap()
	}
	p.Submit(ts+800, behavior.ViaClick, 0, synth.MousePath(20, 300, 80))
	note(s.Score(p.Build(), behavior.Submission{}))
	res, err := s.ScoreRequest(formPost(t, url.Values{behavior.DefaultField: {"{bad"}}), 0)
	if err != nil {
		t.Fatalf("ScoreRequest: %v", err)
	}
	note(res)
	// A field only a person fills, set by script.
	tel, _ := scenario(t, "human_login")
	note(behavior.NewScorer(behavior.WithTypedFields("code")).Score(tel, behavior.Submission{Filled: map[string]int{"code": 6}}))
	for _, code := range behavior.ReasonCodes() {
		if !seen[code] {
			t.Errorf("reason %s never fired", code)
		}
	}
}

func TestServerElapsed(t *testing.T) {
	tel, sub := scenario(t, "human_login")
	s := behavior.NewScorer()
	end := tel.Submit.At()
	for _, tc := range []struct {
		elapsed  time.Duration
		mismatch bool
	}{
		{0, false},
		{time.Duration(end+3000) * time.Millisecond, false}, // network adds to the server's view
		{time.Duration(end-2000) * time.Millisecond, false}, // timeOrigin precedes the request
		{time.Second, true},
	} {
		sub.Elapsed = tc.elapsed
		res := s.Score(tel, sub)
		if got := res.Has(behavior.ReasonClockMismatch); got != tc.mismatch {
			t.Errorf("Elapsed %v (page says %.0f ms): clock_mismatch = %v, want %v (%+v)", tc.elapsed, end, got, tc.mismatch, res.Reasons)
		}
	}
}

func TestFilledChecks(t *testing.T) {
	tel, _ := scenario(t, "human_login")
	s := behavior.NewScorer()
	tests := []struct {
		name   string
		filled map[string]int
		want   []string
	}{
		{"match", map[string]int{"user": 23, "pass": 15}, nil},
		{"unknown to server", nil, nil},
		{"other length", map[string]int{"user": 23, "pass": 9}, []string{behavior.ReasonLengthMismatch}},
		{"field not in telemetry", map[string]int{"user": 23, "pass": 15, "captcha": 4}, []string{behavior.ReasonNoEvents}},
		{"empty field not in telemetry", map[string]int{"user": 23, "pass": 15, "note": 0}, nil},
	}
	for _, tc := range tests {
		res := s.Score(tel, behavior.Submission{Filled: tc.filled})
		var got []string
		for _, r := range res.Reasons {
			got = append(got, r.Code)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: reasons = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestVerdictText(t *testing.T) {
	for _, v := range []behavior.Verdict{behavior.VerdictHuman, behavior.VerdictSuspect, behavior.VerdictBot} {
		b, err := v.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back behavior.Verdict
		if err := back.UnmarshalText(b); err != nil || back != v {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", b, back, err, v)
		}
	}
	var v behavior.Verdict
	if err := v.UnmarshalText([]byte("robot")); err == nil {
		t.Errorf("UnmarshalText(robot) = nil, want error")
	}
	b, _ := json.Marshal(behavior.Result{Score: 0.5, Verdict: behavior.VerdictSuspect, Reasons: []behavior.Reason{{Code: "x", Weight: 0.5, Detail: "d"}}})
	if want := `{"score":0.5,"verdict":"suspect","reasons":[{"code":"x","weight":0.5,"detail":"d"}]}`; string(b) != want {
		t.Errorf("json = %s, want %s", b, want)
	}
}

func TestLength(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want int
	}{{"", 0}, {"abc", 3}, {"김민수", 3}, {"a😀", 3}, {"é", 1}} {
		if got := behavior.Length(tc.s); got != tc.want {
			t.Errorf("Length(%q) = %d, want %d", tc.s, got, tc.want)
		}
	}
}

func TestReasonTable(t *testing.T) {
	codes := behavior.ReasonCodes()
	if len(codes) != 25 {
		t.Errorf("len(ReasonCodes()) = %d, want 25", len(codes))
	}
	for _, c := range codes {
		w, ok := behavior.DefaultWeight(c)
		if !ok || w <= 0 || w > 1 {
			t.Errorf("DefaultWeight(%s) = %v, %v", c, w, ok)
		}
	}
	if _, ok := behavior.DefaultWeight("nope"); ok {
		t.Errorf("DefaultWeight(nope) ok = true")
	}
}

func scenario(t *testing.T, name string) (*behavior.Telemetry, behavior.Submission) {
	t.Helper()
	for _, sc := range synth.Scenarios() {
		if sc.Name == name {
			return sc.Build()
		}
	}
	t.Fatalf("no scenario %s", name)
	return nil, behavior.Submission{}
}

func TestTypingCap(t *testing.T) {
	typing := map[string]bool{behavior.ReasonShortHolds: true, behavior.ReasonRegularHolds: true,
		behavior.ReasonRegularIntervals: true, behavior.ReasonZeroIntervals: true, behavior.ReasonFastTyping: true}
	group := func(r behavior.Result) float64 {
		keep := 1.0
		for _, x := range r.Reasons {
			if typing[x.Code] {
				keep *= 1 - x.Weight
			}
		}
		return 1 - keep
	}
	tel, sub := scenario(t, "type_delay_0_stealth")
	for _, tc := range []struct {
		cap      float64
		min, max float64
	}{
		{behavior.DefaultTypingCap, behavior.DefaultTypingCap - 0.003, behavior.DefaultTypingCap + 0.003},
		{0.5, 0.497, 0.503},
		{1, 0.9, 1},
	} {
		res := behavior.NewScorer(behavior.WithTypingCap(tc.cap)).Score(tel, sub)
		if g := group(res); g < tc.min || g > tc.max {
			t.Errorf("WithTypingCap(%v): typing reasons add up to %.3f, want [%v, %v] (%+v)", tc.cap, g, tc.min, tc.max, res.Reasons)
		}
	}
	// Machine typing alone (password manager auto-type) is a Suspect.
	tel, sub = scenario(t, "password_manager_autotype")
	if res := behavior.NewScorer().Score(tel, sub); res.Verdict != behavior.VerdictSuspect {
		t.Errorf("auto-type verdict = %v (%+v), want suspect", res.Verdict, res.Reasons)
	}
}

// TestScoreHandBuilt checks Score does not panic on telemetry that Decode
// would have rejected.
func TestScoreHandBuilt(t *testing.T) {
	tel := &behavior.Telemetry{Fields: []behavior.Field{{Name: "a", FinalLen: 2, Events: []behavior.Entry{
		{Type: behavior.EntryKeyUp, Ref: 7},
		{Type: behavior.EntryKeyUp, Ref: 1},
		{Type: behavior.EntryKeyDown, T: math.NaN()},
		{Type: behavior.EntryInput, N: 5},
	}}}}
	res := behavior.NewScorer().Score(tel, behavior.Submission{})
	if !(res.Score >= 0 && res.Score <= 1) {
		t.Errorf("Score = %v", res.Score)
	}
}

// TestTypedFields checks ReasonUntypedField: a field only a person fills
// must show typing when it holds a value.
func TestTypedFields(t *testing.T) {
	field := func(name string, evs ...behavior.Entry) behavior.Field {
		return behavior.Field{Name: name, FinalLen: 2, Events: evs}
	}
	key := behavior.Entry{Type: behavior.EntryKeyDown, Key: behavior.KeyLetter, T: 100, Ref: -1}
	paste := behavior.Entry{Type: behavior.EntryPaste, T: 100, Ref: -1}
	ime := behavior.Entry{Type: behavior.EntryCompositionEnd, T: 100, Ref: -1}
	input := behavior.Entry{Type: behavior.EntryInput, InputType: behavior.InputInsertText, N: 2, T: 100, Ref: -1}
	scripted := input
	scripted.Flags = behavior.FlagUntrusted
	focus := behavior.Entry{Type: behavior.EntryFocus, T: 50, Ref: -1, Pointer: &behavior.Pointer{SinceDown: -1}}
	s := behavior.NewScorer(behavior.WithTypedFields("answer"))
	tests := []struct {
		name   string
		fields []behavior.Field
		filled int
		want   bool
	}{
		{"typed", []behavior.Field{field("answer", focus, key, input)}, 2, false},
		{"pasted", []behavior.Field{field("answer", focus, paste, input)}, 2, false},
		{"IME", []behavior.Field{field("answer", focus, ime)}, 2, false},
		{"dictated (input only)", []behavior.Field{field("answer", focus, input)}, 2, false},
		{"script events only", []behavior.Field{field("answer", focus, scripted)}, 2, true},
		{"focus only", []behavior.Field{field("answer", focus)}, 2, true},
		{"missing from the telemetry", []behavior.Field{field("user", focus, key)}, 2, true},
		{"empty answer", []behavior.Field{field("answer", focus)}, 0, false},
	}
	for _, tc := range tests {
		tel := &behavior.Telemetry{Version: 2, Submit: behavior.Submit{T: 5000, Pointer: behavior.Pointer{SinceDown: -1}}, Fields: tc.fields}
		res := s.Score(tel, behavior.Submission{Filled: map[string]int{"answer": tc.filled}})
		if got := res.Has(behavior.ReasonUntypedField); got != tc.want {
			t.Errorf("%s: Score has %s = %v, want %v (%+v)", tc.name, behavior.ReasonUntypedField, got, tc.want, res.Reasons)
		}
	}
	// Without WithTypedFields the reason never fires.
	tel := &behavior.Telemetry{Version: 2, Submit: behavior.Submit{T: 5000}, Fields: []behavior.Field{field("answer", focus, scripted)}}
	if res := behavior.NewScorer().Score(tel, behavior.Submission{Filled: map[string]int{"answer": 2}}); res.Has(behavior.ReasonUntypedField) {
		t.Errorf("default Scorer gave %s", behavior.ReasonUntypedField)
	}
}

// TestFocusWithoutPointer checks a focus whose Pointer is nil (telemetry
// built by hand) scores and encodes as a focus with no pointer use.
func TestFocusWithoutPointer(t *testing.T) {
	tested := 0
	for _, tc := range synth.Scenarios() {
		tel, sub := tc.Build()
		if tel == nil {
			continue
		}
		bare := clearPointers(tel, func(p *behavior.Pointer) bool { return *p == behavior.Pointer{SinceDown: -1} })
		if bare == nil {
			continue // no focus without pointer use in this scenario
		}
		tested++
		s := behavior.NewScorer()
		if got, want := s.Score(bare, sub), s.Score(tel, sub); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Score(nil Pointers) = %+v, want %+v", tc.Name, got, want)
		}
		doc, err := bare.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		back, err := behavior.Decode(doc)
		if err != nil {
			t.Fatalf("%s: Decode(MarshalJSON(nil Pointers)) = %v", tc.Name, err)
		}
		orig, _ := tel.MarshalJSON()
		if want, _ := behavior.Decode(orig); !reflect.DeepEqual(back, want) {
			t.Errorf("%s: nil Pointers do not round-trip as no pointer use:\n%+v\nwant\n%+v", tc.Name, back, want)
		}
	}
	if tested == 0 {
		t.Fatal("no scenario has a focus without pointer use")
	}
}

// clearPointers returns a copy of tel with the Pointer of each focus that
// match reports set to nil, or nil if there is none.
func clearPointers(tel *behavior.Telemetry, match func(*behavior.Pointer) bool) *behavior.Telemetry {
	c := *tel
	c.Fields = slices.Clone(tel.Fields)
	n := 0
	for i := range c.Fields {
		c.Fields[i].Events = slices.Clone(c.Fields[i].Events)
		for j := range c.Fields[i].Events {
			if e := &c.Fields[i].Events[j]; e.Pointer != nil && match(e.Pointer) {
				e.Pointer = nil
				n++
			}
		}
	}
	if n == 0 {
		return nil
	}
	return &c
}
