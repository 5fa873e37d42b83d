-- Set or remove the override of one key of a keyed limit: the key's own policy, in place of its keyed limit's (a
-- premium tenant's larger caps). Kept until removed (K_OVERRIDE has no expiry); the key's state follows the change
-- as on a replace (adopt_policy: the token level kept, holders of a shrunk cap finish). Waiters are notified.
-- ARGV: 1 'set' | 'remove' | 'get', 2.. (set) the override as field/value pairs (the parts' stored fields)
-- Returns {1 if the key had an override before, else 0}; get: the override (flat field/value list; {} if none)
if ARGV[1] == 'get' then
  return redis.call('HGETALL', K_OVERRIDE)
end
local now = now_ms()
local had = redis.call('EXISTS', K_OVERRIDE)
local old = load_policy()
if ARGV[1] == 'set' then
  adopt_policy(old, given_policy(2), now)
  redis.call('DEL', K_OVERRIDE)
  redis.call('HSET', K_OVERRIDE, unpack(policy_args(2)))
else
  redis.call('DEL', K_OVERRIDE)
  local family = load_policy()
  if old and family then
    adopt_policy(old, family, now)
  end
end
redis.call('PUBLISH', K_CHANNEL, 0)
return { had }
