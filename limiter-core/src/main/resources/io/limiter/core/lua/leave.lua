-- Fair limits: a waiter gave up (timeout, cancel). Its ticket leaves the queue; if it was the head and there is
-- room, the next head's instance is woken.
-- ARGV: 1 ticket
-- Returns {1} if the ticket was queued, else {0}.
local now = now_ms()
local head = redis.call('ZRANGE', K_QUEUE, 0, 0)[1]
if not redis.call('ZSCORE', K_QUEUE, ARGV[1]) then
  return { 0 }
end
dequeue_ticket(ARGV[1])
if head == ARGV[1] then
  wake_new_head(now)
end
return { 1 }
