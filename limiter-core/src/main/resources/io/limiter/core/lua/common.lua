-- Shared prelude of every limit script, after the header Script.java generates from Java (one place for both):
--   K_<ROLE> = KEYS[i] for each key role of KeySchema.ROLES (all share the limit's {hash tag}), and
--   S_<NAME> = the script status codes of ScriptProtocol.
-- Then the parts' sections (part_<name>.lua, in PolicySchema.PARTS order) follow this file; each registers itself in
-- PARTS with the functions the scripts call: load (read its fields of the policy hash), and for exchange begin /
-- max_weight / check / commit / finish / left, and state.
-- The policy hash holds each part's fields (permits, lease_ms | rate, period_ms, burst | quota, window, zone | fair),
-- plus epoch and floor_epoch; the stats hash: grants, denials, released, forced, expired, lost_renewals (after an
-- operator's delete only 'deleted' = when: a tombstone that tells a delete from lost data).

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

-- The parts, registered by their sections in order.
local PARTS = {}

-- The stored policy, or nil when the limit is not defined (absent, or deleted: see deleted_at).
--   epoch: when the limit was created (microseconds, Redis time); permits carry the epoch they were granted in.
--   floor: set when the limit was created over a tombstone: permits of an epoch up to it were deleted, not lost.
--   flat: the hash as stored (field, value, ...), returned to the client, which reads it with the parts' codecs.
--   parts: the parts the policy has, in order.
--   overridden: a key of a keyed limit with an override (its own policy, in K_OVERRIDE): the parts and flat are the
--   override's (without a version, so a caller never takes it for the family's), the epoch and version the copy's.
local function load_policy()
  local flat = redis.call('HGETALL', K_POLICY)
  if #flat == 0 then
    return nil
  end
  local f = {}
  for i = 1, #flat, 2 do
    f[flat[i]] = flat[i + 1]
  end
  local pol = { fair = f.fair == '1', keyed = f.keyed == '1', epoch = f.epoch or '', ver = tonumber(f.ver) or 0,
                floor = tonumber(f.floor_epoch), flat = flat, parts = {} }
  if pol.keyed then
    local o = redis.call('HGETALL', K_OVERRIDE)
    if #o > 0 then
      f = {}
      for i = 1, #o, 2 do
        f[o[i]] = o[i + 1]
      end
      pol.fair, pol.flat, pol.overridden = f.fair == '1', o, true
    end
  end
  for _, part in ipairs(PARTS) do
    if part.load(f, pol) and part.check then
      pol.parts[#pol.parts + 1] = part
    end
  end
  if #pol.parts == 0 then
    return nil
  end
  return pol
end

-- When an operator deleted the limit (its tombstone), or nil if it was not deleted (or the tombstone was lost with
-- Redis' data, which then counts as lost data).
local function deleted_at()
  return redis.call('HGET', K_STATS, 'deleted')
end

-- A new epoch for a limit created now (microseconds, Redis time; ordered): permits granted under another epoch
-- were lost with Redis' data, unless the epoch is at or below the policy's floor (deleted by an operator).
local function new_epoch()
  local t = redis.call('TIME')
  return string.format('%d', tonumber(t[1]) * 1000000 + tonumber(t[2]))
end

-- HSET arguments that go with a policy created now: a new epoch and version and, over a tombstone, the floor (the
-- tombstone itself is removed: the limit starts with fresh counters).
-- The version ('ver', microseconds of Redis time, raised by every replace) orders a keyed limit's policies: each key
-- keeps a copy of the newest it was sent (see keyed_policy).
local function creation_args(args)
  local deleted = deleted_at()
  local epoch = new_epoch()
  args[#args + 1] = 'epoch'
  args[#args + 1] = epoch
  args[#args + 1] = 'ver'
  args[#args + 1] = epoch
  if deleted then
    args[#args + 1] = 'floor_epoch'
    args[#args + 1] = deleted
    redis.call('DEL', K_STATS)
  end
  return args
end

-- HSET arguments for a policy given as field/value pairs in ARGV[from..] (the parts' stored fields, from Java).
local function policy_args(from)
  local args = {}
  for i = from, #ARGV do
    args[#args + 1] = ARGV[i]
  end
  return args
end

-- A policy given as field/value pairs in ARGV[from..], read by the parts like a stored one.
local function given_policy(from)
  local f = {}
  for i = from, #ARGV - 1, 2 do
    f[ARGV[i]] = ARGV[i + 1]
  end
  local pol = { fair = f.fair == '1', keyed = f.keyed == '1', ver = tonumber(f.ver) or 0, parts = {} }
  for _, part in ipairs(PARTS) do
    part.load(f, pol)
  end
  return pol
end

