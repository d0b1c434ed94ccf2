package prom

import (
	"context"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tollgate/tollgate"
	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/ratelimit"
)

// Decisions on protected requests: the values of the "decision" label.
const (
	decisionAllowed    = "allowed"    // the request reached the protected handler
	decisionChallenged = "challenged" // managed mode asked for a solved challenge
	decisionDenied     = "denied"     // a CAPTCHA proof failed its check, or the form could not be read
	decisionDeceived   = "deceived"   // judged a bot and answered as a failure
)

// latencyBuckets spans 100 µs (an in-memory decision) to about 6.5 s (a
// request that queued for a lane seat, or a Redis call at its timeout).
var latencyBuckets = prometheus.ExponentialBuckets(0.0001, 4, 9)

// Collector turns a Gate's events and state into Prometheus metrics. Its
// Observe is the Gate's event hook (it counts decisions, verdicts and
// store failures and times them); Watch gives it the Gate whose limiter,
// pool and suspects it reads at each scrape. Register it on the host's
// registry, next to the host's own Go and process collectors.
//
// A Collector serves one Gate. It is safe for concurrent use.
type Collector struct {
	gate atomic.Pointer[watched]

	decisions       *prometheus.CounterVec
	allowedSolved   prometheus.Counter
	allowedPassed   prometheus.Counter
	decisionSeconds *prometheus.HistogramVec
	riskSeconds     prometheus.Histogram
	verdicts        *prometheus.CounterVec
	behaviorReasons *prometheus.CounterVec
	behaviorErrors  prometheus.Counter
	captchaEvents   *prometheus.CounterVec
	verifySeconds   *prometheus.HistogramVec
	issueSeconds    *prometheus.HistogramVec
	renderSeconds   *prometheus.HistogramVec
	keyLimited      *prometheus.CounterVec
	queueSeconds    *prometheus.HistogramVec
	redisEvents     *prometheus.CounterVec

	level, seats, maxSeats, inFlight, queued, shedding, admitted, rejected *prometheus.Desc
	poolReady, poolHits, poolMisses, poolRendered, poolDiscarded, poolVet  *prometheus.Desc
	suspects                                                               *prometheus.Desc
}

// watched is the Gate a Collector reads, with the paths of its challenge
// API.
type watched struct {
	g                  *tollgate.Gate
	create, challenges string // "{prefix}/challenge", "{prefix}/challenge/"
}

var _ prometheus.Collector = (*Collector)(nil)

// NewCollector returns a Collector with no Gate yet: pass its Observe to
// tollgate.WithEventHook, then call Watch with the Gate.
func NewCollector() *Collector {
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	}
	hist := func(name, help string, labels ...string) *prometheus.HistogramVec {
		return prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: latencyBuckets}, labels)
	}
	desc := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, labels, nil)
	}
	c := &Collector{
		decisions: counter("tollgate_decisions_total",
			"Decisions on protected requests by decision (allowed, challenged, denied, deceived) and strongest reason.",
			"decision", "reason"),
		riskSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "tollgate_risk_decision_duration_seconds",
			Help:    "Time the managed mode's risk decision took on a post without a solved challenge: signals gathered (suspects, failure counters, proof of work) and Decide run.",
			Buckets: prometheus.ExponentialBuckets(1e-6, 4, 12)}),
		decisionSeconds: hist("tollgate_decision_duration_seconds",
			"Time from a protected request's arrival to the Gate's decision on it (limits, lane wait, scoring, risk decision, CAPTCHA check), by decision; the failure delay and the protected handler are not included.",
			"decision"),
		verdicts: counter("tollgate_behavior_verdicts_total",
			"Behavior verdicts on protected requests by verdict (human, suspect, bot).", "verdict"),
		behaviorReasons: counter("tollgate_behavior_reasons_total",
			"Reasons given in behavior verdicts, by reason code.", "reason"),
		captchaEvents: counter("tollgate_captcha_events_total",
			"Challenge lifecycle events by type (challenge.issued, challenge.solved, challenge.failed, token.verified, token.rejected, pool.miss, ...) and kind.",
			"type", "kind"),
		verifySeconds: hist("tollgate_captcha_verify_duration_seconds",
			"Time from a verify request's arrival to the judgement of its answer, store call included, by result (solved, failed).",
			"result"),
		renderSeconds: hist("tollgate_captcha_render_duration_seconds",
			"Time the generator took to render one challenge (in the pool or on request), by kind.",
			"kind"),
		issueSeconds: hist("tollgate_captcha_issue_duration_seconds",
			"Time from a create or refresh request's arrival to its challenge being issued (rendered unless the pool had one ready, then stored), by kind.",
			"kind"),
		keyLimited: counter("tollgate_ratelimit_key_limited_total",
			"Requests denied by a per-key limit, by policy (ip, account, challenge).", "policy"),
		queueSeconds: hist("tollgate_ratelimit_queue_wait_seconds",
			"Time admitted requests waited for a lane seat (0 for most), by class.", "class"),
		redisEvents: counter("tollgate_redisstore_events_total",
			"Redis store failures, fail-open decisions and recoveries, by type, store and operation.",
			"type", "store", "op"),

		level:    desc("tollgate_ratelimit_level", "Current load level: 0 normal, 1 elevated, 2 high, 3 critical."),
		seats:    desc("tollgate_ratelimit_seats", "Admission seats of all lanes together, at the current total."),
		maxSeats: desc("tollgate_ratelimit_max_seats", "Seats a class may hold at the current total; in_flight over max_seats is the lane's occupancy.", "class"),
		inFlight: desc("tollgate_ratelimit_in_flight", "Seats held, by class.", "class"),
		queued:   desc("tollgate_ratelimit_queued", "Requests waiting for a seat, by class.", "class"),
		shedding: desc("tollgate_ratelimit_shedding", "1 when the current load level sheds the class, else 0.", "class"),
		admitted: desc("tollgate_ratelimit_admitted_total", "Requests given a seat, by class.", "class"),
		rejected: desc("tollgate_ratelimit_rejected_total", "Requests the admission lanes rejected, by class and reason (shed, busy, queue_full, timeout, canceled).", "class", "reason"),

		poolReady:     desc("tollgate_captcha_pool_ready", "Rendered challenges waiting in the pool, all kinds and languages."),
		poolHits:      desc("tollgate_captcha_pool_hits_total", "Challenges served from the pool."),
		poolMisses:    desc("tollgate_captcha_pool_misses_total", "Challenges rendered on request because the pool was empty."),
		poolRendered:  desc("tollgate_captcha_pool_rendered_total", "Challenges the pool rendered in the background."),
		poolDiscarded: desc("tollgate_captcha_pool_discarded_total", "Rendered challenges the pool's vetter rejected."),
		poolVet:       desc("tollgate_captcha_pool_vet_seconds_total", "Time the pool spent vetting rendered challenges."),
		suspects:      desc("tollgate_suspects", "Client keys held in the in-memory suspects registry."),
	}
	c.behaviorErrors = prometheus.NewCounter(prometheus.CounterOpts{Name: "tollgate_behavior_errors_total",
		Help: "Suspects that could not be recorded, and other errors of the behavior checks."})
	c.allowedSolved = c.decisions.WithLabelValues(decisionAllowed, "solved")
	c.allowedPassed = c.decisions.WithLabelValues(decisionAllowed, "passed")
	return c
}

