"""Listing a collection from the store: filtered by the query parameters that name record fields,
paginated by offset, page or cursor as the spec's parameters say, in the documented list shape.

The shape is a bare array or an envelope holding one: under `data`, `items`, `results` and the
other usual names, or the only array property; the envelope may be composed with `allOf` (`Page`
plus `{data: {items: Thing}}`, the usual paginated shape) and may hold the list one object deeper
(`{data: {items: [...]}}`). The envelope's other fields whose names say what they mean (`total`,
`has_more`, `next_cursor`, `page`, `per_page`...) tell the truth about the page served, at its top
level and one object down (`meta`, `pagination`); the rest is generated valid.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from specmock.digits import is_digits
from specmock.mock.answers import NotHandled, Reply
from specmock.mock.binding import Binding, Bindings
from specmock.mock.record_answers import as_shown, complete, made_up_fields, required
from specmock.mock.resources import Envelope, flat, record_schema, response_envelope
from specmock.mock.storage import SessionStore, StoredRecord
from specmock.schemas.synthesis import Synthesizer
from specmock.spec.api import Operation

_LIST_PROPERTIES = (
    "data",
    "items",
    "results",
    "records",
    "entries",
    "values",
    "content",
    "list",
    "elements",
)
_PAGE_NAMES = {
    "offset": ("offset", "skip", "start"),
    "limit": ("limit", "per_page", "page_size", "pageSize", "size", "count", "max"),
    "page": ("page", "page_number", "pageNumber"),
}
_CURSOR_NAMES = ("cursor", "after", "starting_after", "page_token", "pageToken", "next")
_PAGING = frozenset({name for names in _PAGE_NAMES.values() for name in names} | {*_CURSOR_NAMES})
_SEPARATORS = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


class Query(dict[str, str]):
    """A request's query: each name's last value, as a dict, and `getlist` for every value a
    repeated name has (`?tag=a&tag=b`: an exploded array)."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        pairs = list(pairs)
        super().__init__(pairs)
        self._lists: dict[str, list[str]] = {}
        for name, value in pairs:
            self._lists.setdefault(name, []).append(value)

    def getlist(self, name: str) -> list[str]:
        return list(self._lists.get(name, ()))


@dataclass(frozen=True, slots=True)
class ListShape:
    """Where a list answer holds its records: `path` to the array (`()`: the body is the array),
    the records' schema (`allOf` parts merged), and the envelope each record sits in."""

    path: tuple[str, ...]
    items: Mapping[str, Any]
    envelope: Envelope
    fields: Mapping[str, Any]
    required: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Filter:
    """A query parameter (`name`) that names a record `field`: records whose field holds one of
    the values it gives are listed. `separator` splits one value into several (None: a scalar,
    or an exploded array, whose values repeat the name)."""

    name: str
    field: str
    separator: str | None
    repeated: bool

    def wanted(self, query: Mapping[str, str]) -> list[str] | None:
        """The values the query gives (None: no filter). An empty value filters nothing
        (`?status=`, `?tags=`: an empty array in RFC 6570's form), as a search form's blank
        field does: it would otherwise match no record, or only those holding ""."""
        if self.name not in query:
            return None
        if self.repeated and isinstance(query, Query):
            texts = query.getlist(self.name)
        else:
            texts = [query[self.name]]
        if self.separator is not None:
            texts = [part for text in texts for part in text.split(self.separator)]
        return [text for text in texts if text] or None


@dataclass(frozen=True, slots=True)
class _Plan:
    """A list operation worked out once: its shape and filters, or why the store cannot list."""

    shape: ListShape | None
    filters: tuple[Filter, ...]
    declared: frozenset[str]
    reason: str = ""
    # envelope fields that describe the page: (the object holding it, "" for the envelope
    # itself; the field; its fact's key; the schemas it must satisfy, `allOf` parts flattened)
    told: tuple[tuple[str, str, str, tuple[Mapping[str, Any], ...]], ...] = ()


@dataclass(frozen=True, slots=True)
class Page:
    """The records served and what is true of them: the matching total, the start and size asked
    for (0: all), the page number, and the cursor that continues (None: nothing more)."""

    records: list[tuple[str, StoredRecord]]
    total: int
    start: int
    size: int
    number: int
    next_cursor: str | None

    @property
    def more(self) -> bool:
        return self.start + len(self.records) < self.total

    def facts(self) -> dict[str, Any]:
        """Envelope fields by their name lowercased without `_` and `-`, and their true value."""
        size = self.size or len(self.records)
        pages = math.ceil(self.total / size) if size else (1 if self.total else 0)
        facts: dict[str, Any] = {n: self.total for n in _TOTALS}
        facts |= {n: self.more for n in ("hasmore", "hasnext", "hasnextpage", "more")}
        facts |= {n: not self.more for n in ("last", "islast", "islastpage")}
        facts |= {n: self.start for n in ("offset", "skip", "start")}
        facts |= {n: size for n in ("limit", "perpage", "pagesize", "size")}
        facts |= {n: self.number for n in ("page", "pagenumber", "currentpage")}
        facts |= {n: pages for n in ("totalpages", "pagecount", "lastpage")}
        facts |= {n: len(self.records) for n in ("numberofelements", "returned", "itemcount")}
        facts |= {n: self.next_cursor for n in _NEXT_CURSORS}
        if self.next_cursor is None:
            facts |= {n: None for n in ("next", "nexturl", "nextpage", "nextlink")}
        return facts


