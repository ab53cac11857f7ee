-- Claim sessions of one shard that are due to close; each claim is atomic, so a
-- session is handed to exactly one sweeper. Claims carry a lease: one not
-- finalised before the lease ends (the claimant died) is handed out again.
--
-- Due means: the session's event-time deadline (last event + idle, first event +
-- max duration, or the explicit end) is behind the watermark, and no event of
-- it arrived in the last grace_ms of wall time. The watermark is the lowest
-- event time reached by the input partitions that saw traffic in the last
-- quiet_ms of wall time, so a lagging partition holds closes back until it
-- catches up; with no active partition it is the wall clock.
-- KEYS: the shard's deadlines and closing zsets, then its watermarks hash, or none: then the caller
-- read every shard's watermarks and passes the watermark as the last ARGV.
-- ARGV: key head, key tail, now_ms, grace_ms, limit, lease_ms, quiet_ms[, watermark]
-- Returns a flat list: session_id, reason, session_id, reason, ...
local deadlines, closing = KEYS[1], KEYS[2]
local head, tail, now, grace = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local limit, lease, quiet = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local wm = tonumber(ARGV[8])
if KEYS[3] then
  local marks = redis.call('HGETALL', KEYS[3])
  for i = 2, #marks, 2 do
    local ts, wall = string.match(marks[i], '^(%d+):(%d+)$')
    if tonumber(wall) + quiet > now and (wm == nil or tonumber(ts) < wm) then wm = tonumber(ts) end
  end
  if wm == nil then wm = now end
end
local out = {}
for _, sid in ipairs(redis.call('ZRANGEBYSCORE', closing, '-inf', now, 'LIMIT', 0, limit)) do
  redis.call('ZADD', closing, now + lease, sid)
  out[#out + 1] = sid
  out[#out + 1] = redis.call('HGET', head .. sid .. tail .. 'm', 'reason') or 'idle'
end
for _, sid in ipairs(redis.call('ZRANGEBYSCORE', deadlines, '-inf', wm, 'LIMIT', 0, limit)) do
  local meta = head .. sid .. tail .. 'm'
  local m = redis.call('HMGET', meta, 'wall', 'ended', 'first', 'last', 'idle', 'max')
  if m[1] == false then
    redis.call('ZREM', deadlines, sid)
  elseif tonumber(m[1]) + grace <= now then
    local reason = 'idle'
    if m[2] ~= '0' then
      reason = 'end'
    elseif tonumber(m[3]) + tonumber(m[6]) <= tonumber(m[4]) + tonumber(m[5]) then
      reason = 'max_duration'
    end
    redis.call('ZREM', deadlines, sid)
    redis.call('ZADD', closing, now + lease, sid)
    redis.call('HSET', meta, 'state', 'closing', 'reason', reason)
    out[#out + 1] = sid
    out[#out + 1] = reason
  end
end
return out
