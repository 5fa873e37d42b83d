-- Shared prelude, prepended to every script by the Java loader (Script.java); not a script on its own.
-- KEYS (always the same seven, all sharing the limit's {hash tag}):
--   1 policy  (hash: permits, lease_ms, rate, period_ms, burst, fair, epoch, floor_epoch)
--   2 holders (zset: permit id -> lease expiry, ms since epoch, Redis time)
--   3 info    (hash: permit id -> "weight:acquired_ms:owner")
--   4 used    (string: sum of the weights held)
--   5 bucket  (hash: tokens, ts)
--   6 stats   (hash: grants, denials, released, forced, expired, lost_renewals; after an operator's delete only
--             'deleted' = when: a tombstone that tells a delete from lost data)
--   7 channel (pub/sub channel notified when capacity comes free; passed as a key for cluster routing)
--   8 queue   (zset: waiting ticket -> arrival order; fair limits only)
--   9 qexp    (zset: waiting ticket -> expiry ms; a ticket not kept alive is dropped)
--  10 qowner  (hash: waiting ticket -> owner instance)
local K_POLICY, K_HOLDERS, K_INFO, K_USED, K_BUCKET, K_STATS, K_CHANNEL, K_QUEUE, K_QEXP, K_QOWNER =
    KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10]

local EPSILON = 1e-9

-- Redis time in milliseconds, with microsecond fraction.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end

local function fmt(x)
  return string.format('%.17g', x)
end

-- How long a deleted limit's tombstone is kept (30 days): far longer than any lease (24 h at most), so every
-- holder and every client that defined the limit hears of the delete instead of defining the limit again.
local TOMBSTONE_MS = 30 * 24 * 3600 * 1000

-- The stored policy, or nil when the limit is not defined (absent, or deleted: see is_deleted).
--   epoch: when the limit was created (microseconds, Redis time); permits carry the epoch they were granted in.
--   floor: set when the limit was created over a tombstone: permits of an epoch up to it were deleted, not lost.
local function load_policy()
  local p = redis.call('HMGET', K_POLICY, 'permits', 'lease_ms', 'rate', 'period_ms', 'burst', 'fair', 'epoch',
                      'floor_epoch')
  local permits, rate = tonumber(p[1]), tonumber(p[3])
  if not permits and not rate then
    return nil
  end
  return { permits = permits, lease_ms = tonumber(p[2]), rate = rate, period_ms = tonumber(p[4]),
           burst = tonumber(p[5]), fair = p[6] == '1', epoch = p[7] or '', floor = tonumber(p[8]) }
end

