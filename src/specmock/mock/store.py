"""The in-memory store: records by API and item path, per session, with exact update semantics.

A record is the JSON object a client wrote (unwrapped from any envelope) plus the fields the server
owns. Each session (`X-Specmock-Session`) has its own state, started from the seed data on first
use; the default session is ''. Operations are synchronous and run on the event loop, so a request
never sees another request's half-written record.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections import OrderedDict
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

from specmock.errors import SpecmockError
from specmock.mock.server_fields import ServerFields
from specmock.mock.storage import Address, StoredRecord

MAX_SESSIONS = 1000
_KEPT_NAMES = 10_000  # field names shared between stored records


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
    ) -> None:
        self._issued: dict[tuple[str, str], set[str]] = {}
        self._children: dict[tuple[str, str], dict[str, None]] = {}
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
        """Replace an API's records (the ids once issued are still never given out again)."""
        for key in [key for key in self._children if key[0] == api]:
            del self._children[key]
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
        self._children.setdefault((api, collection), {})[path] = None
        self._raise_top((api, collection), identifier)
        own = record.get("id")
        if isinstance(own, int) and not isinstance(own, bool):
            self._raise_top((api, collection + _OWN_IDS), str(own))

    def new_own_id(self, api: str, collection: str, schema: Mapping[str, Any]) -> str | int:
        """A fresh value for the `id` field of a record its path names otherwise (a user at
        `/user/{username}`): counted per collection apart from the ids in its paths, never one
        that a record stored there has or was given."""
        own = collection.rstrip("/") + _OWN_IDS
        identifier = self.new_id(api, own, schema)
        self.issue(api, own, str(identifier))
        return identifier

    def _raise_top(self, key: tuple[str, str], identifier: str) -> None:
        if identifier.isdigit():
            self._top[key] = max(self._top.get(key, 0), int(identifier))

    def issue(self, api: str, collection: str, identifier: str) -> None:
        """Note an id handed out in a collection, so that it is never given out again (an integer
        one by the highest seen, which the next integer id counts up from)."""
        key = (api, collection.rstrip("/"))
        if identifier.isdigit():
            self._raise_top(key, identifier)
        else:
            self._issued.setdefault(key, set()).add(identifier)

    def new_id(self, api: str, collection: str, schema: Mapping[str, Any]) -> str | int:
        """A fresh id for a collection, of the id parameter's type and format: never one that is
        stored or was ever issued there (integers count up from the highest seen)."""
        prefix = collection.rstrip("/")
        key = (api, prefix)
        if _is_numeric_schema(schema):
            return self._top.get(key, 0) + 1
        stored = _Identifiers(prefix, self._children.get(key, {}))
        return new_id(schema, _Union(stored, self._issued.get(key, set())))

    def delete(self, api: str, path: str) -> bool:
        if self.records(api).pop(path, None) is None:
            return False
        collection = path.rpartition("/")[0]
        self._children.get((api, collection), {}).pop(path, None)
        return True

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

    def __init__(self, seed: Mapping[str, Mapping[str, dict[str, Any]]] | None = None) -> None:
        self.seed: dict[str, dict[str, dict[str, Any]]] = {
            api: dict(records) for api, records in (seed or {}).items()
        }
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._names: dict[str, str] = {}  # one table of field names for every session

    def session(self, name: str = "") -> Session:
        """A session's state, created from the seed data on first use (least used dropped last)."""
        state = self._sessions.get(name)
        if state is None:
            state = Session(self.seed, self._names)
            self._sessions[name] = state
            while len(self._sessions) > MAX_SESSIONS:
                oldest = next(name for name in self._sessions if name != "")
                del self._sessions[oldest]  # the default session is never dropped
        self._sessions.move_to_end(name)
        return state

    def reset(self, session: str = "", api: str | None = None) -> None:
        """Back to the seed data: one API or all, in one session."""
        fresh = Session(self.seed, self._names)
        if api is None:
            self._sessions[session] = fresh
            return
        self.session(session).restart(api, fresh.records(api))

    def save(self, path: Path) -> None:
        """Write every session's records to a JSON file (atomically: write, then rename)."""
        data = {
            name: {
                api: {p: e.record for p, e in records.items()} for api, records in s.entries.items()
            }
            for name, s in self._sessions.items()
        }
        temporary = path.with_suffix(path.suffix + ".tmp")
        temporary.write_text(json.dumps({"sessions": data}, indent=1), encoding="utf-8")
        temporary.replace(path)

    def load(self, path: Path) -> None:
        """Read sessions saved by `save`; a missing file is an empty start."""
        if not path.exists():
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            sessions = data["sessions"]
            for name, apis in sessions.items():
                state = Session({}, self._names)
                for api, records in apis.items():
                    for item in list(records):  # each parsed record let go once it is stored
                        state.put(api, item, dict(records.pop(item)))
                self._sessions[name] = state
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise SpecmockError(f"state file {str(path)!r} cannot be read: {error}") from None


def new_id(schema: Mapping[str, Any], taken: Collection[str]) -> str | int:
    """A fresh id of the id parameter's type and format: integer, uuid, or a short string."""
    if _is_numeric_schema(schema):
        numbers = [int(t) for t in taken if t.isdigit()]
        return max(numbers, default=0) + 1
    if schema.get("format") == "uuid":
        return str(uuid.uuid4())
    while True:
        candidate = uuid.uuid4().hex[:10]
        # all digits, it could be an integer id once issued here and since deleted
        if candidate not in taken and not candidate.isdigit():
            return candidate


def _is_numeric_schema(schema: Mapping[str, Any]) -> bool:
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    return "integer" in kinds or "number" in kinds
