package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/ratelimit"
	"github.com/tollgate/tollgate/redisstore/internal/redistest"
)

// slot is the Redis Cluster hash slot of key: CRC16-XMODEM of the key, or
// of its hash tag, modulo 16384.
func slot(key string) int {
	if i := indexByte(key, '{'); i >= 0 {
		if j := indexByte(key[i+1:], '}'); j > 0 {
			key = key[i+1 : i+1+j]
		}
	}
	var crc uint16
	for i := 0; i < len(key); i++ {
		crc ^= uint16(key[i]) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return int(crc) % 16384
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// randomID returns an id of the form captcha issues.
func randomID(t testing.TB) string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func challengeAt(id string, now time.Time) *captcha.Challenge {
	return &captcha.Challenge{
		ID: id, Kind: captcha.KindImage, Lang: "en", Screen: "screen-" + id,
		Answers: []captcha.Digest{{1}}, Decoys: []captcha.Digest{{2}},
		Created: now, Expires: now.Add(time.Minute), MaxAttempts: 3,
	}
}

// TestClusterKeys checks on a three-shard cluster that challenge keys
// spread evenly, that each verify and each limiter check is one round trip
// and a refresh two, and that of concurrent refreshes and answers of one
// challenge exactly one wins although the refresh spans two slots.
func TestClusterKeys(t *testing.T) {
	const shards = 3
	client := redistest.ClusterClient(t, redistest.StartCluster(t, shards))
	ctx := context.Background()
	store, err := NewCaptchaStore(client, WithPrefix(redistest.Prefix(t)))
	if err != nil {
		t.Fatal(err)
	}
	if !store.cluster {
		t.Fatal("NewCaptchaStore on a ClusterClient: cluster = false, want true")
	}
	now := time.Now()

	t.Run("Slot", func(t *testing.T) {
		for _, key := range []string{"a", "captcha:c:x", store.keys.Challenge(randomID(t)), "x{tag}y"} {
			want, err := client.ClusterKeySlot(ctx, key).Result()
			if err != nil {
				t.Fatal(err)
			}
			if got := slot(key); int64(got) != want {
				t.Errorf("slot(%q) = %d, want %d", key, got, want)
			}
		}
	})

	t.Run("Spread", func(t *testing.T) {
		const n = 10_000
		ids := make([]string, n)
		slots := map[int]bool{}
		for i := range ids {
			ids[i] = randomID(t)
			slots[slot(store.keys.Challenge(ids[i]))] = true
		}
		var wg sync.WaitGroup
		var failed atomic.Value
		for w := range 8 {
			wg.Go(func() {
				for i := w; i < n; i += 8 {
					if err := store.Put(ctx, challengeAt(ids[i], now)); err != nil {
						failed.Store(err)
						return
					}
				}
			})
		}
		wg.Wait()
		if err, _ := failed.Load().(error); err != nil {
			t.Fatal(err)
		}
		if len(slots) < shards {
			t.Errorf("%d challenges in %d slots, want at least %d", n, len(slots), shards)
		}
		var mu sync.Mutex
		var sizes []int64
		err := client.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
			k, err := node.DBSize(ctx).Result()
			mu.Lock()
			sizes = append(sizes, k)
			mu.Unlock()
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var total int64
		for _, k := range sizes {
			total += k
		}
		if total != n || len(sizes) != shards {
			t.Fatalf("keys per shard = %v, want %d keys on %d shards", sizes, n, shards)
		}
		for _, k := range sizes {
			if even := float64(n) / shards; float64(k) < 0.8*even || float64(k) > 1.2*even {
				t.Errorf("keys per shard = %v, want each within 20%% of %.0f", sizes, even)
			}
		}
	})

	t.Run("RoundTrips", func(t *testing.T) {
		// Load every script on every shard, so that each call is counted
		// as it is in steady state.
		err := client.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
			for _, s := range []*script{putScript, getScript, attemptScript, takeScript, gcraScript} {
				if err := node.ScriptLoad(ctx, s.src).Err(); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		lim, err := NewLimiter(client, ratelimit.Limit{Count: 10, Period: time.Second, Burst: 10}, WithPrefix(redistest.Prefix(t)))
		if err != nil {
			t.Fatal(err)
		}
		rt := &countHook{}
		client.AddHook(rt)
		defer rt.off.Store(true)
		id, next := randomID(t), randomID(t)
		tests := []struct {
			name string
			want int64
			fn   func() error
		}{
			{"Put", 1, func() error { return store.Put(ctx, challengeAt(id, now)) }},
			{"Attempt", 1, func() error { _, err := store.Attempt(ctx, id, captcha.Digest{9}, now); return err }},
			{"Refresh", 2, func() error { return store.Refresh(ctx, id, challengeAt(next, now), 5, now) }},
			{"Attempt", 1, func() error { _, err := store.Attempt(ctx, next, captcha.Digest{1}, now); return err }},
			{"AllowN", 1, func() error { _, err := lim.AllowN(ctx, id, now, 1); return err }},
		}
		for _, tc := range tests {
			rt.n.Store(0)
			if err := tc.fn(); err != nil {
				t.Fatalf("%s = %v", tc.name, err)
			}
			if got := rt.n.Load(); got != tc.want {
				t.Errorf("%s sent %d commands, want %d", tc.name, got, tc.want)
			}
		}
	})

	t.Run("OneWinner", func(t *testing.T) { oneWinner(t, store) })
}

// countHook counts the commands sent until off is set.
type countHook struct {
	n   atomic.Int64
	off atomic.Bool
}

func (h *countHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *countHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if !h.off.Load() {
			h.n.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (h *countHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if !h.off.Load() {
			h.n.Add(1)
		}
		return next(ctx, cmds)
	}
}

// oneWinner races refreshes and right answers of one challenge, many
// times: exactly one of them may succeed each time.
func oneWinner(t *testing.T, store *CaptchaStore) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	for range 20 {
		id := randomID(t)
		if err := store.Put(ctx, challengeAt(id, now)); err != nil {
			t.Fatal(err)
		}
		var wins atomic.Int64
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				if i%2 == 0 {
					err := store.Refresh(ctx, id, challengeAt(randomID(t), now), 5, now)
					switch {
					case err == nil:
						wins.Add(1)
					case !errors.Is(err, captcha.ErrNotFound):
						t.Errorf("Refresh = %v, want nil or ErrNotFound", err)
					}
					return
				}
				res, err := store.Attempt(ctx, id, captcha.Digest{1}, now)
				switch {
				case err == nil && res.Match == captcha.MatchAnswer:
					wins.Add(1)
				case err != nil && !errors.Is(err, captcha.ErrNotFound):
					t.Errorf("Attempt = %v, want a match or ErrNotFound", err)
				}
			})
		}
		wg.Wait()
		if got := wins.Load(); got != 1 {
			t.Fatalf("of concurrent refreshes and answers, %d won, want 1", got)
		}
	}
}

