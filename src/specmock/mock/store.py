"""The in-memory store: records by API and item path, per session, with exact update semantics.

A record is the JSON object a client wrote (unwrapped from any envelope) plus the fields the server
owns. Each session (`X-Specmock-Session`) has its own state, started from the seed data on first
use; the default session is ''. Operations are synchronous and run on the event loop, so a request
never sees another request's half-written record.

Sessions are bounded: past `max_sessions`, a new one takes the place of the session idle the
longest, and only when that one has been idle for `session_ttl` seconds; otherwise it is refused
(`SessionRefused`), so a session someone is using is never dropped under them.
"""

from __future__ import annotations

import copy
import random
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

from specmock.config import DEFAULT_SESSION_TTL
from specmock.digits import is_digits
from specmock.errors import SpecError, SpecmockError
from specmock.mock.server_fields import ServerFields
from specmock.mock.state_file import RecordCheck, Snapshot, StateFile
from specmock.mock.storage import Address, StoredRecord
from specmock.schemas.scalars import write_string
from specmock.schemas.views import int_or

MAX_SESSIONS = 1000
_KEPT_NAMES = 10_000  # field names shared between stored records
# String ids recently issued, per session, that are never given out again even once deleted.
# Older ones are let go: a random 10-hex id meets one of them about once in 2**40 draws.
_RECENT_IDS = 256


class SessionRefused(SpecmockError):
    """A new session when `limit` sessions are in use and none has been idle for `ttl` seconds."""

    def __init__(self, name: str, limit: int, ttl: float, retry_after: float) -> None:
        self.name, self.limit, self.ttl = name, limit, ttl
        self.retry_after = max(1, int(retry_after + 0.999))
        super().__init__(
            f"session {name!r} cannot start: {limit} sessions are in use and none has been idle"
            f" for {ttl:g} s (--session-ttl); retry in {self.retry_after} s"
        )


class _Changes:
    """A count of the writes to every session, shared by them, so a saver knows what is new."""

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0


_OWN_IDS = "#id"  # a collection's counter for the `id` fields its paths do not name


