-- Health check: proves scripts run. Not a limit script: no prelude. Returns {now_ms}.
local t = redis.call('TIME')
return { tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) }
