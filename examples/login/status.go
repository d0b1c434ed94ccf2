package main

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/tollgate/tollgate"
	"github.com/tollgate/tollgate/behavior"
	"github.com/tollgate/tollgate/ratelimit"
)

type classRow struct {
	Name        string `json:"name"`
	Criticality string `json:"criticality"`
	Shedding    bool   `json:"shedding"`
	InFlight    int    `json:"inFlight"`
	Queued      int    `json:"queued"`
	Admitted    uint64 `json:"admitted"`
	Shed        uint64 `json:"shed"`
	Rejected    uint64 `json:"rejected"`
}

type verdictRow struct {
	Time     time.Time `json:"time"`
	Client   string    `json:"client"`
	Path     string    `json:"path"`
	Verdict  string    `json:"verdict"`
	Score    float64   `json:"score"`
	Reasons  []string  `json:"reasons"`
	Details  []string  `json:"details"`
	Deceived bool      `json:"deceived"`
}

// statusData is what the status page and /status.json show.
type statusData struct {
	Lang   string            `json:"-"`
	T      map[string]string `json:"-"`
	Uptime string            `json:"uptime"`
	Store  string            `json:"store"`

	Level    string     `json:"loadLevel"`
	LevelN   int        `json:"loadLevelN"`
	Total    int        `json:"seats"`
	InFlight int        `json:"inFlight"`
	Queued   int        `json:"queued"`
	Classes  []classRow `json:"classes"`

	Issued         uint64 `json:"challengesIssued"`
	Refreshed      uint64 `json:"challengesRefreshed"`
	Solved         uint64 `json:"challengesSolved"`
	Failed         uint64 `json:"challengesFailed"`
	Tokens         uint64 `json:"tokensVerified"`
	TokensRejected uint64 `json:"tokensRejected"`
	PoolReady      int    `json:"poolReady"`

	Human    uint64 `json:"human"`
	Suspect  uint64 `json:"suspect"`
	Bot      uint64 `json:"bot"`
	Deceived uint64 `json:"deceived"`

	LimitedIP        uint64 `json:"limitedIP"`
	LimitedAccount   uint64 `json:"limitedAccount"`
	LimitedChallenge uint64 `json:"limitedChallenge"`

	Verdicts []verdictRow  `json:"verdicts"`
	Logins   []loginRecord `json:"logins"`
}

func (s *server) statusData(lang string) statusData {
	d := statusData{Lang: lang, T: textsFor(lang), Store: s.storeName(),
		Uptime: time.Since(s.started).Round(time.Second).String()}
	if lim := s.gate.Limiter(); lim != nil {
		st := lim.Stats()
		d.Level, d.LevelN, d.Total, d.InFlight, d.Queued = st.Level.String(), int(st.Level), st.Total, st.InFlight, st.Queued
		for _, c := range st.Classes {
			d.Classes = append(d.Classes, classRow{
				Name: c.Name, Criticality: c.Criticality.String(), Shedding: c.Shedding, InFlight: c.InFlight,
				Queued: c.Queued, Admitted: c.Admitted, Shed: c.Shed, Rejected: c.Rejected() - c.Shed,
			})
		}
	}
	c := s.stats.count
	d.Issued, d.Refreshed, d.Solved, d.Failed = c("challenge.issued"), c("challenge.refreshed"), c("challenge.solved"), c("challenge.failed")
	d.Tokens, d.TokensRejected = c("token.verified"), c("token.rejected")
	d.PoolReady = s.gate.Captcha().PoolStats().Ready
	d.Deceived = c(behavior.EventDeceived)
	d.LimitedIP = c(ratelimit.EventKeyLimited + "/ip")
	d.LimitedAccount = c(ratelimit.EventKeyLimited + "/account")
	d.LimitedChallenge = c(ratelimit.EventKeyLimited + "/challenge")
	d.Human = c(behavior.EventVerdict + "/human")
	d.Suspect = c(behavior.EventVerdict + "/suspect")
	d.Bot = c(behavior.EventVerdict + "/bot")
	for _, v := range s.gate.RecentVerdicts() {
		d.Verdicts = append(d.Verdicts, verdictRowOf(v))
	}
	d.Logins = s.stats.recentLogins()
	return d
}

func verdictRowOf(v tollgate.VerdictRecord) verdictRow {
	row := verdictRow{Time: v.Time, Client: v.Request.Client, Path: v.Request.Path, Verdict: v.Verdict.String(),
		Score: v.Score, Deceived: v.Deceived, Reasons: []string{}, Details: []string{}}
	for _, r := range v.Reasons {
		row.Reasons = append(row.Reasons, r.Code)
		row.Details = append(row.Details, r.Code+": "+r.Detail)
	}
	return row
}

func (s *server) status(w http.ResponseWriter, r *http.Request) {
	s.pages.render(w, http.StatusOK, "status.html", s.statusData(s.lang(r)))
}

func (s *server) statusJSON(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(s.statusData("en"))
}
