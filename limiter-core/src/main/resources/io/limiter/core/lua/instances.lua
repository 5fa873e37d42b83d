-- Instances whose entry has not expired (each expires at its own instance's max age). Read-only. Not a limit
-- script: no prelude.
-- KEYS: 1 seen (zset: id -> expiry ms), 2 details (hash: id -> "last_seen_ms|details")
-- Returns {now_ms, {{id, last_seen_ms, details}, ...}} most recently seen first
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local live = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')
local rows = {}
for i = 1, #live do
  local v = redis.call('HGET', KEYS[2], live[i]) or ''
  local seen, details = string.match(v, '^(%d+)|(.*)$')
  rows[#rows + 1] = { live[i], tonumber(seen) or 0, details or v }
end
table.sort(rows, function(a, b) return a[2] > b[2] or (a[2] == b[2] and a[1] < b[1]) end)
return { now, rows }
