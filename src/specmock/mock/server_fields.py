"""The fields of a record that the server writes, not the client: ids, timestamps, version.

`ServerFields` is worked out once per bound operation and applied by `Session.write` to every
record it stores, so the rule lives in one place: read-only fields, the id and the fields that
repeat the path id, `created_at` once, `updated_at` now, `version` counted up.
"""

from __future__ import annotations

import copy
import datetime as dt
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from specmock.digits import is_digits

CREATED_FIELDS = ("created_at", "createdAt", "created")
UPDATED_FIELDS = ("updated_at", "updatedAt", "modified_at", "updated")
VERSION_FIELDS = ("version",)
_TIMESTAMP_FIELDS = (*CREATED_FIELDS, *UPDATED_FIELDS)


@dataclass(frozen=True, slots=True)
class ServerFields:
    """What the server writes in one resource's records.

    `fields` are the record's known properties (resolved schemas), `owned` the ones clients
    cannot write, `id_param` the path parameter naming a record of `resource` (its name).
    """

    fields: Mapping[str, Any]
    owned: frozenset[str]
    id_param: str
    resource: str = ""

    @property
    def mirrors(self) -> list[str]:
        return mirrors(self.id_param, self.fields, self.resource)

    def apply(
        self,
        record: dict[str, Any],
        previous: Mapping[str, Any] | None,
        identifier: str,
        own_id: Callable[[Mapping[str, Any]], str | int],
    ) -> dict[str, Any]:
        """`record` with what the server writes: the path id in the fields that repeat it, an
        `id` of its own (from `own_id`) where the path names records otherwise, the timestamps
        and version."""
        names = self.mirrors
        for name in names:
            record[name] = typed(identifier, self.fields[name])
        if "id" in self.fields and "id" not in names:
            record["id"] = (
                (previous or {}).get("id") or record.get("id") or own_id(self.fields["id"])
            )
        return stamp(record, self.fields, previous)


def now() -> str:
    """The current time as RFC 3339 UTC with seconds (`2024-01-15T09:30:00Z`)."""
    return rfc3339(time.time())


def rfc3339(seconds: float) -> str:
    """A moment (seconds since the epoch) as RFC 3339 UTC with whole seconds."""
    return dt.datetime.fromtimestamp(int(seconds), dt.UTC).isoformat().replace("+00:00", "Z")


def stamp(
    record: dict[str, Any], fields: Mapping[str, Any], previous: Mapping[str, Any] | None
) -> dict[str, Any]:
    """A record with the server's fields set: created once, updated now, version bumped.

    `fields` are the properties the record schema knows; only those are touched.
    """
    result = dict(record)
    # the clock is read and formatted only for a record that has a timestamp
    moment = now() if any(name in fields for name in _TIMESTAMP_FIELDS) else ""
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


def mirrors(id_param: str, fields: Mapping[str, Any], resource: str = "") -> list[str]:
    """Record fields that repeat the id in the path (`id` for `{id}`, `name` for `{model_name}`,
    and for `{id}` of `widgets` with no `id` field, `widget_id` or `widgetId`)."""
    if id_param in fields:
        return [id_param]
    for suffix, name in (("_id", "id"), ("Id", "id"), ("_name", "name"), ("Name", "name")):
        if id_param.endswith(suffix) and name in fields:
            return [name]
    if id_param in ("id", "Id", "ID") and resource:
        singular = resource.removesuffix("s") if len(resource) > 1 else resource
        for name in (f"{singular}_id", f"{singular}Id", f"{singular}ID"):
            if name in fields:
                return [name]
    return []


def typed(identifier: Any, schema: Any) -> Any:
    """A path id as the record field's type wants it (`"7"` -> `7` for an integer field)."""
    kind = schema.get("type") if isinstance(schema, Mapping) else None
    kinds = kind if isinstance(kind, list) else [kind]
    text = str(identifier)
    if ("integer" in kinds or "number" in kinds) and is_digits(text.lstrip("-")):
        return int(text)
    return text if "string" in kinds or kind is None else identifier


def _is_integer_schema(schema: Any) -> bool:
    kind = schema.get("type") if isinstance(schema, Mapping) else None
    return kind == "integer" or (isinstance(kind, list) and "integer" in kind)
