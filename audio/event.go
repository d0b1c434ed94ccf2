package audio

import (
	"context"
	"time"
)

// EventGenerated is the Type of the Event emitted after each clip.
const EventGenerated = "audio.generated"

// Event describes a rendering decision, for logs and metrics. It never
// carries the answer or the decoy digits. It is a plain value, safe to copy
// and share between goroutines.
type Event struct {
	// Type is EventGenerated.
	Type string
	// Lang is the language rendered; RequestedLang is the request's, which
	// differs when Generate fell back to another language.
	Lang, RequestedLang string
	// Cue is the instruction's cue.
	Cue Cue
	// Digits is the answer length and DecoyVoices the number of decoy voices
	// actually heard.
	Digits, DecoyVoices int
	// Duration is the clip's length.
	Duration time.Duration
}

// EventHook receives events. It is called synchronously from Generate, so
// it must be fast and safe for concurrent use.
type EventHook func(context.Context, Event)
