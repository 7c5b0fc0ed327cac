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

    @property
    def etag(self) -> str:
        """A strong tag from the record's content, so it survives a restart from a state file."""
        digest = hashlib.sha256(json.dumps(self.record, sort_keys=True).encode()).hexdigest()
        return f'"{digest[:16]}"'


class State:
    """One session's records: API name -> item path -> entry."""

    def __init__(self, seed: Mapping[str, Mapping[str, dict[str, Any]]]) -> None:
        self._issued: dict[tuple[str, str], set[str]] = {}
        self.entries: dict[str, dict[str, Entry]] = {
            api: {path: Entry(copy.deepcopy(record)) for path, record in records.items()}
            for api, records in seed.items()
        }

    def records(self, api: str) -> dict[str, Entry]:
        return self.entries.setdefault(api, {})

    def get(self, api: str, path: str) -> Entry | None:
        return self.records(api).get(path)

    def put(self, api: str, path: str, record: dict[str, Any]) -> Entry:
        """Store a record, keeping what was generated for the previous one of the same key."""
        previous = self.records(api).get(path)
        entry = Entry(record, previous.generated if previous else {}, _next(previous))
        self.records(api)[path] = entry
        return entry

    def issued(self, api: str, collection: str) -> set[str]:
        """Ids ever handed out in a collection, so a deleted one is not given out again."""
        return self._issued.get((api, collection), set())

    def issue(self, api: str, collection: str, identifier: str) -> None:
        self._issued.setdefault((api, collection), set()).add(identifier)

    def delete(self, api: str, path: str) -> bool:
        return self.records(api).pop(path, None) is not None

    def children(self, api: str, collection: str) -> Iterator[tuple[str, Entry]]:
        """Records directly under a collection path, in insertion order."""
        prefix = collection.rstrip("/") + "/"
        for path, entry in self.records(api).items():
            if path.startswith(prefix) and "/" not in path[len(prefix) :]:
                yield path, entry


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
        self.session(session).entries[api] = fresh.records(api)

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
                    state.entries[api] = {p: Entry(dict(r)) for p, r in records.items()}
                self._sessions[name] = state
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise SpecmockError(f"state file {str(path)!r} cannot be read: {error}") from None


# -- server-owned fields --------------------------------------------------------------------------


def now() -> str:
    """The current time as RFC 3339 UTC with seconds (`2024-01-15T09:30:00Z`)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def new_id(schema: Mapping[str, Any], taken: set[str]) -> str | int:
    """A fresh id of the id parameter's type and format: integer, uuid, or a short string."""
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "integer" in kinds or "number" in kinds:
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
