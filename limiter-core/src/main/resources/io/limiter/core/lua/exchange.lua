-- Release and acquire permits of one limit in one atomic call: the client's batch of everything it had pending
-- (one round trip however many requests). Releases run first, so a released permit can go straight to a waiter
-- of the same client (a hand-off, decided here like any grant) without a notification.
--
-- ARGV: 1 owner (instance id), 2 ticket time-to-live ms, 3 counter for releases ('released' | 'forced'),
--       4 R = number of releases, 5..4+R permit ids to release, 5+R A = number of acquires, then A triples: permit id (chosen by the client), weight, waiting ticket
--       ('' for a try that never waits); or a counted group '#n', weight, '' standing for n requests of that
--       weight on a rate-only, non-fair limit (see below)
-- Acquire: a weighted permit (with a lease) and/or tokens, atomically, both or neither. On a fair limit an acquire
-- may only take capacity when no ticket is ahead of its own; a denied waiting acquire keeps its place in the queue.
-- Release: idempotent; an unknown, expired or already released id changes nothing.
--
-- Returns {lease_ms, policy permits, rate, period_ms, burst (-1 if absent), fair (1/0),
--          {released 1/0 per release}, {{status, reason, retry_ms, lease_expiry_ms, permits_left, tokens_left}...},
--          epoch (changes when the limit is created anew, e.g. after Redis lost its data)}
--   status  1 granted, 0 denied, -1 unknown limit, -2 weight larger than the limit allows, -3 the limit was
--           deleted by an operator (its tombstone; -1 means it is absent, e.g. Redis lost its data)
--   reason  'ok' | 'permits' | 'tokens' | 'queued' (denied) | the largest weight allowed (status -2)
--   retry_ms  denied: when to try again at the latest (earliest lease expiry or token refill);
--             granted: 0 if there is room left for another acquire, else that same hint
--   permits_left -1 without a concurrency part; tokens_left '' without a rate part
-- Afterwards, if capacity was freed and is still free: a fair limit wakes the instance owning the head ticket,
-- other limits publish the freed weight on the channel.
local owner, ttl, counter = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local nrel = tonumber(ARGV[4])
local now = now_ms()
local floor_now = math.floor(now)
local pol = load_policy()
local missing = -1
if not pol and tonumber(ARGV[5 + nrel]) > 0 and deleted_at() then
  missing = -3
end

local freed = 0
if not pol or pol.permits then
  freed = reap(now)
end
local used = used_weight()
local used_before = used

