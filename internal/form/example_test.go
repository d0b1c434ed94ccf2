package form_test

import (
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/tollgate/tollgate/internal/form"
)

func ExampleParse() {
	r := httptest.NewRequest("POST", "/login?next=%2Fhome", strings.NewReader("email=a%40example.com&tollgate_behavior=%7B%22v%22%3A2%7D"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	fmt.Println(form.Parse(r))
	fmt.Println(r.PostFormValue("email"), r.PostFormValue("tollgate_behavior"), r.FormValue("next"))
	// Output:
	// true
	// a@example.com {"v":2} /home
}
