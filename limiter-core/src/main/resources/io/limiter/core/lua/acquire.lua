-- Acquire a weighted permit (with a lease) and/or tokens, atomically: both or neither.
-- ARGV: 1 permit id (chosen by the client), 2 weight, 3 owner (instance id), 4 waiting ticket ('' for a try that
--       never waits), 5 ticket time-to-live ms
-- Fair limits: an acquire may only take capacity when no ticket is ahead of its own; a waiting acquire that is
-- denied keeps its place in the queue; a grant that leaves room wakes the next ticket's instance.
-- Returns {status, reason, retry_ms, lease_expiry_ms, lease_ms, permits_left, tokens_left,
--          policy permits (-1 if none), policy rate (-1), policy period_ms (-1), policy burst (-1), fair (1/0)}
--   status  1 granted, 0 denied, -1 unknown limit, -2 weight larger than the limit allows
--   reason  'ok' | 'permits' | 'tokens' | 'queued' (denied) | the largest weight allowed (status -2)
--   retry_ms  denied: when to try again at the latest (earliest lease expiry or the token refill);
--             granted: 0 if there is room left for another acquire, else that same hint
--   permits_left -1 without a concurrency part; tokens_left '' without a rate part
local id, weight, owner, ticket, ttl = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4] or '', tonumber(ARGV[5] or '0')
local pol = load_policy()
if not pol then
  return { -1, 'unknown', 0, 0, 0, -1, '' }
end
-- The policy travels with every answer, so clients always know the current one (e.g. for a local fallback cap).
local P1, P2, P3, P4 = pol.permits or -1, pol.rate or -1, pol.period_ms or -1, pol.burst or -1
local P5 = pol.fair and 1 or 0
if pol.permits and weight > pol.permits then
  return { -2, tostring(pol.permits), 0, 0, 0, -1, '' }
end
if pol.rate and weight > pol.burst then
  return { -2, tostring(pol.burst), 0, 0, 0, -1, '' }
end

local now = now_ms()
if pol.fair then
  local head_changed = reap_tickets(now)
  local head = redis.call('ZRANGE', K_QUEUE, 0, 0)[1]
  if head and head ~= ticket then
    if ticket ~= '' then
      enqueue_ticket(ticket, owner, now, ttl)
    end
    if head_changed then
      if pol.permits then
        reap(now)
      end
      wake_head_if_room(pol)
    end
    redis.call('HINCRBY', K_STATS, 'denials', 1)
    return { 0, 'queued', ttl > 0 and ttl or 1000, 0, pol.lease_ms or 0, -1, '', P1, P2, P3, P4, P5 }
  end
end
local permits_left, tokens = -1, nil
local retry_permits, retry_tokens = 0, 0

if pol.permits then
  reap(now)
  local existing = redis.call('ZSCORE', K_HOLDERS, id)
  if existing then
    -- The same id again (a client retry after a lost reply): the grant already happened; report it.
    return { 1, 'ok', 0, tonumber(existing), pol.lease_ms, pol.permits - used_weight(), '', P1, P2, P3, P4, P5 }
  end
  permits_left = pol.permits - used_weight()
  if permits_left < weight then
    retry_permits = ms_to_first_expiry(now, pol.lease_ms)
  end
end
if pol.rate then
  tokens = current_tokens(pol, now)
  if tokens + EPSILON < weight then
    retry_tokens = ms_to_tokens(pol, tokens, weight)
  end
end

if retry_permits > 0 or retry_tokens > 0 then
  redis.call('HINCRBY', K_STATS, 'denials', 1)
  if pol.fair and ticket ~= '' then
    enqueue_ticket(ticket, owner, now, ttl)
  end
  local reason = retry_permits > 0 and 'permits' or 'tokens'
  return { 0, reason, math.max(retry_permits, retry_tokens), 0, pol.lease_ms or 0, permits_left,
           tokens and fmt(tokens) or '', P1, P2, P3, P4, P5 }
end

local expiry, next_retry = 0, 0
if pol.permits then
  expiry = math.floor(now) + pol.lease_ms
  redis.call('ZADD', K_HOLDERS, expiry, id)
  redis.call('HSET', K_INFO, id, weight .. ':' .. math.floor(now) .. ':' .. owner)
  redis.call('INCRBY', K_USED, weight)
  expire_semaphore(now)
  permits_left = permits_left - weight
  if permits_left < 1 then
    next_retry = ms_to_first_expiry(now, pol.lease_ms)
  end
end
if pol.rate then
  tokens = math.max(0, tokens - weight)
  store_tokens(pol, tokens, now)
  if tokens + EPSILON < 1 then
    next_retry = math.max(next_retry, ms_to_tokens(pol, tokens, 1))
  end
end
redis.call('HINCRBY', K_STATS, 'grants', 1)
if pol.fair then
  dequeue_ticket(ticket)
  if next_retry == 0 then
    wake_head()
  end
end
return { 1, 'ok', next_retry, expiry, pol.lease_ms or 0, permits_left, tokens and fmt(tokens) or '', P1, P2, P3, P4, P5 }
