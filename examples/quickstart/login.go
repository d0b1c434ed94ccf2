package main

import (
	"fmt"
	"html"
	"net/http"

	"github.com/tollgate/tollgate"
)

// page is the login form: the widget is one tag inside the form, plus its
// script and stylesheet.
const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in</title>
<link rel="stylesheet" href="/tollgate/static/widget.css">
<script src="/tollgate/static/widget.js" defer></script>
</head>
<body style="font-family: system-ui, sans-serif; max-width: 420px; margin: 40px auto">
<h1>Sign in</h1>
<form method="post" action="/login">
  <p><label>User <input name="username" autocomplete="username"></label></p>
  <p><label>Password <input name="password" type="password" autocomplete="current-password"></label></p>
  <div data-tollgate-captcha></div>
  %s
  <button type="submit">Sign in</button>
</form>
</body>
</html>`

// loginHandler serves the form, with the Gate's challenge for browsers
// without JavaScript, and handles posts that passed tollgate's checks. A
// real application checks the password here.
func loginHandler(g *tollgate.Gate) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			noscript, err := g.NoScript(r)
			if err != nil {
				http.Error(w, "temporarily unavailable, try again", http.StatusServiceUnavailable)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, page, noscript)
			return
		}
		fmt.Fprintf(w, "Welcome, %s!\n", html.EscapeString(r.PostFormValue("username")))
	})
}