class Session:
    """One session's records: API name -> item path -> entry.

    Each collection path keeps an index of the item paths directly under it and the highest
    integer id it has seen, so listing a collection and issuing an id cost the same with 10
    records or 100,000 in the API.
    """

    def __init__(
        self,
        seed: Mapping[str, Mapping[str, dict[str, Any]]],
        names: dict[str, str] | None = None,
        changes: _Changes | None = None,
    ) -> None:
        self._issued: OrderedDict[tuple[str, str, str], None] = OrderedDict()
        self._changes = changes if changes is not None else _Changes()
        self._children: dict[tuple[str, str], dict[str, None]] = {}
        # the collection paths directly below a path (`/pets/7` -> `/pets/7/photos`), so that a
        # delete finds what is stored under an item without scanning every record
        self._below: dict[tuple[str, str], dict[str, None]] = {}
        self._top: dict[tuple[str, str], int] = {}
        self._names = names if names is not None else {}
        self.entries: dict[str, dict[str, StoredRecord]] = {}
        for api, records in seed.items():
            self.restart(
                api, {path: StoredRecord(copy.deepcopy(record)) for path, record in records.items()}
            )

    def records(self, api: str) -> dict[str, StoredRecord]:
        return self.entries.setdefault(api, {})

    def restart(self, api: str, entries: dict[str, StoredRecord]) -> None:
        """Replace an API's records (the ids recently issued are still not given out again)."""
        self._changes.count += 1
        for index in (self._children, self._below):
            for key in [key for key in index if key[0] == api]:
                del index[key]
        self.entries[api] = entries
        for path, entry in entries.items():
            self._index(api, path, entry.record)

    def get(self, api: str, path: str) -> StoredRecord | None:
        return self.records(api).get(path)

    def put(self, api: str, path: str, record: dict[str, Any]) -> StoredRecord:
        """Store a record, keeping what was generated for the previous one of the same key."""
        records = self.records(api)
        previous = records.get(path)
        generated = previous.generated if previous else None
        entry = StoredRecord(self._shared(record), generated, _next(previous))
        records[path] = entry
        self._changes.count += 1
        if previous is None:
            self._index(api, path, record)
        return entry

    def write(
        self, api: str, address: Address, record: dict[str, Any], server: ServerFields
    ) -> StoredRecord:
        """Store `record` at `address` with the fields the server writes: the one way a client's
        write reaches the store, so the server-owned-field rule is applied everywhere alike."""
        previous = self.get(api, address.key)
        before = previous.record if previous is not None else None

        def own_id(schema: Mapping[str, Any]) -> str | int:
            return self.new_own_id(api, address.collection, schema)

        stamped = server.apply(record, before, address.identifier, own_id)
        return self.put(api, address.key, stamped)

    def _shared(self, record: dict[str, Any]) -> dict[str, Any]:
        """`record` with its field names taken from one table of names: a JSON parse makes new
        key strings every time, about 300 of the 1,270 bytes a 6-field order took. Only the top
        level: a body nested as deep as JSON parsing allows must still be stored."""
        names = self._names
        return {(names.get(k) or self._name(k)): v for k, v in record.items()}

    def _name(self, name: str) -> str:
        if len(self._names) < _KEPT_NAMES:  # a fuzzer's endless made-up names stop being kept
            self._names[name] = name
        return name

    def _index(self, api: str, path: str, record: Mapping[str, Any]) -> None:
        collection, _, identifier = path.rpartition("/")
        if (api, collection) not in self._children:
            self._link(api, collection)
        self._children.setdefault((api, collection), {})[path] = None
        self._raise_top((api, collection), identifier)
        own = record.get("id")
        if isinstance(own, int) and not isinstance(own, bool):
            self._raise_top((api, collection + _OWN_IDS), str(own))

    def _link(self, api: str, collection: str) -> None:
        """Note a collection path below each of its ancestors, up to one already noted."""
        while collection:
            parent = collection.rpartition("/")[0]
            below = self._below.setdefault((api, parent), {})
            if collection in below:
                return
            below[collection] = None
            collection = parent

    def new_own_id(self, api: str, collection: str, schema: Mapping[str, Any]) -> str | int:
        """A fresh value for the `id` field of a record its path names otherwise (a user at
        `/user/{username}`): counted per collection apart from the ids in its paths, never one
        that a record stored there has or was given."""
        own = collection.rstrip("/") + _OWN_IDS
        identifier = self.new_id(api, own, schema)
        self.issue(api, own, str(identifier))
        return identifier

    def _raise_top(self, key: tuple[str, str], identifier: str) -> None:
        if is_digits(identifier):
            self._top[key] = max(self._top.get(key, 0), int(identifier))

    def issue(self, api: str, collection: str, identifier: str) -> None:
        """Note an id handed out in a collection, so that it is not given out again: an integer one
        by the highest seen, which the next integer id counts up from; a string one among the
        last `_RECENT_IDS` issued (a stored one is never given out, whenever it was issued)."""
        key = (api, collection.rstrip("/"))
        if is_digits(identifier):
            self._raise_top(key, identifier)
            return
        self._issued[(*key, identifier)] = None
        self._issued.move_to_end((*key, identifier))
        if len(self._issued) > _RECENT_IDS:
            self._issued.popitem(last=False)

    def was_issued(self, api: str, collection: str, identifier: str) -> bool:
        """Whether an id was handed out in a collection: an integer one up to the highest seen,
        a string one among the last `_RECENT_IDS` issued."""
        key = (api, collection.rstrip("/"))
        if is_digits(identifier):
            return int(identifier) <= self._top.get(key, 0)
        return (*key, identifier) in self._issued

    def new_id(self, api: str, collection: str, schema: Mapping[str, Any]) -> str | int:
        """A fresh id for a collection, of the id parameter's type and format: never one that is
        stored or was recently issued there (integers count up from the highest ever seen)."""
        prefix = collection.rstrip("/")
        key = (api, prefix)
        if _is_numeric_schema(schema):
            return self._top.get(key, 0) + 1
        stored = _Identifiers(prefix, self._children.get(key, {}))
        return new_id(schema, _Union(stored, _Recent(key, self._issued)))

    def delete(self, api: str, path: str) -> bool:
        """Drop a record and every record stored under its path (`/pets/7/photos/1`,
        `/pets/7/owner`): a deleted item's sub-resources are gone with it."""
        if self.records(api).pop(path, None) is None:
            return False
        self._changes.count += 1
        collection = path.rpartition("/")[0]
        self._children.get((api, collection), {}).pop(path, None)
        self._below.get((api, collection), {}).pop(path, None)
        self._drop_below(api, path)
        return True

    def _drop_below(self, api: str, path: str) -> None:
        records = self.records(api)
        for collection in (path, *self._below.pop((api, path), ())):
            for child in self._children.pop((api, collection), ()):
                records.pop(child, None)
                self._drop_below(api, child)
            if collection != path:
                self._drop_below(api, collection)

    def children(self, api: str, collection: str) -> Iterator[tuple[str, StoredRecord]]:
        """Records directly under a collection path, in insertion order."""
        records = self.records(api)
        for path in list(self._children.get((api, collection.rstrip("/")), ())):
            if path in records:
                yield path, records[path]


