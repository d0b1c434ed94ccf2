package redisstore_test

import (
	"errors"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/tollgate/tollgate/ratelimit"
	"github.com/tollgate/tollgate/redisstore"
)

func TestConstructors(t *testing.T) {
	good := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", ContextTimeoutEnabled: true})
	defer good.Close()
	noCtx := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer noCtx.Close()
	noCtxCluster := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{"127.0.0.1:1"}})
	defer noCtxCluster.Close()
	var typedNil *redis.Client
	l := ratelimit.Limit{Count: 1, Period: 1e9, Burst: 1}

	constructors := map[string]func(redis.UniversalClient, ...redisstore.Option) error{
		"NewCaptchaStore": func(c redis.UniversalClient, o ...redisstore.Option) error {
			_, err := redisstore.NewCaptchaStore(c, o...)
			return err
		},
		"NewLimiter": func(c redis.UniversalClient, o ...redisstore.Option) error {
			_, err := redisstore.NewLimiter(c, l, o...)
			return err
		},
		"NewSuspects": func(c redis.UniversalClient, o ...redisstore.Option) error {
			_, err := redisstore.NewSuspects(c, o...)
			return err
		},
	}
	tests := []struct {
		name   string
		client redis.UniversalClient
		opts   []redisstore.Option
		want   error
	}{
		{"ok", good, nil, nil},
		{"ok with options", good, []redisstore.Option{redisstore.WithPrefix("app:"), nil, redisstore.WithTimeout(0)}, nil},
		{"nil client", nil, nil, redisstore.ErrNilClient},
		{"typed nil client", typedNil, nil, redisstore.ErrNilClient},
		{"hash tag in prefix", good, []redisstore.Option{redisstore.WithPrefix("a{b}:")}, redisstore.ErrInvalidPrefix},
		{"no context timeouts", noCtx, nil, redisstore.ErrContextTimeoutDisabled},
		{"cluster without context timeouts", noCtxCluster, nil, redisstore.ErrContextTimeoutDisabled},
	}
	for name, newStore := range constructors {
		for _, tc := range tests {
			if err := newStore(tc.client, tc.opts...); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Errorf("%s(%s) = %v, want %v", name, tc.name, err, tc.want)
			}
		}
	}
}

func TestDefaults(t *testing.T) {
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", ContextTimeoutEnabled: true})
	defer c.Close()
	s, err := redisstore.NewCaptchaStore(c)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Keys().Prefix; got != redisstore.DefaultPrefix {
		t.Errorf("default prefix = %q, want %q", got, redisstore.DefaultPrefix)
	}
	s, err = redisstore.NewCaptchaStore(c, redisstore.WithPrefix(""))
	if err != nil || s.Keys().Prefix != redisstore.DefaultPrefix {
		t.Errorf("WithPrefix(\"\") prefix = %q, %v; want the default", s.Keys().Prefix, err)
	}
	sus, err := redisstore.NewSuspects(c)
	if err != nil || sus.TTL() != redisstore.DefaultSuspectTTL {
		t.Errorf("default suspect TTL = %v, %v; want %v", sus.TTL(), err, redisstore.DefaultSuspectTTL)
	}
}

func TestKeys(t *testing.T) {
	k := redisstore.Keys{Prefix: "p:"}
	tests := []struct{ got, want string }{
		{k.Challenge("id"), "p:captcha:c:id"},
		{k.Token("n"), "p:captcha:t:n"},
		{k.Limit("1.2.3.4"), "p:rl:1.2.3.4"},
		{k.Suspect("acct"), "p:sus:acct"},
		{redisstore.Keys{}.Limit(""), "rl:"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("key = %q, want %q", tc.got, tc.want)
		}
	}
}
