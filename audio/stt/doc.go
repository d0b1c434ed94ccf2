// Package stt runs installed speech-to-text engines against audio
// challenges, as an attacker would: to vet clips before they are served and
// to audit how often the engines solve them.
//
// PocketSphinx is adapted to audio.Recognizer. The adapter runs Debian's
// pocketsphinx_continuous (PocketSphinx 5prealpha, Debian 12) or the
// "pocketsphinx" program of PocketSphinx 5.x, whichever is installed,
// through os/exec (no shell) with a timeout, in a temporary directory it
// removes afterwards; a missing program or model is a *NotInstalledError
// (it matches ErrNotInstalled). Clips are decoded (PCM, float or µ-law WAV,
// see DecodeWAV), mixed to mono and resampled to 16 kHz first. The Debian
// packages are pocketsphinx and pocketsphinx-en-us.
//
// Mode Digits decodes with a JSGF grammar of digit words, as an attacker
// who knows the answer is digits would. For Korean clips the Sino-Korean
// digit words (공 일 이 삼 사 오 육 칠 팔 구) are spelled in the phones of
// the en-us acoustic model, since Debian has no Korean model. Mode
// LanguageModel uses the general English model and reads number words and
// homophones ("to", "for") as digits.
//
// An attacker turns a transcript into answers in several ways (Readings):
// all digits heard, all after the first utterance (usually the spoken
// instruction), or one utterance. Vetter implements captcha.Vetter and
// discards a clip when any recognizer hears its answer (Hears); Auditor
// reports per engine and strategy the exact-solve rate, how often a decoy
// sequence was given instead (which package captcha reports as
// ErrDecoyAnswer), the share of digits recovered, the best-of-all rate and
// the time per clip.
package stt
