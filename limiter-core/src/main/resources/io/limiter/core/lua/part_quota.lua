-- Part "quota": at most `quota` units per calendar window (minute, hour, day, week or month) of a time zone, reset at
-- the window's end on Redis time.
-- Key: quota (hash: start, end (ms, Redis time), used), expiring after the window's end: an idle quota has no key.
-- Redis knows no time zone rules, so the client computes the window that contains Redis now from the zone's rules
-- (CalendarWindow in Java) and sends it with the call as "start:end:window:zone". The stored window wins while it
-- lasts (callers never move it); a sent one is taken only when none is live, and only if it contains now, names the
-- policy's window and zone, and has a length such a window can have. Otherwise the acquire is answered S_WINDOW
-- (nothing taken, nothing stored), and the client sends it again with the window for the Redis time of the answer.
local QUOTA_SPAN_MS = { minute = { 60000, 60000 }, hour = { 1800000, 5400000 }, day = { 79200000, 93600000 },
                        week = { 5 * 86400000, 8 * 86400000 }, month = { 27 * 86400000, 32 * 86400000 } }

-- The live window and its used count, into st (q_start, q_end, q_used), or st.q_need when the caller must send one.
local function quota_window(pol, st, now, sent)
  local q = redis.call('HMGET', K_QUOTA, 'start', 'end', 'used')
  local e = tonumber(q[2])
  if e and e > now then
    st.q_start, st.q_end, st.q_used = tonumber(q[1]), e, tonumber(q[3]) or 0
    return
  end
  local s2, e2, w, z = string.match(sent or '', '^(%d+):(%d+):([a-z]+):(.+)$')
  s2, e2 = tonumber(s2), tonumber(e2)
  local span = QUOTA_SPAN_MS[pol.window]
  if s2 and w == pol.window and z == pol.zone and s2 <= now and now < e2 and span and e2 - s2 >= span[1]
      and e2 - s2 <= span[2] then
    st.q_start, st.q_end, st.q_used = s2, e2, 0
  else
    st.q_need = true
  end
end

-- The quota's use now, for the admin's state: {used, window end ms} or {0, ''} when no window is live.
local function quota_state(now)
  local q = redis.call('HMGET', K_QUOTA, 'end', 'used')
  local e = tonumber(q[1])
  if e and e > now then
    return { tonumber(q[2]) or 0, e }
  end
  return { 0, '' }
end

PARTS[#PARTS + 1] = {
  name = 'quota',
  load = function(f, pol)
    pol.quota, pol.window, pol.zone = tonumber(f.quota), f.window, f.zone
    return pol.quota ~= nil
  end,
  max_weight = function(pol)
    return pol.quota
  end,
  check = function(pol, st, weight, now)
    if not st.q_end and not st.q_need then
      quota_window(pol, st, now, st.window_arg)
    end
    if st.q_need then
      return 0, 'window'
    end
    if st.q_used + weight > pol.quota then
      return math.max(1, math.ceil(st.q_end - now)), 'quota'
    end
    return 0
  end,
  commit = function(pol, st, weight, now)
    st.q_used = st.q_used + weight
    st.q_changed = true
    if pol.quota - st.q_used < 1 then
      return math.max(1, math.ceil(st.q_end - now))
    end
    return 0
  end,
  finish = function(pol, st, now)
    if st.q_changed then
      redis.call('HSET', K_QUOTA, 'start', string.format('%d', st.q_start), 'end', string.format('%d', st.q_end),
                 'used', st.q_used)
      redis.call('PEXPIREAT', K_QUOTA, st.q_end + 1000)
    end
  end,
  left = function(pol, st)
    if st.q_end then
      return pol.quota - st.q_used
    end
    return ''
  end,
}
