package main

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tollgate/tollgate/ratelimit"
)

func TestRateLimitOnly(t *testing.T) {
	h, lim, err := newHandler(slog.New(slog.DiscardHandler), ratelimit.Limit{Count: 1, Period: time.Hour, Burst: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer lim.Close()
	ts := httptest.NewServer(h)
	defer ts.Close()
	codes := []int{}
	for _, prio := range []string{"", "batch", "", ""} {
		req, _ := http.NewRequest("GET", ts.URL+"/api/search", nil)
		req.Header.Set("X-Priority", prio)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		codes = append(codes, res.StatusCode)
		if res.StatusCode == 200 && res.Header.Get("RateLimit") == "" {
			t.Error("no RateLimit header on an allowed response")
		}
	}
	if codes[0] != 200 || codes[1] != 200 || codes[2] != 200 || codes[3] != http.StatusTooManyRequests {
		t.Fatalf("status codes %v, want 200 200 200 429", codes)
	}
	st := lim.Stats()
	if st.Classes[0].Admitted != 2 || st.Classes[1].Admitted != 1 {
		t.Fatalf("admitted interactive %d, batch %d; want 2 and 1", st.Classes[0].Admitted, st.Classes[1].Admitted)
	}
}
