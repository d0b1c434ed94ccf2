// Package behavior judges whether a form was filled in by a person or by
// automation, from the timing of the input events the browser saw.
//
// People typing into a form leave a rhythm that simple bots do not: keys
// held for tens of milliseconds, uneven gaps, a pause before the first key,
// a pointer that travels. Bots fill fields instantly, type at a fixed delay,
// hold keys for 0–15 ms, or send the form without any events at all. The
// package has four parts:
//
//   - a browser collector (collector.js, embedded; served by
//     CollectorHandler) that records input timing on a form and writes it
//     into a hidden field on submit;
//   - a strict decoder for that telemetry (Decode, Limits.Decode,
//     ReadRequest, and Limits.DecodeTo, which reuses memory between
//     documents);
//   - a Scorer that turns telemetry into a Result: a score in [0, 1], a
//     Verdict (VerdictHuman, VerdictSuspect, VerdictBot) and the Reasons
//     behind it;
//   - answering bots: Guard, a middleware that scores form posts and answers
//     bots with a decoy after a random 3–5 s delay without calling the
//     protected handler (Deceive for hosts that score themselves; a post
//     with no telemetry at all is never deceived, see Result.Deceives), and a
//     Suspects registry (NewMemorySuspects; package redisstore has a Redis
//     one) recording flagged clients.
//
// It is usable alone or beside a CAPTCHA: a Suspect verdict is the moment
// to ask for one. The package imports no other tollgate package.
//
// # Page setup
//
//	<script src="/tollgate/behavior.js" defer></script>
//	<form method="post" action="/login" data-tollgate> ... </form>
//
// data-tollgate="name" sets the hidden field's name (default DefaultField,
// "tollgate_behavior"); the field is created if the form lacks it. Forms
// added later, or pages that post with fetch, use the script's API:
//
//	const tg = Tollgate.behavior.attach(form, {field: "tg"});
//	body.set("tg", tg.snapshot(clickEvent)); // the telemetry as JSON
//
// The script is ES2017 without dependencies (about 6.0 KB minified). It
// never sends key values or field contents: only a key's category, value
// lengths and times.
//
// # Scoring
//
// Each signal that fires adds a Reason whose Weight is its code's weight
// (WithWeight; defaults on the Reason* constants) times how strongly it
// showed. Weights combine as 1 - Π(1 - weight): independent moderate
// signals add up, no single weak one decides. False positives are worse
// than misses, so:
//
//   - every signal a person can produce is weighted below the bot
//     threshold (0.8), and the five typing-rhythm reasons share one cap
//     (DefaultTypingCap, 0.78): machine typing alone, which password
//     managers' OS-level auto-type also produces, is at most a Suspect;
//   - key timing ignores untrusted (script-dispatched) events, auto-repeats,
//     IME composition and virtual-keyboard keys ("Unidentified", "Process",
//     keyCode 229); hold times are ignored on touch devices and when the
//     timer step is coarser than 20 ms; interval variation subtracts the
//     variance the timer step adds (step²/6); zero intervals are judged
//     against the step;
//   - pasted, autofilled (:autofill), IME-composed and prefilled text
//     explains a field's value; untrusted events (password managers) and
//     navigator.webdriver are weak evidence only.
//
// Only impossibilities, which no browser produces for a person, weigh a bot
// on their own: no telemetry at all, a filled field with no events at all
// (0.9 each, configurable), undecodable telemetry.
//
// The signals, by reason code (default weight; rule):
//
//	no_telemetry           0.9   no telemetry posted
//	malformed              0.9   telemetry did not decode (ScoreRequest)
//	no_events              0.9   filled field with no browser events, not prefilled or autofilled
//	value_without_input    0.6   value grew with no input event (set by script), not autofill
//	untyped_field          0.9   a field only a person fills (WithTypedFields) holds a value nobody typed
//	bare_insert            0.4   trusted insert of ≥2 characters with no key, paste, IME or autofill; ×(fields/2)
//	length_mismatch        0.3   submitted length ≠ the telemetry's, or the events do not add up to it
//	short_holds            0.6   median hold (mean if step > 4 ms) under 35 ms, full at 15 ms; ≥ 4 holds, step ≤ 20 ms, not touch
//	regular_holds          0.35  hold-time CV under 0.06–0.12 (by count), full at 0.02–0.05; ≥ 6 holds
//	regular_intervals      0.65  interval CV under 0.10–0.25 (by count), full at 0.04–0.12; ≥ 5 intervals
//	zero_intervals         0.6   share of intervals under max(8 ms, step/2) over 25 %, full at 50 %
//	fast_typing            0.5   over 20 keys/s across whole fields, full at 30
//	instant_first_key      0.35  first key within 10 ms of a focus no key caused (step ≤ 10 ms)
//	fast_submit            0.35  load-to-submit under 300 ms + 25 ms per typed key, full at half
//	capital_without_shift  0.3   capitals with neither Shift nor CapsLock; ×(count/2)
//	pointer_jump           0.35  mouse clicks with ≤ 1 pointermove before: all of ≥ 2 clicks full, else ×0.4×share
//	timestamp_ahead        0.6   event.timeStamp after its handling time; ×(count/3)
//	timestamp_after_submit 0.6   events stamped after the submit; ×(count/3)
//	timestamp_skew         0.35  half or more key events handled > 1 s after their timestamp
//	event_order            0.6   input before its keydown, keyup before keydown, key before its focus; ×(count/3)
//	clock_mismatch         0.6   page claims more than server elapsed × 1.1 + 10 s
//	webdriver              0.45  navigator.webdriver
//	untrusted_events       0.15  field events dispatched by script
//	untrusted_submit       0.15  submit triggered by script, or no submit event (form.submit())
//	no_trusted_input       0.25  no trusted key, pointer or submit action at all
//
// The "timer step" is the page's reported step, lowered to the finest
// resolution its own timestamps show, so a page cannot claim coarse timers
// to excuse fine ones.
//
// # Wire format
//
// The collector writes one JSON object (compact, at most 32 KB by default,
// see Limits). Two versions are accepted: the collector writes version 2;
// version 1, written by collectors before 2026-11-22, differs only in how
// a field's events are written ("e", below) and still decodes to the same
// Telemetry. All times are milliseconds on the page's clock
// (performance.timeOrigin = 0), rounded by the collector to 0.1 ms. Every
// member below is required unless marked optional; unknown members, and a
// "v" other than 1 or 2, are rejected. MarshalJSON writes version 2 when
// the telemetry fits it, else version 1.
//
//	{
//	  "v": 2,                  format version
//	  "step": 0.1,             optional; smallest timer step the page observed, ms (0 unknown, ≤ 1000)
//	  "wd": false,             optional; navigator.webdriver
//	  "ld": 312.4,             optional; DOMContentLoaded (or attach) time
//	  "x": 0,                  optional; events the collector dropped (its own caps)
//	  "s": [t, d, flags, via, moves, path, disp, kind, sinceDown],   the submit
//	  "f": [ {field}, ... ]    tracked fields, ≤ 32
//	}
//
//	field: {"n": "user", "l0": 0, "l": 23, "a": false, "e": [event, ...]}
//	  n   name (name, id, or "#i"; 1–128 bytes, unique)
//	  l0  optional; value length when the collector attached (prefilled/restored)
//	  l   optional; value length at submit
//	  a   optional; the field matched :autofill (or :-webkit-autofill)
//	  e   events in handling order (≤ 1000 per field, ≤ 2000 in all): in
//	      version 2 one string (below), in version 1 an array of arrays
//
// Lengths are UTF-16 code units (JavaScript's String.length; see Length).
// Every event and the submit start with t (event.timeStamp) and d
// (performance.now() in the handler minus t; normally a few ms ≥ 0), and
// flags (bits, below). Handling times t+d never decrease within a field and
// never pass the submit's (allowing 2×step+0.2 ms for rounding); Decode
// rejects documents where they do. Events:
//
//	["f", t, d, flags, len, moves, path, disp, kind, sinceDown]   focus
//	["b", t, d, flags, len]                                       blur
//	["d", t, d, flags, key]                                       keydown
//	["u", t, d, flags, key, ref]                                  keyup
//	["i", t, d, flags, inputType, dlen]                           input
//	["bi", t, d, flags, inputType]                                beforeinput with no input after it
//	["p", t, d, flags]                                            paste
//	["cs"|"cu"|"ce", t, d, flags]                                 compositionstart/update/end
//	["v", t, d, flags, dlen]                                      value changed with no input event,
//	                                                              noticed at a focus, blur or the submit
//
//	len        value length at the event
//	dlen       change of the value length
//	key        "l" letter, "d" digit, "s" Shift, "b" Backspace, "o" other,
//	           "u" Unidentified/Process/keyCode 229 (virtual keyboards, IME)
//	ref        index in this field's events of the keydown this keyup ends, or -1
//	inputType  the event's inputType, "" for none (a plain Event)
//	moves, path, disp, kind, sinceDown
//	           trusted pointer activity since the previous focus (or load):
//	           pointermove count, path length and straight distance (CSS px),
//	           pointerType of the last one (0 none, 1 mouse, 2 pen, 3 touch),
//	           ms since the pointerdown that caused the focus or submit, or -1
//	via        "c" click on a submit button, "k" Enter in a field, "" neither
//	           (within a second before the submit)
//
//	flags  1 untrusted (isTrusted false)   2 auto-repeat
//	       4 capital with no Shift/CapsLock  8 IME composing
//	       16 Ctrl/Meta/Alt held           32 field matched :autofill
//	       64 no submit event (form.submit(): written from the formdata event)
//	       128 event.timeStamp unusable, t is performance.now()
//	       256 (input) a beforeinput with the same inputType preceded it
//
// Numbers are JSON numbers; counts, lengths, flags, ref and kind are
// integers written without fraction or exponent.
//
// Version 2 writes the same events as one string per field, 40% shorter and
// faster to decode: events separated by ';', each a letter for its type
// followed by comma-separated integers and names, with no spaces or
// escapes:
//
//	f dt,d,flags,len,moves,path,disp,kind,sinceDown   focus
//	b dt,d,flags,len                                  blur
//	d dt,d,flags,key                                  keydown
//	u dt,d,flags,key,ref                              keyup
//	i dt,d,flags,inputType,dlen                       input
//	j dt,d,flags,inputType                            beforeinput with no input after it
//	p dt,d,flags                                      paste
//	s|c|e dt,d,flags                                  compositionstart/update/end
//	v dt,d,flags,dlen                                 value changed with no input event
//
//	dt         t in tenths of a ms minus the previous event's t (the first
//	           event's: minus 0); may be negative, t itself may not
//	d          d in tenths of a ms
//	path, disp whole CSS px
//	sinceDown  tenths of a ms, or -1
//
// for example "f24000,12,0,0,42,640,512,1,8;d4500,12,0,l;i14,1,256,insertText,1"
// is a focus at 2400 ms, a letter keydown at 2850 ms and its input
// 1.4 ms later. Integers have no leading zeros, no '+' and no "-0". The
// format is public API: changes that are not backward compatible get a new
// "v", and older versions keep decoding.
//
// # Concurrency
//
// Scorer, Limits, Guard's middleware and handlers, CollectorHandler and
// MemorySuspects are safe for concurrent use. A Telemetry may be read by
// many goroutines; it is not synchronised for writing.
package behavior
