// Package tollgate protects forms such as a login from bots in one call: a
// map CAPTCHA with an audio alternative, behavior scoring that deceives bots
// with a fake answer, and admission lanes with per-client and per-account
// limits.
//
//	g, err := tollgate.New(tollgate.WithLogger(logger))
//	...
//	mux.Handle("/login", g.Protect(loginHandler)) // checks every POST (managed mode)
//	mux.Handle(g.PathPrefix()+"/", g.Handler())  // widget, proof of work, challenges, media, collector
//
// and one tag in the form, plus the widget's script and stylesheet:
//
//	<link rel="stylesheet" href="/tollgate/static/widget.css">
//	<script src="/tollgate/static/widget.js" defer></script>
//	<form method="post" action="/login"> ... <div data-tollgate-captcha></div> ... </form>
//
// The widget shows the challenge (zoom and pan by touch, mouse and keyboard,
// a new challenge, the audio alternative, Korean or English from the page's
// lang), verifies the answer when the form is submitted, adds the
// verification token to the form and starts the behavior collector on it.
// See Gate.Protect for the order of the checks and Gate.Handler for the
// routes. Each part lives in its own package (captcha, captcha/maptile,
// audio, behavior, ratelimit, redisstore) and can be used alone; the
// options of New replace any of them.
//
// # Modes
//
// A protected route is in ModeManaged unless WithMode says otherwise: the
// widget shows a compact "Checking… / Verified" state, solves a small proof
// of work (package pow) in a Web Worker while the person types, and the
// form posts as usual. Protect weighs the evidence (Decide: the behavior
// verdict, the suspects registry, recent failures of the network and the
// account, how busy the network is, the load level, the proof of work) and
// lets the post through with no puzzle, asks for a challenge (the widget
// shows the map inline, keeping what was typed; ChallengeRequiredError is
// the documented JSON), or deceives a post with positive bot evidence.
// Missing telemetry alone never means deception: a person with JavaScript
// off solves the server-rendered challenge of Gate.NoScript, and a client
// testing with curl gets a clear challenge_required answer. ModeAlways asks
// for a solved challenge on every post; ModeNever never shows a puzzle.
//
// # Security
//
// Input that cannot be parsed is refused (400, 413, 415) before any check
// runs; it never makes a check fail open. Verification tokens are single
// use, bound to the screen, the solved challenge and the protected action
// (WithAction), and live only while their own store key exists, so a store
// that loses data (eviction, restart) means "solve again", never "replay".
// A deceived bot's proof is spent exactly as a real failure spends it, and
// every failed check of a protected post is answered after the same random
// delay, so neither the answer nor its timing tells deception from a real
// failure. SECURITY.md in the repository is the threat model: what an
// attacker with the source, unlimited samples and many addresses can and
// cannot do, and what each part promises under store loss, overload and
// bad input.
//
// # Events and logs
//
// Every decision of every part reaches the Gate as an Event: its Source,
// its stable Type and the package's own event. WithEventHook passes them to
// the host; WithLogger writes each as one log/slog record whose message is
// the type, at the level Event.Level gives. The field names are stable, so
// that operators can ship the records to the log analytics they already
// run. Besides slog's own "time", "level" and "msg" (the type again), a
// record has:
//
//	field            events                                   meaning
//	event, source    all                                      the type ("challenge.issued") and package ("captcha")
//	request_id       all served through the Gate              correlates the events of one request
//	client, method,  same                                     client address, HTTP method and path
//	  path
//	challenge_id     challenge.*                              the challenge (public id, not a secret)
//	screen           challenge.*, token.*                     the refresh chain the challenge belongs to
//	kind, lang       challenge.*, token.*, tollgate.allowed   "image" or "audio"; the challenge's language
//	attempts_left    challenge.failed                         answers the challenge still accepts
//	decoy            challenge.failed                         the answer matched a decoy (a sign of software)
//	reason           challenge.failed, token.rejected,        why: an error text ("captcha: wrong answer ...")
//	                   tollgate.denied, ratelimit.reject,       or a ratelimit reason ("shed", "limited")
//	                   ratelimit.key_limited
//	key              behavior.*, ratelimit.key_limited,       the client key ("ip:192.0.2.7", "acct:kim")
//	                   redisstore.*                             or the Redis key
//	verdict, score   behavior.verdict, behavior.deceived,     "human", "suspect" or "bot"; score in [0, 1]
//	                   tollgate.allowed
//	reasons          behavior.verdict, behavior.deceived      reason codes, strongest first ("no_telemetry", ...)
//	reason_details   same                                     "code: measured detail" per reason
//	delay_ms         behavior.deceived, behavior.deceive_canceled  decoy delay
//	error            behavior.error, redisstore.*             the error text
//	class            ratelimit.admit, .queue, .reject         the request class ("login", "login_background", ...)
//	load_level       ratelimit.*                              "normal", "elevated", "high", "critical"
//	prev_load_level, ratelimit.level                          level before the change; seats in use / total
//	  utilisation
//	wait_ms          ratelimit.admit, .reject, .level         time queued (or sampled queue delay)
//	retry_after_ms   ratelimit.reject, .key_limited           Retry-After given to the client
//	total            ratelimit.total                          seats after an adaptive change
//	policy           ratelimit.key_limited                    "ip", "account" or "challenge"
//	store, op        redisstore.*                             "captcha", "ratelimit", "suspects"; the operation
//	failures         redisstore.recovered                     failed calls before the recovery
//	duration_ms      redisstore.*, audio.generated, pool.*    time taken
//	requested_lang,  audio.generated                          the audio clip's rendering
//	  cue, digits,
//	  decoy_voices
//
// Durations are float milliseconds. Answers, tokens and secrets are never
// logged. Hosts that use one package alone log its events the same way with
// CaptchaLogHook, BehaviorLogHook, RateLimitLogHook, RedisLogHook and
// AudioLogHook.
//
// # Metrics and health
//
// Package prom (github.com/tollgate/tollgate/prom) exports the Gate's
// metrics through the Prometheus client library: counters and latency
// histograms fed by WithEventHook, gauges read from the limiter and the
// pool. This package does not import it. Gate.MetricsHandler serves a
// smaller set in the Prometheus text format with no dependency;
// Gate.RecentVerdicts and Limiter().Stats() give a status page its numbers.
// Gate.Health probes the stores (a Redis PING for package redisstore's) for
// a health endpoint: a store out of reach is unhealthy.
package tollgate
