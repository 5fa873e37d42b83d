-- Instances seen within a max age. Read-only. Not a limit script: no prelude.
-- KEYS: 1 seen (zset), 2 details (hash)
-- ARGV: 1 max age ms
-- Returns {now_ms, {{id, last_seen_ms, details}, ...}} most recently seen first
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local seen = redis.call('ZREVRANGEBYSCORE', KEYS[1], '+inf', now - tonumber(ARGV[1]), 'WITHSCORES')
local rows = {}
for i = 1, #seen, 2 do
  rows[#rows + 1] = { seen[i], tonumber(seen[i + 1]), redis.call('HGET', KEYS[2], seen[i]) or '' }
end
return { now, rows }
