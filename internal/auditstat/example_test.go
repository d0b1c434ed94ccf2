package auditstat_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/tollgate/tollgate/internal/auditstat"
)

// No solve in 200 challenges still allows a true rate of 1.9%.
func ExampleNewRate() {
	r := auditstat.NewRate(0, 200)
	fmt.Printf("%.1f%% (upper bound %.1f%%)\n", 100*r.Rate, 100*r.Upper95)
	b, _ := json.Marshal(struct{ T auditstat.Millis }{auditstat.Millis(1500 * time.Microsecond)})
	fmt.Println(string(b))
	// Output:
	// 0.0% (upper bound 1.9%)
	// {"T":1.5}
}
