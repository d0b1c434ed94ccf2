package redisstore

import "strings"

// Keys names the Redis keys the stores write under one prefix, so that an
// operator can find them with redis-cli. The zero value uses no prefix;
// the stores use DefaultPrefix unless told otherwise. It is safe for
// concurrent use.
//
// Challenges share one Redis Cluster hash tag, "{captcha}", because
// CaptchaStore.Refresh replaces one challenge by another atomically in one
// script, which Cluster allows only within one hash slot. All challenges
// therefore live on one Cluster shard; their traffic is paced by people
// solving them, which one shard handles easily. Tokens, limits and suspects
// have no hash tag and spread over the cluster: each of their calls touches
// a single key.
type Keys struct {
	// Prefix starts every key.
	Prefix string
}

// Challenge returns the key of the challenge with the id: a hash that
// expires shortly after the challenge.
func (k Keys) Challenge(id string) string { return k.join("{captcha}:c:", id) }

// Token returns the key of the live token nonce: it holds the token's
// expiry from the token's issue until its first presentation, or until
// shortly (WithTTLMargin) after it expires.
func (k Keys) Token(nonce string) string { return k.join("captcha:t:", nonce) }

// Limit returns the key holding the rate limiter's state for key.
func (k Keys) Limit(key string) string { return k.join("rl:", key) }

// Suspect returns the key of the suspects registry entry for key.
func (k Keys) Suspect(key string) string { return k.join("sus:", key) }

func (k Keys) join(kind, id string) string {
	var b strings.Builder
	b.Grow(len(k.Prefix) + len(kind) + len(id))
	b.WriteString(k.Prefix)
	b.WriteString(kind)
	b.WriteString(id)
	return b.String()
}
