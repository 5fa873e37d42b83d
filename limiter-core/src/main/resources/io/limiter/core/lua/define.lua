-- Create a limit's policy if it has none. Never overwrites.
-- ARGV: permits, lease_ms, rate, period_ms, burst, fair ('' for an absent part)
-- Returns {created (1/0), stored policy (flat field/value list)}
if redis.call('EXISTS', K_POLICY) == 1 then
  return { 0, redis.call('HGETALL', K_POLICY) }
end
local args = policy_args()
args[#args + 1] = 'epoch'
args[#args + 1] = new_epoch()
redis.call('HSET', K_POLICY, unpack(args))
return { 1, redis.call('HGETALL', K_POLICY) }
