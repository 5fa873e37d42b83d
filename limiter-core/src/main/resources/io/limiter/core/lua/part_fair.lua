-- Options of the whole policy: "fair" (waiters of every instance served in arrival order).
-- Keys: queue (zset: waiting ticket -> arrival order), qexp (zset: ticket -> expiry ms), qowner (hash: ticket ->
-- owner instance). Not a part with a check of its own: the exchange asks for the head ticket before the parts.
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

PARTS[#PARTS + 1] = {
  name = 'policy',
  load = function(f, pol)
    return false
  end,
}
