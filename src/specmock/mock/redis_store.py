"""The Redis store: every session's records in a Redis (or Valkey) server that several specmock
processes share, with the in-memory store's semantics.

Each write is one Lua script (`redis_scripts`) that checks the record is still at the revision
the action read (or still absent) before it writes record and indexes together: an optimistic,
checked transaction. When another process wrote first the script refuses and `StoreConflict`
tells the caller to run the action again on what is stored now. Integer ids come from `HINCRBY`
(never reused); string ids are drawn at random and kept in a set of issued ids.

Sessions other than the default one expire after `session_ttl` seconds idle: every key a
session owns is given that TTL, renewed (one script over the session's key list) at most every
tenth of it while the session is used, so Redis frees an idle session by itself with no sweeper
process. The default session never expires, as in memory.

A store that cannot be reached or does not answer within the socket timeout raises `StoreFault`
naming the store and what failed; redis-py's pool connects again on the next call.

On the request path the store's work runs under `greenlets.spawn`: every command is then sent
on the running event loop's `redis_wire.Wire`, which pipelines the commands of all requests in
flight, and awaited there; so a request waiting on Redis holds no other request, with neither a
worker thread nor a blocking wait on the loop. Called anywhere else (tests, a script), the same
methods use redis-py's blocking client.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import redis
import redis.exceptions

from specmock import greenlets
from specmock.config import DEFAULT_SESSION_TTL
from specmock.digits import is_digits
from specmock.mock import redis_scripts
from specmock.mock.redis_wire import Command, Wire
from specmock.mock.server_fields import ServerFields
from specmock.mock.storage import (
    Address,
    Seed,
    StoreConflict,
    StoredRecord,
    StoreFault,
)
from specmock.mock.store import _is_numeric_schema, new_id

DEFAULT_PREFIX = "specmock"
DEFAULT_TIMEOUT = 1.0  # seconds a call may wait on Redis before the request gets its 503
_OWN_IDS = "#id"  # as in `store`: a collection's counter for the `id` fields its paths do not name
_DECODED = 10_000  # records kept decoded per process
_GONE = "deleted singletons"  # as `actions` notes them on an item: kept in Redis, not the record
_UNSAVED = frozenset({_GONE})  # generated values not written with the record


def check_url(url: str) -> str:
    """`url` when redis-py can connect with it (`redis://host:port/db`, `rediss://`,
    `unix://`), else ValueError saying what is wrong."""
    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise ValueError(
            f"{url!r} is not a store: 'memory', or a Redis URL such as redis://127.0.0.1:6379/0"
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it checks it
        redis.connection.parse_url(url)  # type: ignore[no-untyped-call]
    except ValueError as error:
        raise ValueError(f"{url!r} is not a Redis URL: {error}") from None
    if parts.scheme == "unix" and parts.path.strip("/") == "":
        # (redis-py takes `unix://` and `unix://redis.sock` and then dials localhost:6379)
        raise ValueError(
            f"{url!r} is not a Redis URL: a unix:// URL names the socket by its absolute path,"
            " as unix:///run/redis/redis.sock?db=0"
        )
    database = parts.path.strip("/")
    if parts.scheme != "unix" and database and not database.isdigit():
        raise ValueError(f"{url!r} is not a Redis URL: the database {database!r} is no number")
    return url


def shown(url: str) -> str:
    """A store URL as messages show it: without a password."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


class _Scripts:
    """The store's scripts, loaded by SHA and again when Redis answers NOSCRIPT (a restart)."""

    def __init__(self, client: redis.Redis) -> None:
        self.write = client.register_script(redis_scripts.WRITE)
        self.delete = client.register_script(redis_scripts.DELETE)
        self.issue = client.register_script(redis_scripts.ISSUE)
        self.seed = client.register_script(redis_scripts.SEED)
        self.touch = client.register_script(redis_scripts.TOUCH)
        self.end = client.register_script(redis_scripts.END)


