package tollgate

import "github.com/tollgate/tollgate/behavior"

// Form fields of the widget, as Protect reads them.
const (
	FieldNameID     = "tollgate_id"
	FieldNameAnswer = "tollgate_answer"
	FieldNameToken  = "tollgate_token"
	// FieldNameWork carries the widget's proof of work (package pow).
	FieldNameWork = "tollgate_pow"
)

// newScorer returns the default behavior scorer: it expects the CAPTCHA
// answer field to be explained by telemetry, and to be typed by a person
// (behavior.WithTypedFields): password managers fill names and passwords
// by script, which the scorer forgives, but never a CAPTCHA answer.
func newScorer(expected []string) *behavior.Scorer {
	fields := append(append([]string(nil), expected...), FieldNameAnswer)
	return behavior.NewScorer(behavior.WithExpectedFields(fields...), behavior.WithTypedFields(FieldNameAnswer))
}
