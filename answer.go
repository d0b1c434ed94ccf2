package tollgate

import (
	"net/http"

	"github.com/tollgate/tollgate/behavior"
)

// Form fields of the widget, as captcha.Require reads them.
const (
	FieldNameID     = "tollgate_id"
	FieldNameAnswer = "tollgate_answer"
	FieldNameToken  = "tollgate_token"
)

// Weights of the strict scorer that judges posts whose CAPTCHA answer was
// not typed by a person.
const (
	strictUntrusted    = 0.9
	strictValueNoInput = 0.9
)

// newScorers returns the default scorer and the strict one. Both expect
// the CAPTCHA answer field to be explained by telemetry.
func newScorers(expected []string) (normal, strict *behavior.Scorer) {
	fields := append(append([]string(nil), expected...), FieldNameAnswer)
	normal = behavior.NewScorer(behavior.WithExpectedFields(fields...))
	strict = behavior.NewScorer(behavior.WithExpectedFields(fields...),
		behavior.WithWeight(behavior.ReasonUntrustedEvents, strictUntrusted),
		behavior.WithWeight(behavior.ReasonValueWithoutInput, strictValueNoInput))
	return normal, strict
}

// answerTyped reports whether a post's CAPTCHA answer was put in by a
// person: its field in the telemetry has at least one trusted key, paste,
// composition (IME) or input event. Password managers fill names and
// passwords by script, which the behavior scorer must forgive; no password
// manager fills a CAPTCHA answer, so script-made input there is software.
// Posts without telemetry, or without an answer, count as typed: the
// ordinary scorer judges them (a missing telemetry is a bot on its own).
func answerTyped(r *http.Request) bool {
	t, err := behavior.ReadRequest(r, "", behavior.Limits{})
	if err != nil || r.PostForm.Get(FieldNameAnswer) == "" {
		return true
	}
	for i := range t.Fields {
		f := &t.Fields[i]
		if f.Name != FieldNameAnswer {
			continue
		}
		for j := range f.Events {
			e := &f.Events[j]
			if !e.Trusted() {
				continue
			}
			switch e.Type {
			case behavior.EntryKeyDown, behavior.EntryPaste, behavior.EntryInput,
				behavior.EntryCompositionStart, behavior.EntryCompositionUpdate, behavior.EntryCompositionEnd:
				return true
			}
		}
		return false
	}
	return false
}
