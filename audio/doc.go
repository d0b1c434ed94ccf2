// Package audio renders audio CAPTCHAs with decoy voices: the audio
// alternative to tollgate's image challenges, usable alone or as a
// captcha.Generator.
//
// # What a person hears
//
// A clip of 8 to 12 seconds: an instruction such as "Type the digits spoken
// by the low voice", then the answer (5 or 6 digits by default, in Korean or
// English) spoken by one voice, while one or two other voices speak complete
// decoy answers in between and partly over it, slightly quieter and in a
// clearly different pitch band. Reversed and shuffled speech fragments
// (babble), coloured noise, light reverberation, random pauses and per-digit
// pitch and tempo jitter make the clip harder to cut apart by machine without
// making the instructed voice harder for a person to follow.
//
// The instruction tells which voice counts, by a cue a person follows and a
// transcriber ignores (see Cue): the low or high voice, the woman or the
// man, the voice speaking slowly, or the digits after a beep. Software that
// transcribes everything gets the decoy digits too; a submitted decoy
// sequence, or the full transcript, is a strong sign of a speech-to-text bot,
// which Check reports as ErrDecoyAnswer (and package captcha as its own
// ErrDecoyAnswer, from Puzzle.Decoys).
//
// # How it is made
//
// Generate runs a fixed pipeline of small named steps over one job, all
// randomness drawn from the request's Seed, so the same Request always yields
// the same WAV bytes on the same architecture:
//
//	pick     the cue, the target voice and the decoy voices, and pitch
//	         shifts that put the target in a clearly different band
//	digits   the answer and decoy sequences (each decoy differs from the
//	         answer in at least half of the positions)
//	order    the interleaving of target and decoy digits
//	jitter   per-digit pitch (±3%) and tempo (±7%) variation
//	levels   per-digit loudness: decoys 70–92% of the target, never above
//	timing   partial overlaps between different voices, fitted to the clip
//	gaps     random pauses that bring the clip to its chosen length
//	speech   time-stretch (WSOLA), pitch-shift and mix the prompt and digits
//	babble   reversed, shuffled fragments of the other voices
//	noise    pink or brown noise
//	reverb   a light Schroeder reverberator
//	master   peak normalisation and 16-bit quantisation
//
// The clip is 16 kHz mono 16-bit PCM WAV (about 32 KB per second), which
// every major browser plays; serve it with Content-Type audio/wav.
//
// # Voices
//
// The built-in voices (BuiltinVoices) were generated with Debian's flite
// (English voices slt, rms, awb and kal, the clearest for people, which
// speak the answers) and espeak-ng (two English variants used as decoys
// only, and four Korean variants: two men and two women, low to high) by
// scripts/gen-voices.sh, and are embedded as 16 kHz µ-law WAV files (about
// 1.1 MB). Hosts can add languages or replace voices with their own
// recordings through WithVoicePack; the layout of a pack is:
//
//	<lang>/pack.json             voices, their traits and the prompt texts
//	<lang>/<voice>/0.wav … 9.wav  each digit spoken by the voice
//	<lang>/prompts/<cue>.wav      each instruction, spoken by a narrator
//
// where <lang> is a lower-case ISO 639 code ("en", "ko", "ja") and pack.json
// looks like
//
//	{
//	  "voices": [
//	    {"name": "anna", "traits": ["woman"], "pitch": 190},
//	    {"name": "bo",   "traits": ["man"]},
//	    {"name": "robo", "traits": ["man"], "decoyOnly": true}
//	  ],
//	  "prompts": {
//	    "low":  "Type the digits spoken by the low voice.",
//	    "beep": "Type the digits spoken after the beep."
//	  }
//	}
//
// Traits are "woman" or "man" (or none); pitch is the voice's median
// fundamental frequency in Hz and is measured at load time when omitted;
// decoyOnly keeps a voice that is harder for people to understand from ever
// speaking the answer. A language needs at least two voices; only cues with
// a prompt text and recording, and voices to satisfy them, are used. The WAV files may be PCM (8 to 32 bits), 32-bit float
// or µ-law, mono or multi-channel, at any rate from 8 to 48 kHz; they are
// converted to 16 kHz mono and loudness-normalised at load. Digits must be
// 0.1 to 1.5 s long and prompts at most 4.5 s; trim leading and trailing
// silence.
package audio