_TOTALS = (
    "total",
    "totalcount",
    "totalitems",
    "totalresults",
    "totalrecords",
    "totalelements",
    "totalsize",
    "count",
)
_ABSENT = object()
_NEXT_CURSORS = ("nextcursor", "nextpagetoken", "cursor", "endcursor", "nextstartingafter")
_FACT_KEYS = frozenset(Page([], 0, 0, 0, 1, None).facts())  # a last page names every key


class Listing:
    """The list answers of one API's collections."""

    def __init__(self, bindings: Bindings, synthesizer: Synthesizer) -> None:
        self.bindings = bindings
        self.synthesizer = synthesizer
        self._plans: dict[str, _Plan] = {}
        self._bases: dict[str, Any] = {}  # each envelope as generated, never changed in place
        # the fields a resource's item answer requires, by item template (`RecordAnswers`)
        self.read_required: Callable[[str], frozenset[str]] = lambda template: frozenset()

    def answer(
        self,
        binding: Binding,
        session: SessionStore,
        params: Mapping[str, str],
        query: Mapping[str, str],
    ) -> Reply | NotHandled:
        """One page of the stored records of a collection, in the documented list shape."""
        plan = self._plan(binding)
        shape, success = plan.shape, binding.success
        if shape is None or success.schema is None:
            return NotHandled(plan.reason)
        api = self.bindings.api.name
        wanted = [(f, values) for f in plan.filters if (values := f.wanted(query)) is not None]
        records = [
            (path, stored)
            for path, stored in session.children(api, binding.resource.collection_path(params))
            if all(_holds(stored.record, f.field, values) for f, values in wanted)
        ]
        page = _page(records, query, plan.declared)
        bodies = []
        for path, stored in page.records:
            identifier = path.rsplit("/", 1)[-1]
            shown = as_shown(stored, binding.resource, identifier, shape.fields)
            names = shape.required | (
                self.read_required(binding.resource.item) & shape.fields.keys()
            )
            fields = made_up_fields(names, shape.fields)
            complete(self.synthesizer, f"{api}:{path}", stored, shown, fields)
            bodies.append(shape.envelope.wrap(shown, identifier, {}))
        schema = success.schema
        seed = f"{api}:{binding.operation.pointer}:{success.key}:list"
        body: Any = bodies
        if shape.path:
            if binding.operation.pointer not in self._bases:  # the same every time: made once
                self._bases[binding.operation.pointer] = self.synthesizer.generate(
                    schema, seed=seed
                )
            body = self._bases[binding.operation.pointer]
            body = self._fill(body if isinstance(body, dict) else {}, schema, shape.path, bodies)
            self._tell(body, plan.told, page)
        answer = self.synthesizer.conform(body, schema, seed=seed)
        return Reply(success.status, success.media, answer, {"X-Total-Count": str(page.total)})

    def required_of(self, template: str) -> frozenset[str]:
        """The fields the list answer of a resource requires of each record."""
        for operation in self.bindings.api.operations:
            binding = self.bindings.get(operation)
            role = binding.action.role if binding is not None else ""
            if binding is not None and role == "list" and binding.resource.item == template:
                shape = self._plan(binding).shape
                return shape.required if shape is not None else frozenset()
        return frozenset()

    def _plan(self, binding: Binding) -> _Plan:
        pointer = binding.operation.pointer
        plan = self._plans.get(pointer)
        if plan is None:
            plan = self._plans[pointer] = self._make_plan(binding)
        return plan

    def _make_plan(self, binding: Binding) -> _Plan:
        declared = frozenset(_query_parameters(binding.operation))
        schema = binding.success.schema
        if schema is None:
            return _Plan(None, (), declared, "the list answer has no JSON body to hold records")
        shape = self._shape(schema, binding.resource.name)
        if shape is None:
            return _Plan(None, (), declared, "the list answer is neither an array nor holds one")
        parameters = _query_parameters(binding.operation)
        resolve = self.bindings.resolve
        fields = {name: _field_of(name, p, shape.fields, resolve) for name, p in parameters.items()}
        filters = tuple(
            _filter(name, field, parameters[name], resolve)
            for name, field in fields.items()
            if name not in _PAGING and field is not None
        )
        return _Plan(shape, filters, declared, told=self._told(schema) if shape.path else ())

    def _told(
        self, schema: Mapping[str, Any]
    ) -> tuple[tuple[str, str, str, tuple[Mapping[str, Any], ...]], ...]:
        """The envelope's fields whose names say what they tell of the page, at its top level
        and one object down (`meta`, `pagination`, the object holding the list)."""
        resolve = self.bindings.resolve
        found = []
        holders = {"": resolve(schema)}
        for name, parts in _properties(resolve(schema), resolve).items():
            holders[name] = {"allOf": list(parts)}
        for holder, holder_schema in holders.items():
            for name, parts in _properties(resolve(holder_schema), resolve).items():
                key = name.lower().replace("_", "").replace("-", "")
                if key in _FACT_KEYS:
                    flats = tuple(flat(part, resolve) for part in parts)
                    found.append((holder, name, key, flats))
        return tuple(found)

    def _shape(self, schema: Mapping[str, Any], resource: str) -> ListShape | None:
        """Where the records are in a list answer's schema, or None when it holds no array."""
        resolve = self.bindings.resolve
        node = resolve(schema)
        found: tuple[tuple[str, ...], list[Mapping[str, Any]]] | None
        whole = flat(node, resolve)
        found = ((), _item_schemas([whole], resolve)) if _is_array(whole) else None
        found = found or _array_property(node, resolve)
        if found is None:  # one object deeper: `{data: {items: [...]}}`
            for name, parts in _properties(node, resolve).items():
                inner = {"allOf": list(parts)}
                # HAL's `_embedded` holds the list under the resource's name
                named_only = name not in (*_LIST_PROPERTIES, "_embedded")
                deeper = _array_property(inner, resolve, named_only=named_only)
                if deeper is not None and _is_object(flat(inner, resolve)):
                    found = ((name, *deeper[0]), deeper[1])
                    break
        if found is None:
            return None
        path, parts = found
        items = parts[0] if len(parts) == 1 else flat({"allOf": parts}, resolve)
        items = resolve(items)
        envelope = response_envelope(items, resolve, resource)
        record = record_schema(items, envelope, resolve)
        fields = {n: resolve(s) for n, s in (record.get("properties") or {}).items()}
        return ListShape(path, items, envelope, fields, required(record))

    def _fill(
        self, body: dict[str, Any], schema: Mapping[str, Any], path: Sequence[str], bodies: Any
    ) -> dict[str, Any]:
        """`body` with the records at `path` (the objects on the way kept, or made)."""
        body = dict(body)
        if len(path) == 1:
            body[path[0]] = bodies
            return body
        inner_schema = self._property_schema(schema, path[0])
        inner = body.get(path[0])
        if not isinstance(inner, dict):
            generated = self.synthesizer.generate(inner_schema, seed=f"list:{path[0]}")
            inner = generated if isinstance(generated, dict) else {}
        body[path[0]] = self._fill(inner, inner_schema, path[1:], bodies)
        return body

    def _tell(self, body: dict[str, Any], told: Any, page: Page) -> None:
        """Set the envelope fields that describe the page to what is true of it, wherever the
        true value is one the field's schema accepts (the generated value stays otherwise)."""
        facts = page.facts()
        copied = {""}
        for holder, name, key, schemas in told:
            node = body.get(holder) if holder else body
            value = facts.get(key, _ABSENT)
            if not isinstance(node, dict) or value is _ABSENT:
                continue
            if not any(self.synthesizer.problems(value, schema) for schema in schemas):
                if holder not in copied:  # the generated envelope it came from stays as it was
                    node = body[holder] = dict(node)
                    copied.add(holder)
                node[name] = value

    def _property_schema(self, schema: Mapping[str, Any], name: str) -> Mapping[str, Any]:
        resolve = self.bindings.resolve
        parts = _properties(resolve(schema), resolve).get(name) or []
        return flat({"allOf": list(parts)}, resolve) if parts else {}


