-- The index of a keyed limit's overrides, in its own slot: K_OVERRIDES (zset: key name -> 0, so in name order).
-- ARGV: 1 'add' (2 key name, 3 the most allowed) | 'remove' (2 key name) | 'page' (2 after this key name, '' from
--       the start; 3 how many)
-- Returns add: {1 added or there already | 0 refused: the index is full}; remove: {1 | 0}; page: {{names...}, total}
local op = ARGV[1]
if op == 'add' then
  if redis.call('ZSCORE', K_OVERRIDES, ARGV[2]) then
    return { 1 }
  end
  if redis.call('ZCARD', K_OVERRIDES) >= tonumber(ARGV[3]) then
    return { 0 }
  end
  redis.call('ZADD', K_OVERRIDES, 0, ARGV[2])
  return { 1 }
elseif op == 'remove' then
  return { redis.call('ZREM', K_OVERRIDES, ARGV[2]) }
end
local from = ARGV[2] == '' and '-' or '(' .. ARGV[2]
return { redis.call('ZRANGEBYLEX', K_OVERRIDES, from, '+', 'LIMIT', 0, tonumber(ARGV[3])),
         redis.call('ZCARD', K_OVERRIDES) }
