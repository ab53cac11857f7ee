-- Mark claimed sessions closed once their record is published.
-- ARGV: prefix, now_ms, retention_s, then per session: session_id, results_json
-- Returns one character per session: '1' finalised, '0' the claim had already
-- been finalised by another sweeper (its lease ran out and it was re-claimed).
local prefix, now, retention = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local out = {}
for i = 4, #ARGV, 2 do
  local sid, results = ARGV[i], ARGV[i + 1]
  local base = prefix .. ':{' .. sid .. '}:'
  if redis.call('ZREM', prefix .. ':closing', sid) == 1 then
    redis.call('HSET', base .. 'm', 'state', 'closed', 'closed_at', now)
    redis.call('HSET', base .. 'r', 'close', results)
    for _, suffix in ipairs({'m', 'e', 'i', 'r'}) do redis.call('EXPIRE', base .. suffix, retention) end
    redis.call('ZADD', prefix .. ':closed', now, sid)
    out[#out + 1] = '1'
  else
    out[#out + 1] = '0'
  end
end
redis.call('ZREMRANGEBYSCORE', prefix .. ':closed', '-inf', now - retention * 1000)
return table.concat(out)
