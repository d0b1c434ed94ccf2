// Package dsp holds the small signal-processing primitives the audio
// challenge renderer is built from: µ-law decoding, resampling, time
// stretching, pitch estimation, loudness measurement, coloured noise and a
// light reverberator.
//
// Samples are mono float32 values nominally in [-1, 1]. Functions that take a
// dst slice reuse its capacity and return the (possibly reallocated) result,
// like append, so callers can keep buffers in a sync.Pool. All functions are
// pure: safe for concurrent use on distinct buffers, and deterministic.
package dsp
