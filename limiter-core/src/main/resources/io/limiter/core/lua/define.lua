-- Create a limit's policy if it has none. Never overwrites.
-- ARGV: permits, lease_ms, rate, period_ms, burst, fair ('' for an absent part)
-- Returns {created (1/0), stored policy (flat field/value list)}
if redis.call('EXISTS', K_POLICY) == 1 then
  return { 0, redis.call('HGETALL', K_POLICY) }
end
redis.call('HSET', K_POLICY, unpack(policy_args()))
return { 1, redis.call('HGETALL', K_POLICY) }
