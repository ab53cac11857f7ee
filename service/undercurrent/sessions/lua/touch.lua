-- Count input partitions as active now: refresh the wall time of their watermarks, keeping the event
-- time. Partitions without a watermark yet are left alone.
-- ARGV: prefix, now_ms, then topic/partition names.
local marks, now = ARGV[1] .. ':wm', ARGV[2]
for i = 3, #ARGV do
  local current = redis.call('HGET', marks, ARGV[i])
  if current then
    redis.call('HSET', marks, ARGV[i], string.match(current, '^(%d+)') .. ':' .. now)
  end
end
return 0
