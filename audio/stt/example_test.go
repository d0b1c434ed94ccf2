package stt_test

import (
	"fmt"

	"github.com/tollgate/tollgate/audio/stt"
)

// Readings lists the answers an attacker would submit from a transcript;
// Hears says whether any of them, or a run of all the digits heard, is the
// answer.
func ExampleReadings() {
	transcript := "5 8\n0 4 6 5 5\n3 2"
	r := stt.Readings(transcript)
	for _, s := range stt.Strategies() {
		fmt.Println(s, r[s])
	}
	fmt.Println(stt.Hears(transcript, []string{"04655"}))
	fmt.Println(stt.Hears(transcript, []string{"43275"}))
	// Output:
	// all [580465532]
	// skip-first [0465532]
	// utterance [58 04655 32]
	// true
	// false
}
