-- Release and acquire permits of one limit in one atomic call: the client's batch of everything it had pending
-- (one round trip however many requests). Releases run first, so a released permit can go straight to a waiter
-- of the same client (a hand-off, decided here like any grant) without a notification.
--
-- ARGV: 1 owner (instance id), 2 ticket time-to-live ms, 3 counter for releases ('released' | 'forced'),
--       4 the quota window the client computed ("start:end:window:zone", '' if none; see part_quota.lua),
--       5 R = number of releases, 6..5+R permit ids to release, 6+R A = number of acquires, then A triples: permit id
--       (chosen by the client), weight, waiting ticket ('' for a try that never waits); or a counted group '#n',
--       weight, '' standing for n requests of that weight on a rate-only, non-fair limit (see below);
--       then '' for a named limit, or 'k' for a key of a keyed limit followed by the family's policy as the caller
--       last read it (field/value pairs with its version; none if the caller knows the family is not defined; see
--       keyed_policy in policies.lua)
-- Acquire: the weight from every part of the policy, atomically, all or none: each part checks, then all commit. On
-- a fair limit an acquire may only take capacity when no ticket is ahead of its own; a denied waiting acquire keeps
-- its place in the queue.
-- Release: idempotent; an unknown, expired or already released id changes nothing.
--
-- Returns {policy (the stored hash, field/value list; {} if not defined), {released 1/0 per release},
--          {{status, reason, retry_ms, lease_expiry_ms, {part, left, part, left...}}...}, now_ms}
--   status  S_GRANTED, S_DENIED, S_UNKNOWN, S_TOO_HEAVY (weight larger than the limit allows), S_DELETED (an
--           operator deleted the limit: its tombstone; S_UNKNOWN means it is absent, e.g. Redis lost its data),
--           S_WINDOW (the quota needs the client's window for now_ms: nothing was taken), S_NOT_COUNTED, S_COUNTED,
--           S_KEYED (the limit is keyed: it is acquired through a key, never by its name)
--   reason  'ok' | the denying part's reason: 'permits' | 'tokens' | 'quota' | 'queued' | the largest weight allowed
--           (S_TOO_HEAVY)
--   retry_ms  denied: when to try again at the latest (the latest of the denying parts' hints);
--             granted: 0 if there is room left for another acquire, else that same hint
--   left    what each part of the policy has left after the call (tokens as text)
-- Afterwards, if capacity was freed and is still free: a fair limit wakes the instance owning the head ticket,
-- other limits publish the freed weight on the channel.
local owner, ttl, counter = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local nrel = tonumber(ARGV[5])
local base = 6 + nrel
local nacq = tonumber(ARGV[base])
local tail = base + 1 + 3 * nacq
local keyed = ARGV[tail] == 'k'
local now = now_ms()
local floor_now = math.floor(now)
local pol
if keyed then
  pol = keyed_policy(tail + 1, now)
else
  pol = load_policy()
end
local missing = S_UNKNOWN
if not pol and not keyed and nacq > 0 and deleted_at() then
  missing = S_DELETED
end
-- A keyed limit is only used through its keys.
local unkeyed = pol and pol.keyed and not keyed

-- st: the state the parts read and change during this call, written back once at the end.
local st = { used = 0, taken = 0, reserved = 0, window_arg = ARGV[4] }
local freed = 0
if not pol or pol.permits then
  freed = reap(now)
end
st.used = used_weight()
local used_before = st.used

local released = {}
local released_weight = 0
if nrel > 0 then
  -- One HMGET for every id (a client repeats releases not confirmed yet in its later calls, so most are misses).
  local ids = {}
  for i = 1, nrel do
    ids[i] = ARGV[5 + i]
  end
  local infos = redis.call('HMGET', K_INFO, unpack(ids))
  local found, seen = {}, {}
  for i = 1, nrel do
    if infos[i] and not seen[ids[i]] then
      seen[ids[i]] = true
      local w = weight_of(infos[i])
      st.used = st.used - w
      freed = freed + w
      released_weight = released_weight + w
      found[#found + 1] = ids[i]
      released[i] = 1
    else
      released[i] = 0
    end
  end
  if #found > 0 then
    redis.call('ZREM', K_HOLDERS, unpack(found))
    redis.call('HDEL', K_INFO, unpack(found))
    redis.call('HINCRBY', K_STATS, counter, #found)
  end
end

-- What each part has left, as the reply's {part, left, ...} list.
local function lefts()
  local out = {}
  for _, part in ipairs(pol.parts) do
    out[#out + 1] = part.name
    out[#out + 1] = part.left(pol, st)
  end
  return out
end

local results = {}
local grants, denials = 0, 0
local head_changed = false
if pol and pol.fair and nacq > 0 then
  head_changed = reap_tickets(now)
end
-- A non-fair cap: weight this call released is not retaken by its own acquires while another instance starves
-- (see part_concurrency.lua); it is published below. An operator's forced release is not the caller's own.
local shares = pol and pol.permits and not pol.fair and not unkeyed
if shares and counter ~= 'forced' and released_weight > 0 and nacq > 0 and others_starved(owner, now) then
  st.reserved = math.min(released_weight, math.max(0, pol.permits - st.used))
end
local hungry = false

for j = 1, nacq do
  local k = base + 1 + (j - 1) * 3
  local id, weight, ticket = ARGV[k], tonumber(ARGV[k + 1]), ARGV[k + 2]
  local too_heavy = nil
  if pol then
    for _, part in ipairs(pol.parts) do
      local max = part.max_weight(pol)
      if weight > max then
        too_heavy = max
        break
      end
    end
  end
  if not pol then
    results[j] = { missing, 'unknown', 0, 0, {} }
  elseif unkeyed then
    results[j] = { S_KEYED, 'keyed', 0, 0, {} }
  elseif string.sub(id, 1, 1) == '#' then
    -- A counted group: n requests of this weight for a rate-only, non-fair limit, decided in order in O(1):
    -- the first k are granted, the rest denied. {S_COUNTED, k, retry if room ran out, retry for the denied, tokens
    -- left}; {S_NOT_COUNTED} if the limit is not rate-only and non-fair (any more): the client sends them one by one.
    local n = tonumber(string.sub(id, 2))
    if pol.fair or #pol.parts ~= 1 or not pol.rate then
      results[j] = { S_NOT_COUNTED }
    elseif too_heavy then
      results[j] = { S_TOO_HEAVY, tostring(too_heavy), 0, 0, {} }
    else
      if not st.tokens then
        st.tokens = current_tokens(pol, now)
      end
      local granted = math.min(n, math.floor((st.tokens + EPSILON) / weight))
      if granted > 0 then
        st.tokens = math.max(0, st.tokens - granted * weight)
        st.tokens_changed = true
      end
      grants = grants + granted
      denials = denials + (n - granted)
      local next_retry = 0
      if st.tokens + EPSILON < 1 then
        next_retry = ms_to_tokens(pol, st.tokens, 1)
      end
      local retry_denied = 0
      if granted < n then
        retry_denied = ms_to_tokens(pol, st.tokens, weight)
      end
      results[j] = { S_COUNTED, granted, next_retry, retry_denied, fmt(st.tokens) }
    end
  elseif too_heavy then
    results[j] = { S_TOO_HEAVY, tostring(too_heavy), 0, 0, {} }
  else
    local head = pol.fair and redis.call('ZRANGE', K_QUEUE, 0, 0)[1] or nil
    if head and head ~= ticket then
      if ticket ~= '' then
        enqueue_ticket(ticket, owner, now, ttl)
      end
      denials = denials + 1
      results[j] = { S_DENIED, 'queued', ttl > 0 and ttl or 1000, 0, lefts() }
    else
      -- Every part checks; the request is denied by the first part without room, with the latest hint of all.
      local retry, reason, window = 0, nil, false
      for _, part in ipairs(pol.parts) do
        local r, why = part.check(pol, st, weight, now)
        if why == 'window' then
          window = true
        elseif why then
          reason = reason or why
          retry = math.max(retry, r)
        end
      end
      local expiry = pol.permits and floor_now + pol.lease_ms or 0
      -- The same id again (a client retry after a lost reply) finds its grant in place: it is reported, not repeated.
      -- On the grant path ZADD NX finds it; a request about to be denied looks it up.
      local existing = nil
      if pol.permits then
        if reason or window then
          existing = redis.call('ZSCORE', K_HOLDERS, id)
        elseif redis.call('ZADD', K_HOLDERS, 'NX', expiry, id) == 0 then
          existing = redis.call('ZSCORE', K_HOLDERS, id)
        end
      end
      if existing then
        results[j] = { S_GRANTED, 'ok', 0, tonumber(existing), lefts() }
      elseif window then
        results[j] = { S_WINDOW, 'window', 0, 0, {} }
      elseif reason then
        denials = denials + 1
        if pol.fair and ticket ~= '' then
          enqueue_ticket(ticket, owner, now, ttl)
        elseif shares and ticket ~= '' and reason == 'permits' then
          hungry = true
        end
        results[j] = { S_DENIED, reason, retry, 0, lefts() }
      else
        local next_retry = 0
        for _, part in ipairs(pol.parts) do
          next_retry = math.max(next_retry, part.commit(pol, st, weight, now))
        end
        if pol.permits then
          -- Its holders entry was added above (ZADD NX).
          redis.call('HSET', K_INFO, id, weight .. ':' .. floor_now .. ':' .. owner)
        end
        if pol.fair then
          dequeue_ticket(ticket)
        end
        grants = grants + 1
        results[j] = { S_GRANTED, 'ok', next_retry, expiry, lefts() }
      end
    end
  end
end

-- Write the state once.
local delta = st.used - used_before
if delta ~= 0 then
  if st.used <= 0 then
    redis.call('DEL', K_USED)
  else
    redis.call('INCRBY', K_USED, delta)
  end
end
if st.taken > 0 then
  keep_semaphore_alive(pol.lease_ms)
end
if pol then
  for _, part in ipairs(pol.parts) do
    if part.finish then
      part.finish(pol, st, now)
    end
  end
end
if hungry then
  mark_hungry(owner, now)
elseif shares and grants > 0 then
  redis.call('HDEL', K_HUNGRY, owner)
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
if not woken and freed > 0 and (not pol or not pol.permits or st.used < pol.permits) then
  redis.call('PUBLISH', K_CHANNEL, freed)
end
if keyed then
  keep_copy_alive()
end

return { pol and pol.flat or {}, released, results, floor_now }