// TestRefreshSplit runs the two-step refresh of Redis Cluster on a single
// node, where its steps can be checked one by one.
func TestRefreshSplit(t *testing.T) {
	client := redistest.Client(t, redistest.Addr(t))
	store, err := NewCaptchaStore(client, WithPrefix(redistest.Prefix(t)))
	if err != nil {
		t.Fatal(err)
	}
	store.cluster = true
	ctx := context.Background()
	now := time.Now()

	old := challengeAt("old", now)
	old.Refreshes = 1
	if err := store.Put(ctx, old); err != nil {
		t.Fatal(err)
	}
	next := challengeAt("next", now)
	if err := store.Refresh(ctx, "old", next, 2, now); err != nil {
		t.Fatalf("Refresh = %v", err)
	}
	if next.Screen != "screen-old" || next.Refreshes != 2 {
		t.Errorf("Refresh set screen, refreshes = %q, %d, want %q, 2", next.Screen, next.Refreshes, "screen-old")
	}
	got, err := store.Get(ctx, "next", now)
	if err != nil || got.Screen != "screen-old" || got.Refreshes != 2 {
		t.Fatalf("Get(next) = %+v, %v; want screen-old with 2 refreshes", got, err)
	}
	if _, err := store.Get(ctx, "old", now); !errors.Is(err, captcha.ErrNotFound) {
		t.Errorf("Get(old) after Refresh = %v, want ErrNotFound", err)
	}

	// Over the limit the old challenge stays, and nothing is written.
	if err := store.Refresh(ctx, "next", challengeAt("third", now), 2, now); !errors.Is(err, captcha.ErrRefreshLimit) {
		t.Fatalf("Refresh over the limit = %v, want ErrRefreshLimit", err)
	}
	if _, err := store.Get(ctx, "next", now); err != nil {
		t.Errorf("Get(next) after ErrRefreshLimit = %v, want it kept", err)
	}
	if _, err := store.Get(ctx, "third", now); !errors.Is(err, captcha.ErrNotFound) {
		t.Errorf("Get(third) after ErrRefreshLimit = %v, want ErrNotFound", err)
	}

	// A switch to audio costs no refresh, also at the limit.
	audio := challengeAt("audio", now)
	audio.Kind = captcha.KindAudio
	if err := store.Refresh(ctx, "next", audio, 2, now); err != nil || audio.Refreshes != 2 {
		t.Fatalf("Refresh to audio at the limit = %v with %d refreshes, want nil with 2", err, audio.Refreshes)
	}

	// Expired and missing challenges, as Get reports them.
	if err := store.Refresh(ctx, "audio", challengeAt("late", now), 9, now.Add(time.Hour)); !errors.Is(err, captcha.ErrExpired) {
		t.Errorf("Refresh of an expired challenge = %v, want ErrExpired", err)
	}
	if err := store.Refresh(ctx, "gone", challengeAt("late", now), 9, now); !errors.Is(err, captcha.ErrNotFound) {
		t.Errorf("Refresh of a missing challenge = %v, want ErrNotFound", err)
	}

	// Onto a taken id the refresh fails, the taken challenge is kept and
	// the old one is consumed: fail safe, as after a lost key.
	for _, id := range []string{"a", "b"} {
		if err := store.Put(ctx, challengeAt(id, now)); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.Refresh(ctx, "a", challengeAt("b", now), 9, now); !errors.Is(err, captcha.ErrExists) {
		t.Fatalf("Refresh onto a taken id = %v, want ErrExists", err)
	}
	if got, err := store.Get(ctx, "b", now); err != nil || got.Screen != "screen-b" {
		t.Errorf("Get(b) = %+v, %v; want the taken challenge unchanged", got, err)
	}
	if _, err := store.Get(ctx, "a", now); !errors.Is(err, captcha.ErrNotFound) {
		t.Errorf("Get(a) = %v, want ErrNotFound", err)
	}

	t.Run("OneWinner", func(t *testing.T) { oneWinner(t, store) })
}
