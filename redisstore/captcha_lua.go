package redisstore

// Lua scripts of CaptchaStore. A challenge is a hash:
//
//	k  kind          l  lang         s  screen      r  refreshes
//	a  answer digests, 32 bytes each, concatenated
//	d  decoy digests, likewise
//	cs, cn  created, Unix seconds and nanoseconds
//	es, en  expires, Unix seconds and nanoseconds
//	n  attempts      m  max attempts
//
// Times are compared as (seconds, nanoseconds) pairs: both fit a Lua number
// exactly, which Unix nanoseconds would not. A challenge is live at now
// when now < expires, as with captcha.MemoryStore.
//
// Status codes returned in the first element of each reply.
const (
	statusOK           = 0
	statusNotFound     = 1
	statusExpired      = 2
	statusTooMany      = 3
	statusExists       = 4
	statusRefreshLimit = 5
)

// luaExpired is shared by the scripts: whether (es, en) is at or before
// now, given as ARGV[1], ARGV[2].
const luaExpired = `
local function expired(es, en)
  local ns, nn = tonumber(ARGV[1]), tonumber(ARGV[2])
  es, en = tonumber(es), tonumber(en)
  return ns > es or (ns == es and nn >= en)
end
`

// putScript: KEYS[1] challenge; ARGV: ttl ms, then field/value pairs.
var putScript = newScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`)

// getScript: KEYS[1] challenge; ARGV: now s, now ns.
var getScript = newScript(luaExpired + `
local v = redis.call('HMGET', KEYS[1], 'es', 'en')
if not v[1] then return {1} end
if expired(v[1], v[2]) then
  redis.call('DEL', KEYS[1])
  return {2}
end
return {0, redis.call('HGETALL', KEYS[1])}
`)

// attemptScript: KEYS[1] challenge; ARGV: now s, now ns, digest, poison
// ("1": count a wrong attempt and replace the answers by 32 zero bytes,
// which no digest is, and drop the decoys: Store.Poison). Reply: {status,
// match, attempts left, kind, lang, screen}. Every stored digest is
// compared, whatever matches.
var attemptScript = newScript(luaExpired + `
local v = redis.call('HMGET', KEYS[1], 'es', 'en', 'a', 'd', 'm', 'k', 'l', 's')
if not v[1] then return {1} end
if expired(v[1], v[2]) then
  redis.call('DEL', KEYS[1])
  return {2}
end
local dg, ans, dec = ARGV[3], 0, 0
local a, d = v[3] or '', v[4] or ''
if ARGV[4] == '1' then a, d = '', '' end
for i = 1, #a, 32 do
  if string.sub(a, i, i + 31) == dg then ans = 1 end
end
for i = 1, #d, 32 do
  if string.sub(d, i, i + 31) == dg then dec = 1 end
end
if ans == 1 then
  redis.call('DEL', KEYS[1])
  return {0, 1, 0, v[6], v[7], v[8]}
end
local match = 0
if dec == 1 then match = 2 end
local left = tonumber(v[5]) - redis.call('HINCRBY', KEYS[1], 'n', 1)
if left <= 0 then
  redis.call('DEL', KEYS[1])
  return {3, match, 0, v[6], v[7], v[8]}
end
if ARGV[4] == '1' then
  redis.call('HSET', KEYS[1], 'a', string.rep('\0', 32), 'd', '')
end
return {0, match, left, v[6], v[7], v[8]}
`)

// refreshScript: KEYS[1] old challenge, KEYS[2] new one; ARGV: now s,
// now ns, max refreshes, ttl ms, then the new challenge's field/value pairs
// but for s and r, which come from the old one. A switch from another kind
// to audio costs no refresh (captcha.Store.Refresh). Reply: {status,
// screen, refreshes}.
var refreshScript = newScript(luaExpired + `
local v = redis.call('HMGET', KEYS[1], 'es', 'en', 's', 'r', 'k')
if not v[1] then return {1} end
if expired(v[1], v[2]) then
  redis.call('DEL', KEYS[1])
  return {2}
end
if redis.call('EXISTS', KEYS[2]) == 1 then return {4} end
local nk = ''
for i = 5, #ARGV - 1, 2 do
  if ARGV[i] == 'k' then nk = ARGV[i + 1] end
end
local cost = 1
if nk == 'audio' and v[5] ~= 'audio' then cost = 0 end
local r = tonumber(v[4]) + cost
if r > tonumber(ARGV[3]) then return {5} end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[2], 's', v[3], 'r', r, unpack(ARGV, 5))
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return {0, v[3], r}
`)

// takeScript is the first step of a refresh on Redis Cluster, where the old
// and the new challenge lie in different hash slots: KEYS[1] old challenge;
// ARGV: now s, now ns, max refreshes, the new challenge's kind. It checks
// the old challenge as refreshScript does and deletes it; the caller then
// writes the new one with putScript. Reply: {status, screen, refreshes}.
var takeScript = newScript(luaExpired + `
local v = redis.call('HMGET', KEYS[1], 'es', 'en', 's', 'r', 'k')
if not v[1] then return {1} end
if expired(v[1], v[2]) then
  redis.call('DEL', KEYS[1])
  return {2}
end
local cost = 1
if ARGV[4] == 'audio' and v[5] ~= 'audio' then cost = 0 end
local r = tonumber(v[4]) + cost
if r > tonumber(ARGV[3]) then return {5} end
redis.call('DEL', KEYS[1])
return {0, v[3], r}
`)
