import { RedisScript } from '../common/redis-script';

/**
 * Sliding-window counters for several windows of one tracker, checked and counted atomically
 * in one call. Each window keeps the count of the current and the previous fixed window; the
 * estimate weighs the previous by how much of it still overlaps. A request is counted only
 * when every window admits it, so refused requests do not use up the quota.
 *
 * KEYS[1]: the tracker's base key (its hash tag routes the call; the window keys extend it).
 * ARGV: limit, window ms, … per window. Returns allowed (1/0), then used and reset ms per window.
 */
export const HIT_WINDOWS = new RedisScript<number[]>(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = #ARGV / 2
local keys, used, reset, limits, wins = {}, {}, {}, {}, {}
local allowed = 1
for i = 1, n do
  local limit, win = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
  local idx = math.floor(now / win)
  local elapsed = now - idx * win
  local cur = KEYS[1] .. ':' .. win .. ':' .. idx
  local c = tonumber(redis.call('GET', cur) or '0')
  local p = tonumber(redis.call('GET', KEYS[1] .. ':' .. win .. ':' .. (idx - 1)) or '0')
  keys[i], limits[i], wins[i] = cur, limit, win
  used[i] = p * (win - elapsed) / win + c
  reset[i] = win - elapsed
  if used[i] + 1 > limit then allowed = 0 end
end
local out = { allowed }
for i = 1, n do
  if allowed == 1 then
    redis.call('INCR', keys[i])
    redis.call('PEXPIRE', keys[i], 2 * wins[i])
    used[i] = used[i] + 1
  end
  out[#out + 1] = math.ceil(used[i])
  out[#out + 1] = reset[i]
end
return out`);
