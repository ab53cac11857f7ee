-- Count input partitions as active now: refresh the wall time of their watermarks, keeping the event
-- time. Partitions without a watermark yet are left alone; with no names given, every partition is.
-- KEYS: the watermarks hash. ARGV: now_ms, then topic/partition names (optional).
local marks, now = KEYS[1], ARGV[1]
local names = {}
if #ARGV > 1 then
  for i = 2, #ARGV do names[#names + 1] = ARGV[i] end
else
  names = redis.call('HKEYS', marks)
end
for _, name in ipairs(names) do
  local current = redis.call('HGET', marks, name)
  if current then
    redis.call('HSET', marks, name, string.match(current, '^(%d+)') .. ':' .. now)
  end
end
return 0