class RedisStore:
    """Every session's records in one Redis database, under `prefix`."""

    remote = True

    def __init__(
        self,
        url: str,
        seed: Seed | None = None,
        prefix: str = DEFAULT_PREFIX,
        session_ttl: float = DEFAULT_SESSION_TTL,
        populate: Callable[[], Seed] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = shown(check_url(url))
        self.seed: dict[str, dict[str, dict[str, Any]]] = {
            api: dict(records) for api, records in (seed or {}).items()
        }
        self._populate = populate
        self.prefix, self.session_ttl, self._clock = prefix, session_ttl, clock
        self._url = url
        self.client = redis.Redis.from_url(url, **_SETTINGS)
        self.scripts = _Scripts(self.client)
        # the running event loop's connection, made on first use in that loop
        self._looped: tuple[asyncio.AbstractEventLoop, Wire] | None = None
        self._checked: dict[str, float] = {}  # session -> when this process last renewed it
        self._bases: dict[tuple[str, str], str] = {}
        # Records as last decoded here, by key and item path, with the text they came from: a
        # read of the same text reuses the record and the answers kept with it (made once per
        # revision, as in memory) instead of decoding and conforming it again.
        self._decoded: dict[tuple[str, str], tuple[str, StoredRecord]] = {}

    def decoded(self, base: str, path: str, value: str) -> StoredRecord:
        """The record stored as `value`, decoded once per text."""
        kept = self._decoded.get((base, path))
        if kept is not None and kept[0] == value:
            return kept[1]
        stored = _decode(value)
        self.remember(base, path, value, stored)
        return stored

    def remember(self, base: str, path: str, value: str, stored: StoredRecord) -> None:
        if len(self._decoded) >= _DECODED:
            self._decoded.clear()  # simpler than an LRU, and safe from several threads
        self._decoded[(base, path)] = (value, stored)

    def call(self, *command: str | int) -> Any:
        """Redis's reply to `command`: awaited on the event loop under `greenlets.spawn`, else
        from the blocking client (shaped as redis-py shapes it: HGETALL a dict, SCAN a pair)."""
        if not greenlets.inside():
            return self.client.execute_command(*command)  # type: ignore[no-untyped-call]
        reply = greenlets.wait(self._wire().call(*command))
        shape = _SHAPES.get(str(command[0]))
        return shape(reply) if shape is not None else reply

    def script(self, name: str, args: list[Any]) -> Any:
        """The reply of one of the store's scripts (`redis_scripts`), sent as `call` sends."""
        script = getattr(self.scripts, name)
        if not greenlets.inside():
            return script(args=args)
        wire = self._wire()
        try:
            return greenlets.wait(wire.call("EVALSHA", script.sha, 0, *args))
        except redis.exceptions.NoScriptError:  # a Redis restarted since: load it again
            greenlets.wait(wire.call("SCRIPT", "LOAD", script.script))
            return greenlets.wait(wire.call("EVALSHA", script.sha, 0, *args))

    def transaction(self, commands: list[Command]) -> None:
        """`commands` run as one transaction (MULTI/EXEC)."""
        if greenlets.inside():
            greenlets.wait(self._wire().transaction(commands))
            return
        pipe = self.client.pipeline(transaction=True)
        for command in commands:
            pipe.execute_command(*command)  # type: ignore[no-untyped-call]
        pipe.execute()

    def _wire(self) -> Wire:
        loop = asyncio.get_running_loop()
        looped = self._looped
        if looped is None or looped[0] is not loop:  # (a connection serves one loop)
            looped = self._looped = (loop, Wire(self._url, DEFAULT_TIMEOUT))
        return looped[1]

    def unanswered(self) -> str | None:
        """Why the store does not answer a PING now, else None: `serve` warns at startup,
        where a wrong password or database would otherwise show only as every request's 503.
        (Its connection is closed again: forked workers must not share it.)"""
        try:
            self.client.ping()
        except redis.RedisError as error:
            return str(self.fault(error))
        finally:
            self.client.connection_pool.disconnect()
        return None

    def fault(self, error: redis.RedisError) -> StoreFault:
        if isinstance(error, redis.TimeoutError):
            return StoreFault(self.name, f"no answer within the timeout ({error})")
        return StoreFault(self.name, str(error) or type(error).__name__)

    def base(self, session: str, api: str) -> str:
        """The key every key of `api`'s records in `session` starts with (kept: it is asked for
        on every command)."""
        found = self._bases.get((session, api))
        if found is None:
            if len(self._bases) >= _DECODED:
                self._bases.clear()
            found = self._bases[(session, api)] = (
                f"{self.session_key(session)}:{quote(api, safe='')}"
            )
        return found

    def session_key(self, session: str) -> str:
        return f"{self.prefix}:{quote(session, safe='')}"

    def ttl_ms(self, session: str) -> int:
        return 0 if session == "" else max(1, int(self.session_ttl * 1000))

    def session(self, name: str = "") -> RedisSession:
        """A session's records (one object per request: it notes the revisions it read),
        seeded on first use by whichever process comes first."""
        now = self._clock()
        interval = min(1.0, self.session_ttl / 10)
        checked = now - self._checked.get(name, -interval) >= interval
        if checked:
            try:
                key, ttl = self.session_key(name), self.ttl_ms(name)
                if not self.script("touch", [key, ttl]):
                    self._seed(name, "first")
            except redis.RedisError as error:
                raise self.fault(error) from error
            self._checked[name] = now
        return RedisSession(self, name, seeded=checked)

    def reseeded(self, name: str) -> bool:
        """Whether the session was found without its seed data, and seeded again. This process
        checks a session at most every `interval`; meanwhile another may end it, or Redis may
        restart empty: a read that finds nothing asks this, so it does not answer 404 for a
        seeded record."""
        if self.call("EXISTS", self.session_key(name) + ":seeded"):
            return False
        self._seed(name, "first")
        self._checked[name] = self._clock()
        return True

    def reset(self, session: str = "", api: str | None = None) -> None:
        """Back to the seed data: one API (its issued ids stay issued) or all, in one session."""
        try:
            self._seed(session, "all" if api is None else "api", api)
        except redis.RedisError as error:
            raise self.fault(error) from error
        self._checked[session] = self._clock()

    def end(self, name: str) -> bool:
        """Forget a session; its next use starts again from the seed data."""
        self._checked.pop(name, None)
        try:
            return bool(self.script("end", [self.session_key(name)]))
        except redis.RedisError as error:
            raise self.fault(error) from error

    def _seed(self, session: str, mode: str, api: str | None = None) -> None:
        if self._populate is not None:
            for name, records in self._populate().items():
                self.seed[name] = {**records, **self.seed.get(name, {})}
            self._populate = None
        only = self.base(session, api) if api is not None else ""
        args: list[Any] = [self.session_key(session), self.ttl_ms(session), mode, only]
        for name in self.seed:
            args += [self.base(session, name), "", "", ""]
        for name, records in self.seed.items():
            base = self.base(session, name)
            for path, record in records.items():
                args += [base, path, _encode(record, None), _own(record)]
        self.script("seed", args)

    def session_names(self, limit: int) -> list[str]:
        """Sessions any process started and Redis still holds (found by their seeded marker)."""
        names: list[str] = []
        cursor: int | str = 0
        try:
            while len(names) < limit:
                found = f"{self.prefix}:*:seeded"
                cursor, keys = self.call("SCAN", cursor, "MATCH", found, "COUNT", 500)
                for key in keys:
                    quoted = str(key)[len(self.prefix) + 1 : -len(":seeded")]
                    if ":" not in quoted:  # else a key of some API's records, not a session's
                        names.append(unquote(quoted))
                if int(cursor) == 0:
                    break
        except redis.RedisError as error:
            raise self.fault(error) from error
        return names[:limit]

    def snapshot(self) -> dict[str, dict[str, dict[str, dict[str, Any]]]]:
        """The sessions this process has used and that are still stored, with their records."""
        try:
            keys = {n: self.session_key(n) + ":seeded" for n in self._checked}
            alive = [n for n, key in keys.items() if self.call("EXISTS", key)]
        except redis.RedisError as error:
            raise self.fault(error) from error
        sessions = {n: RedisSession(self, n) for n in alive}
        return {
            name: {api: {p: e.record for p, e in session.records(api).items()} for api in self.seed}
            for name, session in sessions.items()
        }


class RedisSession:
    """One session's records in Redis, for one request: it remembers the revision of each
    record it read, and a write or delete of that record checks it is still the one stored."""

    def __init__(self, store: RedisStore, name: str, seeded: bool = False) -> None:
        self._store, self._name = store, name
        self._seeded = seeded  # known seeded in this request (else a miss asks `reseeded`)
        self._call, self._script = store.call, store.script
        self._ttl = store.ttl_ms(name)
        self._read: dict[tuple[str, str], int] = {}
        self._kept: dict[tuple[str, str], StoredRecord] = {}  # what was read, for `write`
        # Item paths of integer ids this session counted: above every id stored or issued in
        # their collection, so nothing is stored there and the id is issued already.
        self._fresh: set[tuple[str, str]] = set()

    def _fault(self, error: redis.RedisError) -> StoreFault:
        return self._store.fault(error)

    def _reseeded(self) -> bool:
        """Whether the session had lost its seed data and has it again (asked once per
        request, where a read finds nothing)."""
        if self._seeded:
            return False
        self._seeded = True
        return self._store.reseeded(self._name)

    def _base(self, api: str) -> str:
        return self._store.base(self._name, api)

    def get(self, api: str, path: str) -> StoredRecord | None:
        if (api, path) in self._fresh:
            self._read[(api, path)] = 0  # the write script still checks it is absent
            return None
        try:
            value = self._call("HGET", self._base(api) + ":rec", path)
            if value is None and self._reseeded():
                value = self._call("HGET", self._base(api) + ":rec", path)
        except redis.RedisError as error:
            raise self._fault(error) from error
        base = self._base(api)
        stored = self._store.decoded(base, path, value) if isinstance(value, str) else None
        self._read[(api, path)] = stored.revision if stored is not None else 0
        if stored is not None:
            self._kept[(api, path)] = stored
            self._with_gone(base, path, stored)
        return stored

    def _with_gone(self, base: str, path: str, stored: StoredRecord) -> None:
        """The item's deleted singletons as a set kept in Redis, so every process sees them."""
        generated = stored.generated if stored.generated is not None else {}
        if not isinstance(generated.get(_GONE), _Gone):
            stored.generated = {**generated, _GONE: _Gone(self._store, base, path, self._ttl)}

    def write(
        self, api: str, address: Address, record: dict[str, Any], server: ServerFields
    ) -> StoredRecord:
        """Store `record` at `address` with the fields the server writes; StoreConflict when
        the record is not the one this session read."""
        if (api, address.key) not in self._read:
            self.get(api, address.key)
        previous = self._kept.get((api, address.key))
        before = previous.record if previous is not None else None

        def own_id(schema: Mapping[str, Any]) -> str | int:
            own = address.collection.rstrip("/") + _OWN_IDS
            identifier = self.new_id(api, own, schema)
            self.issue(api, own, str(identifier))
            return identifier

        stamped = server.apply(record, before, address.identifier, own_id)
        generated = previous.generated if previous is not None else None
        return self._put(api, address.key, stamped, generated, str(self._read[(api, address.key)]))

    def put(self, api: str, path: str, record: dict[str, Any]) -> StoredRecord:
        previous = self.get(api, path)
        generated = previous.generated if previous is not None else None
        return self._put(api, path, record, generated, "")

    def _put(
        self,
        api: str,
        path: str,
        record: dict[str, Any],
        generated: dict[str, Any] | None,
        expected: str,
    ) -> StoredRecord:
        text = _encode(record, generated)
        args: list[str | int] = [self._base(api), self._ttl, path, expected, text]
        session = self._store.session_key(self._name)
        try:
            revision = int(self._script("write", [*args, _own(record), session]))
            if revision < 0:
                self._seeded = False
                self._reseeded()
        except redis.RedisError as error:
            raise self._fault(error) from error
        if revision < 0:  # (the ids it counted were counted on what the seeding wiped)
            raise StoreConflict(f"session {self._name!r} was not seeded: {path} is written again")
        if revision == 0:
            raise StoreConflict(f"{path} changed since it was read")
        self._read[(api, path)] = revision
        stored = StoredRecord(record, generated, revision)
        self._kept[(api, path)] = stored
        # kept as read back, with the generated values written with it
        self._store.remember(self._base(api), path, f"{revision}|{text}", stored)
        return stored

    def delete(self, api: str, path: str) -> bool:
        expected = self._read.get((api, path))
        args = [self._base(api), path, "" if expected is None else str(expected)]
        try:
            deleted = int(self._script("delete", args))
        except redis.RedisError as error:
            raise self._fault(error) from error
        if deleted < 0:
            raise StoreConflict(f"{path} changed since it was read")
        self._read[(api, path)] = 0
        if deleted == 1:  # an item made again at this path starts with all its singletons
            _Gone(self._store, self._base(api), path, self._ttl).clear()
        return deleted == 1

    def children(self, api: str, collection: str) -> Iterator[tuple[str, StoredRecord]]:
        base = self._base(api)
        try:
            kids = f"{base}:kids:{collection.rstrip('/')}"
            paths: list[str] = self._call("ZRANGE", kids, 0, -1)
            if not paths and self._reseeded():
                paths = self._call("ZRANGE", kids, 0, -1)
            values: list[str | None] = self._call("HMGET", base + ":rec", *paths) if paths else []
        except redis.RedisError as error:
            raise self._fault(error) from error
        decoded = self._store.decoded
        found = zip(paths, values, strict=True)
        return iter([(p, decoded(base, p, v)) for p, v in found if isinstance(v, str)])

    def records(self, api: str) -> dict[str, StoredRecord]:
        try:
            values: dict[str, str] = self._call("HGETALL", self._base(api) + ":rec")
            if not values and self._reseeded():
                values = self._call("HGETALL", self._base(api) + ":rec")
        except redis.RedisError as error:
            raise self._fault(error) from error
        return {path: _decode(value) for path, value in values.items()}

    def new_id(self, api: str, collection: str, schema: Mapping[str, Any]) -> str | int:
        prefix = collection.rstrip("/")
        base = self._base(api)
        try:
            if _is_numeric_schema(schema):
                counted = int(self._call("HINCRBY", base + ":top", prefix, 1))
                self._fresh.add((api, f"{prefix}/{counted}"))
                return counted
            return new_id(schema, _Taken(self, api, prefix))
        except redis.RedisError as error:
            raise self._fault(error) from error

    def issue(self, api: str, collection: str, identifier: str) -> None:
        if (api, f"{collection.rstrip('/')}/{identifier}") in self._fresh:
            return
        args: list[str | int] = [self._base(api), self._ttl, collection.rstrip("/"), identifier]
        try:
            self._script("issue", args)
        except redis.RedisError as error:
            raise self._fault(error) from error

    def was_issued(self, api: str, collection: str, identifier: str) -> bool:
        base, prefix = self._base(api), collection.rstrip("/")
        try:
            if is_digits(identifier):
                top = self._call("HGET", base + ":top", prefix)
                return int(identifier) <= int(top or 0)
            return bool(self._call("SISMEMBER", f"{base}:issued:{prefix}", identifier))
        except redis.RedisError as error:
            raise self._fault(error) from error


class _Gone(set[str]):
    """The deleted singletons of one item (`/things/1/lock`), a Redis set listed among the API's
    keys (so it expires, resets and ends with the session): what `actions` adds, discards and
    asks here is what every process sees. A Redis that fails is a `StoreFault`."""

    def __init__(self, store: RedisStore, base: str, item: str, ttl: int) -> None:
        super().__init__()
        self._store, self._base, self._ttl = store, base, ttl
        self._key = f"{base}:gone:{item}"

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(self._call("SISMEMBER", self._key, key))

    def add(self, key: str) -> None:
        keys = self._base + ":keys"
        commands: list[Command] = [("SADD", self._key, key), ("SADD", keys, self._key)]
        if self._ttl > 0:
            commands += [("PEXPIRE", self._key, self._ttl), ("PEXPIRE", keys, self._ttl)]
        try:
            self._store.transaction(commands)
        except redis.RedisError as error:
            raise self._store.fault(error) from error

    def discard(self, key: object) -> None:
        if isinstance(key, str):
            self._call("SREM", self._key, key)

    def clear(self) -> None:
        self._call("DEL", self._key)

    def _call(self, *command: str) -> Any:
        try:
            return self._store.call(*command)
        except redis.RedisError as error:
            raise self._store.fault(error) from error


class _Taken(Collection[str]):
    """The ids stored or issued in one collection, asked of Redis one at a time."""

    def __init__(self, session: RedisSession, api: str, prefix: str) -> None:
        self._session, self._api, self._prefix = session, api, prefix

    def __contains__(self, item: object) -> bool:
        if not isinstance(item, str):
            return False
        session = self._session
        return session.get(self._api, f"{self._prefix}/{item}") is not None or (
            session.was_issued(self._api, self._prefix, item)
        )

    def __iter__(self) -> Iterator[str]:
        return iter(())  # only membership is asked for string ids

    def __len__(self) -> int:
        return 0


# replies that redis-py's client shapes, shaped alike from the event loop's connection
_SHAPES: dict[str, Callable[[Any], Any]] = {
    "HGETALL": lambda reply: dict(zip(reply[::2], reply[1::2], strict=True)),
    "SCAN": lambda reply: (int(reply[0]), reply[1]),
}
# the query string wins over these (`?socket_timeout=5`), as redis-py reads it
_SETTINGS: dict[str, Any] = {
    "decode_responses": True,
    "socket_timeout": DEFAULT_TIMEOUT,
    "socket_connect_timeout": DEFAULT_TIMEOUT,
}


def _encode(record: Mapping[str, Any], generated: Mapping[str, Any] | None) -> str:
    kept = {k: v for k, v in (generated or {}).items() if k not in _UNSAVED}
    return json.dumps({"r": record, "g": kept or None}, ensure_ascii=False, separators=(",", ":"))


def _decode(value: str) -> StoredRecord:
    revision, _, text = value.partition("|")
    data = json.loads(text)
    return StoredRecord(data["r"], data.get("g"), int(revision))


def _own(record: Mapping[str, Any]) -> str:
    """The record's own integer `id`, which its collection's counter of such ids counts past."""
    own = record.get("id")
    return str(own) if isinstance(own, int) and not isinstance(own, bool) and own >= 0 else ""
