package behavior_test

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/behavior/internal/synth"
)

const validDoc = `{"v":1,"step":0.1,"wd":false,"ld":300,"s":[5000,0.5,0,"c",10,100,80,1,90],` +
	`"f":[{"n":"user","l0":0,"l":1,"a":false,"e":[["f",1000,0.5,0,0,5,50,40,1,1],` +
	`["d",1500,0.5,0,"l"],["i",1500.5,0.1,256,"insertText",1],["u",1600,0.5,0,"l",1],["b",2000,0.3,0,1]]}]}`

func TestDecodeValid(t *testing.T) {
	tel, err := behavior.Decode([]byte(validDoc))
	if err != nil {
		t.Fatalf("Decode(validDoc) = %v", err)
	}
	want := &behavior.Telemetry{
		Version: 1, Step: 0.1, Load: 300,
		Submit: behavior.Submit{T: 5000, D: 0.5, Via: behavior.ViaClick,
			Pointer: behavior.Pointer{Moves: 10, Path: 100, Disp: 80, Kind: behavior.PointerMouse, SinceDown: 90}},
		Fields: []behavior.Field{{Name: "user", FinalLen: 1, Events: []behavior.Entry{
			{Type: behavior.EntryFocus, T: 1000, D: 0.5, Ref: -1, Pointer: &behavior.Pointer{Moves: 5, Path: 50, Disp: 40, Kind: behavior.PointerMouse, SinceDown: 1}},
			{Type: behavior.EntryKeyDown, Key: behavior.KeyLetter, T: 1500, D: 0.5, Ref: -1},
			{Type: behavior.EntryInput, T: 1500.5, D: 0.1, Flags: behavior.FlagBeforeInput, InputType: behavior.InputInsertText, N: 1, Ref: -1},
			{Type: behavior.EntryKeyUp, Key: behavior.KeyLetter, T: 1600, D: 0.5, Ref: 1},
			{Type: behavior.EntryBlur, T: 2000, D: 0.3, N: 1, Ref: -1},
		}}},
	}
	if !reflect.DeepEqual(tel, want) {
		t.Errorf("Decode(validDoc) =\n%+v\nwant\n%+v", tel, want)
	}
}

func TestDecodeWhitespaceAndEscapes(t *testing.T) {
	doc := "{\n  \"v\" : 1 ,\n \"x\":2, \"s\" : [ 10 , 0 , 0 , \"k\" , 0 , 0 , 0 , 0 , -1 ] ,\n" +
		"  \"f\" : [ { \"n\" : \"us\\u00e9r\\ud83d\\ude00\\\"\" , \"e\" : [ [ \"p\" , 5 , 0 , 0 ] ] } ]\n}\n"
	tel, err := behavior.Decode([]byte(doc))
	if err != nil {
		t.Fatalf("Decode = %v", err)
	}
	if got, want := tel.Fields[0].Name, "usér😀\""; got != want {
		t.Errorf("name = %q, want %q", got, want)
	}
	if tel.Dropped != 2 || tel.Submit.Via != behavior.ViaKey || tel.Submit.Pointer.Clicked() {
		t.Errorf("Dropped %d, Via %v, Clicked %v; want 2, k, false", tel.Dropped, tel.Submit.Via, tel.Submit.Pointer.Clicked())
	}
}