// Watch makes the Collector read g's state at each scrape (load level,
// lanes, pool, suspects) and time g's challenge API. Call it once, with
// the Gate whose WithEventHook got Observe; a later call replaces g.
func (c *Collector) Watch(g *tollgate.Gate) {
	if g == nil {
		c.gate.Store(nil)
		return
	}
	p := strings.TrimSuffix(g.PathPrefix(), "/")
	c.gate.Store(&watched{g: g, create: p + "/challenge", challenges: p + "/challenge/"})
}

// Observe counts and times one event; pass it to tollgate.WithEventHook.
// It never blocks.
func (c *Collector) Observe(_ context.Context, e tollgate.Event) {
	switch {
	case e.Captcha != nil:
		c.observeCaptcha(e)
	case e.Behavior != nil:
		switch e.Type {
		case behavior.EventVerdict:
			c.verdicts.WithLabelValues(e.Behavior.Result.Verdict.String()).Inc()
			for _, r := range e.Behavior.Result.Reasons {
				c.behaviorReasons.WithLabelValues(r.Code).Inc()
			}
		case behavior.EventDeceived, behavior.EventCanceled:
			// Canceled: the client left during the failure delay; the
			// decision was made all the same.
			reason := "none"
			if rs := e.Behavior.Result.Reasons; len(rs) > 0 {
				reason = rs[0].Code
			}
			c.decisions.WithLabelValues(decisionDeceived, reason).Inc()
			c.timeDecision(decisionDeceived, e, e.Behavior.Delay)
		case behavior.EventError:
			c.behaviorErrors.Inc()
		}
	case e.RateLimit != nil:
		switch e.Type {
		case ratelimit.EventKeyLimited:
			c.keyLimited.WithLabelValues(e.Policy).Inc()
		case ratelimit.EventAdmit:
			c.queueSeconds.WithLabelValues(e.RateLimit.Class).Observe(e.RateLimit.Wait.Seconds())
		}
	case e.Redis != nil:
		c.redisEvents.WithLabelValues(e.Type, e.Redis.Store, e.Redis.Op).Inc()
	case e.Source == tollgate.SourceGate:
		if e.Decision > 0 {
			c.riskSeconds.Observe(e.Decision.Seconds())
		}
		switch e.Type {
		case tollgate.EventAllowed:
			if e.Kind != "" {
				c.allowedSolved.Inc()
			} else {
				c.allowedPassed.Inc()
			}
			c.timeDecision(decisionAllowed, e, 0)
		case tollgate.EventChallenged:
			reason, _, _ := strings.Cut(e.Reason, ",")
			if reason == "" {
				reason = "none"
			}
			c.decisions.WithLabelValues(decisionChallenged, reason).Inc()
			c.timeDecision(decisionChallenged, e, 0)
		case tollgate.EventDenied:
			reason := "unknown"
			if e.Err != nil {
				_, body := captcha.ErrorResponse(e.Err)
				reason = body.Code
			}
			c.decisions.WithLabelValues(decisionDenied, reason).Inc()
			c.timeDecision(decisionDenied, e, 0)
		}
	}
}

