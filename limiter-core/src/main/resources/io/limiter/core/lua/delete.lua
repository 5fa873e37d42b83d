-- Remove a limit: its policy and all its state. Waiters are notified (they then see an unknown limit).
-- Returns {1} if the limit existed, else {0}.
local existed = redis.call('EXISTS', K_POLICY)
redis.call('DEL', K_POLICY, K_HOLDERS, K_INFO, K_USED, K_BUCKET, K_STATS, K_QUEUE, K_QEXP, K_QOWNER)
redis.call('PUBLISH', K_CHANNEL, 0)
return { existed }
