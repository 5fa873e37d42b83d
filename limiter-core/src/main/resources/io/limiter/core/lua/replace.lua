-- Overwrite a limit's policy (creating it if absent). The state follows the new policy as adopt_policy says (token
-- level kept, holders of a shrunk cap finish, a quota keeps its count while window and zone stay). Waiters are
-- notified, so a larger cap is used at once; the version rises, so the keys of a keyed limit take the new policy
-- from their next caller that read it (clients re-read a keyed limit's policy at most 1 s after their last read).
-- ARGV: the policy as field/value pairs (the parts' stored fields)
-- Returns {existed (1/0, also for a damaged policy), previous policy (flat field/value list)}
-- Also repairs a limit damaged by something else: a key of the wrong type is deleted first, and a previous policy that
-- is not valid is overwritten without carrying its token level over.
local kinds = { [K_POLICY] = 'hash', [K_HOLDERS] = 'zset', [K_INFO] = 'hash', [K_USED] = 'string',
                [K_BUCKET] = 'hash', [K_STATS] = 'hash', [K_QUOTA] = 'hash', [K_QUEUE] = 'zset', [K_QEXP] = 'zset', [K_QOWNER] = 'hash',
                [K_OVERRIDES] = 'zset' }
local damaged = false
for key, kind in pairs(kinds) do
  local t = redis.call('TYPE', key).ok
  if t ~= 'none' and t ~= kind then
    redis.call('DEL', key)
    damaged = damaged or key == K_POLICY
  end
end
local now = now_ms()
local old = load_policy()
local previous = redis.call('HGETALL', K_POLICY)
local new = given_policy(1)
adopt_policy(old, new, now)
-- The epoch (and floor) survive a replace (the state goes on); a limit created here gets a new one.
local args = policy_args(1)
if old and old.epoch ~= '' then
  args[#args + 1] = 'epoch'
  args[#args + 1] = old.epoch
  args[#args + 1] = 'ver'
  args[#args + 1] = string.format('%d', math.max(old.ver + 1, tonumber(new_epoch())))
  if old.floor then
    args[#args + 1] = 'floor_epoch'
    args[#args + 1] = string.format('%d', old.floor)
  end
else
  args = creation_args(args)
end
redis.call('DEL', K_POLICY)
redis.call('HSET', K_POLICY, unpack(args))
redis.call('PUBLISH', K_CHANNEL, 0)
if old or damaged or #previous > 0 then
  return { 1, previous }
end
return { 0, previous }