func TestDecodeErrors(t *testing.T) {
	sub := `"s":[5000,0.5,0,"c",0,0,0,0,-1]`
	ev := func(events string) string {
		return `{"v":1,` + sub + `,"f":[{"n":"a","e":[` + events + `]}]}`
	}
	tests := []struct {
		name, doc string
		want      error
		msg       string
	}{
		{"empty", ``, behavior.ErrMalformed, "unexpected end"},
		{"array", `[]`, behavior.ErrMalformed, "expected '{'"},
		{"version 3", `{"v":3,"s":[],"f":[]}`, behavior.ErrVersion, "version 3"},
		{"version 3 with unknown members", `{"zz":[1,{"a":[true,null]}],"v":3,"new":"x"}`, behavior.ErrVersion, "want 1 or 2"},
		{"version string", `{"v":"1"}`, behavior.ErrMalformed, "expected a number"},
		{"unknown member", `{"v":1,` + sub + `,"f":[],"zz":1}`, behavior.ErrMalformed, `unknown member "zz"`},
		{"missing v", `{` + sub + `,"f":[]}`, behavior.ErrMalformed, `missing member "v"`},
		{"missing s", `{"v":1,"f":[]}`, behavior.ErrMalformed, `missing member "s"`},
		{"missing f", `{"v":1,` + sub + `}`, behavior.ErrMalformed, `missing member "f"`},
		{"duplicate v", `{"v":1,"v":1,` + sub + `,"f":[]}`, behavior.ErrMalformed, `duplicate member "v"`},
		{"trailing data", `{"v":1,` + sub + `,"f":[]} x`, behavior.ErrMalformed, "after the document"},
		{"step too big", `{"v":1,"step":2000,` + sub + `,"f":[]}`, behavior.ErrMalformed, "step out of range"},
		{"huge number", `{"v":1,"ld":1e400,` + sub + `,"f":[]}`, behavior.ErrMalformed, "out of range"},
		{"bad number", `{"v":1,"ld":1.,` + sub + `,"f":[]}`, behavior.ErrMalformed, "bad number"},
		{"wd not bool", `{"v":1,"wd":1,` + sub + `,"f":[]}`, behavior.ErrMalformed, "true or false"},
		{"bad via", `{"v":1,"s":[1,0,0,"x",0,0,0,0,-1],"f":[]}`, behavior.ErrMalformed, "submit via"},
		{"pointer kind", `{"v":1,"s":[1,0,0,"c",0,0,0,4,-1],"f":[]}`, behavior.ErrMalformed, "pointer kind"},
		{"since down", `{"v":1,"s":[1,0,0,"c",0,0,0,1,-2],"f":[]}`, behavior.ErrMalformed, "pointer down time"},
		{"negative time", ev(`["p",-1,0,0]`), behavior.ErrMalformed, "event time out of range"},
		{"flags range", ev(`["p",1,0,512]`), behavior.ErrMalformed, "event flags must be in"},
		{"flags fraction", ev(`["p",1,0,1.5]`), behavior.ErrMalformed, "expected an integer"},
		{"leading zero", ev(`["p",1,0,01]`), behavior.ErrMalformed, "expected an integer"},
		{"unknown event", ev(`["zz",1,0,0]`), behavior.ErrMalformed, "unknown event type"},
		{"unknown key class", ev(`["d",1,0,0,"q"]`), behavior.ErrMalformed, "unknown key class"},
		{"keyup ref out of range", ev(`["d",1,0,0,"l"],["u",2,0,0,"l",5]`), behavior.ErrMalformed, "keyup reference"},
		{"keyup ref not keydown", ev(`["p",1,0,0],["u",2,0,0,"l",0]`), behavior.ErrMalformed, "not a keydown"},
		{"inputType digits", ev(`["i",1,0,0,"insert1",1]`), behavior.ErrMalformed, "ASCII letters"},
		{"inputType long", ev(`["bi",1,0,0,"` + strings.Repeat("a", 41) + `"]`), behavior.ErrMalformed, "too long"},
		{"short event", ev(`["d",1,0,0]`), behavior.ErrMalformed, "expected ','"},
		{"long event", ev(`["p",1,0,0,1]`), behavior.ErrMalformed, "expected ']'"},
		{"handled backwards", ev(`["p",100,0,0],["p",50,0,0]`), behavior.ErrMalformed, "handled before"},
		{"handled after submit", ev(`["p",6000,0,0]`), behavior.ErrMalformed, "handled after the submit"},
		{"load after submit", `{"v":1,"ld":9000,` + sub + `,"f":[]}`, behavior.ErrMalformed, "load after submit"},
		{"field without events", `{"v":1,` + sub + `,"f":[{"n":"a"}]}`, behavior.ErrMalformed, `needs "n" and "e"`},
		{"empty field", `{"v":1,` + sub + `,"f":[{}]}`, behavior.ErrMalformed, "empty field"},
		{"empty name", `{"v":1,` + sub + `,"f":[{"n":"","e":[]}]}`, behavior.ErrMalformed, "field name"},
		{"long name", `{"v":1,` + sub + `,"f":[{"n":"` + strings.Repeat("n", 129) + `","e":[]}]}`, behavior.ErrMalformed, "field name"},
		{"duplicate name", `{"v":1,` + sub + `,"f":[{"n":"a","e":[]},{"n":"a","e":[]}]}`, behavior.ErrMalformed, "duplicate field name"},
		{"unknown field member", `{"v":1,` + sub + `,"f":[{"n":"a","e":[],"q":1}]}`, behavior.ErrMalformed, "unknown field member"},
		{"bad escape", `{"v":1,` + sub + `,"f":[{"n":"\q","e":[]}]}`, behavior.ErrMalformed, "invalid escape"},
		{"lone surrogate", `{"v":1,` + sub + `,"f":[{"n":"\ud800","e":[]}]}`, behavior.ErrMalformed, "surrogate"},
		{"bad utf8", "{\"v\":1," + sub + ",\"f\":[{\"n\":\"\xff\",\"e\":[]}]}", behavior.ErrMalformed, "UTF-8"},
		{"control char", "{\"v\":1," + sub + ",\"f\":[{\"n\":\"a\nb\",\"e\":[]}]}", behavior.ErrMalformed, "control character"},
		{"unterminated", `{"v":1,"f":[{"n":"abc`, behavior.ErrMalformed, "unterminated"},
		{"deep unknown", `{"v":1,"x1":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`, behavior.ErrMalformed, "nesting too deep"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tel, err := behavior.Decode([]byte(tc.doc))
			if tel != nil {
				t.Errorf("Decode returned telemetry %+v with error %v; want nil", tel, err)
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("Decode(%q) = %v, want %v", tc.doc, err, tc.want)
			}
			var de *behavior.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %T is not a *DecodeError", err)
			}
			if !strings.Contains(err.Error(), tc.msg) || !strings.HasPrefix(err.Error(), "behavior: ") {
				t.Errorf("Decode(%q) error = %q, want it to contain %q", tc.doc, err, tc.msg)
			}
			if de.Offset < 0 || de.Offset > len(tc.doc) {
				t.Errorf("Offset = %d outside the document (%d bytes)", de.Offset, len(tc.doc))
			}
		})
	}
}