class _Identifiers(Collection[str]):
    """The ids of item paths under `prefix` (`/pets/7` -> `7`), read from the paths themselves."""

    def __init__(self, prefix: str, paths: Collection[str]) -> None:
        self._prefix, self._paths = prefix + "/", paths

    def __contains__(self, item: object) -> bool:
        return isinstance(item, str) and self._prefix + item in self._paths

    def __iter__(self) -> Iterator[str]:
        return (path[len(self._prefix) :] for path in self._paths)

    def __len__(self) -> int:
        return len(self._paths)


class _Recent(Collection[str]):
    """The ids recently issued in one collection (`key` is the API and the collection path)."""

    def __init__(self, key: tuple[str, str], issued: Mapping[tuple[str, str, str], None]) -> None:
        self._key, self._issued = key, issued

    def __contains__(self, item: object) -> bool:
        return isinstance(item, str) and (*self._key, item) in self._issued

    def __iter__(self) -> Iterator[str]:
        return (identifier for *key, identifier in self._issued if tuple(key) == self._key)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _Union(Collection[str]):
    """Membership in either of two collections, without copying them."""

    def __init__(self, first: Collection[str], second: Collection[str]) -> None:
        self._first, self._second = first, second

    def __contains__(self, item: object) -> bool:
        return item in self._first or item in self._second

    def __iter__(self) -> Iterator[str]:
        yield from self._first
        yield from self._second

    def __len__(self) -> int:
        return len(self._first) + len(self._second)


def _next(previous: StoredRecord | None) -> int:
    return previous.revision + 1 if previous else 1


