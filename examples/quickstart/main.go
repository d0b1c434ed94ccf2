// Command quickstart is the README's quick start: a login handler protected
// by tollgate in a few lines. Run it and open http://127.0.0.1:8080/login.
package main

import (
	"log"
	"net/http"

	"github.com/tollgate/tollgate"
)

func main() {
	g, err := tollgate.New() // managed mode: a puzzle only when the evidence says "maybe a bot"
	if err != nil {
		log.Fatal(err)
	}
	defer g.Close()
	mux := http.NewServeMux()
	mux.Handle("/tollgate/", g.Handler())            // widget, proof of work, challenges, media
	mux.Handle("/login", g.Protect(loginHandler(g))) // every POST is checked
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", mux))
}
