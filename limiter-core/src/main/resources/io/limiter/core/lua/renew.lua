-- Renew many leases of one limit in one call.
-- ARGV: 1 owner, then triples: permit id, weight, the limit's epoch when it was granted ('' if unknown)
-- Returns {lease_expiry_ms, lease_ms, {lost ids...}, re-asserted count, epoch}, or {S_UNKNOWN} if it is not defined,
-- or {S_DELETED} if an operator deleted it (its tombstone).
--   A lost id was expired, released or force-released, or the limit lost its concurrency part.
--   If the limit was created anew since the client's grants (a later epoch: Redis restarted empty or lost the
--   data, and the policy was defined again), missing permits are re-asserted while capacity allows, so holders that
--   are still running count against the cap again; the rest are reported lost. Same epoch: missing means lost.
--   An epoch at or below the policy's floor was deleted by an operator: missing means lost. Every renewed or
--   re-asserted permit belongs to the returned epoch from now on (the client sends that one next time).
local now = now_ms()
local pol = load_policy()
if not pol then
  return { deleted_at() and S_DELETED or S_UNKNOWN }
end
local lost = {}
if not pol.permits then
  for i = 2, #ARGV, 3 do
    lost[#lost + 1] = ARGV[i]
  end
  return { 0, 0, lost, 0, pol.epoch }
end
reap(now)
local expiry = math.floor(now) + pol.lease_ms
local owner = ARGV[1]
local used = used_weight()
local reasserted = 0
-- Renewal costs a few Redis commands per call however many permits it renews: one ZADD XX CH per chunk of ids
-- (every held id gets the new expiry). Only if fewer changed than were sent (an id is missing, or was renewed
-- twice within a millisecond) does one ZMSCORE find the missing ones.
local CHUNK = 3000
local n = (#ARGV - 1) / 3
for first = 1, n, CHUNK do
  local last = math.min(first + CHUNK - 1, n)
  local zargs = {}
  for i = first, last do
    zargs[#zargs + 1] = expiry
    zargs[#zargs + 1] = ARGV[3 * i - 1]
  end
  local changed = redis.call('ZADD', K_HOLDERS, 'XX', 'CH', unpack(zargs))
  if changed < last - first + 1 then
    local ids = {}
    for i = first, last do
      ids[#ids + 1] = ARGV[3 * i - 1]
    end
    local scores = redis.call('ZMSCORE', K_HOLDERS, unpack(ids))
    for k = 1, #ids do
      if not scores[k] then
        local i = first + k - 1
        local id, weight, granted_in = ARGV[3 * i - 1], tonumber(ARGV[3 * i]), ARGV[3 * i + 1]
        local grant_epoch = tonumber(granted_in)
        if grant_epoch and granted_in ~= pol.epoch and (not pol.floor or grant_epoch > pol.floor)
            and used + weight <= pol.permits then
          redis.call('ZADD', K_HOLDERS, expiry, id)
          redis.call('HSET', K_INFO, id, weight .. ':' .. math.floor(now) .. ':' .. owner)
          redis.call('INCRBY', K_USED, weight)
          used = used + weight
          reasserted = reasserted + 1
        else
          lost[#lost + 1] = id
        end
      end
    end
  end
end
if #lost > 0 then
  redis.call('HINCRBY', K_STATS, 'lost_renewals', #lost)
end
if reasserted > 0 then
  redis.call('HINCRBY', K_STATS, 'reasserted', reasserted)
end
keep_semaphore_alive(pol.lease_ms)
if is_copy() then
  keep_copy_alive()
end
return { expiry, pol.lease_ms, lost, reasserted, pol.epoch }
