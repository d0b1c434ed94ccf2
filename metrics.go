package tollgate

import (
	"bufio"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/ratelimit"
)

// metricInfo is the HELP text and TYPE of one metric family.
type metricInfo struct{ help, typ string }

// families lists every metric the Gate exports, in output order.
var families = []struct {
	name string
	metricInfo
}{
	{"tollgate_captcha_events_total", metricInfo{"Challenge lifecycle events by type (challenge.issued, challenge.solved, challenge.failed, token.verified, ...) and kind.", "counter"}},
	{"tollgate_captcha_pool_ready", metricInfo{"Rendered challenges waiting in the pool.", "gauge"}},
	{"tollgate_captcha_pool_hits_total", metricInfo{"Challenges served from the pool.", "counter"}},
	{"tollgate_captcha_pool_misses_total", metricInfo{"Challenges rendered on request because the pool was empty.", "counter"}},
	{"tollgate_behavior_verdicts_total", metricInfo{"Scored form posts by verdict (human, suspect, bot).", "counter"}},
	{"tollgate_behavior_reasons_total", metricInfo{"Reasons reported in verdicts, by reason code.", "counter"}},
	{"tollgate_behavior_deceived_total", metricInfo{"Requests answered with the decoy after the delay.", "counter"}},
	{"tollgate_behavior_errors_total", metricInfo{"Forms that could not be read or suspects that could not be recorded.", "counter"}},
	{"tollgate_suspects", metricInfo{"Client keys held in the in-memory suspects registry.", "gauge"}},
	{"tollgate_protect_total", metricInfo{"Protected requests by outcome (allowed, denied, challenged).", "counter"}},
	{"tollgate_ratelimit_level", metricInfo{"Current load level: 0 normal, 1 elevated, 2 high, 3 critical.", "gauge"}},
	{"tollgate_ratelimit_seats", metricInfo{"Total number of admission seats.", "gauge"}},
	{"tollgate_ratelimit_in_flight", metricInfo{"Seats held, by class.", "gauge"}},
	{"tollgate_ratelimit_queued", metricInfo{"Requests waiting for a seat, by class.", "gauge"}},
	{"tollgate_ratelimit_shedding", metricInfo{"1 when the current load level sheds the class.", "gauge"}},
	{"tollgate_ratelimit_admitted_total", metricInfo{"Requests given a seat, by class.", "counter"}},
	{"tollgate_ratelimit_rejected_total", metricInfo{"Requests rejected by the admission limiter, by class and reason.", "counter"}},
	{"tollgate_ratelimit_key_limited_total", metricInfo{"Requests denied by a per-key limit, by policy (ip, account, challenge).", "counter"}},
	{"tollgate_redisstore_events_total", metricInfo{"Redis store failures, fail-open decisions and recoveries, by type, store and operation.", "counter"}},
}

// metrics counts events for the Prometheus exposition. It is safe for
// concurrent use.
type metrics struct {
	mu     sync.Mutex
	counts map[string]map[string]uint64 // family → label set → value
}

func newMetrics() *metrics { return &metrics{counts: make(map[string]map[string]uint64)} }

// labels renders label pairs (name, value, name, value...) in the text
// format, escaping values.
func labels(kv ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(kv[i])
		b.WriteString(`="`)
		escapeLabel(&b, kv[i+1])
		b.WriteByte('"')
	}
	return b.String()
}

func escapeLabel(b *strings.Builder, v string) {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteByte(c)
		}
	}
}

func (m *metrics) add(family, labelSet string, n uint64) {
	m.mu.Lock()
	f := m.counts[family]
	if f == nil {
		f = make(map[string]uint64)
		m.counts[family] = f
	}
	f[labelSet] += n
	m.mu.Unlock()
}

// observe counts one event.
func (m *metrics) observe(e Event) {
	switch {
	case e.Captcha != nil:
		m.add("tollgate_captcha_events_total", labels("kind", string(e.Captcha.Kind), "type", e.Type), 1)
	case e.Behavior != nil:
		switch e.Type {
		case behavior.EventVerdict:
			m.add("tollgate_behavior_verdicts_total", labels("verdict", e.Behavior.Result.Verdict.String()), 1)
			for _, r := range e.Behavior.Result.Reasons {
				m.add("tollgate_behavior_reasons_total", labels("reason", r.Code), 1)
			}
		case behavior.EventDeceived:
			m.add("tollgate_behavior_deceived_total", "", 1)
		case behavior.EventError:
			m.add("tollgate_behavior_errors_total", "", 1)
		}
	case e.RateLimit != nil:
		if e.Type == ratelimit.EventKeyLimited {
			m.add("tollgate_ratelimit_key_limited_total", labels("policy", e.Policy), 1)
		}
	case e.Redis != nil:
		m.add("tollgate_redisstore_events_total", labels("op", e.Redis.Op, "store", e.Redis.Store, "type", e.Type), 1)
	case e.Source == SourceGate:
		switch e.Type {
		case EventAllowed:
			m.add("tollgate_protect_total", labels("outcome", "allowed"), 1)
		case EventDenied:
			m.add("tollgate_protect_total", labels("outcome", "denied"), 1)
		case EventChallenged:
			m.add("tollgate_protect_total", labels("outcome", "challenged"), 1)
		}
	}
}

