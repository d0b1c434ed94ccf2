package tollgate

import (
	"context"
	"log/slog"
	"math"
	"time"

	"github.com/tollgate/tollgate/audio"
	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/ratelimit"
	"github.com/tollgate/tollgate/redisstore/redisevent"
)

// Stable slog field names. The package documentation lists which events
// carry which fields.
const (
	FieldEvent         = "event"
	FieldSource        = "source"
	FieldRequestID     = "request_id"
	FieldClient        = "client"
	FieldMethod        = "method"
	FieldPath          = "path"
	FieldChallengeID   = "challenge_id"
	FieldScreen        = "screen"
	FieldKind          = "kind"
	FieldLang          = "lang"
	FieldAttemptsLeft  = "attempts_left"
	FieldReason        = "reason"
	FieldDecoy         = "decoy"
	FieldDurationMS    = "duration_ms"
	FieldKey           = "key"
	FieldVerdict       = "verdict"
	FieldScore         = "score"
	FieldReasons       = "reasons"
	FieldReasonDetails = "reason_details"
	FieldDelayMS       = "delay_ms"
	FieldError         = "error"
	FieldClass         = "class"
	FieldLevel         = "load_level"
	FieldPrevLevel     = "prev_load_level"
	FieldWaitMS        = "wait_ms"
	FieldRetryAfterMS  = "retry_after_ms"
	FieldUtilisation   = "utilisation"
	FieldTotal         = "total"
	FieldPolicy        = "policy"
	FieldStore         = "store"
	FieldOp            = "op"
	FieldFailures      = "failures"
	FieldRequestedLang = "requested_lang"
	FieldCue           = "cue"
	FieldDigits        = "digits"
	FieldDecoyVoices   = "decoy_voices"
)

// Level returns the slog level an event is logged at: Debug for routine
// events (admissions, queueing, rendering, pool), Warn for what an operator
// watches (bot and suspect verdicts, deception, rejections, key limits,
// rejected tokens, store failures, load rising above normal), Info for the
// rest (challenges issued, solved and failed, human verdicts, allowed and
// denied requests).
func (e Event) Level() slog.Level {
	switch e.Type {
	case ratelimit.EventAdmit, ratelimit.EventQueue, ratelimit.EventTotal, audio.EventGenerated,
		"pool.discarded", "pool.miss", "challenge.rendered", redisevent.EventRecovered:
		return slog.LevelDebug
	case behavior.EventDeceived, behavior.EventCanceled, behavior.EventError, ratelimit.EventReject,
		ratelimit.EventKeyLimited, "token.rejected", redisevent.EventError, redisevent.EventFailOpen:
		return slog.LevelWarn
	case behavior.EventVerdict:
		if e.Behavior != nil && e.Behavior.Result.Verdict != behavior.VerdictHuman {
			return slog.LevelWarn
		}
	case ratelimit.EventLevel:
		if e.RateLimit != nil && e.RateLimit.Level > ratelimit.LevelNormal {
			return slog.LevelWarn
		}
	}
	return slog.LevelInfo
}

func ms(d time.Duration) float64 { return math.Round(float64(d)/1e4) / 100 }

