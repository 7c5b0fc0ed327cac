"""The in-memory store: records by API and item path, per session, with exact update semantics.

A record is the JSON object a client wrote (unwrapped from any envelope) plus the fields the server
owns. Each session (`X-Specmock-Session`) has its own state, started from the seed data on first
use; the default session is ''. Operations are synchronous and run on the event loop, so a request
never sees another request's half-written record.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import time
import uuid
from collections import OrderedDict
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from specmock.errors import SpecmockError

MAX_SESSIONS = 1000
CREATED_FIELDS = ("created_at", "createdAt", "created")
UPDATED_FIELDS = ("updated_at", "updatedAt", "modified_at", "updated")
VERSION_FIELDS = ("version",)


@dataclass(slots=True)
class Entry:
    """A stored record, the values generated for it once, and its revision (for ETags)."""

    record: dict[str, Any]
    generated: dict[str, Any] = field(default_factory=dict)
    revision: int = 1
    # Answers already made from this revision of the record, by operation and status: repairing
    # a record into a large response schema (GitHub's issue) is done once, not on every GET.
    answers: dict[tuple[str, str], Any] = field(default_factory=dict)
    _etag: str | None = field(default=None, repr=False, compare=False)

    @property
    def etag(self) -> str:
        """A strong tag from the record's content, so it survives a restart from a state file
        (worked out once: a record is replaced, never changed in place)."""
        if self._etag is None:
            digest = hashlib.sha256(json.dumps(self.record, sort_keys=True).encode()).hexdigest()
            self._etag = f'"{digest[:16]}"'
        return self._etag


class State:
    """One session's records: API name -> item path -> entry.

    Each collection path keeps an index of the ids directly under it and the highest integer id
    it has seen, so listing a collection and issuing an id cost the same with 10 records or
    100,000 in the API.
    """

    def __init__(self, seed: Mapping[str, Mapping[str, dict[str, Any]]]) -> None:
        self._issued: dict[tuple[str, str], set[str]] = {}
        self._children: dict[tuple[str, str], dict[str, None]] = {}
        self._top: dict[tuple[str, str], int] = {}
        self.entries: dict[str, dict[str, Entry]] = {}
        for api, records in seed.items():
            self.restart(
                api, {path: Entry(copy.deepcopy(record)) for path, record in records.items()}
            )

    def records(self, api: str) -> dict[str, Entry]:
        return self.entries.setdefault(api, {})

    def restart(self, api: str, entries: dict[str, Entry]) -> None:
        """Replace an API's records (the ids once issued are still never given out again)."""
        for key in [key for key in self._children if key[0] == api]:
            del self._children[key]
        self.entries[api] = entries
        for path in entries:
            self._index(api, path)

    def get(self, api: str, path: str) -> Entry | None:
        return self.records(api).get(path)

    def put(self, api: str, path: str, record: dict[str, Any]) -> Entry:
        """Store a record, keeping what was generated for the previous one of the same key."""
        records = self.records(api)
        previous = records.get(path)
        entry = Entry(record, previous.generated if previous else {}, _next(previous))
        records[path] = entry
        if previous is None:
            self._index(api, path)
        return entry

    def _index(self, api: str, path: str) -> None:
        collection, _, identifier = path.rpartition("/")
        self._children.setdefault((api, collection), {})[identifier] = None
        self._raise_top((api, collection), identifier)

    def _raise_top(self, key: tuple[str, str], identifier: str) -> None:
        if identifier.isdigit():
            self._top[key] = max(self._top.get(key, 0), int(identifier))

    def issue(self, api: str, collection: str, identifier: str) -> None:
        """Note an id handed out in a collection, so that it is never given out again."""
        key = (api, collection.rstrip("/"))
        self._issued.setdefault(key, set()).add(identifier)
        self._raise_top(key, identifier)

    def new_id(self, api: str, collection: str, schema: Mapping[str, Any]) -> str | int:
        """A fresh id for a collection, of the id parameter's type and format: never one that is
        stored or was ever issued there (integers count up from the highest seen)."""
        key = (api, collection.rstrip("/"))
        if _is_numeric_schema(schema):
            return self._top.get(key, 0) + 1
        stored, issued = self._children.get(key, {}), self._issued.get(key, set())
        return new_id(schema, _Union(stored, issued))

    def delete(self, api: str, path: str) -> bool:
        if self.records(api).pop(path, None) is None:
            return False
        collection, _, identifier = path.rpartition("/")
        self._children.get((api, collection), {}).pop(identifier, None)
        return True

    def children(self, api: str, collection: str) -> Iterator[tuple[str, Entry]]:
        """Records directly under a collection path, in insertion order."""
        prefix = collection.rstrip("/")
        records = self.records(api)
        for identifier in list(self._children.get((api, prefix), ())):
            path = f"{prefix}/{identifier}"
            if path in records:
                yield path, records[path]


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


