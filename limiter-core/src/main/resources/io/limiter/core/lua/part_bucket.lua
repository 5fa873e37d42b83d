-- Part "rate": a token bucket of `burst` tokens refilled at `rate` per `period_ms`.
-- Key: bucket (hash: tokens, ts; a missing bucket is full).
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


PARTS[#PARTS + 1] = {
  name = 'rate',
  load = function(f, pol)
    pol.rate, pol.period_ms, pol.burst = tonumber(f.rate), tonumber(f.period_ms), tonumber(f.burst)
    return pol.rate ~= nil
  end,
  max_weight = function(pol)
    return pol.burst
  end,
  check = function(pol, st, weight, now)
    if not st.tokens then
      st.tokens = current_tokens(pol, now)
    end
    if st.tokens + EPSILON < weight then
      return ms_to_tokens(pol, st.tokens, weight), 'tokens'
    end
    return 0
  end,
  commit = function(pol, st, weight, now)
    st.tokens = math.max(0, st.tokens - weight)
    st.tokens_changed = true
    if st.tokens + EPSILON < 1 then
      return ms_to_tokens(pol, st.tokens, 1)
    end
    return 0
  end,
  finish = function(pol, st, now)
    if st.tokens_changed then
      store_tokens(pol, st.tokens, now)
    end
  end,
  left = function(pol, st)
    return st.tokens and fmt(st.tokens) or ''
  end,
}
