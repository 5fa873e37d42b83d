-- Overwrite a limit's policy (creating it if absent).
--   A rate change keeps the current token level (refilled at the old rate up to now, capped at the new burst).
--   A smaller permit count lets current holders finish; no one new is admitted until usage is under it.
--   A policy without a concurrency part drops the semaphore state (held permits are reported lost on renewal).
-- Waiters are notified, so a larger cap is used at once.
-- ARGV: the policy as field/value pairs (the parts' stored fields)
--   A quota keeps its count when its window and zone stay (a smaller quota then denies until the window ends); a
--   changed window or zone starts a new count.
-- Returns {existed (1/0, also for a damaged policy), previous policy (flat field/value list)}
-- Also repairs a limit damaged by something else: a key of the wrong type is deleted first, and a previous policy that
-- is not valid is overwritten without carrying its token level over.
local kinds = { [K_POLICY] = 'hash', [K_HOLDERS] = 'zset', [K_INFO] = 'hash', [K_USED] = 'string',
                [K_BUCKET] = 'hash', [K_STATS] = 'hash', [K_QUOTA] = 'hash', [K_QUEUE] = 'zset', [K_QEXP] = 'zset', [K_QOWNER] = 'hash' }
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
if new.rate then
  if old and old.rate and old.rate >= 1 and old.period_ms and old.period_ms >= 1 and old.burst and old.burst >= 1 then
    local tokens = math.min(current_tokens(old, now), new.burst)
    store_tokens(new, tokens, now)
  end
else
  redis.call('DEL', K_BUCKET)
end
if not new.permits then
  redis.call('DEL', K_HOLDERS, K_INFO, K_USED)
end
if not new.quota or not old or old.window ~= new.window or old.zone ~= new.zone then
  redis.call('DEL', K_QUOTA)
end
if not new.fair then
  redis.call('DEL', K_QUEUE, K_QEXP, K_QOWNER)
end
-- The epoch (and floor) survive a replace (the state goes on); a limit created here gets a new one.
local args = policy_args(1)
if old and old.epoch ~= '' then
  args[#args + 1] = 'epoch'
  args[#args + 1] = old.epoch
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
