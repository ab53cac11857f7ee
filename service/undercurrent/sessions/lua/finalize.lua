-- Mark claimed sessions of one shard closed once their record is published.
-- KEYS: the shard's closing and closed zsets.
-- ARGV: key head, key tail, now_ms, retention_s, then per session: session_id, results_json
-- Returns one character per session: '1' finalised, '0' the claim had already
-- been finalised by another sweeper (its lease ran out and it was re-claimed).
local closing, closed = KEYS[1], KEYS[2]
local head, tail, now, retention = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local out = {}
for i = 5, #ARGV, 2 do
  local sid, results = ARGV[i], ARGV[i + 1]
  local base = head .. sid .. tail
  if redis.call('ZREM', closing, sid) == 1 then
    redis.call('HSET', base .. 'm', 'state', 'closed', 'closed_at', now)
    redis.call('HSET', base .. 'r', 'close', results)
    for _, suffix in ipairs({'m', 'e', 'i', 'r'}) do redis.call('EXPIRE', base .. suffix, retention) end
    redis.call('ZADD', closed, now, sid)
    out[#out + 1] = '1'
  else
    out[#out + 1] = '0'
  end
end
redis.call('ZREMRANGEBYSCORE', closed, '-inf', now - retention * 1000)
return table.concat(out)
