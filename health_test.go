package tollgate

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/ratelimit"
)

// pingStore is an in-memory captcha store whose probe answers err.
type pingStore struct {
	*captcha.MemoryStore
	err error
}

func (s pingStore) Ping(context.Context) error { return s.err }

// pingLimiter is an in-memory key limiter whose probe answers err.
type pingLimiter struct {
	ratelimit.KeyLimiter
	err error
}

func (l pingLimiter) Ping(context.Context) error { return l.err }

func TestHealthInMemory(t *testing.T) {
	g, _ := newTestGate(t)
	h, err := g.Health(context.Background())
	if err != nil || len(h.Stores) != 0 || h.Level != ratelimit.LevelNormal || h.Pool.Ready != 0 {
		t.Fatalf("Health of an in-memory Gate = %+v, %v; want no store to probe, normal, nil", h, err)
	}
}

func TestHealthStores(t *testing.T) {
	boom := errors.New("boom")
	mem := func(t *testing.T) ratelimit.KeyLimiter {
		t.Helper()
		kl, err := ratelimit.NewMemoryKeyLimiter(DefaultIPLimit)
		if err != nil {
			t.Fatal(err)
		}
		return kl
	}
	for _, tc := range []struct {
		name          string
		store, ip     error
		wantErr       []string // parts of the error, none for healthy
		wantUnhealthy []string // stores reported with an error
	}{
		{name: "all answer"},
		{name: "captcha store down", store: boom, wantErr: []string{"tollgate: store captcha: boom"}, wantUnhealthy: []string{"captcha"}},
		{name: "both down", store: boom, ip: boom,
			wantErr: []string{"store captcha: boom", "store limit:ip: boom"}, wantUnhealthy: []string{"captcha", "limit:ip"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, _ := newTestGate(t,
				WithCaptchaOptions(captcha.WithStore(pingStore{captcha.NewMemoryStore(), tc.store})),
				WithIPLimit(pingLimiter{mem(t), tc.ip}))
			h, err := g.Health(context.Background())
			var names, bad []string
			for _, s := range h.Stores {
				names = append(names, s.Name)
				if s.Err != nil {
					bad = append(bad, s.Name)
				}
			}
			if got := strings.Join(names, ","); got != "captcha,limit:ip" {
				t.Errorf("probed stores = %s, want captcha,limit:ip", got)
			}
			if strings.Join(bad, ",") != strings.Join(tc.wantUnhealthy, ",") {
				t.Errorf("stores with errors = %v, want %v", bad, tc.wantUnhealthy)
			}
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatalf("Health = %v, want nil", err)
				}
				return
			}
			if err == nil || !errors.Is(err, boom) {
				t.Fatalf("Health = %v, want an error wrapping boom", err)
			}
			for _, part := range tc.wantErr {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("Health = %q, want it to contain %q", err, part)
				}
			}
		})
	}
}
