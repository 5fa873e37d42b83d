-- Read a limit's live state for the admin side. Read-only: expired holders are left out, not reaped.
-- ARGV: 1 max holders to list (0 = none: then the cost does not grow with the number of holders)
-- Returns {exists, now_ms, policy fields (flat), used, tokens, stats (flat), holders, holder count, queued tickets,
--          quota {used, window end ms | ''}}
--   holders: {{id, weight, acquired_ms, expiry_ms, owner}, ...} oldest first
local max_holders = tonumber(ARGV[1])
local now = now_ms()
local pol = load_policy()
if not pol then
  return { 0, math.floor(now) }
end
local policy = pol.flat
local stats = redis.call('HGETALL', K_STATS)
local used, holders, count = 0, {}, 0
if pol.permits then
  local cutoff = math.floor(now)
  count = redis.call('ZCOUNT', K_HOLDERS, '(' .. cutoff, '+inf')
  -- Weight held = the counter minus holders that expired but were not reaped yet.
  used = used_weight()
  local expired = redis.call('ZRANGEBYSCORE', K_HOLDERS, '-inf', cutoff)
  for i = 1, #expired do
    local info = redis.call('HGET', K_INFO, expired[i])
    if info then
      used = used - weight_of(info)
    end
  end
  if max_holders > 0 then
    local live = redis.call('ZRANGEBYSCORE', K_HOLDERS, '(' .. cutoff, '+inf', 'WITHSCORES')
    local rows = {}
    for i = 1, #live, 2 do
      local info = redis.call('HGET', K_INFO, live[i])
      if info then
        local w, acquired, owner = string.match(info, '^(%d+):(%d+):(.*)$')
        rows[#rows + 1] = { live[i], tonumber(w), tonumber(acquired), tonumber(live[i + 1]), owner }
      end
    end
    table.sort(rows, function(a, b) return a[3] < b[3] or (a[3] == b[3] and a[1] < b[1]) end)
    for i = 1, math.min(#rows, max_holders) do
      holders[i] = rows[i]
    end
  end
end
local tokens = ''
if pol.rate then
  tokens = fmt(current_tokens(pol, now))
end
return { 1, math.floor(now), policy, math.max(0, used), tokens, stats, holders, count,
         redis.call('ZCOUNT', K_QEXP, '(' .. math.floor(now), '+inf'), pol.quota and quota_state(now) or { 0, '' } }
