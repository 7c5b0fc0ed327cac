"""Listing a collection from the store: filtered by declared query parameters that name record
fields, paginated by offset, page or cursor as the spec's parameters say, in the documented list
shape (a bare array, or an object with an array property)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from specmock.mock.answers import NotHandled, Reply
from specmock.mock.binding import Binding, Bindings
from specmock.mock.record_answers import as_shown
from specmock.mock.resources import record_schema, response_envelope
from specmock.mock.storage import SessionStore
from specmock.schemas.synthesis import Synthesizer
from specmock.spec.api import Operation

_LIST_PROPERTIES = ("data", "items", "results", "records", "content", "values")
_PAGE_NAMES = {
    "offset": ("offset", "skip", "start"),
    "limit": ("limit", "per_page", "page_size", "pageSize", "size", "count", "max"),
    "page": ("page", "page_number", "pageNumber"),
}
_CURSOR_NAMES = ("cursor", "after", "starting_after", "page_token", "pageToken", "next")
_NEXT_CURSOR_FIELDS = ("next_cursor", "nextCursor", "next_page_token", "nextPageToken", "cursor")


class Listing:
    """The list answers of one API's collections."""

    def __init__(self, bindings: Bindings, synthesizer: Synthesizer) -> None:
        self.bindings = bindings
        self.synthesizer = synthesizer

    def answer(
        self,
        binding: Binding,
        session: SessionStore,
        params: Mapping[str, str],
        query: Mapping[str, str],
    ) -> Reply | NotHandled:
        """One page of the stored records of a collection, in the documented list shape."""
        resource = binding.resource
        operation = binding.operation
        success = binding.success
        schema = success.schema
        if schema is None:
            return NotHandled("the list answer has no JSON body to hold records")
        place, items = self._place(schema)
        if items is None:
            return NotHandled("the list answer is neither an array nor holds one")
        api = self.bindings.api.name
        declared = _query_names(operation)
        records = [
            (path, stored)
            for path, stored in session.children(api, resource.collection_path(params))
            if _matches_filters(stored.record, query, declared)
        ]
        start, size = _page(query, declared)
        cursor = _cursor(query, declared)
        if cursor is not None:
            ids = [path.rsplit("/", 1)[-1] for path, _ in records]
            start = ids.index(cursor) + 1 if cursor in ids else len(ids)
        page = records[start : start + size if size else None]
        resolve = self.bindings.resolve
        envelope = response_envelope(items, resolve, resource.name)
        item_record = record_schema(items, envelope, resolve)
        fields = {n: resolve(s) for n, s in (item_record.get("properties") or {}).items()}
        bodies = []
        for path, stored in page:
            identifier = path.rsplit("/", 1)[-1]
            shown = as_shown(stored, resource, identifier, fields)
            bodies.append(envelope.wrap(shown, identifier, {}))
        seed = f"{api}:{operation.pointer}:{success.key}:list"
        if place is None:
            body: Any = bodies
        else:
            body = dict(self.synthesizer.generate(schema, seed=seed))
            body[place] = bodies
            more = page and start + len(page) < len(records)
            for name in _NEXT_CURSOR_FIELDS:
                if name in (resolve(schema).get("properties") or {}):
                    body[name] = page[-1][0].rsplit("/", 1)[-1] if more else None
        answer = self.synthesizer.conform(body, schema, seed=seed)
        total = {"X-Total-Count": str(len(records))}
        return Reply(success.status, success.media, answer, total)

    def _place(self, schema: Mapping[str, Any]) -> tuple[str | None, Mapping[str, Any] | None]:
        """(property holding the list or None for a bare array, the items' schema)."""
        resolve = self.bindings.resolve
        resolved = resolve(schema)
        if resolved.get("type") == "array":
            return None, resolve(resolved.get("items") or {})
        properties = resolved.get("properties") or {}
        for name in (*_LIST_PROPERTIES, *properties):
            candidate = resolve(properties.get(name) or {})
            if candidate.get("type") == "array":
                return name, resolve(candidate.get("items") or {})
        return None, None


def _query_names(operation: Operation) -> set[str]:
    return {
        str(p.get("name"))
        for p in operation.parameters
        if isinstance(p, dict) and p.get("in") == "query"
    }


def _cursor(query: Mapping[str, str], declared: set[str]) -> str | None:
    """The id after which a cursor-paged list continues (the cursor is the last id sent)."""
    for name in _CURSOR_NAMES:
        if name in declared and query.get(name):
            return query[name]
    return None


def _matches_filters(
    record: Mapping[str, Any], query: Mapping[str, str], declared: set[str]
) -> bool:
    """Declared query parameters named like a record field filter by equality (as text)."""
    paging = {name for names in _PAGE_NAMES.values() for name in names} | set(_CURSOR_NAMES)
    for name, wanted in query.items():
        if name in declared and name not in paging and name in record:
            value = record[name]
            text = json.dumps(value) if not isinstance(value, str) else value
            if text != wanted:
                return False
    return True


def _page(query: Mapping[str, str], declared: set[str]) -> tuple[int, int]:
    """(start index, page size or 0 for all) from the pagination parameters the spec declares."""

    def number(kind: str) -> int | None:
        for name in _PAGE_NAMES[kind]:
            value = query.get(name) if name in declared else None
            if value is not None and value.isdigit():
                return int(value)
        return None

    size = number("limit") or 0
    offset = number("offset")
    page = number("page")
    if offset is None and page is not None and size:
        offset = max(page - 1, 0) * size
    return offset or 0, size
