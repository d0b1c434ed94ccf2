package tollgate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/audio"
	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/ratelimit"
	"github.com/tollgate/tollgate/redisstore"
)

// logged returns the one JSON record LogHook writes for e.
func logged(t *testing.T, ctx context.Context, e Event) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	LogHook(jsonLogger(&buf))(ctx, e)
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatalf("log line %q: %v", buf.String(), err)
	}
	if strings.Count(buf.String(), "\n") != 1 {
		t.Fatalf("event %s logged as %d lines", e.Type, strings.Count(buf.String(), "\n"))
	}
	return m
}

func TestLogHookFields(t *testing.T) {
	now := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	ctx := context.WithValue(context.Background(), requestInfoKey{},
		RequestInfo{ID: "r1", Method: "POST", Path: "/login", Client: "192.0.2.7"})
	verdict := behavior.Result{Score: 0.9123, Verdict: behavior.VerdictBot, Reasons: []behavior.Reason{
		{Code: behavior.ReasonNoTelemetry, Weight: 0.9, Detail: "no telemetry was posted"}}}
	tests := []struct {
		name  string
		event Event
		level string
		want  map[string]any
	}{
		{"challenge failed", FromCaptcha(captcha.Event{Type: "challenge.failed", Time: now, ChallengeID: "c1", Screen: "s1",
			Kind: captcha.KindImage, Lang: "ko", AttemptsLeft: 2, Reason: "captcha: wrong answer (2 attempts left)"}), "INFO",
			map[string]any{"msg": "challenge.failed", "event": "challenge.failed", "source": "captcha", "challenge_id": "c1",
				"screen": "s1", "kind": "image", "lang": "ko", "attempts_left": 2.0, "decoy": false,
				"reason": "captcha: wrong answer (2 attempts left)", "request_id": "r1", "client": "192.0.2.7",
				"method": "POST", "path": "/login"}},
		{"bot verdict", FromBehavior(behavior.Event{Type: behavior.EventVerdict, Time: now, Key: "ip:192.0.2.7", Result: verdict}), "WARN",
			map[string]any{"event": "behavior.verdict", "source": "behavior", "key": "ip:192.0.2.7", "verdict": "bot",
				"score": 0.912, "reasons": []any{"no_telemetry"}, "reason_details": []any{"no_telemetry: no telemetry was posted"}}},
		{"human verdict", FromBehavior(behavior.Event{Type: behavior.EventVerdict, Result: behavior.Result{Verdict: behavior.VerdictHuman}}), "INFO",
			map[string]any{"verdict": "human", "score": 0.0, "reasons": []any{}}},
		{"deceived", FromBehavior(behavior.Event{Type: behavior.EventDeceived, Result: verdict, Delay: 3500 * time.Millisecond}), "WARN",
			map[string]any{"event": "behavior.deceived", "delay_ms": 3500.0, "verdict": "bot"}},
		{"behavior error", FromBehavior(behavior.Event{Type: behavior.EventError, Err: errors.New("behavior: reading form: x")}), "WARN",
			map[string]any{"error": "behavior: reading form: x"}},
		{"shed", FromRateLimit(ratelimit.Event{Type: ratelimit.EventReject, Class: ClassBackground, Reason: ratelimit.ReasonShed,
			Level: ratelimit.LevelElevated, RetryAfter: 2 * time.Second}, now), "WARN",
			map[string]any{"event": "ratelimit.reject", "source": "ratelimit", "class": "login_background", "reason": "shed",
				"load_level": "elevated", "retry_after_ms": 2000.0}},
		{"key limited", Event{Source: SourceRateLimit, Type: ratelimit.EventKeyLimited, Policy: "account",
			RateLimit: &ratelimit.Event{Type: ratelimit.EventKeyLimited, Reason: ratelimit.ReasonLimited, Key: "acct:kim", RetryAfter: time.Minute}}, "WARN",
			map[string]any{"policy": "account", "key": "acct:kim", "reason": "limited", "retry_after_ms": 60000.0}},
		{"level", FromRateLimit(ratelimit.Event{Type: ratelimit.EventLevel, Level: ratelimit.LevelHigh, PrevLevel: ratelimit.LevelNormal,
			Utilisation: 0.97, Wait: 120 * time.Millisecond}, now), "WARN",
			map[string]any{"load_level": "high", "prev_load_level": "normal", "utilisation": 0.97, "wait_ms": 120.0}},
		{"admit", FromRateLimit(ratelimit.Event{Type: ratelimit.EventAdmit, Class: ClassLogin}, now), "DEBUG",
			map[string]any{"class": "login", "load_level": "normal"}},
		{"redis", FromRedis(redisstore.Event{Type: redisstore.EventError, Store: "captcha", Op: "attempt", Key: "tollgate:{captcha}:x",
			Err: errors.New("dial tcp: refused"), Duration: 1500 * time.Microsecond}, now), "WARN",
			map[string]any{"store": "captcha", "op": "attempt", "error": "dial tcp: refused", "duration_ms": 1.5}},
		{"audio", FromAudio(audio.Event{Type: audio.EventGenerated, Lang: "ko", RequestedLang: "ko-KR", Cue: audio.CueLow,
			Digits: 6, DecoyVoices: 2, Duration: 9 * time.Second}, now), "DEBUG",
			map[string]any{"lang": "ko", "requested_lang": "ko-KR", "cue": "low", "digits": 6.0, "decoy_voices": 2.0, "duration_ms": 9000.0}},
		{"allowed", Event{Source: SourceGate, Type: EventAllowed, Verdict: "human", Score: 0.1, Kind: "audio"}, "INFO",
			map[string]any{"event": "tollgate.allowed", "source": "tollgate", "verdict": "human", "score": 0.1, "kind": "audio"}},
		{"denied", Event{Source: SourceGate, Type: EventDenied, Reason: "captcha: token expired"}, "INFO",
			map[string]any{"reason": "captcha: token expired"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := logged(t, ctx, tt.event)
			if m["level"] != tt.level {
				t.Errorf("level = %v, want %s", m["level"], tt.level)
			}
			if m["msg"] != tt.event.Type || m["event"] != tt.event.Type {
				t.Errorf("msg, event = %v, %v; want %s", m["msg"], m["event"], tt.event.Type)
			}
			for k, want := range tt.want {
				got, ok := m[k]
				gb, _ := json.Marshal(got)
				wb, _ := json.Marshal(want)
				if !ok || string(gb) != string(wb) {
					t.Errorf("field %s = %s (present %v), want %s", k, gb, ok, wb)
				}
			}
		})
	}
}

