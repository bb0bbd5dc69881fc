import { RedisScript } from '../../common/redis-script';

/*
 * Every script touches only keys under one user's hash tag ({u:<id>}), so each is atomic on
 * a Redis Cluster too. ARGV carries the session-key base for the sessions named in the set.
 */

/**
 * Lua shared by the scripts that start a session (KEYS[2] is the user set): members whose
 * session already ended are dropped, the new one is added, then the oldest are ended until at
 * most `max` remain. Appends the ids of sessions ended or found gone to the table `gone`.
 */
const ADMIT_TO_USER_SET = `
for _, m in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if redis.call('EXISTS', base .. m) == 0 then
    redis.call('ZREM', KEYS[2], m)
    gone[#gone + 1] = m
  end
end
redis.call('ZADD', KEYS[2], now, sid)
while redis.call('ZCARD', KEYS[2]) > max do
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  redis.call('ZREM', KEYS[2], oldest)
  redis.call('DEL', base .. oldest)
  gone[#gone + 1] = oldest
end
if redis.call('PTTL', KEYS[2]) < setTtl then redis.call('PEXPIRE', KEYS[2], setTtl) end`;

/**
 * Creates a session and keeps the user's set to the limit.
 * KEYS: session, user set. ARGV: sid, now, key ttl ms, max, session-key base, set ttl ms, fields…
 * Returns the ids of sessions that were ended or found gone.
 */
export const CREATE_SESSION = new RedisScript<string[]>(`
local sid, now, pttl, max, base, setTtl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
local fields = {}
for i = 7, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('PEXPIRE', KEYS[1], pttl)
local gone = {}
${ADMIT_TO_USER_SET}
return gone`);

/**
 * Refresh: claims the old session and starts its successor in one step, so of any number of
 * refreshes with one token exactly one finds the old session and the others find it gone. The
 * successor keeps the old session's user, roles, permissions and absolute end.
 * KEYS: new session, user set, old session. ARGV: sid, now, idle ms, max, session-key base,
 * set ttl ms, old sid, user id, fields… (those that are new: id, times, ip, agent).
 * Returns nil when the old session is gone, else [expiresAt, username, roles json, gone…].
 */
export const ROTATE_SESSION = new RedisScript<string[] | null>(`
local sid, now, idle, max, base, setTtl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
local old = redis.call('HMGET', KEYS[3], 'userId', 'username', 'roles', 'permissions', 'securityLevel', 'expiresAt')
if not old[1] or old[1] ~= ARGV[8] or tonumber(old[6]) <= now then return nil end
redis.call('DEL', KEYS[3])
redis.call('ZREM', KEYS[2], ARGV[7])
local fields = { 'userId', old[1], 'username', old[2], 'roles', old[3], 'permissions', old[4], 'securityLevel', old[5], 'expiresAt', old[6] }
for i = 9, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('PEXPIRE', KEYS[1], math.min(idle, tonumber(old[6]) - now))
local gone = { ARGV[7] }
${ADMIT_TO_USER_SET}
local result = { old[6], old[2], old[3] }
for _, g in ipairs(gone) do result[#result + 1] = g end
return result`);

/**
 * The per-request check: the session exists, belongs to the token's subject and has not
 * passed its absolute end (a session found past its end is deleted). It writes nothing else:
 * whether the request is activity is known only once the pipeline has accepted it (TOUCH_SESSION).
 * KEYS: session. ARGV: user id, now. Returns [username, roles json, expiresAt, lastSeenAt] or nil.
 */
export const CHECK_SESSION = new RedisScript<[string, string, string, string] | null>(`
local s = redis.call('HMGET', KEYS[1], 'userId', 'username', 'roles', 'expiresAt', 'lastSeenAt')
if not s[1] or s[1] ~= ARGV[1] then return nil end
if tonumber(s[4]) <= tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[1])
  return nil
end
return { s[2], s[3], s[4], s[5] }`);

/**
 * Records a request as the session's activity: last seen, and the idle expiry renewed (never
 * past the session's end). A session that has ended is not brought back, and a later activity
 * recorded meanwhile (another instance) is not moved back.
 * KEYS: session. ARGV: user id, now, idle ms. Returns 1 if the session is live.
 */
export const TOUCH_SESSION = new RedisScript<number>(`
local s = redis.call('HMGET', KEYS[1], 'userId', 'expiresAt', 'lastSeenAt')
if not s[1] or s[1] ~= ARGV[1] then return 0 end
local now, idle, expires = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(s[2])
if expires <= now then return 0 end
if tonumber(s[3]) >= now then return 1 end
redis.call('HSET', KEYS[1], 'lastSeenAt', ARGV[2])
redis.call('PEXPIRE', KEYS[1], math.min(idle, expires - now))
return 1`);

/** KEYS: session, user set. ARGV: sid. Returns 1 if the session existed. */
export const END_SESSION = new RedisScript<number>(`
redis.call('ZREM', KEYS[2], ARGV[1])
return redis.call('DEL', KEYS[1])`);

/**
 * KEYS: user set. ARGV: session-key base. Ends every session of the user; returns how many
 * keys were still there and every id of the set.
 */
export const END_USER_SESSIONS = new RedisScript<[number, string[]]>(`
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local ended = 0
for _, m in ipairs(ids) do ended = ended + redis.call('DEL', ARGV[1] .. m) end
redis.call('DEL', KEYS[1])
return {ended, ids}`);

/** KEYS: user set. ARGV: session-key base, roles json. Role changes apply to live sessions. */
export const SET_SESSION_ROLES = new RedisScript<number>(`
local n = 0
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if redis.call('EXISTS', ARGV[1] .. m) == 1 then
    redis.call('HSET', ARGV[1] .. m, 'roles', ARGV[2])
    n = n + 1
  end
end
return n`);
