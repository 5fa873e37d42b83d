-- Create a limit's policy if it has none. Never overwrites.
-- ARGV: 1 '1' for a recovery (the caller defines it again because it vanished: refused if an operator deleted it),
--       2.. the policy as field/value pairs (the parts' stored fields)
-- Returns {S_CREATED | S_EXISTS, stored policy (flat field/value list)}, or {S_REFUSED, {}} for a refused recovery.
local existing = load_policy()
if existing then
  return { S_EXISTS, redis.call('HGETALL', K_POLICY) }
end
if ARGV[1] == '1' and deleted_at() then
  return { S_REFUSED, {} }
end
local args = creation_args(policy_args(2))
redis.call('DEL', K_POLICY)
redis.call('HSET', K_POLICY, unpack(args))
return { S_CREATED, redis.call('HGETALL', K_POLICY) }