// snapshot copies the counters and adds the gauges and counters read from
// the limiter, the pool and the suspects registry.
func (m *metrics) snapshot(lim *ratelimit.Limiter, svc *captcha.Service, sus behavior.Suspects) map[string]map[string]uint64 {
	out := make(map[string]map[string]uint64, len(families))
	set := func(family, labelSet string, v uint64) {
		f := out[family]
		if f == nil {
			f = make(map[string]uint64)
			out[family] = f
		}
		f[labelSet] = v
	}
	m.mu.Lock()
	for fam, series := range m.counts {
		for ls, v := range series {
			set(fam, ls, v)
		}
	}
	m.mu.Unlock()
	if svc != nil {
		ps := svc.PoolStats()
		set("tollgate_captcha_pool_ready", "", uint64(max(ps.Ready, 0)))
		set("tollgate_captcha_pool_hits_total", "", ps.Hits)
		set("tollgate_captcha_pool_misses_total", "", ps.Misses)
	}
	if ms, ok := sus.(*behavior.MemorySuspects); ok {
		set("tollgate_suspects", "", uint64(ms.Len()))
	}
	if lim != nil {
		st := lim.Stats()
		set("tollgate_ratelimit_level", "", uint64(st.Level))
		set("tollgate_ratelimit_seats", "", uint64(st.Total))
		for _, c := range st.Classes {
			cl := labels("class", c.Name)
			set("tollgate_ratelimit_in_flight", cl, uint64(max(c.InFlight, 0)))
			set("tollgate_ratelimit_queued", cl, uint64(max(c.Queued, 0)))
			shed := uint64(0)
			if c.Shedding {
				shed = 1
			}
			set("tollgate_ratelimit_shedding", cl, shed)
			set("tollgate_ratelimit_admitted_total", cl, c.Admitted)
			for _, r := range []struct {
				reason ratelimit.Reason
				n      uint64
			}{
				{ratelimit.ReasonShed, c.Shed}, {ratelimit.ReasonBusy, c.Busy}, {ratelimit.ReasonQueueFull, c.QueueFull},
				{ratelimit.ReasonTimeout, c.TimedOut}, {ratelimit.ReasonCanceled, c.Canceled},
			} {
				set("tollgate_ratelimit_rejected_total", labels("class", c.Name, "reason", string(r.reason)), r.n)
			}
		}
	}
	return out
}

// writeText writes a snapshot in the Prometheus text exposition format
// (version 0.0.4): families in a fixed order, series sorted by labels,
// families without series left out.
func writeText(w io.Writer, snap map[string]map[string]uint64) error {
	bw := bufio.NewWriter(w)
	for _, f := range families {
		series := snap[f.name]
		if len(series) == 0 {
			continue
		}
		bw.WriteString("# HELP " + f.name + " " + f.help + "\n")
		bw.WriteString("# TYPE " + f.name + " " + f.typ + "\n")
		keys := make([]string, 0, len(series))
		for k := range series {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			bw.WriteString(f.name)
			if k != "" {
				bw.WriteString("{" + k + "}")
			}
			bw.WriteString(" " + strconv.FormatUint(series[k], 10) + "\n")
		}
	}
	return bw.Flush()
}

// MetricsHandler returns an http.Handler that serves the Gate's metrics in
// the Prometheus text exposition format (Content-Type "text/plain;
// version=0.0.4"): event counters since the Gate was created, and the
// limiter's, pool's and suspects registry's current state. Metric names
// start with "tollgate_"; each has HELP and TYPE lines. Mount it where your
// scraper looks, for example mux.Handle("GET /metrics", g.MetricsHandler()),
// and keep it off the public internet. The handler is safe for concurrent
// use.
func (g *Gate) MetricsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if r.Method == http.MethodHead {
			return
		}
		_ = writeText(w, g.metrics.snapshot(g.limiter, g.svc, g.suspects))
	})
}
