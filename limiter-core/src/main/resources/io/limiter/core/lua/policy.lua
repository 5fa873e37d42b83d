-- Read a limit's policy as stored, for a client that sends it with the calls about the keys of a keyed limit.
-- Returns {policy (flat field/value list; {} if not defined), when an operator deleted it ('' if not)}
return { redis.call('HGETALL', K_POLICY), deleted_at() or '' }
