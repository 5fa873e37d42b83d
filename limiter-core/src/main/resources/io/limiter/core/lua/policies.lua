-- After the parts' sections: what concerns a whole policy.

-- A limit's state follows a new policy `new` (replacing `old`, nil if none or damaged), keeping what still applies:
--   a rate change keeps the current token level (refilled at the old rate up to now, capped at the new burst);
--   a smaller permit count lets current holders finish (no one new is admitted until usage is under it);
--   a policy without a concurrency part drops the semaphore state (held permits are reported lost on renewal);
--   a quota keeps its count while its window and zone stay; a changed window or zone starts a new count;
--   a policy that is not fair drops the ticket queue.
local function adopt_policy(old, new, now)
  if new.rate then
    if old and old.rate and old.rate >= 1 and old.period_ms and old.period_ms >= 1 and old.burst and old.burst >= 1 then
      local tokens = math.min(current_tokens(old, now), new.burst)
      store_tokens(new, tokens, now)
    end
  else
    redis.call('DEL', K_BUCKET)
  end
  if not new.permits then
    redis.call('DEL', K_HOLDERS, K_INFO, K_USED)
  end
  if not new.quota or not old or old.window ~= new.window or old.zone ~= new.zone then
    redis.call('DEL', K_QUOTA)
  end
  if not new.fair then
    redis.call('DEL', K_QUEUE, K_QEXP, K_QOWNER)
  end
end

-- Keyed limits. A key of a keyed limit ("family") has the keys of a limit of its own, named PREFIX:{family/key}:*
-- (one hash tag per key, so a family's keys spread over every Redis Cluster shard). The family's policy lives in the
-- family's slot, which a script about one key must not touch; so the caller sends it with every call (as it last
-- read it, with its version), and the key keeps, as its policy key, a copy of the newest version it was sent. An
-- older version than the copy's is ignored (Redis decides by the copy, and the reply tells the caller the newer
-- policy); a newer one replaces the copy as a replace would (adopt_policy). Nothing is sent when the caller knows
-- the family is not defined: the key then answers as an unknown limit.
-- The copy and the key's stats live only as long as the key's state (keep_copy_alive): an idle key has no keys.
-- A key with an override (override.lua) follows its override instead; the copy still tracks the family's version.
local function keyed_policy(from, now)
  if #ARGV < from then
    return nil
  end
  local sent = given_policy(from)
  local stored = tonumber(redis.call('HGET', K_POLICY, 'ver') or '')
  if not stored or sent.ver > stored then
    local before = load_policy()
    if not (before and before.overridden) then
      adopt_policy(before, sent, now)
    end
    redis.call('DEL', K_POLICY)
    redis.call('HSET', K_POLICY, unpack(policy_args(from)))
  end
  return load_policy()
end

-- A key's copy of its family's policy (and its stats) expire 1 s after the last of its state keys; with no state
-- left they go at once.
local function keep_copy_alive()
  local keep = -2
  for _, key in ipairs({ K_USED, K_HOLDERS, K_BUCKET, K_QUOTA, K_QUEUE }) do
    keep = math.max(keep, redis.call('PTTL', key))
  end
  if keep < 0 then
    redis.call('DEL', K_POLICY, K_STATS)
  else
    redis.call('PEXPIRE', K_POLICY, keep + 1000)
    redis.call('PEXPIRE', K_STATS, keep + 1000)
  end
end

-- Whether this limit's policy key is a key's copy (it expires; a named limit's policy never does).
local function is_copy()
  return redis.call('PTTL', K_POLICY) >= 0
end