-- When an operator deleted the limit (its tombstone), or nil if it was not deleted (or the tombstone was lost with
-- Redis' data, which then counts as lost data).
local function deleted_at()
  return redis.call('HGET', K_STATS, 'deleted')
end

local function weight_of(info_value)
  return tonumber(string.match(info_value, '^(%d+)'))
end

-- Removes holders whose lease ran out (expiry <= now), gives their weight back. Returns the weight freed.
local function reap(now)
  local expired = redis.call('ZRANGEBYSCORE', K_HOLDERS, '-inf', math.floor(now))
  local n = #expired
  if n == 0 then
    return 0
  end
  local freed = 0
  for i = 1, n, 500 do
    local last = math.min(i + 499, n)
    local chunk = {}
    for j = i, last do
      chunk[#chunk + 1] = expired[j]
    end
    local infos = redis.call('HMGET', K_INFO, unpack(chunk))
    for j = 1, #infos do
      if infos[j] then
        freed = freed + weight_of(infos[j])
      end
    end
    redis.call('HDEL', K_INFO, unpack(chunk))
  end
  redis.call('ZREMRANGEBYSCORE', K_HOLDERS, '-inf', math.floor(now))
  if freed > 0 then
    if redis.call('DECRBY', K_USED, freed) <= 0 then
      redis.call('DEL', K_USED)
    end
  end
  redis.call('HINCRBY', K_STATS, 'expired', n)
  return freed
end

local function used_weight()
  return tonumber(redis.call('GET', K_USED) or '0')
end

-- Milliseconds until the earliest lease runs out (a hint for when capacity may come back).
local function ms_to_first_expiry(now, fallback)
  local first = redis.call('ZRANGE', K_HOLDERS, 0, 0, 'WITHSCORES')
  if first[2] then
    return math.max(1, math.ceil(tonumber(first[2]) - now))
  end
  return fallback
end

-- Keeps the semaphore keys alive at least as long as any lease (+ 1 s) without touching their expiry on every call:
-- an expiry below lease + 1 s is raised to twice the lease + 1 s, so it is refreshed about once per lease. Emptied
-- keys vanish by themselves (Redis deletes an empty zset or hash, and `used` is deleted at zero), so idle state still
-- leaves no garbage.
local function keep_semaphore_alive(lease_ms)
  local ttl = redis.call('PTTL', K_USED)
  if ttl ~= -2 and ttl < lease_ms + 1000 then
    local keep = 2 * lease_ms + 1000
    redis.call('PEXPIRE', K_HOLDERS, keep)
    redis.call('PEXPIRE', K_INFO, keep)
    redis.call('PEXPIRE', K_USED, keep)
  end
end

-- Tokens in the bucket now (refilled since the last write; never above burst). A missing bucket is full.
-- If Redis time went backwards (a failover to a replica with an earlier clock), nothing is refilled.
local function current_tokens(pol, now)
  local b = redis.call('HMGET', K_BUCKET, 'tokens', 'ts')
  local tokens, ts = tonumber(b[1]), tonumber(b[2])
  if not tokens then
    return pol.burst
  end
  if now > ts then
    tokens = tokens + (now - ts) * pol.rate / pol.period_ms
  end
  return math.min(pol.burst, tokens)
end

-- Writes the bucket; it expires once it would be full again, so a full bucket is a missing key.
local function store_tokens(pol, tokens, now)
  local ms_to_full = math.ceil((pol.burst - tokens) * pol.period_ms / pol.rate)
  if ms_to_full <= 0 then
    redis.call('DEL', K_BUCKET)
  else
    redis.call('HSET', K_BUCKET, 'tokens', fmt(tokens), 'ts', fmt(now))
    redis.call('PEXPIRE', K_BUCKET, ms_to_full + 1000)
  end
end

local function ms_to_tokens(pol, have, need)
  return math.max(1, math.ceil((need - have) * pol.period_ms / pol.rate))
end

-- A new epoch for a limit created now (microseconds, Redis time; ordered): permits granted under another epoch
-- were lost with Redis' data, unless the epoch is at or below the policy's floor (deleted by an operator).
local function new_epoch()
  local t = redis.call('TIME')
  return string.format('%d', tonumber(t[1]) * 1000000 + tonumber(t[2]))
end

-- HSET arguments that go with a policy created now: a new epoch and, over a tombstone, the floor (the tombstone
-- itself is removed: the limit starts with fresh counters).
local function creation_args(args)
  local deleted = deleted_at()
  args[#args + 1] = 'epoch'
  args[#args + 1] = new_epoch()
  if deleted then
    args[#args + 1] = 'floor_epoch'
    args[#args + 1] = deleted
    redis.call('DEL', K_STATS)
  end
  return args
end

-- HSET arguments for a policy given as ARGV[1..6] (permits, lease_ms, rate, period_ms, burst, fair; '' = absent).
local function policy_args()
  local fields = { 'permits', 'lease_ms', 'rate', 'period_ms', 'burst', 'fair' }
  local args = {}
  for i = 1, 6 do
    if ARGV[i] ~= '' then
      args[#args + 1] = fields[i]
      args[#args + 1] = ARGV[i]
    end
  end
  return args
end

-- Fair limits: a queue of waiting tickets in arrival order. A ticket lives while its waiter keeps it alive.

-- Drops tickets that were not kept alive. Returns true if the head ticket changed.
local function reap_tickets(now)
  local dead = redis.call('ZRANGEBYSCORE', K_QEXP, '-inf', math.floor(now))
  if #dead == 0 then
    return false
  end
  local head_before = redis.call('ZRANGE', K_QUEUE, 0, 0)[1]
  for i = 1, #dead, 500 do
    local chunk = {}
    for j = i, math.min(i + 499, #dead) do
      chunk[#chunk + 1] = dead[j]
    end
    redis.call('ZREM', K_QUEUE, unpack(chunk))
    redis.call('HDEL', K_QOWNER, unpack(chunk))
  end
  redis.call('ZREMRANGEBYSCORE', K_QEXP, '-inf', math.floor(now))
  return redis.call('ZRANGE', K_QUEUE, 0, 0)[1] ~= head_before
end

-- Puts a ticket at the back of the queue (keeping its place if it is already queued) and keeps it alive.
local function enqueue_ticket(ticket, owner, now, ttl)
  if not redis.call('ZSCORE', K_QUEUE, ticket) then
    local last = redis.call('ZRANGE', K_QUEUE, -1, -1, 'WITHSCORES')
    redis.call('ZADD', K_QUEUE, (tonumber(last[2]) or 0) + 1, ticket)
    redis.call('HSET', K_QOWNER, ticket, owner)
  end
  redis.call('ZADD', K_QEXP, math.floor(now) + ttl, ticket)
  redis.call('PEXPIRE', K_QUEUE, ttl + 1000)
  redis.call('PEXPIRE', K_QEXP, ttl + 1000)
  redis.call('PEXPIRE', K_QOWNER, ttl + 1000)
end

local function dequeue_ticket(ticket)
  redis.call('ZREM', K_QUEUE, ticket)
  redis.call('ZREM', K_QEXP, ticket)
  redis.call('HDEL', K_QOWNER, ticket)
end

-- Tells exactly the instance owning the head ticket to try ("w|owner|ticket"). False if nobody is queued.
local function wake_head()
  local head = redis.call('ZRANGE', K_QUEUE, 0, 0)[1]
  if not head then
    return false
  end
  redis.call('PUBLISH', K_CHANNEL, 'w|' .. (redis.call('HGET', K_QOWNER, head) or '') .. '|' .. head)
  return true
end

-- Wakes the head when a permit is free (or the limit has no concurrency part).
local function wake_head_if_room(pol)
  if not pol.permits or used_weight() < pol.permits then
    return wake_head()
  end
  return false
end

-- The head ticket changed outside an acquire (a waiter left or died): wake the new head if a permit is free.
local function wake_new_head(now)
  local pol = load_policy()
  if pol then
    if pol.permits then
      reap(now)
    end
    wake_head_if_room(pol)
  end
end
