package redisstore

import (
	"context"
	"crypto/sha1"
	"encoding/hex"

	"github.com/redis/go-redis/v9"
)

// script is a Lua script run with EVALSHA, falling back to EVAL (which also
// loads it) when the server answers NOSCRIPT: after the first call on each
// server, a call is exactly one round trip.
//
// Unlike redis.Script, its commands are marked not to be retried by
// go-redis: a retry after a connection broke could run a script that
// already ran, counting an attempt or a request twice.
type script struct {
	src string
	sha string
}

func newScript(src string) *script {
	// SHA-1 is how Redis names scripts; it is no security measure here.
	sum := sha1.Sum([]byte(src))
	return &script{src: src, sha: hex.EncodeToString(sum[:])}
}

// noRetryCmd is a redis.Cmd that go-redis never sends twice.
type noRetryCmd struct{ *redis.Cmd }

// NoRetry tells go-redis not to retry the command.
func (noRetryCmd) NoRetry() bool { return true }

// do sends one command without retries and returns it.
func do(ctx context.Context, c redis.UniversalClient, args ...any) *redis.Cmd {
	cmd := redis.NewCmd(ctx, args...)
	_ = c.Process(ctx, noRetryCmd{cmd})
	return cmd
}

// run runs the script with keys and args.
func (s *script) run(ctx context.Context, c redis.UniversalClient, keys []string, args ...any) *redis.Cmd {
	cmd := do(ctx, c, s.args("evalsha", s.sha, keys, args)...)
	if err := cmd.Err(); err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
		cmd = do(ctx, c, s.args("eval", s.src, keys, args)...)
	}
	return cmd
}

func (s *script) args(verb, body string, keys []string, args []any) []any {
	a := make([]any, 0, 3+len(keys)+len(args))
	a = append(a, verb, body, len(keys))
	for _, k := range keys {
		a = append(a, k)
	}
	return append(a, args...)
}