def _properties(
    node: Mapping[str, Any], resolve: Any, depth: int = 0
) -> dict[str, list[Mapping[str, Any]]]:
    """Every schema a property is given across a schema's `allOf` parts (its own first): the
    parts of a composed envelope each say something of `data`, and all of it holds."""
    found: dict[str, list[Mapping[str, Any]]] = {}
    for name, schema in (node.get("properties") or {}).items():
        found.setdefault(name, []).append(schema)
    parts = node.get("allOf")
    if isinstance(parts, list) and depth < 8:
        for part in parts:
            if isinstance(part, Mapping):
                for name, schemas in _properties(resolve(part), resolve, depth + 1).items():
                    found.setdefault(name, []).extend(schemas)
    return found


def _array_property(
    node: Mapping[str, Any], resolve: Any, named_only: bool = False
) -> tuple[tuple[str, ...], list[Mapping[str, Any]]] | None:
    """(the property holding an array, its items' schemas): a usual list name first, else the
    only array property (unless `named_only`)."""
    arrays: dict[str, list[Mapping[str, Any]]] = {}
    for name, parts in _properties(node, resolve).items():
        schemas = [flat(part, resolve) for part in parts]
        if any(_is_array(schema) for schema in schemas):
            arrays[name] = _item_schemas(schemas, resolve)
    for name in _LIST_PROPERTIES:
        if name in arrays:
            return (name,), arrays[name]
    if len(arrays) == 1 and not named_only:
        ((name, items),) = arrays.items()
        return (name,), items
    return None


