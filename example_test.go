package tollgate_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/tollgate/tollgate"
	"github.com/tollgate/tollgate/captcha"
)

// A login handler protected in a few lines: the Gate's Handler serves the
// widget, challenges, media and proof-of-work puzzles; Protect checks every
// post. In the default managed mode a person's post with the widget's
// telemetry and proof of work passes with no puzzle; here a client posts
// the form directly, with neither (curl, or JavaScript off), and is asked
// to solve a challenge, never deceived: missing telemetry is no evidence.
func Example() {
	g, err := tollgate.New(tollgate.WithoutPool())
	if err != nil {
		panic(err)
	}
	defer g.Close()
	login := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "welcome", r.PostFormValue("username"))
	})
	mux := http.NewServeMux()
	mux.Handle(g.PathPrefix()+"/", g.Handler())
	mux.Handle("/login", g.Protect(login))

	req := httptest.NewRequest("POST", "/login", strings.NewReader("username=kim&password=hunter2"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	var answer struct {
		Code      string `json:"code"`
		Challenge struct {
			Kind      string `json:"kind"`
			MediaType string `json:"mediaType"`
		} `json:"challenge"`
	}
	json.Unmarshal(rec.Body.Bytes(), &answer)
	fmt.Println(rec.Code, answer.Code, answer.Challenge.Kind, answer.Challenge.MediaType)

	v := g.RecentVerdicts()[0]
	fmt.Println(v.Verdict, v.Deceived, v.Reasons[0].Code)
	// Output:
	// 403 challenge_required image image/png
	// bot false no_telemetry
}

// LogHook writes each event as one structured record with stable field
// names, ready for log analytics.
func ExampleLogHook() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey { // keep the example's output stable
				return slog.Attr{}
			}
			return a
		}}))
	hook := tollgate.LogHook(logger)
	hook(context.Background(), tollgate.FromCaptcha(captcha.Event{
		Type: "challenge.failed", ChallengeID: "q3v9", Kind: captcha.KindImage, Lang: "ko",
		AttemptsLeft: 2, Reason: "captcha: wrong answer (2 attempts left)",
	}))
	// Output:
	// {"level":"INFO","msg":"challenge.failed","event":"challenge.failed","source":"captcha","challenge_id":"q3v9","kind":"image","lang":"ko","attempts_left":2,"decoy":false,"reason":"captcha: wrong answer (2 attempts left)"}
}

// Hosts that use one package alone log its events the same way.
func ExampleCaptchaLogHook() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			switch a.Key { // drop what changes from run to run
			case slog.TimeKey, tollgate.FieldChallengeID, tollgate.FieldScreen:
				return slog.Attr{}
			}
			return a
		}}))
	gen := captcha.GeneratorFunc(func(ctx context.Context, req captcha.Request) (*captcha.Puzzle, error) {
		return &captcha.Puzzle{Answers: []string{"Mapo"}, Prompt: "Type Mapo", Media: []byte("png"), MediaType: "image/png"}, nil
	})
	svc, _ := captcha.New(captcha.WithGenerator(captcha.KindImage, gen), captcha.WithEventHook(tollgate.CaptchaLogHook(logger)))
	ch, _ := svc.Create(context.Background(), "", "en")
	svc.Verify(context.Background(), ch.ID, "mapo")
	// Output:
	// level=INFO msg=challenge.issued event=challenge.issued source=captcha kind=image lang=en
	// level=INFO msg=challenge.solved event=challenge.solved source=captcha kind=image lang=en
}

// MetricsHandler serves the Prometheus text format with no dependency.
func ExampleGate_MetricsHandler() {
	g, err := tollgate.New(tollgate.WithoutPool(), tollgate.WithDeceiveDelay(0, 0))
	if err != nil {
		panic(err)
	}
	defer g.Close()
	req := httptest.NewRequest("POST", "/login", strings.NewReader("username=kim"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	g.Protect(http.NotFoundHandler()).ServeHTTP(httptest.NewRecorder(), req)

	rec := httptest.NewRecorder()
	g.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, line := range strings.Split(rec.Body.String(), "\n") {
		if strings.Contains(line, "tollgate_behavior_verdicts_total") || strings.HasPrefix(line, "tollgate_protect_total") {
			fmt.Println(line)
		}
	}
	// Output:
	// # HELP tollgate_behavior_verdicts_total Scored form posts by verdict (human, suspect, bot).
	// # TYPE tollgate_behavior_verdicts_total counter
	// tollgate_behavior_verdicts_total{verdict="bot"} 1
	// tollgate_protect_total{outcome="challenged"} 1
}
