// Command captcha-only uses package captcha alone: the map CAPTCHA with its
// audio alternative and the browser widget, protecting a comment form, with
// no behavior scoring and no rate limits.
//
//	go run ./examples/captcha-only   # http://127.0.0.1:8081/
package main

import (
	"fmt"
	"html"
	"log"
	"log/slog"
	"net/http"
	"os"

	"github.com/tollgate/tollgate"
	"github.com/tollgate/tollgate/audio"
	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/captcha/maptile"
)

const page = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Leave a comment</title>
<link rel="stylesheet" href="/tollgate/static/widget.css">
<script src="/tollgate/static/widget.js" defer></script></head>
<body style="font-family: system-ui, sans-serif; max-width: 440px; margin: 40px auto">
<h1>Leave a comment</h1>
<form method="post" action="/comment">
  <p><textarea name="text" rows="4" style="width: 100%" aria-label="Comment"></textarea></p>
  <div data-tollgate-captcha data-tollgate-behavior="off"></div>
  <button type="submit">Post</button>
</form></body></html>`

// newHandler builds the service and the routes. The caller closes the
// service.
func newHandler(logger *slog.Logger) (http.Handler, *captcha.Service, error) {
	img, err := maptile.New()
	if err != nil {
		return nil, nil, err
	}
	snd, err := audio.New()
	if err != nil {
		return nil, nil, err
	}
	svc, err := captcha.New(
		captcha.WithGenerator(captcha.KindImage, img),
		captcha.WithGenerator(captcha.KindAudio, snd),
		captcha.WithEventHook(tollgate.CaptchaLogHook(logger)),
	)
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/tollgate/", svc.Handler()) // widget, challenges, media
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	})
	mux.Handle("POST /comment", svc.Require()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "Thanks! Your comment: %s\n", html.EscapeString(r.PostFormValue("text")))
	})))
	return mux, svc, nil
}

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	h, svc, err := newHandler(logger)
	if err != nil {
		log.Fatal(err)
	}
	defer svc.Close()
	log.Fatal(http.ListenAndServe("127.0.0.1:8081", h))
}
