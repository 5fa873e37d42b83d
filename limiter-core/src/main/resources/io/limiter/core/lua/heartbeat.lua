-- An instance says it is alive (or leaves). Not a limit script: no prelude.
-- KEYS: 1 seen (zset: instance id -> last seen ms), 2 details (hash: instance id -> details)
-- ARGV: 1 instance id, 2 details, 3 max age ms (older entries are dropped), 4 '1' to leave
-- Returns {now_ms, number of live instances}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local id, details, max_age, leave = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local stale = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - max_age)
for i = 1, #stale, 500 do
  local chunk = {}
  for j = i, math.min(i + 499, #stale) do
    chunk[#chunk + 1] = stale[j]
  end
  redis.call('HDEL', KEYS[2], unpack(chunk))
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - max_age)
if leave == '1' then
  redis.call('ZREM', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
else
  redis.call('ZADD', KEYS[1], now, id)
  redis.call('HSET', KEYS[2], id, details)
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('PEXPIRE', KEYS[1], max_age * 2)
  redis.call('PEXPIRE', KEYS[2], max_age * 2)
end
return { now, redis.call('ZCARD', KEYS[1]) }
