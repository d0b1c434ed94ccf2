package webdriver_test

import (
	"encoding/json"
	"fmt"

	"github.com/tollgate/tollgate/internal/webdriver"
)

// Key builds the W3C key actions that type a word with a fixed rhythm; a
// Session's Perform sends them to the browser.
func ExampleKey() {
	src := webdriver.Key("hi", func(int) int { return 90 }, func(int) int { return 150 })
	b, _ := json.Marshal(src["actions"])
	fmt.Println(string(b))
	// Output:
	// [{"type":"keyDown","value":"h"},{"duration":90,"type":"pause"},{"type":"keyUp","value":"h"},{"duration":150,"type":"pause"},{"type":"keyDown","value":"i"},{"duration":90,"type":"pause"},{"type":"keyUp","value":"i"},{"duration":150,"type":"pause"}]
}