class Store:
    """Every session's state, the seed data they start from, and saving to a state file."""

    remote = False  # every call returns at once: the web layer runs them on the event loop

    def __init__(
        self,
        seed: Mapping[str, Mapping[str, dict[str, Any]]] | None = None,
        max_sessions: int = MAX_SESSIONS,
        session_ttl: float = DEFAULT_SESSION_TTL,
        clock: Callable[[], float] = time.monotonic,
        populate: Callable[[], Mapping[str, Mapping[str, dict[str, Any]]]] | None = None,
    ) -> None:
        self.seed: dict[str, dict[str, dict[str, Any]]] = {
            api: dict(records) for api, records in (seed or {}).items()
        }
        # records added under the seed data, worked out on the first session (seconds on GitHub)
        self._populate = populate
        self.max_sessions, self.session_ttl, self._clock = max_sessions, session_ttl, clock
        self._sessions: OrderedDict[str, Session] = OrderedDict()  # least recently used first
        self._used: dict[str, float] = {}
        self._names: dict[str, str] = {}  # one table of field names for every session
        self._changes = _Changes()

    @property
    def changes(self) -> int:
        """How many writes every session has had: a saver compares it with the last it saved."""
        return self._changes.count

    def session(self, name: str = "") -> Session:
        """A session's state, created from the seed data on first use; SessionRefused when the
        store is full of sessions in use."""
        state = self._sessions.get(name)
        if state is None:
            self._make_room(name)
            state = self._fresh()
            self._sessions[name] = state
        self._sessions.move_to_end(name)
        self._used[name] = self._clock()
        return state

    def _fresh(self) -> Session:
        if self._populate is not None:
            for api, records in self._populate().items():
                self.seed[api] = {**records, **self.seed.get(api, {})}
            self._populate = None
        return Session(self.seed, self._names, self._changes)

    def _make_room(self, name: str) -> None:
        """Drop the sessions idle past the TTL while the store is full (never the default one)."""
        now = self._clock()
        while len(self._sessions) >= self.max_sessions:
            oldest = next((n for n in self._sessions if n != ""), None)
            idle = now - self._used.get(oldest, now) if oldest is not None else 0.0
            if oldest is None or idle < self.session_ttl:
                wait = self.session_ttl - idle
                raise SessionRefused(name, self.max_sessions, self.session_ttl, wait)
            self.end(oldest)

    def end(self, name: str) -> bool:
        """Forget a session (its next use starts again from the seed data); False if unknown."""
        if self._sessions.pop(name, None) is None:
            return False
        del self._used[name]
        self._changes.count += 1
        return True

    def reset(self, session: str = "", api: str | None = None) -> None:
        """Back to the seed data: one API or all, in one session."""
        state = self.session(session)
        if api is None:
            self._sessions[session] = self._fresh()
            self._changes.count += 1
            return
        state.restart(api, self._fresh().records(api))

    def session_names(self, limit: int) -> list[str]:
        return list(self._sessions)[:limit]

    def snapshot(self) -> Snapshot:
        """Every session's records as they are now, cheap to take on the event loop: the records
        themselves are shared, not copied (a stored record is replaced, never changed in place)."""
        return {
            name: {
                api: {p: e.record for p, e in records.items()} for api, records in s.entries.items()
            }
            for name, s in self._sessions.items()
        }

    def save(self, path: Path) -> list[str]:
        """Write every session's records to `path` atomically; the records that could not be
        written, one sentence each (the others are written)."""
        return StateFile(path).write(self.snapshot())

    def load(self, path: Path, check: RecordCheck | None = None) -> list[SpecError]:
        """Read sessions saved by `save` (a missing file is an empty start). Records `check`
        refuses are left out and returned as errors naming the file and the record; a file that
        cannot be read at all raises SpecmockError."""
        saved, refused = StateFile(path).read(check)
        now = self._clock()
        for name, apis in saved.items():
            state = Session({}, self._names, self._changes)
            for api, records in apis.items():
                for item in list(records):  # each parsed record let go once it is stored
                    state.put(api, item, dict(records.pop(item)))
            self._sessions[name] = state
            self._used[name] = now
        return refused


def new_id(schema: Mapping[str, Any], taken: Collection[str]) -> str | int:
    """A fresh id of the id parameter's type and format: integer (from its `minimum`), uuid, a
    string its `pattern` and lengths admit (Twilio's `^MG[0-9a-fA-F]{32}$`), or a short string."""
    if _is_numeric_schema(schema):
        numbers = [int(t) for t in taken if is_digits(t)]
        floor = int_or(schema.get("minimum"), 1) - 1
        return max([*numbers, floor], default=0) + 1
    if schema.get("format") == "uuid":
        return str(uuid.uuid4())
    if any(key in schema for key in ("pattern", "minLength", "maxLength")):
        for _ in range(_DRAWS):
            made = write_string(dict(schema), "id", random.Random(uuid.uuid4().int))
            if made not in taken and not is_digits(made) and "/" not in made and made.strip():
                return made
    while True:
        candidate = uuid.uuid4().hex[:10]
        # all digits, it could be an integer id once issued here and since deleted
        if candidate not in taken and not is_digits(candidate):
            return candidate


_DRAWS = 16  # strings drawn for a patterned id before a plain one is taken


def _is_numeric_schema(schema: Mapping[str, Any]) -> bool:
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    return "integer" in kinds or "number" in kinds
