package behavior_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/behavior/internal/synth"
)

// loginDoc returns a typical login form document: a person typing an
// e-mail address and a password (2 fields, 40 keys with the Shift presses),
// or, with big, a 4-field sign-up form (80 keys): the two ends of the
// range the speed target names.
func loginDoc(big bool) ([]byte, behavior.Submission) {
	ty := synth.NewTypist(99)
	p := synth.New(0, 300)
	at := 2000.0
	fields := []struct{ name, text string }{{"email", "alice.smith@example.com"}, {"password", "Correct-Horse7!"}}
	if big {
		fields = []struct{ name, text string }{
			{"name", "Alana Smith"}, {"email", "alice.smith@example.com"},
			{"password", "Correct-Horse-Bat7!"}, {"confirm", "Correct-Horse-Bat7!"},
		}
	}
	sub := behavior.Submission{Filled: map[string]int{}}
	for _, f := range fields {
		p.Focus(f.name, at, synth.MousePath(30, 400, 0.7))
		at = ty.Type(p, f.name, f.text, at+500) + 300
		p.Blur(f.name, at)
		sub.Filled[f.name] = len(f.text)
		at += 400
	}
	p.Submit(at, behavior.ViaClick, 0, synth.MousePath(20, 300, 80))
	return p.JSON(), sub
}

// keydowns counts the keydown events in a document: the "keys" that a
// benchmark's name claims.
func keydowns(b *testing.B, doc []byte) int {
	b.Helper()
	t, err := behavior.Decode(doc)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, f := range t.Fields {
		for _, e := range f.Events {
			if e.Type == behavior.EntryKeyDown {
				n++
			}
		}
	}
	return n
}

// benchDecodeScore decodes and scores the login (or, with big, the
// sign-up) document; with reuse it decodes into the same Telemetry each
// time (Limits.DecodeTo), as Scorer.ScoreRequest does.
func benchDecodeScore(b *testing.B, big, reuse bool) {
	doc, sub := loginDoc(big)
	if want := map[bool]int{false: 40, true: 80}[big]; keydowns(b, doc) != want {
		b.Fatalf("document has %d keydowns, want %d", keydowns(b, doc), want)
	}
	s := behavior.NewScorer()
	var into behavior.Telemetry
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	cpu := processCPU()
	n := 0
	for b.Loop() {
		t, err := &into, error(nil)
		if reuse {
			err = behavior.Limits{}.DecodeTo(t, doc)
		} else {
			t, err = behavior.Decode(doc)
		}
		if err != nil {
			b.Fatal(err)
		}
		if r := s.Score(t, sub); r.Verdict != behavior.VerdictHuman {
			b.Fatalf("verdict %v", r.Verdict)
		}
		n++
	}
	if cpu > 0 {
		// Process CPU (GC included) per op: robust to other load on the machine.
		b.ReportMetric(float64(processCPU()-cpu)/float64(n), "cpu-ns/op")
	}
}

// BenchmarkDecodeScore is the target: ≤ 20 µs/op for a login form.
func BenchmarkDecodeScore(b *testing.B) {
	b.Run("login_2fields_40keys", func(b *testing.B) { benchDecodeScore(b, false, false) })
	b.Run("signup_4fields_80keys", func(b *testing.B) { benchDecodeScore(b, true, false) })
}

func BenchmarkDecodeScoreParallel(b *testing.B) {
	doc, sub := loginDoc(false)
	s := behavior.NewScorer()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			t, err := behavior.Decode(doc)
			if err != nil {
				b.Error(err)
				return
			}
			s.Score(t, sub)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	doc, _ := loginDoc(false)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := behavior.Decode(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkScore(b *testing.B) { benchScore(b, false) }

func benchScore(b *testing.B, big bool) {
	doc, sub := loginDoc(big)
	t, err := behavior.Decode(doc)
	if err != nil {
		b.Fatal(err)
	}
	s := behavior.NewScorer()
	b.ReportAllocs()
	for b.Loop() {
		s.Score(t, sub)
	}
}

// BenchmarkDecodeToScore is BenchmarkDecodeScore with the memory of the
// telemetry reused from one document to the next (Limits.DecodeTo), as
// Scorer.ScoreRequest does.
func BenchmarkDecodeToScore(b *testing.B) {
	b.Run("login_2fields_40keys", func(b *testing.B) { benchDecodeScore(b, false, true) })
	b.Run("signup_4fields_80keys", func(b *testing.B) { benchDecodeScore(b, true, true) })
}

// BenchmarkScoreRequest is the whole server-side path for a login post:
// parse the form, decode the telemetry into recycled memory, score.
func BenchmarkScoreRequest(b *testing.B) {
	doc, _ := loginDoc(false)
	body := url.Values{behavior.DefaultField: {string(doc)}, "email": {"alice.smith@example.com"}, "password": {"Correct-Horse7!"}}.Encode()
	s := behavior.NewScorer()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(body))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := s.ScoreRequest(r, 0)
			if err != nil || res.Verdict != behavior.VerdictHuman {
				b.Errorf("ScoreRequest = %v %+v", err, res)
				return
			}
		}
	})
}

// BenchmarkDecodeTo is the decoder alone, into recycled memory.
func BenchmarkDecodeTo(b *testing.B) {
	doc, _ := loginDoc(false)
	benchDecodeTo(b, doc)
}

// BenchmarkDecodeToV1 is BenchmarkDecodeTo on the same document written in
// wire version 1.
func BenchmarkDecodeToV1(b *testing.B) {
	doc, _ := loginDoc(false)
	t, err := behavior.Decode(doc)
	if err != nil {
		b.Fatal(err)
	}
	benchDecodeTo(b, behavior.MarshalV1(t))
}

func benchDecodeTo(b *testing.B, doc []byte) {
	var t behavior.Telemetry
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if err := (behavior.Limits{}).DecodeTo(&t, doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScoreSignup is Score alone on the 4-field, 80-key form.
func BenchmarkScoreSignup(b *testing.B) { benchScore(b, true) }
