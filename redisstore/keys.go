package redisstore

import "strings"

// Keys names the Redis keys the stores write under one prefix, so that an
// operator can find them with redis-cli. The zero value uses no prefix;
// the stores use DefaultPrefix unless told otherwise. It is safe for
// concurrent use.
//
// No key has a Redis Cluster hash tag, so challenges, tokens, limits and
// suspects spread over the shards of a cluster by their ids. Every call
// but a refresh on a cluster touches a single key; see CaptchaStore.Refresh
// for how a refresh stays safe across two slots. A prefix holding braces
// would become the hash tag of every key and put them all on one shard.
type Keys struct {
	// Prefix starts every key.
	Prefix string
}

// Challenge returns the key of the challenge with the id: a hash that
// expires shortly after the challenge.
func (k Keys) Challenge(id string) string { return k.join("captcha:c:", id) }

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
