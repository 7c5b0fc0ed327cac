"""The Lua scripts of the Redis store: each write is one script, so Redis runs it whole or not at
all, and no other client sees half of it (a record without its index, a delete that left
sub-resources behind).

Keys, for one API in one session (`B` = `{prefix}:{session}:{api}`, names quoted so that a `:`
in them cannot make two of them meet):

- `B:rec`             hash: item path -> `{revision}|{json}` (record and generated values)
- `B:seq`             counter giving each new record its place in its collection
- `B:kids:{coll}`     sorted set: the item paths directly under a collection, by `B:seq`
- `B:below:{path}`    set: the collection paths directly under a path (what a delete drops)
- `B:top`             hash: collection -> the highest integer id seen or issued there
- `B:issued:{coll}`   set: string ids issued in a collection (never given out again)
- `B:keys`            set: every key above, so that a session can be expired, reset or ended

and for the session (`S` = `{prefix}:{session}`): `S:seeded`, set once the seed data is in,
and `S:apis`, the `B` of each API it holds. A record's JSON is never decoded in Lua: Lua's
numbers would round large integers.
"""

from __future__ import annotations

_PRELUDE = """
-- a key noted among its API's keys; with a TTL the list outlives every key it lists
local function keep(B, ttl, key)
  redis.call('SADD', B .. ':keys', key)
  if ttl > 0 then
    redis.call('PEXPIRE', key, ttl)
    redis.call('PEXPIRE', B .. ':keys', ttl)
  end
end

local function revision(value)
  if not value then return 0 end
  return tonumber(string.match(value, '^(%d+)|'))
end

-- digit strings compared as numbers of any size
local function greater(a, b)
  a = string.gsub(a, '^0+', '')
  b = string.gsub(b, '^0+', '')
  if #a ~= #b then return #a > #b end
  return a > b
end

local function raise_top(B, ttl, collection, identifier)
  if string.match(identifier, '^%d+$') then
    local top = redis.call('HGET', B .. ':top', collection) or '0'
    if greater(identifier, top) then
      redis.call('HSET', B .. ':top', collection, identifier)
      keep(B, ttl, B .. ':top')
    end
  end
end

local function link(B, ttl, collection)
  while collection ~= '' do
    local parent = string.match(collection, '^(.*)/[^/]*$') or ''
    local below = B .. ':below:' .. parent
    if redis.call('SADD', below, collection) == 0 then return end
    keep(B, ttl, below)
    collection = parent
  end
end

local function put(B, ttl, path, value, own)
  local collection, identifier = string.match(path, '^(.*)/([^/]*)$')
  if not collection then collection, identifier = '', path end
  local rec = B .. ':rec'
  if redis.call('HSET', rec, path, value) == 1 then
    local kids = B .. ':kids:' .. collection
    redis.call('ZADD', kids, redis.call('INCR', B .. ':seq'), path)
    keep(B, ttl, kids)
    keep(B, ttl, B .. ':seq')
    link(B, ttl, collection)
    raise_top(B, ttl, collection, identifier)
    if own ~= '' then raise_top(B, ttl, collection .. '#id', own) end
  end
  keep(B, ttl, rec)
end

local function drop_below(B, path)
  local rec = B .. ':rec'
  local below = B .. ':below:' .. path
  local collections = redis.call('SMEMBERS', below)
  table.insert(collections, path)
  for _, collection in ipairs(collections) do
    local kids = B .. ':kids:' .. collection
    for _, child in ipairs(redis.call('ZRANGE', kids, 0, -1)) do
      redis.call('HDEL', rec, child)
      drop_below(B, child)
    end
    redis.call('DEL', kids)
    if collection ~= path then drop_below(B, collection) end
  end
  redis.call('DEL', below)
end

local function wipe(B, keep_ids)
  for _, key in ipairs(redis.call('SMEMBERS', B .. ':keys')) do
    local is_id = key == B .. ':top' or string.sub(key, 1, #B + 8) == B .. ':issued:'
    if not (keep_ids and is_id) then
      redis.call('DEL', key)
      redis.call('SREM', B .. ':keys', key)
    end
  end
end
"""

