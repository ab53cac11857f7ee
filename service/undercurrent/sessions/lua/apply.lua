-- Apply a batch of events to their sessions in one round trip.
-- KEYS: the close index (deadlines zset) and the watermarks hash of the sessions' shard.
-- ARGV: key head, key tail (a session's keys are head .. session_id .. tail .. suffix), now_ms,
-- open_ttl_s, n_marks, then n_marks pairs (topic/partition, max event ms) that advance the
-- watermarks, then two values for the events: a msgpack array of 7 fields per event
--   session_id, event_id, ts_ms, kind ('t' turn, 'e' session_end, 'b' other), idle_ms, max_ms, payload bytes
-- and the events' payloads (their JSON) end to end, in the same order.
-- Returns one character per event: '0' accepted, '1' duplicate, '2' late.
-- Event times are at most the caller's future-skew limit ahead of now_ms: later events are
-- dead-lettered before they get here, so they can neither hold a session open nor push a watermark.
local deadlines, marks = KEYS[1], KEYS[2]
local head, tail, now, open_ttl = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local n_marks = tonumber(ARGV[5])
for i = 6, 5 + 2 * n_marks, 2 do
  local ts = tonumber(ARGV[i + 1])
  local current = redis.call('HGET', marks, ARGV[i])
  if current then ts = math.max(ts, tonumber(string.match(current, '^(%d+)'))) end
  redis.call('HSET', marks, ARGV[i], ts .. ':' .. now)
end
local fields, payloads = cmsgpack.unpack(ARGV[6 + 2 * n_marks]), ARGV[7 + 2 * n_marks]
local at = 1
local out = {}
for i = 1, #fields, 7 do
  local sid, eid, ts, kind = fields[i], fields[i + 1], fields[i + 2], fields[i + 3]
  local idle, maxd, size = fields[i + 4], fields[i + 5], fields[i + 6]
  local payload = string.sub(payloads, at, at + size - 1)
  at = at + size
  local base = head .. sid .. tail
  local meta, evs = base .. 'm', base .. 'e'
  if redis.call('SADD', base .. 'i', eid) == 0 then
    out[#out + 1] = '1'
  else
    local state = redis.call('HGET', meta, 'state')
    if state == 'closing' or state == 'closed' then
      redis.call('RPUSH', evs, 'L' .. payload)
      redis.call('HINCRBY', meta, 'late', 1)
      out[#out + 1] = '2'
    else
      local first, last, ended
      if not state then
        first, last, ended = ts, ts, 0
        redis.call('HSET', meta, 'state', 'open', 'first', ts, 'last', ts, 'idle', idle, 'max', maxd, 'ended', 0)
        redis.call('EXPIRE', meta, open_ttl)
        redis.call('EXPIRE', base .. 'i', open_ttl)
      else
        local m = redis.call('HMGET', meta, 'first', 'last', 'ended')
        first, last, ended = math.min(tonumber(m[1]), ts), math.max(tonumber(m[2]), ts), tonumber(m[3])
        redis.call('HSET', meta, 'first', first, 'last', last)
      end
      if kind == 'e' then
        ended = ts
        redis.call('HSET', meta, 'ended', ts)
      end
      if redis.call('RPUSH', evs, 'A' .. payload) == 1 then
        redis.call('EXPIRE', evs, open_ttl)
      end
      redis.call('HSET', meta, 'wall', now)
      local deadline = math.min(last + idle, first + maxd, now + idle + maxd)
      if ended > 0 then deadline = ended end
      redis.call('ZADD', deadlines, deadline, sid)
      out[#out + 1] = '0'
    end
  end
end
return table.concat(out)
