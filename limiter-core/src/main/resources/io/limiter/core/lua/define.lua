-- Create a limit's policy if it has none. Never overwrites.
-- ARGV: permits, lease_ms, rate, period_ms, burst, fair ('' for an absent part), 7 '1' for a recovery (the caller
--       defines it again because it vanished: refused if an operator deleted it)
-- Returns {created (1/0), stored policy (flat field/value list)}, or {2, {}} for a refused recovery.
local existing = load_policy()
if existing then
  return { 0, redis.call('HGETALL', K_POLICY) }
end
if ARGV[7] == '1' and deleted_at() then
  return { 2, {} }
end
local args = creation_args(policy_args())
redis.call('HSET', K_POLICY, unpack(args))
return { 1, redis.call('HGETALL', K_POLICY) }