// Attrs returns the event's fields under the stable names (Field*
// constants): "event" and "source" always, the request's fields when known,
// then those of the package event. Zero-valued optional fields are left
// out.
func (e Event) Attrs() []slog.Attr {
	a := make([]slog.Attr, 0, 12)
	a = append(a, slog.String(FieldEvent, e.Type), slog.String(FieldSource, e.Source))
	str := func(k, v string) {
		if v != "" {
			a = append(a, slog.String(k, v))
		}
	}
	if r := e.Request; r.ID != "" || r.Client != "" {
		str(FieldRequestID, r.ID)
		str(FieldClient, r.Client)
		str(FieldMethod, r.Method)
		str(FieldPath, r.Path)
	}
	switch {
	case e.Captcha != nil:
		c := e.Captcha
		str(FieldChallengeID, c.ChallengeID)
		str(FieldScreen, c.Screen)
		str(FieldKind, string(c.Kind))
		str(FieldLang, c.Lang)
		if c.Type == "challenge.failed" {
			a = append(a, slog.Int(FieldAttemptsLeft, c.AttemptsLeft), slog.Bool(FieldDecoy, c.Decoy))
		}
		str(FieldReason, c.Reason)
		if c.Duration > 0 {
			a = append(a, slog.Float64(FieldDurationMS, ms(c.Duration)))
		}
	case e.Behavior != nil:
		b := e.Behavior
		str(FieldKey, b.Key)
		if b.Type != behavior.EventError {
			codes := make([]string, len(b.Result.Reasons))
			details := make([]string, len(b.Result.Reasons))
			for i, r := range b.Result.Reasons {
				codes[i] = r.Code
				details[i] = r.Code + ": " + r.Detail
			}
			a = append(a, slog.String(FieldVerdict, b.Result.Verdict.String()),
				slog.Float64(FieldScore, math.Round(b.Result.Score*1000)/1000),
				slog.Any(FieldReasons, codes))
			if len(details) > 0 {
				a = append(a, slog.Any(FieldReasonDetails, details))
			}
		}
		if b.Delay > 0 || b.Type == behavior.EventDeceived {
			a = append(a, slog.Float64(FieldDelayMS, ms(b.Delay)))
		}
		if b.Err != nil {
			a = append(a, slog.String(FieldError, b.Err.Error()))
		}
	case e.RateLimit != nil:
		r := e.RateLimit
		str(FieldClass, r.Class)
		str(FieldReason, string(r.Reason))
		str(FieldPolicy, e.Policy)
		str(FieldKey, r.Key)
		a = append(a, slog.String(FieldLevel, r.Level.String()))
		if r.Type == ratelimit.EventLevel {
			a = append(a, slog.String(FieldPrevLevel, r.PrevLevel.String()),
				slog.Float64(FieldUtilisation, math.Round(r.Utilisation*1000)/1000))
		}
		if r.Wait > 0 {
			a = append(a, slog.Float64(FieldWaitMS, ms(r.Wait)))
		}
		if r.RetryAfter > 0 {
			a = append(a, slog.Float64(FieldRetryAfterMS, ms(r.RetryAfter)))
		}
		if r.Type == ratelimit.EventTotal {
			a = append(a, slog.Int(FieldTotal, r.Total))
		}
	case e.Redis != nil:
		r := e.Redis
		str(FieldStore, r.Store)
		str(FieldOp, r.Op)
		str(FieldKey, r.Key)
		if r.Err != nil {
			a = append(a, slog.String(FieldError, r.Err.Error()))
		}
		if r.Failures > 0 {
			a = append(a, slog.Int64(FieldFailures, r.Failures))
		}
		a = append(a, slog.Float64(FieldDurationMS, ms(r.Duration)))
	case e.Audio != nil:
		s := e.Audio
		str(FieldLang, s.Lang)
		str(FieldRequestedLang, s.RequestedLang)
		str(FieldCue, string(s.Cue))
		a = append(a, slog.Int(FieldDigits, s.Digits), slog.Int(FieldDecoyVoices, s.DecoyVoices),
			slog.Float64(FieldDurationMS, ms(s.Duration)))
	default:
		str(FieldVerdict, e.Verdict)
		if e.Verdict != "" {
			a = append(a, slog.Float64(FieldScore, math.Round(e.Score*1000)/1000))
		}
		str(FieldKind, e.Kind)
		str(FieldReason, e.Reason)
	}
	return a
}

// LogHook returns an event hook that writes each event to l as one record
// with the event type as message, at Event.Level, with Event.Attrs. A nil
// l returns a hook that does nothing.
func LogHook(l *slog.Logger) func(context.Context, Event) {
	if l == nil {
		return func(context.Context, Event) {}
	}
	return func(ctx context.Context, e Event) {
		if ctx == nil {
			ctx = context.Background()
		}
		lv := e.Level()
		if !l.Enabled(ctx, lv) {
			return
		}
		if e.Request.ID == "" {
			if ri, ok := RequestInfoFrom(ctx); ok {
				e.Request = ri
			}
		}
		l.LogAttrs(ctx, lv, e.Type, e.Attrs()...)
	}
}

// CaptchaLogHook returns a hook for captcha.WithEventHook that logs to l
// as LogHook does, for hosts that use package captcha alone.
func CaptchaLogHook(l *slog.Logger) func(context.Context, captcha.Event) {
	h := LogHook(l)
	return func(ctx context.Context, e captcha.Event) { h(ctx, FromCaptcha(e)) }
}

// BehaviorLogHook returns a hook for behavior.WithEventHook that logs to l
// as LogHook does.
func BehaviorLogHook(l *slog.Logger) func(context.Context, behavior.Event) {
	h := LogHook(l)
	return func(ctx context.Context, e behavior.Event) { h(ctx, FromBehavior(e)) }
}

// RateLimitLogHook returns a hook for ratelimit.WithEventHook (and
// WithMiddlewareEventHook) that logs to l as LogHook does.
func RateLimitLogHook(l *slog.Logger) ratelimit.EventHook {
	h := LogHook(l)
	return func(ctx context.Context, e ratelimit.Event) { h(ctx, FromRateLimit(e, time.Now())) }
}

// RedisLogHook returns a hook for redisstore.WithEventHook that logs to l
// as LogHook does.
func RedisLogHook(l *slog.Logger) func(context.Context, redisevent.Event) {
	h := LogHook(l)
	return func(ctx context.Context, e redisevent.Event) { h(ctx, FromRedis(e, time.Now())) }
}

// AudioLogHook returns a hook for audio.WithEventHook that logs to l as
// LogHook does.
func AudioLogHook(l *slog.Logger) audio.EventHook {
	h := LogHook(l)
	return func(ctx context.Context, e audio.Event) { h(ctx, FromAudio(e, time.Now())) }
}
