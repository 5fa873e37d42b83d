-- Remove a limit: its policy and all its state. Waiters are notified (they then see a deleted limit).
-- The stats key keeps a tombstone ('deleted' = when, expiring after TOMBSTONE_MS), so that Redis can tell this
-- delete from lost data: clients do not define a deleted limit again by themselves, holders are told their
-- permits are lost, and only an explicit define (or replace) brings it back. Listing never sees it (no policy key).
-- A keyed limit's index of overrides goes too (the caller removed the keys' overrides first).
-- Returns {1} if the limit existed, else {0}.
local pol = load_policy()
redis.call('DEL', K_POLICY, K_HOLDERS, K_INFO, K_USED, K_BUCKET, K_QUEUE, K_QEXP, K_QOWNER, K_QUOTA, K_OVERRIDE,
           K_OVERRIDES, K_HUNGRY)
if pol then
  redis.call('DEL', K_STATS)
  redis.call('HSET', K_STATS, 'deleted', new_epoch())
  redis.call('PEXPIRE', K_STATS, TOMBSTONE_MS)
end
redis.call('PUBLISH', K_CHANNEL, 0)
return { pol and 1 or 0 }
