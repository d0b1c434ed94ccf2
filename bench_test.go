package tollgate

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/captcha"
)

// BenchmarkProtectBot measures Protect's cost for a bot's post (no
// telemetry, decoy without delay): per-key limits, scoring, suspects and
// the decoy.
func BenchmarkProtectBot(b *testing.B) {
	g, err := New(WithImageGenerator(fixedGenerator("x")), WithAudioGenerator(nil), WithoutPool(),
		WithDeceiveDelay(0, 0), WithIPLimit(nil))
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close()
	p := g.Protect(http.NotFoundHandler())
	body := loginForm("", "").Encode()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("POST", "/login", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			p.ServeHTTP(httptest.NewRecorder(), req)
		}
	})
}

// BenchmarkProtectPerson measures a person's post with telemetry (about 30
// typed keys) up to the CAPTCHA check, which fails for want of a token:
// scoring, the answer check, the lane and the denial (without the failure
// delay).
func BenchmarkProtectPerson(b *testing.B) {
	g, err := New(WithImageGenerator(fixedGenerator("x")), WithAudioGenerator(nil), WithoutPool(), WithIPLimit(nil),
		WithDeceiveDelay(0, 0))
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close()
	p := g.Protect(http.NotFoundHandler())
	body := loginForm("", humanLogin(1)).Encode()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("POST", "/login", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			p.ServeHTTP(httptest.NewRecorder(), req)
		}
	})
}

// BenchmarkObserve measures the Gate's handling of one event without
// logging: metrics and hooks.
func BenchmarkObserve(b *testing.B) {
	g, err := New(WithImageGenerator(fixedGenerator("x")), WithAudioGenerator(nil), WithoutPool())
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close()
	e := FromCaptcha(captcha.Event{Type: "challenge.issued", Kind: captcha.KindImage, ChallengeID: "abc"})
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			g.Observe(ctx, e)
		}
	})
}

// BenchmarkLogHook measures writing one verdict as a JSON record.
func BenchmarkLogHook(b *testing.B) {
	h := LogHook(slog.New(slog.NewJSONHandler(io.Discard, nil)))
	e := FromBehavior(behavior.Event{Type: behavior.EventVerdict, Key: "ip:192.0.2.7", Result: behavior.Result{
		Score: 0.93, Verdict: behavior.VerdictBot, Reasons: []behavior.Reason{
			{Code: behavior.ReasonShortHolds, Weight: 0.6, Detail: "keys held 4 ms"},
			{Code: behavior.ReasonPointerJump, Weight: 0.35, Detail: "1 of 1 clicks"}}}})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		h(ctx, e)
	}
}

// BenchmarkProtectManaged measures a person's post in managed mode, in
// memory, that passes with no puzzle: intake, limits, lane, scoring, the
// proof of work (issued at difficulty 1 outside the timer), the risk
// decision and the protected handler.
func BenchmarkProtectManaged(b *testing.B) {
	g, err := New(WithImageGenerator(fixedGenerator("x")), WithAudioGenerator(nil), WithoutPool(), WithIPLimit(nil),
		WithChallengeLimit(nil), WithProofOfWork(1), WithExpectedFields("username", "password"))
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close()
	p := g.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	form := url.Values{"username": {"kim"}, "password": {"hunter22"}, behavior.DefaultField: {personLogin(1)}}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		form.Set(FieldNameWork, work(b, g))
		body := form.Encode()
		req := httptest.NewRequest("POST", "/login", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		b.StartTimer()
		p.ServeHTTP(w, req)
		if w.Code != http.StatusNoContent {
			b.Fatalf("managed post = %d %s", w.Code, w.Body)
		}
	}
}
