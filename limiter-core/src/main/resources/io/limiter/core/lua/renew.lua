-- Renew many leases of one limit in one call.
-- ARGV: permit ids
-- Returns {lease_expiry_ms, lease_ms, {lost ids...}}; a lost id was expired, released or force-released, or
-- the limit was deleted or lost its concurrency part. Lost ids are not re-added.
local now = now_ms()
local pol = load_policy()
if not pol or not pol.permits then
  return { 0, 0, ARGV }
end
reap(now)
local expiry = math.floor(now) + pol.lease_ms
local lost = {}
for i = 1, #ARGV do
  if redis.call('ZSCORE', K_HOLDERS, ARGV[i]) then
    redis.call('ZADD', K_HOLDERS, 'XX', expiry, ARGV[i])
  else
    lost[#lost + 1] = ARGV[i]
  end
end
if #lost > 0 then
  redis.call('HINCRBY', K_STATS, 'lost_renewals', #lost)
end
expire_semaphore(now)
return { expiry, pol.lease_ms, lost }