def _item_schemas(schemas: list[Mapping[str, Any]], resolve: Any) -> list[Mapping[str, Any]]:
    items = [s["items"] for s in schemas if isinstance(s.get("items"), Mapping)]
    return [resolve(item) for item in items] or [{}]


def _is_array(schema: Mapping[str, Any]) -> bool:
    kind = schema.get("type")
    return kind == "array" or (isinstance(kind, list) and "array" in kind) or "items" in schema


def _is_object(schema: Mapping[str, Any]) -> bool:
    kind = schema.get("type")
    return kind in ("object", None) or (isinstance(kind, list) and "object" in kind)


def _query_parameters(operation: Operation) -> dict[str, Mapping[str, Any]]:
    return {
        str(p.get("name")): p
        for p in operation.parameters
        if isinstance(p, dict) and p.get("in") == "query"
    }


def _field_of(
    name: str, parameter: Mapping[str, Any], fields: Mapping[str, Any], resolve: Any
) -> str | None:
    """The record field a query parameter filters by: the field of its name, or for an array
    named in the plural the field of the singular (`statuses` -> `status`, `ids` -> `id`)."""
    if name in fields:
        return name
    if not _is_array(flat(parameter.get("schema") or {}, resolve)):
        return None
    for plural, singular in (("ies", "y"), ("es", ""), ("s", "")):
        if name.endswith(plural) and name[: -len(plural)] + singular in fields:
            return name[: -len(plural)] + singular
    return None


def _filter(name: str, field: str, parameter: Mapping[str, Any], resolve: Any) -> Filter:
    """How a filtering parameter's values are written, as its `style` and `explode` say."""
    schema = flat(parameter.get("schema") or {}, resolve)
    if not _is_array(schema):
        return Filter(name, field, None, False)
    style = str(parameter.get("style") or "form")
    explode = bool(parameter.get("explode", style == "form"))
    return Filter(name, field, None if explode else _SEPARATORS.get(style, ","), explode)


def _holds(record: Mapping[str, Any], name: str, wanted: list[str]) -> bool:
    """Whether a record's field is one of the wanted values (for an array field: holds one)."""
    if name not in record:
        return False
    value = record[name]
    values = value if isinstance(value, list) else [value]
    return any(_same(item, text) for item in values for text in wanted)


def _same(value: Any, text: str) -> bool:
    """A field's value and a query's text name the same thing (`3` and `3.0`, `true`)."""
    if isinstance(value, str):
        return value == text
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return float(text) == value
        except ValueError:
            return False
    return json.dumps(value) == text


def _page(
    records: list[tuple[str, StoredRecord]], query: Mapping[str, str], declared: frozenset[str]
) -> Page:
    """The page the pagination parameters the spec declares ask for."""

    def number(kind: str) -> int | None:
        for name in _PAGE_NAMES[kind]:
            value = query.get(name) if name in declared else None
            if value is not None and is_digits(value):
                return int(value)
        return None

    size = number("limit") or 0
    offset, page_number = number("offset"), number("page")
    if offset is None and page_number is not None and size:
        offset = max(page_number - 1, 0) * size
    start = offset or 0
    cursor = next((query[n] for n in _CURSOR_NAMES if n in declared and query.get(n)), None)
    if cursor is not None:  # the cursor is the last id sent: the list continues after it
        ids = [path.rsplit("/", 1)[-1] for path, _ in records]
        start = ids.index(cursor) + 1 if cursor in ids else len(ids)
    served = records[start : start + size if size else None]
    more = start + len(served) < len(records)
    following = served[-1][0].rsplit("/", 1)[-1] if served and more else None
    number_served = page_number or (start // size + 1 if size else 1)
    return Page(served, len(records), start, size, number_served, following)