local released = {}
local nreleased = 0
if nrel > 0 then
  -- One HMGET for every id (a client repeats releases not confirmed yet in its later calls, so most are misses).
  local ids = {}
  for i = 1, nrel do
    ids[i] = ARGV[4 + i]
  end
  local infos = redis.call('HMGET', K_INFO, unpack(ids))
  local found, seen = {}, {}
  for i = 1, nrel do
    if infos[i] and not seen[ids[i]] then
      seen[ids[i]] = true
      local w = weight_of(infos[i])
      used = used - w
      freed = freed + w
      found[#found + 1] = ids[i]
      released[i] = 1
    else
      released[i] = 0
    end
  end
  nreleased = #found
  if nreleased > 0 then
    redis.call('ZREM', K_HOLDERS, unpack(found))
    redis.call('HDEL', K_INFO, unpack(found))
    redis.call('HINCRBY', K_STATS, counter, nreleased)
  end
end

local base = 5 + nrel
local nacq = tonumber(ARGV[base])
local results = {}
local grants, denials, taken = 0, 0, 0
local tokens = nil
local tokens_changed = false
local head_changed = false
if pol and pol.fair and nacq > 0 then
  head_changed = reap_tickets(now)
end

for j = 1, nacq do
  local k = base + 1 + (j - 1) * 3
  local id, weight, ticket = ARGV[k], tonumber(ARGV[k + 1]), ARGV[k + 2]
  if string.sub(id, 1, 1) == '#' then
    -- A counted group: n requests of this weight for a rate-only, non-fair limit, decided in order in O(1):
    -- the first k are granted, the rest denied. {9, k, retry if room ran out, retry for the denied, tokens left};
    -- {8} if the limit is not rate-only and non-fair (any more): the client sends them one by one.
    local n = tonumber(string.sub(id, 2))
    if not pol then
      results[j] = { missing, 'unknown', 0, 0, -1, '' }
    elseif pol.permits or pol.fair or not pol.rate then
      results[j] = { 8 }
    elseif weight > pol.burst then
      results[j] = { -2, tostring(pol.burst), 0, 0, -1, '' }
    else
      if not tokens then
        tokens = current_tokens(pol, now)
      end
      local granted = math.min(n, math.floor((tokens + EPSILON) / weight))
      if granted > 0 then
        tokens = math.max(0, tokens - granted * weight)
        tokens_changed = true
      end
      grants = grants + granted
      denials = denials + (n - granted)
      local next_retry = 0
      if tokens + EPSILON < 1 then
        next_retry = ms_to_tokens(pol, tokens, 1)
      end
      local retry_denied = 0
      if granted < n then
        retry_denied = ms_to_tokens(pol, tokens, weight)
      end
      results[j] = { 9, granted, next_retry, retry_denied, fmt(tokens) }
    end
  elseif not pol then
    results[j] = { missing, 'unknown', 0, 0, -1, '' }
  elseif pol.permits and weight > pol.permits then
    results[j] = { -2, tostring(pol.permits), 0, 0, -1, '' }
  elseif pol.rate and weight > pol.burst then
    results[j] = { -2, tostring(pol.burst), 0, 0, -1, '' }
  else
    local head = pol.fair and redis.call('ZRANGE', K_QUEUE, 0, 0)[1] or nil
    if head and head ~= ticket then
      if ticket ~= '' then
        enqueue_ticket(ticket, owner, now, ttl)
      end
      denials = denials + 1
      results[j] = { 0, 'queued', ttl > 0 and ttl or 1000, 0, -1, '' }
    else
      local permits_left = -1
      local retry_permits, retry_tokens = 0, 0
      if pol.permits then
        permits_left = pol.permits - used
        if permits_left < weight then
          retry_permits = ms_to_first_expiry(now, pol.lease_ms)
        end
      end
      if pol.rate then
        if not tokens then
          tokens = current_tokens(pol, now)
        end
        if tokens + EPSILON < weight then
          retry_tokens = ms_to_tokens(pol, tokens, weight)
        end
      end
      local expiry = pol.permits and floor_now + pol.lease_ms or 0
      -- The same id again (a client retry after a lost reply) finds its grant in place: it is reported, not repeated.
      -- On the grant path ZADD NX finds it; a request about to be denied looks it up.
      local existing = nil
      if pol.permits then
        if retry_permits > 0 or retry_tokens > 0 then
          existing = redis.call('ZSCORE', K_HOLDERS, id)
        elseif redis.call('ZADD', K_HOLDERS, 'NX', expiry, id) == 0 then
          existing = redis.call('ZSCORE', K_HOLDERS, id)
        end
      end
      if existing then
        results[j] = { 1, 'ok', 0, tonumber(existing), pol.permits - used, '' }
      elseif retry_permits > 0 or retry_tokens > 0 then
        denials = denials + 1
        if pol.fair and ticket ~= '' then
          enqueue_ticket(ticket, owner, now, ttl)
        end
        results[j] = { 0, retry_permits > 0 and 'permits' or 'tokens', math.max(retry_permits, retry_tokens), 0,
                       permits_left, tokens and fmt(tokens) or '' }
      else
        local next_retry = 0
        if pol.permits then
          -- Its holders entry was added above (ZADD NX).
          redis.call('HSET', K_INFO, id, weight .. ':' .. floor_now .. ':' .. owner)
          used = used + weight
          taken = taken + weight
          permits_left = permits_left - weight
          if permits_left < 1 then
            next_retry = ms_to_first_expiry(now, pol.lease_ms)
          end
        end
        if pol.rate then
          tokens = math.max(0, tokens - weight)
          tokens_changed = true
          if tokens + EPSILON < 1 then
            next_retry = math.max(next_retry, ms_to_tokens(pol, tokens, 1))
          end
        end
        if pol.fair then
          dequeue_ticket(ticket)
        end
        grants = grants + 1
        results[j] = { 1, 'ok', next_retry, expiry, permits_left, tokens and fmt(tokens) or '' }
      end
    end
  end
end

-- Write the counters once.
local delta = used - used_before
if delta ~= 0 then
  if used <= 0 then
    redis.call('DEL', K_USED)
  else
    redis.call('INCRBY', K_USED, delta)
  end
end
if taken > 0 then
  keep_semaphore_alive(pol.lease_ms)
end
if tokens_changed then
  store_tokens(pol, tokens, now)
end
if grants > 0 then
  redis.call('HINCRBY', K_STATS, 'grants', grants)
end
if denials > 0 then
  redis.call('HINCRBY', K_STATS, 'denials', denials)
end

-- Tell waiters about capacity that is free now.
local woken = false
if pol and pol.fair and (freed > 0 or head_changed or grants > 0) then
  woken = wake_head_if_room(pol)
end
if not woken and freed > 0 and (not pol or not pol.permits or used < pol.permits) then
  redis.call('PUBLISH', K_CHANNEL, freed)
end

local P1, P2, P3, P4, P5 = -1, -1, -1, -1, 0
local lease, epoch = 0, ''
if pol then
  P1, P2, P3, P4, P5 = pol.permits or -1, pol.rate or -1, pol.period_ms or -1, pol.burst or -1, pol.fair and 1 or 0
  lease, epoch = pol.lease_ms or 0, pol.epoch
end
return { lease, P1, P2, P3, P4, P5, released, results, epoch }
