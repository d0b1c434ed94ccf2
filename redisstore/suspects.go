package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/tollgate/tollgate/behavior"
)

// recordScript counts one verdict. KEYS[1] is a hash: c count, fs/fn first
// seen, ls/ln last seen (Unix seconds and nanoseconds), r last reason.
// ARGV: now s, now ns, reason, TTL s, TTL ns, TTL plus margin in ms. Data
// whose LastSeen+TTL is at or before now is started afresh.
var recordScript = newScript(`
local ns, nn = tonumber(ARGV[1]), tonumber(ARGV[2])
local v = redis.call('HMGET', KEYS[1], 'c', 'fs', 'fn', 'ls', 'ln')
local fresh = true
if v[1] then
  local es, en = tonumber(v[4]) + tonumber(ARGV[4]), tonumber(v[5]) + tonumber(ARGV[5])
  if en >= 1000000000 then es, en = es + 1, en - 1000000000 end
  fresh = ns > es or (ns == es and nn >= en)
end
local ls, ln = ns, nn
if fresh then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'c', 1, 'fs', ns, 'fn', nn, 'ls', ns, 'ln', nn, 'r', ARGV[3])
else
  redis.call('HINCRBY', KEYS[1], 'c', 1)
  redis.call('HSET', KEYS[1], 'r', ARGV[3])
  ls, ln = tonumber(v[4]), tonumber(v[5])
  if ns > ls or (ns == ls and nn > ln) then
    ls, ln = ns, nn
    redis.call('HSET', KEYS[1], 'ls', ns, 'ln', nn)
  end
  local fs, fn = tonumber(v[2]), tonumber(v[3])
  if ns < fs or (ns == fs and nn < fn) then
    redis.call('HSET', KEYS[1], 'fs', ns, 'fn', nn)
  end
end
local ahead = (ls - ns) * 1000 + math.ceil((ln - nn) / 1000000)
if ahead < 0 then ahead = 0 end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[6]) + ahead)
return 1
`)

// Suspects is a behavior.Suspects registry in Redis, shared by every server
// that uses the same Redis and prefix: a client flagged by one server is
// known to all.
//
// Each key is one hash (count, first and last seen, last reason) that
// expires WithSuspectTTL (default DefaultSuspectTTL) plus WithTTLMargin
// after its last record. Expiry decisions use the times the callers pass,
// as behavior.MemorySuspects does. Record is one Lua script and Lookup one
// HMGET: one round trip each. Keys longer than behavior.MaxSuspectKeyLen
// are refused, like empty ones, so an entry's size is bounded.
//
// When Redis fails, Record and Lookup return the error (the default). With
// WithFailOpen(true) Record drops the record and Lookup reports "not a
// suspect", both with a nil error and an EventFailOpen. A context ended by
// the caller is returned as an error in both modes.
//
// Suspects is safe for concurrent use; concurrent records of one key, from
// any number of servers, are all counted. Create one with NewSuspects; the
// zero value is not usable.
type Suspects struct {
	base
}

var _ behavior.Suspects = (*Suspects)(nil)

// NewSuspects returns a Suspects registry on client, which may be a single
// node, Sentinel (failover) or Cluster client with ContextTimeoutEnabled
// set.
func NewSuspects(client redis.UniversalClient, opts ...Option) (*Suspects, error) {
	s := &Suspects{}
	if err := s.init(client, "suspects", opts); err != nil {
		return nil, err
	}
	return s, nil
}

// TTL returns how long a key is remembered after its last record.
func (s *Suspects) TTL() time.Duration { return s.cfg.suspectTTL }

// Keys returns the key naming of the registry.
func (s *Suspects) Keys() Keys { return s.keys }

func validSuspectKey(key string) bool {
	return key != "" && len(key) <= behavior.MaxSuspectKeyLen
}

// Record implements behavior.Suspects. It returns behavior.ErrInvalidKey,
// without calling Redis, for an empty key or one longer than
// behavior.MaxSuspectKeyLen.
func (s *Suspects) Record(ctx context.Context, key, reason string, now time.Time) error {
	if !validSuspectKey(key) {
		return behavior.ErrInvalidKey
	}
	parent := ctx
	ctx, cancel := s.context(ctx)
	defer cancel()
	rkey := s.keys.Suspect(key)
	ttl := s.cfg.suspectTTL
	start := time.Now()
	err := recordScript.run(ctx, s.client, []string{rkey},
		now.Unix(), now.Nanosecond(), reason,
		int64(ttl/time.Second), int64(ttl%time.Second), s.ttl(ttl)).Err()
	open := err != nil && s.cfg.failOpen && parent.Err() == nil
	s.observe(ctx, "record", rkey, start, err, open)
	if err != nil && !open {
		return fmt.Errorf("redisstore: suspects record: %w", err)
	}
	return nil
}

// Lookup implements behavior.Suspects. An empty or too long key is never
// known (ok false, nil error, no call to Redis).
func (s *Suspects) Lookup(ctx context.Context, key string, now time.Time) (behavior.Suspect, bool, error) {
	if !validSuspectKey(key) {
		return behavior.Suspect{}, false, nil
	}
	parent := ctx
	ctx, cancel := s.context(ctx)
	defer cancel()
	rkey := s.keys.Suspect(key)
	start := time.Now()
	vals, err := do(ctx, s.client, "hmget", rkey, "c", "fs", "fn", "ls", "ln", "r").Slice()
	var sus behavior.Suspect
	var ok bool
	if err == nil {
		sus, ok, err = decodeSuspect(key, vals)
	}
	open := err != nil && s.cfg.failOpen && parent.Err() == nil
	s.observe(ctx, "lookup", rkey, start, err, open)
	switch {
	case open:
		return behavior.Suspect{}, false, nil
	case err != nil:
		return behavior.Suspect{}, false, fmt.Errorf("redisstore: suspects lookup: %w", err)
	case !ok || !now.Before(sus.LastSeen.Add(s.cfg.suspectTTL)):
		return behavior.Suspect{}, false, nil
	}
	return sus, true, nil
}

// decodeSuspect reads the HMGET reply {c, fs, fn, ls, ln, r}. A missing
// count means no entry.
func decodeSuspect(key string, vals []any) (behavior.Suspect, bool, error) {
	if len(vals) != 6 {
		return behavior.Suspect{}, false, fmt.Errorf("%w: suspect reply of %d elements", ErrCorrupt, len(vals))
	}
	if vals[0] == nil {
		return behavior.Suspect{}, false, nil
	}
	var n [5]int64
	for i := range n {
		str, ok := vals[i].(string)
		if !ok {
			return behavior.Suspect{}, false, fmt.Errorf("%w: suspect field %d missing", ErrCorrupt, i)
		}
		var err error
		if n[i], err = strconv.ParseInt(str, 10, 64); err != nil {
			return behavior.Suspect{}, false, fmt.Errorf("%w: suspect field %d: %v", ErrCorrupt, i, err)
		}
	}
	reason, _ := vals[5].(string)
	if n[0] < 1 || n[0] > int64(^uint32(0)>>1) || n[2] < 0 || n[2] >= int64(time.Second) || n[4] < 0 || n[4] >= int64(time.Second) {
		return behavior.Suspect{}, false, fmt.Errorf("%w: suspect values %v", ErrCorrupt, n)
	}
	return behavior.Suspect{
		Key: key, Count: int(n[0]),
		FirstSeen: time.Unix(n[1], n[2]), LastSeen: time.Unix(n[3], n[4]),
		LastReason: reason,
	}, true, nil
}
