-- Release one permit by id. Idempotent: an unknown, already released or expired id changes nothing.
-- ARGV: 1 permit id, 2 counter to bump ('released' by its holder, 'forced' by an operator)
-- Returns {1} if the permit was held and is now released, else {0}.
local id, counter = ARGV[1], ARGV[2]
local now = now_ms()
local freed = reap(now)
local released = 0
local info = redis.call('HGET', K_INFO, id)
if info then
  redis.call('ZREM', K_HOLDERS, id)
  redis.call('HDEL', K_INFO, id)
  local w = weight_of(info)
  if redis.call('DECRBY', K_USED, w) <= 0 then
    redis.call('DEL', K_USED)
  end
  freed = freed + w
  released = 1
  redis.call('HINCRBY', K_STATS, counter, 1)
  expire_semaphore(now)
end
if freed > 0 then
  -- A fair limit wakes exactly the instance owning the head ticket; otherwise every listener hears it.
  if redis.call('HGET', K_POLICY, 'fair') ~= '1' or not wake_head() then
    redis.call('PUBLISH', K_CHANNEL, freed)
  end
end
return { released }