def _next(previous: Entry | None) -> int:
    return previous.revision + 1 if previous else 1


class Store:
    """Every session's state, the seed data they start from, and saving to a state file."""

    def __init__(self, seed: Mapping[str, Mapping[str, dict[str, Any]]] | None = None) -> None:
        self.seed: dict[str, dict[str, dict[str, Any]]] = {
            api: dict(records) for api, records in (seed or {}).items()
        }
        self._sessions: OrderedDict[str, State] = OrderedDict()

    def session(self, name: str = "") -> State:
        """A session's state, created from the seed data on first use (least used dropped last)."""
        state = self._sessions.get(name)
        if state is None:
            state = State(self.seed)
            self._sessions[name] = state
            while len(self._sessions) > MAX_SESSIONS:
                oldest = next(name for name in self._sessions if name != "")
                del self._sessions[oldest]  # the default session is never dropped
        self._sessions.move_to_end(name)
        return state

    def reset(self, session: str = "", api: str | None = None) -> None:
        """Back to the seed data: one API or all, in one session."""
        fresh = State(self.seed)
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
                state = State({})
                for api, records in apis.items():
                    state.restart(api, {p: Entry(dict(r)) for p, r in records.items()})
                self._sessions[name] = state
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise SpecmockError(f"state file {str(path)!r} cannot be read: {error}") from None


# -- server-owned fields --------------------------------------------------------------------------


def now() -> str:
    """The current time as RFC 3339 UTC with seconds (`2024-01-15T09:30:00Z`)."""
    return rfc3339(time.time())


def rfc3339(seconds: float) -> str:
    """A moment (seconds since the epoch) as RFC 3339 UTC with whole seconds."""
    return dt.datetime.fromtimestamp(int(seconds), dt.UTC).isoformat().replace("+00:00", "Z")


def new_id(schema: Mapping[str, Any], taken: Collection[str]) -> str | int:
    """A fresh id of the id parameter's type and format: integer, uuid, or a short string."""
    if _is_numeric_schema(schema):
        numbers = [int(t) for t in taken if t.isdigit()]
        return max(numbers, default=0) + 1
    if schema.get("format") == "uuid":
        return str(uuid.uuid4())
    while True:
        candidate = uuid.uuid4().hex[:10]
        if candidate not in taken:
            return candidate


def stamp(
    record: dict[str, Any], fields: Mapping[str, Any], previous: Mapping[str, Any] | None
) -> dict[str, Any]:
    """A record with the server's fields set: created once, updated now, version bumped.

    `fields` are the properties the record schema knows; only those are touched.
    """
    result = dict(record)
    moment = now()
    for name in CREATED_FIELDS:
        if name in fields:
            result[name] = (previous or {}).get(name) or result.get(name) or moment
    for name in UPDATED_FIELDS:
        if name in fields:
            result[name] = moment
    for name in VERSION_FIELDS:
        if name in fields and _is_integer_schema(fields[name]):
            old = (previous or {}).get(name)
            result[name] = (old + 1) if isinstance(old, int) else 1
    return result


def _is_numeric_schema(schema: Mapping[str, Any]) -> bool:
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    return "integer" in kinds or "number" in kinds


def _is_integer_schema(schema: Any) -> bool:
    kind = schema.get("type") if isinstance(schema, Mapping) else None
    return kind == "integer" or (isinstance(kind, list) and "integer" in kind)


def server_owned(fields: Mapping[str, Any]) -> set[str]:
    """The record fields the server owns: read-only ones and its timestamps and version."""
    owned = {
        name
        for name, schema in fields.items()
        if isinstance(schema, Mapping) and schema.get("readOnly")
    }
    owned.update(n for n in (*CREATED_FIELDS, *UPDATED_FIELDS, *VERSION_FIELDS) if n in fields)
    return owned


def replace(
    previous: Mapping[str, Any] | None,
    incoming: Mapping[str, Any],
    owned: Collection[str],
    defaults: Mapping[str, Any],
) -> dict[str, Any]:
    """PUT as full replacement: the new body, omitted fields reset to their default (or gone),
    the server's own fields kept from before."""
    record = {name: copy.deepcopy(value) for name, value in incoming.items() if name not in owned}
    for name, default in defaults.items():
        record.setdefault(name, copy.deepcopy(default))
    for name in owned:
        if previous is not None and name in previous:
            record[name] = copy.deepcopy(previous[name])
    return record
