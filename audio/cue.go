package audio

// Cue names the property by which the instruction singles out the voice
// whose digits count. The string value is also the key of the prompt in a
// voice pack's pack.json and the name of its recording. Cue is a plain
// string value, safe for concurrent use.
type Cue string

// Cues the built-in voice packs support, in the order Cues returns them.
const (
	// CueLow: "Type the digits spoken by the low voice." The target is
	// pitched clearly below every decoy voice.
	CueLow Cue = "low"
	// CueHigh: "Type the digits spoken by the high voice." The target is
	// pitched clearly above every decoy voice.
	CueHigh Cue = "high"
	// CueWoman: "Type the digits spoken by the woman." The target voice has
	// the trait "woman" and no decoy voice has it.
	CueWoman Cue = "woman"
	// CueMan: "Type the digits spoken by the man." The target voice has the
	// trait "man" and no decoy voice has it.
	CueMan Cue = "man"
	// CueSlow: "Type the digits spoken slowly." The target speaks at about
	// 70% of normal speed, the decoys faster than normal.
	CueSlow Cue = "slow"
	// CueBeep: "Type the digits spoken after the beep." The decoy voices
	// speak before a beep, the target after it.
	CueBeep Cue = "beep"
)

// Cues returns all cues in their canonical order.
func Cues() []Cue {
	return []Cue{CueLow, CueHigh, CueWoman, CueMan, CueSlow, CueBeep}
}

// valid reports whether c is one of the known cues.
func (c Cue) valid() bool {
	for _, k := range Cues() {
		if c == k {
			return true
		}
	}
	return false
}
