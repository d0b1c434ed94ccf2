package behavior_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/tollgate/tollgate/behavior"
)

// A field typed by automation: six keys held 1 ms, 3 ms apart, right after
// the focus, with navigator.webdriver set.
const botDoc = `{"v":1,"step":0.1,"wd":true,"ld":200,"s":[260,0.5,0,"k",0,0,0,0,-1],"f":[{"n":"q","l0":0,"l":6,"e":[` +
	`["f",230,0.2,0,0,0,0,0,0,-1],` +
	`["d",231,0.3,0,"l"],["i",231.2,0.1,256,"insertText",1],["u",232,0.3,0,"l",1],` +
	`["d",234,0.3,0,"l"],["i",234.2,0.1,256,"insertText",1],["u",235,0.3,0,"l",4],` +
	`["d",237,0.3,0,"l"],["i",237.2,0.1,256,"insertText",1],["u",238,0.3,0,"l",7],` +
	`["d",240,0.3,0,"l"],["i",240.2,0.1,256,"insertText",1],["u",241,0.3,0,"l",10],` +
	`["d",243,0.3,0,"l"],["i",243.2,0.1,256,"insertText",1],["u",244,0.3,0,"l",13],` +
	`["d",246,0.3,0,"l"],["i",246.2,0.1,256,"insertText",1],["u",247,0.3,0,"l",16]]}]}`

func ExampleScorer_Score() {
	t, err := behavior.Decode([]byte(botDoc))
	if err != nil {
		fmt.Println(err)
		return
	}
	s := behavior.NewScorer()
	res := s.Score(t, behavior.Submission{Filled: map[string]int{"q": 6}})
	fmt.Println(res.Verdict, res.Score)
	for _, r := range res.Reasons {
		fmt.Println(r.Code, r.Weight)
	}
	// The five typing-rhythm reasons share one cap (DefaultTypingCap):
	// machine typing alone is a Suspect; webdriver, the instant first key
	// and the fast submit make it a Bot.

	// Output:
	// bot 0.949
	// webdriver 0.45
	// instant_first_key 0.35
	// fast_submit 0.35
	// regular_intervals 0.328
	// short_holds 0.293
	// zero_intervals 0.293
	// fast_typing 0.23
	// regular_holds 0.15
}

func ExampleDecode() {
	_, err := behavior.Decode([]byte(`{"v":7,"s":[],"f":[]}`))
	fmt.Println(err)
	// Output:
	// behavior: unsupported telemetry version at offset 5: version 7, want 1 or 2
}

// A server that decodes many documents can reuse one Telemetry per
// goroutine (ScoreRequest and Guard do this internally with a pool): after
// the first document, decoding allocates nothing.
func ExampleLimits_DecodeTo() {
	var t behavior.Telemetry
	s := behavior.NewScorer()
	for _, doc := range []string{botDoc, botDoc} {
		if err := (behavior.Limits{}).DecodeTo(&t, []byte(doc)); err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(len(t.Fields[0].Events), s.Score(&t, behavior.Submission{Filled: map[string]int{"q": 6}}).Verdict)
	}
	// Output:
	// 19 bot
	// 19 bot
}

func ExampleGuard() {
	mux := http.NewServeMux()
	mux.Handle("GET /tollgate/behavior.js", behavior.CollectorHandler())
	login := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, _ := behavior.ResultFromContext(r.Context())
		fmt.Fprintf(w, "checked password of a %v", res.Verdict)
	})
	guard := behavior.Guard(behavior.NewScorer(),
		behavior.WithDecoy(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "wrong user name or password", http.StatusUnauthorized)
		})),
		behavior.WithDelay(time.Millisecond, time.Millisecond), // keep the example fast; default 3–5 s
	)
	mux.Handle("POST /login", guard(login))

	// A bot posting the form with telemetry no browser sends: deceived.
	// (A post with no telemetry at all reaches the handler as a bot, to be
	// asked for a CAPTCHA: JavaScript may be off.)
	for _, form := range []url.Values{
		{"user": {"alice"}, "pass": {"123456"}, behavior.DefaultField: {`{"v":2,"forged":true}`}},
		{"user": {"alice"}, "pass": {"123456"}},
	} {
		r := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		fmt.Println(w.Code, strings.TrimSpace(w.Body.String()))
	}
	// Output:
	// 401 wrong user name or password
	// 200 checked password of a bot
}

func ExampleNewMemorySuspects() {
	ctx := context.Background()
	reg := behavior.NewMemorySuspects(behavior.WithMaxKeys(10_000), behavior.WithTTL(time.Hour))
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	_ = reg.Record(ctx, "198.51.100.7", behavior.ReasonNoTelemetry, now)
	_ = reg.Record(ctx, "198.51.100.7", behavior.ReasonShortHolds, now.Add(time.Minute))
	s, ok, _ := reg.Lookup(ctx, "198.51.100.7", now.Add(2*time.Minute))
	fmt.Println(ok, s.Count, s.LastReason, s.LastSeen.Format(time.Kitchen))
	_, ok, _ = reg.Lookup(ctx, "198.51.100.7", now.Add(2*time.Hour))
	fmt.Println(ok)
	// Output:
	// true 2 short_holds 9:01AM
	// false
}
