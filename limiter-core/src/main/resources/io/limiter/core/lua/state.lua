-- Read a limit's live state for the admin side. Read-only: expired holders are filtered, not reaped.
-- ARGV: 1 max holders to list
-- Returns {exists, now_ms, policy fields (flat), used, tokens, stats (flat), holders}
--   holders: {{id, weight, acquired_ms, expiry_ms, owner}, ...} oldest first
local max_holders = tonumber(ARGV[1])
local now = now_ms()
local pol = load_policy()
if not pol then
  return { 0, math.floor(now) }
end
local policy = redis.call('HGETALL', K_POLICY)
local stats = redis.call('HGETALL', K_STATS)
local used, holders = 0, {}
if pol.permits then
  local live = redis.call('ZRANGEBYSCORE', K_HOLDERS, '(' .. math.floor(now), '+inf', 'WITHSCORES')
  local rows = {}
  for i = 1, #live, 2 do
    local id = live[i]
    local info = redis.call('HGET', K_INFO, id)
    if info then
      local w, acquired, owner = string.match(info, '^(%d+):(%d+):(.*)$')
      used = used + tonumber(w)
      rows[#rows + 1] = { id, tonumber(w), tonumber(acquired), tonumber(live[i + 1]), owner }
    end
  end
  table.sort(rows, function(a, b) return a[3] < b[3] end)
  for i = 1, math.min(#rows, max_holders) do
    holders[i] = rows[i]
  end
end
local tokens = ''
if pol.rate then
  tokens = fmt(current_tokens(pol, now))
end
return { 1, math.floor(now), policy, used, tokens, stats, holders }