func TestDecodeLimits(t *testing.T) {
	p := synth.New(0, 300)
	for i := range 3 {
		name := string(rune('a' + i))
		p.Focus(name, 1000+float64(i)*100, synth.NoPointer())
		for j := range 4 {
			p.Event(name, behavior.EntryPaste, 1010+float64(i)*100+float64(j), 0)
		}
	}
	p.Submit(5000, behavior.ViaKey, 0, synth.NoPointer())
	doc := p.JSON() // 3 fields of 5 events
	tests := []struct {
		name string
		lim  behavior.Limits
		want error
	}{
		{"defaults", behavior.Limits{}, nil},
		{"bytes", behavior.Limits{MaxBytes: len(doc) - 1}, behavior.ErrTooLarge},
		{"bytes exact", behavior.Limits{MaxBytes: len(doc)}, nil},
		{"fields", behavior.Limits{MaxFields: 2}, behavior.ErrLimit},
		{"fields exact", behavior.Limits{MaxFields: 3}, nil},
		{"field events", behavior.Limits{MaxFieldEvents: 4}, behavior.ErrLimit},
		{"field events exact", behavior.Limits{MaxFieldEvents: 5}, nil},
		{"events", behavior.Limits{MaxEvents: 14}, behavior.ErrLimit},
		{"events exact", behavior.Limits{MaxEvents: 15}, nil},
	}
	for _, tc := range tests {
		_, err := tc.lim.Decode(doc)
		if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
			t.Errorf("%s: Limits%+v.Decode = %v, want %v", tc.name, tc.lim, err, tc.want)
		}
	}
	big := make([]byte, behavior.DefaultMaxBytes+1)
	if _, err := behavior.Decode(big); !errors.Is(err, behavior.ErrTooLarge) {
		t.Errorf("Decode(%d bytes) = %v, want ErrTooLarge", len(big), err)
	}
}

// TestRoundTrip encodes every scenario and decodes it back unchanged.
func TestRoundTrip(t *testing.T) {
	for _, sc := range synth.Scenarios() {
		tel, _ := sc.Build()
		if tel == nil {
			continue
		}
		b, err := tel.MarshalJSON()
		if err != nil {
			t.Fatalf("%s: MarshalJSON: %v", sc.Name, err)
		}
		got, err := behavior.Decode(b)
		if err != nil {
			t.Fatalf("%s: Decode(MarshalJSON()) = %v\n%s", sc.Name, err, b)
		}
		b2, _ := got.MarshalJSON()
		if string(b) != string(b2) {
			t.Errorf("%s: re-encoding differs:\n%s\n%s", sc.Name, b, b2)
		}
		if !reflect.DeepEqual(got, tel) {
			t.Errorf("%s: Decode(MarshalJSON(t)) != t", sc.Name)
		}
	}
}

