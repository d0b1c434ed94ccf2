package tollgate

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/tollgate/tollgate/behavior"
)

// FuzzScoreForm feeds arbitrary form bodies to the default scorer, which
// reads client data before the protected handler does: it must never
// panic, must give the same result twice and a score in [0, 1].
func FuzzScoreForm(f *testing.F) {
	f.Add(loginForm("", humanLogin(1)).Encode())
	f.Add(loginForm("", humanTelemetry(2, typed{name: FieldNameAnswer, value: "ab", script: true})).Encode())
	f.Add("tollgate_answer=x&tollgate_behavior=%7B")
	f.Add("tollgate_answer=%ff%fe&tollgate_behavior=" + strings.Repeat("%5B", 64))
	f.Add("")
	s := newScorer([]string{"username", "password"})
	f.Fuzz(func(t *testing.T, body string) {
		score := func() behavior.Result {
			r, _ := http.NewRequest(http.MethodPost, "/login", strings.NewReader(body))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, _ := s.ScoreRequest(r, 0)
			return res
		}
		a, b := score(), score()
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("ScoreRequest(%q) gave %+v then %+v", body, a, b)
		}
		if !(a.Score >= 0 && a.Score <= 1) {
			t.Fatalf("ScoreRequest(%q) score %v, want within [0, 1]", body, a.Score)
		}
	})
}
