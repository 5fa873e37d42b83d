-- Fair limits: keep a instance's waiting tickets alive, in one call per limit per tick.
-- ARGV: 1 ticket time-to-live ms, 2.. tickets
-- Returns {{tickets no longer queued...}, head ticket if a permit is free for it now (else '')}; if dead tickets
-- were dropped and the head changed, the new head's instance is woken when there is room. The head is returned so
-- that an instance whose wake-up message was missed (pub/sub is at most once) asks within one keep-alive period.
local now = now_ms()
local ttl = tonumber(ARGV[1])
local head_changed = reap_tickets(now)
local lost = {}
for i = 2, #ARGV do
  if redis.call('ZSCORE', K_QUEUE, ARGV[i]) then
    redis.call('ZADD', K_QEXP, math.floor(now) + ttl, ARGV[i])
  else
    lost[#lost + 1] = ARGV[i]
  end
end
if redis.call('EXISTS', K_QUEUE) == 1 then
  redis.call('PEXPIRE', K_QUEUE, ttl + 1000)
  redis.call('PEXPIRE', K_QEXP, ttl + 1000)
  redis.call('PEXPIRE', K_QOWNER, ttl + 1000)
  if is_copy() then
    keep_copy_alive()
  end
end
if head_changed then
  wake_new_head(now)
end
local head = redis.call('ZRANGE', K_QUEUE, 0, 0)[1]
local pol = head and load_policy()
if pol and pol.permits then
  reap(now)
end
if not (pol and (not pol.permits or used_weight() < pol.permits)) then
  head = ''
end
return { lost, head }
