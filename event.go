package tollgate

import (
	"time"

	"github.com/tollgate/tollgate/audio"
	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/ratelimit"
	"github.com/tollgate/tollgate/redisstore/redisevent"
)

// Sources of events: the package that made the decision.
const (
	SourceGate      = "tollgate"
	SourceCaptcha   = "captcha"
	SourceBehavior  = "behavior"
	SourceRateLimit = "ratelimit"
	SourceRedis     = "redisstore"
	SourceAudio     = "audio"
)

// Event types of the Gate itself. Every other Type is the stable type of
// the package event it carries ("challenge.issued", "behavior.verdict",
// "ratelimit.reject", ...).
const (
	// EventAllowed: a protected request passed every check and reached the
	// protected handler. Verdict, Score and Kind describe it.
	EventAllowed = "tollgate.allowed"
	// EventDenied: a protected request failed its CAPTCHA check (no answer,
	// wrong answer, spent or expired token); Reason says why.
	EventDenied = "tollgate.denied"
)

// Event is one decision of any part of a Gate, in one type for hooks, logs
// and metrics. Exactly one of the package pointers is set for package
// events; Gate events (SourceGate) set Verdict, Score, Kind and Reason. An
// Event is a plain value: safe to copy and to read from many goroutines.
type Event struct {
	// Source is the package that made the decision (Source* constants).
	Source string
	// Type is the event's stable type string.
	Type string
	// Time is when it happened.
	Time time.Time
	// Request describes the HTTP request being served, when the event came
	// from one that passed through the Gate.
	Request RequestInfo
	// Policy names the per-key limit of a "ratelimit.key_limited" event:
	// "ip", "account" or "challenge".
	Policy string

	// Captcha, Behavior, RateLimit, Redis and Audio hold the package event
	// (one of them, matching Source); nil for the others.
	Captcha   *captcha.Event
	Behavior  *behavior.Event
	RateLimit *ratelimit.Event
	Redis     *redisevent.Event
	Audio     *audio.Event

	// Verdict and Score are the behavior verdict of an EventAllowed; Kind
	// the kind of the solved challenge; Reason the error of an EventDenied.
	Verdict string
	Score   float64
	Kind    string
	Reason  string
	// Decision is the managed mode's risk decision time (signals gathered
	// and Decide run) of an EventChallenged, and of an EventAllowed that
	// passed with no puzzle; 0 otherwise.
	Decision time.Duration
	// Err is the error of an EventDenied, whose text Reason is: match it
	// with errors.Is (captcha.ErrStore, captcha.ErrBadRequest, ...) or map
	// it to a code with captcha.ErrorResponse.
	Err error
}

// FromCaptcha wraps a captcha event.
func FromCaptcha(e captcha.Event) Event {
	return Event{Source: SourceCaptcha, Type: e.Type, Time: e.Time, Captcha: &e}
}

// FromBehavior wraps a behavior event.
func FromBehavior(e behavior.Event) Event {
	return Event{Source: SourceBehavior, Type: e.Type, Time: e.Time, Behavior: &e}
}

// FromRateLimit wraps a ratelimit event. Ratelimit events carry no time;
// the caller's now is used.
func FromRateLimit(e ratelimit.Event, now time.Time) Event {
	return Event{Source: SourceRateLimit, Type: e.Type, Time: now, RateLimit: &e}
}

// FromRedis wraps a redisstore event (redisstore.Event is redisevent.Event),
// stamped with now.
func FromRedis(e redisevent.Event, now time.Time) Event {
	return Event{Source: SourceRedis, Type: e.Type, Time: now, Redis: &e}
}

// FromAudio wraps an audio event, stamped with now.
func FromAudio(e audio.Event, now time.Time) Event {
	return Event{Source: SourceAudio, Type: e.Type, Time: now, Audio: &e}
}