// TestDecodeTo decodes a sequence of documents, good and bad, big and
// small, into one Telemetry: each result must equal Decode's, a failure
// must leave the zero Telemetry, and once the memory has grown a document
// decodes without allocating.
func TestDecodeTo(t *testing.T) {
	var docs [][]byte
	big, _ := loginDoc(true)
	docs = append(docs, big)
	for _, name := range []string{"human_login", "hangul_ime", "password_manager_fill", "tab_through"} {
		for _, sc := range synth.Scenarios() {
			if sc.Name == name {
				tel, _ := sc.Build()
				b, err := tel.MarshalJSON()
				if err != nil {
					t.Fatal(err)
				}
				docs = append(docs, b)
			}
		}
	}
	if len(docs) != 5 {
		t.Fatalf("found %d documents, want 5", len(docs))
	}
	docs = append(docs, []byte(validDoc), []byte(`{"v":1,"s":[1,0,0,"k",0,0,0,0,-1],"f":[{"n":"user","e":[["x"]]}]}`), []byte(`{"v":3}`))
	var into behavior.Telemetry
	lim := behavior.Limits{}
	for round := range 2 {
		for i, doc := range docs {
			want, werr := behavior.Decode(doc)
			err := lim.DecodeTo(&into, doc)
			if (err == nil) != (werr == nil) || (err != nil && err.Error() != werr.Error()) {
				t.Fatalf("round %d doc %d: DecodeTo = %v, Decode = %v", round, i, err, werr)
			}
			if werr != nil {
				want = &behavior.Telemetry{}
			}
			if got := behavior.Exported(&into); !reflect.DeepEqual(got, want) {
				t.Errorf("round %d doc %d: DecodeTo =\n%+v\nwant\n%+v", round, i, got, want)
			}
		}
	}
	doc := docs[1]
	if got := testing.AllocsPerRun(100, func() { _ = lim.DecodeTo(&into, doc) }); got != 0 {
		t.Errorf("DecodeTo of a document of the same form allocates %v times, want 0", got)
	}
}

