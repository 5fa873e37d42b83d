-- An instance says it is alive (or leaves). Not a limit script: no prelude.
-- KEYS: 1 seen (zset: instance id -> when its entry expires, ms), 2 details (hash: instance id ->
--       "last_seen_ms|details")
-- ARGV: 1 instance id, 2 details, 3 this instance's max age ms (its own entry expires that long after this beat;
--       every entry carries its own expiry, so instances with different heartbeat intervals never drop each
--       other), 4 '1' to leave
-- Returns {now_ms, number of live instances}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local id, details, max_age, leave = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local stale = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
for i = 1, #stale, 500 do
  local chunk = {}
  for j = i, math.min(i + 499, #stale) do
    chunk[#chunk + 1] = stale[j]
  end
  redis.call('HDEL', KEYS[2], unpack(chunk))
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if leave == '1' then
  redis.call('ZREM', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
else
  redis.call('ZADD', KEYS[1], now + max_age, id)
  redis.call('HSET', KEYS[2], id, now .. '|' .. details)
end
-- The registry lives as long as its longest-lived entry.
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] then
  redis.call('PEXPIREAT', KEYS[1], tonumber(last[2]) + 1000)
  redis.call('PEXPIREAT', KEYS[2], tonumber(last[2]) + 1000)
end
return { now, redis.call('ZCARD', KEYS[1]) }
