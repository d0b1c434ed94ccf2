package tollgate

import (
	"net/http"
	"strings"
	"testing"
)

// FuzzAnswerTyped feeds arbitrary form bodies to the answer check, which
// reads client data before the scorer does: it must never panic and must
// give the same answer twice.
func FuzzAnswerTyped(f *testing.F) {
	f.Add(loginForm("", humanLogin(1)).Encode())
	f.Add(loginForm("", humanTelemetry(2, typed{name: FieldNameAnswer, value: "ab", script: true})).Encode())
	f.Add("tollgate_answer=x&tollgate_behavior=%7B")
	f.Add("tollgate_answer=%ff%fe&tollgate_behavior=" + strings.Repeat("%5B", 64))
	f.Add("")
	f.Fuzz(func(t *testing.T, body string) {
		check := func() bool {
			r, _ := http.NewRequest(http.MethodPost, "/login", strings.NewReader(body))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return answerTyped(r)
		}
		if a, b := check(), check(); a != b {
			t.Fatalf("answerTyped(%q) gave %v then %v", body, a, b)
		}
	})
}
