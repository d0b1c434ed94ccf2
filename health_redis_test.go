package tollgate_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tollgate/tollgate"
	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/redisstore"
)

type quietRedis struct{}

func (quietRedis) Printf(context.Context, string, ...any) {}

// TestHealthRedisUnreachable: stores on a Redis that does not listen make
// the Gate unhealthy, each store named.
func TestHealthRedisUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	// The only Redis client of this test binary: its dial failures are
	// expected.
	redis.SetLogger(quietRedis{})
	client := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true, DialTimeout: 200 * time.Millisecond, DialerRetries: 1})
	defer client.Close()
	store, err := redisstore.NewCaptchaStore(client)
	if err != nil {
		t.Fatal(err)
	}
	sus, err := redisstore.NewSuspects(client)
	if err != nil {
		t.Fatal(err)
	}
	ipl, err := redisstore.NewLimiter(client, tollgate.DefaultIPLimit)
	if err != nil {
		t.Fatal(err)
	}
	g, err := tollgate.New(tollgate.WithoutPool(), tollgate.WithAudioGenerator(nil),
		tollgate.WithCaptchaOptions(captcha.WithStore(store)), tollgate.WithSuspects(sus), tollgate.WithIPLimit(ipl))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	h, err := g.Health(ctx)
	if err == nil {
		t.Fatalf("Health with Redis down = %+v, nil; want unhealthy", h)
	}
	for _, name := range []string{"captcha", "suspects", "limit:ip"} {
		if !strings.Contains(err.Error(), "tollgate: store "+name+": redisstore: ") {
			t.Errorf("Health = %q, want the %s store named", err, name)
		}
	}
	if len(h.Stores) != 3 {
		t.Errorf("probed %d stores, want 3", len(h.Stores))
	}
}
