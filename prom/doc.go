// Package prom exports a tollgate Gate's metrics to Prometheus through
// github.com/prometheus/client_golang. It is a package of its own so that
// the root package, and every host that does not import this one, needs no
// metrics dependency (Gate.MetricsHandler serves a smaller set with none).
//
// A Collector is fed by the Gate's event hook and reads the Gate's state at
// each scrape; register it on the host's registry, where the host's own Go
// and process collectors (go_*, process_*) already are:
//
//	metrics := prom.NewCollector()
//	g, err := tollgate.New(tollgate.WithEventHook(metrics.Observe))
//	if err != nil { ... }
//	metrics.Watch(g)
//	reg := prometheus.NewRegistry()
//	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), metrics)
//	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
//
// (prometheus.DefaultRegisterer has the Go and process collectors already:
// register metrics alone there, and serve promhttp.Handler.)
//
// The metrics count bots and deceptions: serve them to the operator only.
// Names follow the Prometheus conventions (base units, "_total" counters,
// "_seconds" durations); label values come from fixed sets (decisions,
// reason codes, classes, policies), never from client input:
//
//	metric                                        labels               what
//	tollgate_decisions_total                      decision, reason     protected requests: allowed (reason solved: a
//	                                                                   CAPTCHA proof checked; passed: none needed),
//	                                                                   challenged (the strongest risk reason, e.g.
//	                                                                   no_work), denied (the CAPTCHA error code, e.g.
//	                                                                   wrong_answer, invalid_token, store,
//	                                                                   bad_request), deceived (the strongest
//	                                                                   behavior reason)
//	tollgate_decision_duration_seconds            decision             arrival to decision of a protected request:
//	                                                                   the risk decision's latency, which is what
//	                                                                   the Gate adds to a protected request (the
//	                                                                   failure delay and the handler excluded)
//	tollgate_captcha_verify_duration_seconds      result               verify API: arrival to the judged answer
//	tollgate_captcha_issue_duration_seconds       kind                 create and refresh API: arrival to the
//	                                                                   issued challenge, rendering included on a
//	                                                                   pool miss
//	tollgate_ratelimit_queue_wait_seconds         class                time admitted requests queued for a seat
//	tollgate_behavior_verdicts_total              verdict              human, suspect, bot
//	tollgate_behavior_reasons_total               reason               reason codes of verdicts
//	tollgate_behavior_errors_total                                     suspects that could not be recorded
//	tollgate_captcha_events_total                 type, kind           challenge.issued, challenge.solved, ...
//	tollgate_ratelimit_key_limited_total          policy               ip, account, challenge
//	tollgate_redisstore_events_total              type, store, op      store failures, fail-open, recoveries
//	tollgate_ratelimit_level                                           0 normal, 1 elevated, 2 high, 3 critical
//	tollgate_ratelimit_seats                                           seats of all lanes
//	tollgate_ratelimit_max_seats                  class                seats a class may hold
//	tollgate_ratelimit_in_flight                  class                seats held (occupancy: over max_seats)
//	tollgate_ratelimit_queued                     class                requests waiting for a seat
//	tollgate_ratelimit_shedding                   class                1 while the level sheds the class
//	tollgate_ratelimit_admitted_total             class                requests given a seat
//	tollgate_ratelimit_rejected_total             class, reason        shed, busy, queue_full, timeout, canceled
//	tollgate_captcha_pool_ready                                        pool depth: challenges rendered ahead
//	tollgate_captcha_pool_hits_total, _misses_total                    challenges taken from the pool, or rendered
//	                                                                   on request
//	tollgate_captcha_pool_rendered_total,                              background renders, vetter rejections,
//	  _discarded_total, _vet_seconds_total                               vetting time
//	tollgate_suspects                                                  keys in an in-memory suspects registry
//
// The latencies are measured from RequestInfo.Start, when the Gate began
// serving the request, to the event, so they include any wait for a lane
// seat. Challenges rendered in the background are not timed: the pool
// hides that work from requests, and its depth and misses tell whether it
// keeps up.
package prom
