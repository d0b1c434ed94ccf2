// Command behavior-only uses package behavior alone: the collector script
// records how a sign-up form is filled, and Guard answers posts that look
// automated with a decoy after a delay, recording the client as a suspect.
//
//	go run ./examples/behavior-only   # http://127.0.0.1:8082/
package main

import (
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/tollgate/tollgate"
	"github.com/tollgate/tollgate/behavior"
)

// data-tollgate on the form is all the collector needs.
const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign up</title>
<script src="/behavior.js" defer></script></head>
<body style="font-family: system-ui, sans-serif; max-width: 420px; margin: 40px auto">
<h1>Sign up</h1>
<form method="post" action="/signup" data-tollgate>
  <p><label>Email <input name="email" type="email"></label></p>
  <p><label>Name <input name="name"></label></p>
  <button type="submit">Create account</button>
</form></body></html>`

func newHandler(logger *slog.Logger, suspects behavior.Suspects, minDelay, maxDelay time.Duration) http.Handler {
	thanks := func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "Thanks! Check your mail to finish signing up.")
	}
	scorer := behavior.NewScorer(behavior.WithExpectedFields("email", "name"))
	guard := behavior.Guard(scorer,
		behavior.WithSuspects(suspects),
		behavior.WithDecoy(http.HandlerFunc(thanks)), // bots see the same answer, and nothing happens
		behavior.WithDelay(minDelay, maxDelay),
		behavior.WithEventHook(tollgate.BehaviorLogHook(logger)),
	)
	mux := http.NewServeMux()
	mux.Handle("GET /behavior.js", behavior.CollectorHandler())
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	})
	mux.Handle("POST /signup", guard(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, _ := behavior.ResultFromContext(r.Context())
		if res.Has(behavior.ReasonNoTelemetry) {
			// Never deceived (JavaScript may be off), and with no CAPTCHA
			// here to ask for: say what is needed.
			http.Error(w, "Please turn JavaScript on to sign up.", http.StatusBadRequest)
			return
		}
		logger.Info("signup.created", "email", r.PostFormValue("email"), "verdict", res.Verdict.String())
		thanks(w, r)
	})))
	return mux
}

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	h := newHandler(logger, behavior.NewMemorySuspects(), behavior.DefaultMinDelay, behavior.DefaultMaxDelay)
	log.Fatal(http.ListenAndServe("127.0.0.1:8082", h))
}