func TestLogHookNil(t *testing.T) {
	LogHook(nil)(context.Background(), Event{Type: "x"}) // must not panic
	var buf bytes.Buffer
	l := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	LogHook(l)(nil, FromRateLimit(ratelimit.Event{Type: ratelimit.EventAdmit}, time.Now()))
	if buf.Len() != 0 {
		t.Fatalf("a debug event was written at level warn: %s", buf.String())
	}
}

func TestPackageLogHooks(t *testing.T) {
	var buf bytes.Buffer
	l := jsonLogger(&buf)
	ctx := context.Background()
	CaptchaLogHook(l)(ctx, captcha.Event{Type: "challenge.issued"})
	BehaviorLogHook(l)(ctx, behavior.Event{Type: behavior.EventVerdict})
	RateLimitLogHook(l)(ctx, ratelimit.Event{Type: ratelimit.EventReject})
	RedisLogHook(l)(ctx, redisstore.Event{Type: redisstore.EventRecovered})
	AudioLogHook(l)(ctx, audio.Event{Type: audio.EventGenerated})
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{`"source":"captcha"`, `"source":"behavior"`, `"source":"ratelimit"`, `"source":"redisstore"`, `"source":"audio"`}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), buf.String())
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Errorf("line %d = %s, want %s", i, lines[i], w)
		}
	}
}

func TestGateLogsEveryDecision(t *testing.T) {
	var buf bytes.Buffer
	g, _ := newTestGate(t, WithLogger(jsonLogger(&buf)))
	p := g.Protect(&okHandler{})
	_, token := solve(t, g, "mapo bridge")
	postForm(p, "/login", loginForm(token, humanLogin(1)), nil)
	postForm(p, "/login", loginForm(token, botLogin(2)), nil) // deceived: its token is spent
	out := buf.String()
	for _, want := range []string{`"msg":"challenge.issued"`, `"msg":"challenge.solved"`, `"msg":"token.verified"`,
		`"msg":"behavior.verdict"`, `"verdict":"human"`, `"verdict":"bot"`, `"msg":"behavior.deceived"`,
		`"msg":"tollgate.allowed"`, `"msg":"ratelimit.admit"`, `"client":"192.0.2.7"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s", want)
		}
	}
	if strings.Contains(out, token) || strings.Contains(out, "hunter22") || strings.Contains(out, "mapo bridge") {
		t.Error("the log holds a token, a password or an answer")
	}
}
