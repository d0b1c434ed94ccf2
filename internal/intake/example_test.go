package intake_test

import (
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/tollgate/tollgate/internal/intake"
)

func ExampleParseForm() {
	r := httptest.NewRequest("POST", "/login?next=%2Fhome", strings.NewReader("email=a%40example.com&tollgate_behavior=%7B%22v%22%3A2%7D"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	fmt.Println(intake.ParseForm(httptest.NewRecorder(), r, 64<<10))
	fmt.Println(r.PostFormValue("email"), r.PostFormValue("tollgate_behavior"), r.FormValue("next"))

	bad := httptest.NewRequest("POST", "/login?%zz", strings.NewReader("email=a"))
	bad.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	err := intake.ParseForm(httptest.NewRecorder(), bad, 64<<10)
	fmt.Println(intake.Status(err), err)
	// Output:
	// <nil>
	// a@example.com {"v":2} /home
	// 400 tollgate: bad request: malformed URL query
}