// sinceStart is how long ago the request of e arrived at the Gate, less
// skip; false when e belongs to no request the Gate tracked.
func sinceStart(e tollgate.Event, skip time.Duration) (float64, bool) {
	if e.Request.Start.IsZero() {
		return 0, false
	}
	return max(time.Since(e.Request.Start)-skip, 0).Seconds(), true
}

func (c *Collector) timeDecision(decision string, e tollgate.Event, skip time.Duration) {
	if s, ok := sinceStart(e, skip); ok {
		c.decisionSeconds.WithLabelValues(decision).Observe(s)
	}
}

func (c *Collector) observeCaptcha(e tollgate.Event) {
	kind := string(e.Captcha.Kind)
	c.captchaEvents.WithLabelValues(e.Type, kind).Inc()
	if e.Type == "challenge.rendered" {
		c.renderSeconds.WithLabelValues(kind).Observe(e.Captcha.Duration.Seconds())
		return
	}
	w := c.gate.Load()
	if w == nil || e.Request.Method != "POST" {
		return
	}
	path := e.Request.Path
	switch e.Type {
	case "challenge.solved", "challenge.failed":
		if strings.HasPrefix(path, w.challenges) && strings.HasSuffix(path, "/verify") {
			if s, ok := sinceStart(e, 0); ok {
				c.verifySeconds.WithLabelValues(strings.TrimPrefix(e.Type, "challenge.")).Observe(s)
			}
		}
	case "challenge.issued", "challenge.refreshed":
		if path == w.create || strings.HasPrefix(path, w.challenges) && strings.HasSuffix(path, "/refresh") {
			if s, ok := sinceStart(e, 0); ok {
				c.issueSeconds.WithLabelValues(kind).Observe(s)
			}
		}
	}
}

// Describe sends the descriptors of every metric the Collector exports.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, v := range c.vecs() {
		v.Describe(ch)
	}
	for _, d := range c.descs() {
		ch <- d
	}
}

// Collect sends the counters and histograms of the events observed so far
// and, when a Gate is watched, its current state.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	for _, v := range c.vecs() {
		v.Collect(ch)
	}
	w := c.gate.Load()
	if w == nil {
		return
	}
	g := w.g
	gauge := func(d *prometheus.Desc, v float64, lv ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, lv...)
	}
	count := func(d *prometheus.Desc, v float64, lv ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, lv...)
	}
	if lim := g.Limiter(); lim != nil {
		st := lim.Stats()
		gauge(c.level, float64(st.Level))
		gauge(c.seats, float64(st.Total))
		for _, cl := range st.Classes {
			gauge(c.maxSeats, float64(cl.Max), cl.Name)
			gauge(c.inFlight, float64(max(cl.InFlight, 0)), cl.Name)
			gauge(c.queued, float64(max(cl.Queued, 0)), cl.Name)
			shed := 0.0
			if cl.Shedding {
				shed = 1
			}
			gauge(c.shedding, shed, cl.Name)
			count(c.admitted, float64(cl.Admitted), cl.Name)
			for _, r := range [...]struct {
				reason ratelimit.Reason
				n      uint64
			}{
				{ratelimit.ReasonShed, cl.Shed}, {ratelimit.ReasonBusy, cl.Busy}, {ratelimit.ReasonQueueFull, cl.QueueFull},
				{ratelimit.ReasonTimeout, cl.TimedOut}, {ratelimit.ReasonCanceled, cl.Canceled},
			} {
				count(c.rejected, float64(r.n), cl.Name, string(r.reason))
			}
		}
	}
	if svc := g.Captcha(); svc != nil {
		ps := svc.PoolStats()
		gauge(c.poolReady, float64(max(ps.Ready, 0)))
		count(c.poolHits, float64(ps.Hits))
		count(c.poolMisses, float64(ps.Misses))
		count(c.poolRendered, float64(ps.Rendered))
		count(c.poolDiscarded, float64(ps.Discarded))
		count(c.poolVet, ps.VetTime.Seconds())
	}
	if ms, ok := g.Suspects().(*behavior.MemorySuspects); ok {
		gauge(c.suspects, float64(ms.Len()))
	}
}

func (c *Collector) vecs() []prometheus.Collector {
	return []prometheus.Collector{c.decisions, c.decisionSeconds, c.riskSeconds, c.verdicts, c.behaviorReasons, c.behaviorErrors,
		c.captchaEvents, c.verifySeconds, c.issueSeconds, c.renderSeconds, c.keyLimited, c.queueSeconds, c.redisEvents}
}

func (c *Collector) descs() []*prometheus.Desc {
	return []*prometheus.Desc{c.level, c.seats, c.maxSeats, c.inFlight, c.queued, c.shedding, c.admitted, c.rejected,
		c.poolReady, c.poolHits, c.poolMisses, c.poolRendered, c.poolDiscarded, c.poolVet, c.suspects}
}