# ARGV: B, ttl (ms, 0 for none), path, revision read ('' for any), value, own integer id or '',
# S. The new revision; 0 when the record is not at the revision read (another writer was first);
# -1 when the session is not seeded (ended or expired since this process checked it, or a Redis
# that restarted empty): written, the record would be wiped by the seeding that follows.
WRITE = (
    _PRELUDE
    + """
local B, ttl, path, expected = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
if redis.call('EXISTS', ARGV[7] .. ':seeded') == 0 then return -1 end
local current = revision(redis.call('HGET', B .. ':rec', path))
if expected ~= '' and tonumber(expected) ~= current then return 0 end
local next = current + 1
put(B, ttl, path, next .. '|' .. ARGV[5], ARGV[6])
return next
"""
)

# ARGV: B, path, revision read ('' for any). 1 deleted, 0 nothing there, -1 changed since read.
DELETE = (
    _PRELUDE
    + """
local B, path, expected = ARGV[1], ARGV[2], ARGV[3]
local current = revision(redis.call('HGET', B .. ':rec', path))
if expected ~= '' and tonumber(expected) ~= current then return -1 end
if current == 0 then return 0 end
redis.call('HDEL', B .. ':rec', path)
local collection = string.match(path, '^(.*)/[^/]*$') or ''
redis.call('ZREM', B .. ':kids:' .. collection, path)
drop_below(B, path)
return 1
"""
)

# ARGV: B, ttl, collection, identifier. Notes an id as issued: an integer one raises the top.
ISSUE = (
    _PRELUDE
    + """
local B, ttl, collection, identifier = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
if string.match(identifier, '^%d+$') then
  raise_top(B, ttl, collection, identifier)
else
  local issued = B .. ':issued:' .. collection
  redis.call('SADD', issued, identifier)
  keep(B, ttl, issued)
end
return 1
"""
)

# ARGV: S, ttl, mode ('first', 'all' or 'api'), B of the API reset ('' unless 'api'), then
# (B, path, value, own) for each seed record, after one (B, '', '', '') for each API served.
# 'first' seeds only a session not seeded yet (and wipes what an expired one left: its keys
# lists outlive the keys); 'all' starts the session again; 'api' one API, whose issued ids stay
# issued. 1 when seeded, 0 when 'first' found the session seeded already.
SEED = (
    _PRELUDE
    + """
local S, ttl, mode, only = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local marker = S .. ':seeded'
if mode == 'first' then
  if not redis.call('SET', marker, '1', 'NX') then return 0 end
else
  redis.call('SET', marker, '1')
end
if ttl > 0 then redis.call('PEXPIRE', marker, ttl) else redis.call('PERSIST', marker) end
for i = 5, #ARGV, 4 do
  local B = ARGV[i]
  if ARGV[i + 1] == '' then
    redis.call('SADD', S .. ':apis', B)
    if mode ~= 'api' then wipe(B, false) elseif B == only then wipe(B, true) end
  elseif mode ~= 'api' or B == only then
    put(B, ttl, ARGV[i + 1], '1|' .. ARGV[i + 2], ARGV[i + 3])
  end
end
if ttl > 0 then redis.call('PEXPIRE', S .. ':apis', ttl) end
return 1
"""
)

# ARGV: S, ttl. 1 and every key of the session given `ttl` again; 0 when it is not seeded.
TOUCH = (
    _PRELUDE
    + """
local S, ttl = ARGV[1], tonumber(ARGV[2])
if redis.call('EXISTS', S .. ':seeded') == 0 then return 0 end
if ttl > 0 then
  redis.call('PEXPIRE', S .. ':seeded', ttl)
  redis.call('PEXPIRE', S .. ':apis', ttl)
  for _, B in ipairs(redis.call('SMEMBERS', S .. ':apis')) do
    redis.call('PEXPIRE', B .. ':keys', ttl)
    for _, key in ipairs(redis.call('SMEMBERS', B .. ':keys')) do
      redis.call('PEXPIRE', key, ttl)
    end
  end
end
return 1
"""
)

# ARGV: S. Drops every key of the session; 1 when it was there.
END = (
    _PRELUDE
    + """
local S = ARGV[1]
for _, B in ipairs(redis.call('SMEMBERS', S .. ':apis')) do
  wipe(B, false)
  redis.call('DEL', B .. ':keys')
end
redis.call('DEL', S .. ':apis')
return redis.call('DEL', S .. ':seeded')
"""
)
