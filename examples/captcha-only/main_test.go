package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestCaptchaOnly(t *testing.T) {
	h, svc, err := newHandler(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	ts := httptest.NewServer(h)
	defer ts.Close()

	res, err := http.Get(ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), `data-tollgate-captcha data-tollgate-behavior="off"`) {
		t.Fatal("the page has no widget")
	}
	// The widget asks for a challenge and its image.
	res, err = http.Post(ts.URL+"/tollgate/challenge", "application/json", strings.NewReader(`{"lang":"ko"}`))
	if err != nil {
		t.Fatal(err)
	}
	var ch struct {
		ID, Prompt, MediaURL string
	}
	json.NewDecoder(res.Body).Decode(&ch)
	res.Body.Close()
	if res.StatusCode != 201 || ch.Prompt == "" {
		t.Fatalf("create = %d %+v", res.StatusCode, ch)
	}
	res, err = http.Get(ts.URL + ch.MediaURL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("media = %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	// A post without a solved challenge is refused; a wrong answer too.
	for _, form := range []url.Values{{"text": {"hi"}}, {"text": {"hi"}, "tollgate_id": {ch.ID}, "tollgate_answer": {"wrong"}}} {
		res, err = http.PostForm(ts.URL+"/comment", form)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("comment %v = %d, want 403", form, res.StatusCode)
		}
	}
}
