package behavior_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/behavior/internal/synth"
)

// FuzzDecode feeds arbitrary bytes to the decoder. Whatever it accepts
// must re-encode to a document that decodes to the same value and must
// score without panicking to a score in [0, 1]; whatever it rejects must
// come back as one of the sentinel errors and no telemetry.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(validDoc))
	f.Add([]byte(`{"v":1,"s":[1,0,0,"",0,0,0,0,-1],"f":[]}`))
	f.Add([]byte(`{"v":3,"future":{"x":[1,2,3]}}`))
	f.Add([]byte(`{"v":1,"s":[1,0,0,"k",0,0,0,0,-1],"f":[{"n":"\u00e9\ud83d\ude00","l0":2,"l":3,"a":true,"e":[["cs",0.5,0,8],["v",0.7,0,32,1]]}]}`))
	f.Add([]byte(`{"v":1,"ld":1e400}`))
	f.Add([]byte(`[[[[[[[[`))
	for _, sc := range synth.Scenarios() {
		if tel, _ := sc.Build(); tel != nil {
			b, _ := tel.MarshalJSON()
			f.Add(b)
			f.Add(behavior.MarshalV1(tel))
		}
	}
	s := behavior.NewScorer()
	big := behavior.Limits{MaxBytes: 1 << 30}
	f.Fuzz(func(t *testing.T, data []byte) {
		tel, err := behavior.Decode(data)
		checkSameAsSlow(t, data, tel, err)
		checkDecodeTo(t, data, tel, err)
		if err != nil {
			if tel != nil {
				t.Fatalf("Decode returned telemetry and error %v", err)
			}
			if !errors.Is(err, behavior.ErrMalformed) && !errors.Is(err, behavior.ErrVersion) &&
				!errors.Is(err, behavior.ErrLimit) && !errors.Is(err, behavior.ErrTooLarge) {
				t.Fatalf("Decode error %v is not a sentinel", err)
			}
			return
		}
		b, err := tel.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON: %v", err)
		}
		again, err := big.Decode(b)
		if err != nil {
			t.Fatalf("Decode(MarshalJSON(Decode(%q))) = %v\n%s", data, err, b)
		}
		again.Version = tel.Version // MarshalJSON writes the version that fits
		if !reflect.DeepEqual(again, tel) {
			t.Fatalf("round trip changed the telemetry:\n%+v\n%+v", tel, again)
		}
		res := s.Score(tel, behavior.Submission{Filled: map[string]int{"user": 3}})
		if !(res.Score >= 0 && res.Score <= 1) || res.Verdict > behavior.VerdictBot {
			t.Fatalf("Score = %+v, out of range", res)
		}
	})
}

// checkDecodeTo decodes data with DecodeTo into a Telemetry that already
// holds another document (so its memory is reused) and compares the result
// with Decode's.
func checkDecodeTo(t *testing.T, data []byte, tel *behavior.Telemetry, err error) {
	t.Helper()
	var into behavior.Telemetry
	if err := (behavior.Limits{}).DecodeTo(&into, []byte(validDoc)); err != nil {
		t.Fatalf("DecodeTo(validDoc) = %v", err)
	}
	terr := behavior.Limits{}.DecodeTo(&into, data)
	if (err == nil) != (terr == nil) || (err != nil && err.Error() != terr.Error()) {
		t.Fatalf("Decode and DecodeTo disagree on %q:\n%v\n%v", data, err, terr)
	}
	want := tel
	if err != nil {
		want = &behavior.Telemetry{}
	}
	if got := behavior.Exported(&into); !reflect.DeepEqual(got, want) {
		t.Fatalf("DecodeTo(%q) =\n%+v\nwant\n%+v", data, got, want)
	}
}

// checkSameAsSlow compares Decode's result with the general parser's alone.
func checkSameAsSlow(t *testing.T, data []byte, tel *behavior.Telemetry, err error) {
	t.Helper()
	slow, serr := behavior.DecodeSlow(data)
	if (err == nil) != (serr == nil) || (err != nil && err.Error() != serr.Error()) {
		t.Fatalf("fast and slow paths disagree on %q:\n%v\n%v", data, err, serr)
	}
	if !reflect.DeepEqual(tel, slow) {
		t.Fatalf("fast and slow paths decode %q differently:\n%+v\n%+v", data, tel, slow)
	}
}

// TestFastPathAgrees mutates every scenario document byte by byte, in
// both wire versions, and checks the fast paths decode (or reject) each
// exactly like the general parser.
func TestFastPathAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte(`0123456789.-,;[]"eE ludsbfiovpcjzx{}:` + "\\")
	for _, sc := range synth.Scenarios() {
		tel, _ := sc.Build()
		if tel == nil {
			continue
		}
		v2, err := tel.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range [][]byte{behavior.MarshalV1(tel), v2} {
			agreeUnderMutation(t, rng, doc, alphabet)
		}
	}
}

func agreeUnderMutation(t *testing.T, rng *rand.Rand, doc, alphabet []byte) {
	t.Helper()
	for range 200 {
		m := bytes.Clone(doc)
		for range 1 + rng.IntN(3) {
			m[rng.IntN(len(m))] = alphabet[rng.IntN(len(alphabet))]
		}
		got, err := behavior.Decode(m)
		checkSameAsSlow(t, m, got, err)
	}
}
