-- Part "concurrency": at most `permits` weight held at once, each permit under a lease.
-- Keys: holders (zset: permit id -> lease expiry ms, Redis time), info (hash: permit id -> "weight:acquired_ms:owner"),
-- used (string: sum of the weights held). Releases and renewals are concurrency-only and live in the scripts.
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

-- Sharing a non-fair cap between instances. An instance whose waiting acquire is denied is "hungry" (K_HUNGRY:
-- owner -> "since:last", ms: when it was first denied since its last grant, and last denied; the key lives 2 s after
-- the last denial). A call that releases permits and acquires in the same round trip (a process handing its permits
-- to its own waiters) may not retake the weight it released while another instance, still asking, has gone without
-- a grant for STARVED_MS: that weight is published instead, and whoever asks first gets it. Without this, one busy
-- process keeps a non-fair cap to itself (its releases always carry its own next acquire); with it, hand-offs stay
-- the fast path and no instance starves for long.
local HUNGRY_MS = 2000
local STARVED_MS = 50

local function others_starved(owner, now)
  local h = redis.call('HGETALL', K_HUNGRY)
  for i = 1, #h, 2 do
    if h[i] ~= owner then
      local since, last = string.match(h[i + 1], '^(%d+):(%d+)$')
      if tonumber(last) > now - HUNGRY_MS and tonumber(since) < now - STARVED_MS then
        return true
      end
    end
  end
  return false
end

local function mark_hungry(owner, now)
  local t = string.format('%d', math.floor(now))
  local was = redis.call('HGET', K_HUNGRY, owner)
  local since = was and string.match(was, '^(%d+):') or t
  redis.call('HSET', K_HUNGRY, owner, since .. ':' .. t)
  redis.call('PEXPIRE', K_HUNGRY, HUNGRY_MS)
end

-- Reads held weight once per exchange (after reaping); the exchange keeps `st.used` current as it releases.
PARTS[#PARTS + 1] = {
  name = 'concurrency',
  load = function(f, pol)
    pol.permits, pol.lease_ms = tonumber(f.permits), tonumber(f.lease_ms)
    return pol.permits ~= nil
  end,
  max_weight = function(pol)
    return pol.permits
  end,
  check = function(pol, st, weight, now)
    if pol.permits - st.used - st.reserved < weight then
      return ms_to_first_expiry(now, pol.lease_ms), 'permits'
    end
    return 0
  end,
  commit = function(pol, st, weight, now)
    st.used = st.used + weight
    st.taken = st.taken + weight
    if pol.permits - st.used < 1 then
      return ms_to_first_expiry(now, pol.lease_ms)
    end
    return 0
  end,
  left = function(pol, st)
    return pol.permits - st.used
  end,
}
