package audio

import "context"

// Recognizer transcribes speech, as an attacker's speech-to-text engine
// would. Package audio/stt adapts PocketSphinx.
//
// Recognize returns the transcript of a WAV clip: the utterances (stretches
// of speech between pauses) on separate lines, words separated by spaces,
// number words written as ASCII digits ("3 1 4"). An error means the
// recognizer could not run (engine missing, timeout, cancelled context,
// undecodable clip), not that it heard nothing. Implementations must be
// safe for concurrent use and must not retain or modify wav.
type Recognizer interface {
	// Name identifies the engine and its settings, such as
	// "pocketsphinx:en:digits".
	Name() string
	// Recognize transcribes wav.
	Recognize(ctx context.Context, wav []byte) (string, error)
}