// TestDecodeV2 checks the version 2 events grammar: what it accepts, and
// that every departure from it is a malformed document.
func TestDecodeV2(t *testing.T) {
	const head = `{"v":2,"s":[5000,0,0,"c",0,0,0,0,-1],"f":[{"n":"user","l":1,"e":"`
	const tail = `"}]}`
	good := `f10000,5,0,0,5,50,40,1,10;d5000,5,0,l;i5,1,256,insertText,1;u995,5,0,l,1;j10,0,0,deleteContentBackward;p1,0,0;s1,0,8;c1,0,8;e1,0,8;v1,0,32,0;b10,3,0,1`
	tel, err := behavior.Decode([]byte(head + good + tail))
	if err != nil {
		t.Fatalf("Decode(valid v2) = %v", err)
	}
	ev := tel.Fields[0].Events
	if tel.Version != 2 || len(ev) != 11 {
		t.Fatalf("Decode(valid v2) = version %d, %d events; want 2, 11", tel.Version, len(ev))
	}
	want := []behavior.Entry{
		{Type: behavior.EntryFocus, T: 1000, D: 0.5, Ref: -1, Pointer: &behavior.Pointer{Moves: 5, Path: 50, Disp: 40, Kind: behavior.PointerMouse, SinceDown: 1}},
		{Type: behavior.EntryKeyDown, Key: behavior.KeyLetter, T: 1500, D: 0.5, Ref: -1},
		{Type: behavior.EntryInput, T: 1500.5, D: 0.1, Flags: behavior.FlagBeforeInput, InputType: behavior.InputInsertText, N: 1, Ref: -1},
		{Type: behavior.EntryKeyUp, Key: behavior.KeyLetter, T: 1600, D: 0.5, Ref: 1},
		{Type: behavior.EntryBeforeInput, T: 1601, InputType: behavior.InputDeleteContentBackward, Ref: -1},
	}
	for i, w := range want {
		if !reflect.DeepEqual(ev[i], w) {
			t.Errorf("event %d = %+v, want %+v", i, ev[i], w)
		}
	}
	if last := ev[10]; last.Type != behavior.EntryBlur || last.T != 1602.5 || last.N != 1 {
		t.Errorf("last event = %+v, want a blur at 1602.5 with length 1", last)
	}
	if got, _ := behavior.Decode([]byte(head + tail)); got == nil || len(got.Fields[0].Events) != 0 {
		t.Errorf("Decode(empty events string) = %+v, want a field with no events", got)
	}
	bad := []struct{ name, events, msg string }{
		{"unknown type", `x1,0,0`, "unknown event type"},
		{"two-letter type", `bi1,0,0,`, "time delta"},
		{"leading zero", `d01,0,0,l`, "time delta"},
		{"minus zero", `d-0,0,0,l`, "time delta"},
		{"decimal time", `d1.5,0,0,l`, "expected ','"},
		{"negative time", `d-5,0,0,l`, "out of range"},
		{"missing flags", `d1,0,l`, "flags"},
		{"flags too big", `d1,0,512,l`, "flags"},
		{"unknown key", `d1,0,0,z`, "key class"},
		{"key too long", `d1,0,0,ll`, "expected ';'"},
		{"keyup to itself", `d1,0,0,l;u1,0,0,l,1`, "keyup reference"},
		{"keyup to a keyup", `d1,0,0,l;u1,0,0,l,0;u1,0,0,l,1`, "not a keydown"},
		{"focus missing members", `f1,0,0,0,5,50,40,1`, "pointer down time"},
		{"pointer kind", `f1,0,0,0,5,50,40,4,-1`, "pointer kind"},
		{"space", `d1,0,0,l; d1,0,0,l`, "unknown event type"},
		{"trailing separator", `d1,0,0,l;`, "unknown event type"},
		{"input without length", `i1,0,0,insertText`, "input length"},
		{"escape", `d1,0,0,\u006c`, "escape"},
	}
	for _, tc := range bad {
		_, err := behavior.Decode([]byte(head + tc.events + tail))
		if !errors.Is(err, behavior.ErrMalformed) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: Decode(%q) = %v, want malformed: %s", tc.name, tc.events, err, tc.msg)
		}
	}
	// The events must be in the version's encoding.
	for _, doc := range []string{
		`{"v":1,"s":[5000,0,0,"c",0,0,0,0,-1],"f":[{"n":"user","e":"d1,0,0,l"}]}`,
		`{"v":2,"s":[5000,0,0,"c",0,0,0,0,-1],"f":[{"n":"user","e":[["d",1,0,0,"l"]]}]}`,
	} {
		if _, err := behavior.Decode([]byte(doc)); !errors.Is(err, behavior.ErrMalformed) || !strings.Contains(err.Error(), "events must be") {
			t.Errorf("Decode(%s) = %v, want malformed: events must be …", doc, err)
		}
	}
	// The limits count version 2 events too.
	many := strings.Repeat("p1,0,0;", 10) + "p1,0,0"
	if _, err := (behavior.Limits{MaxFieldEvents: 10}).Decode([]byte(head + many + tail)); !errors.Is(err, behavior.ErrLimit) {
		t.Errorf("Decode(11 events, MaxFieldEvents 10) = %v, want ErrLimit", err)
	}
}

// TestDecodeAllocations checks Decode sizes the events array right the
// first time, in both versions: the telemetry, its fields, one events
// array, one array of focus pointers and the field names, nothing regrown.
func TestDecodeAllocations(t *testing.T) {
	for _, path := range []string{"testdata/telemetry/human_login.json", "testdata/telemetry/v1/human_login.json"} {
		doc, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		doc = bytes.TrimSpace(doc)
		if got := testing.AllocsPerRun(20, func() { _, _ = behavior.Decode(doc) }); got > 6 {
			t.Errorf("Decode(%s) allocates %v times, want at most 6 (telemetry, fields, events, pointers, 2 names)", path, got)
		}
	}
}

// TestEntrySize keeps Entry at the 48 bytes the README's figures rest on:
// a document's events are most of what Decode allocates.
func TestEntrySize(t *testing.T) {
	if got := unsafe.Sizeof(behavior.Entry{}); got != 48 {
		t.Errorf("unsafe.Sizeof(Entry{}) = %d, want 48", got)
	}
}
