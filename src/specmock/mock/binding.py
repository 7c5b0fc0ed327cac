"""Binding each CRUD operation, once at startup, to what it needs to read and write records.

`Bindings.of(api)` works out, per operation with a resource, its action, request envelope,
record fields, defaults, id schema, size limit, the fields the server writes and the schema a
stored record must satisfy. Acting, listing and answering read bindings; they never reach back
into the spec for these.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from specmock.mock.resources import (
    Action,
    Envelope,
    Resource,
    infer,
    record_schema,
    request_envelope,
    response_envelope,
)
from specmock.mock.server_fields import ServerFields, mirrors, server_owned
from specmock.spec.api import Api, Operation
from specmock.spec.refs import follow
from specmock.validation import negotiation

JSON_PATCH = "application/json-patch+json"
SIZE_EXTENSION = "x-specmock-max-size"
_ITEM_ORDER = ("replace", "create", "update", "read", "delete", "list")


class Success(NamedTuple):
    """What an operation answers when nothing else is asked for: the response's key and status,
    its JSON media type and schema (None: the response has no JSON body)."""

    key: str
    status: int
    media: str
    schema: Mapping[str, Any] | None

    @classmethod
    def of(cls, operation: Operation) -> Success:
        key, status = operation.success
        media = _json_media(operation, key) or "application/json"
        return cls(key, status, media, _json_response_schema(operation, key))


@dataclass(frozen=True, slots=True)
class Binding:
    """An operation's action with what it needs to read and write records (worked out once)."""

    operation: Operation
    action: Action
    resource: Resource
    request: Envelope
    server: ServerFields
    defaults: Mapping[str, Any]
    id_schema: Mapping[str, Any]
    max_size: int | None
    write_schema: Mapping[str, Any]
    success: Success
    # The field by which a client names a record it creates (`username` for /user/{username});
    # None where the server names records (an `id`, a read-only or response-only field).
    chosen: str | None = None
    # The item path template of the stored record this one lives under (`/things/{thing_id}` for
    # `/things/{thing_id}/parts/{part_id}` and `/things/{thing_id}/lock`), "" where none is.
    parent: str = ""

    @property
    def fields(self) -> Mapping[str, Any]:
        return self.server.fields

    @property
    def owned(self) -> frozenset[str]:
        return self.server.owned


class Bindings:
    """The bindings of one API's operations that act on a resource, by operation pointer."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self._by_pointer: dict[str, Binding] = {}
        id_schemas = _id_schemas(api)
        actions = infer(api)
        for operation in api.operations:
            action = actions[operation.pointer]
            if action.resource is not None:
                self._by_pointer[operation.pointer] = self._bind(
                    operation, action, action.resource, id_schemas
                )
        self._share_write_schemas()
        self._find_parents()
        self._find_searches()

    def get(self, operation: Operation) -> Binding | None:
        return self._by_pointer.get(operation.pointer)

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        """A schema with its `$ref` followed (an empty one where it leads nowhere)."""
        target = follow(self.api.document, schema)
        return target if isinstance(target, Mapping) else {}

    def for_item(self, path: str) -> Binding | None:
        """The binding of the resource whose item template a concrete path matches (a full
        writer's first, since its schema is what a stored record must satisfy)."""
        matching = [b for b in self._by_pointer.values() if _fits(b.resource.item, path)]
        matching.sort(key=lambda b: _rank(b.action.role))
        return matching[0] if matching else None

    def for_template(self, template: str) -> Binding | None:
        """`for_item` of an item template itself: a lookup, no path matched against each."""
        matching = [b for b in self._by_pointer.values() if b.resource.item == template]
        return min(matching, key=lambda b: _rank(b.action.role), default=None)

    @property
    def item_templates(self) -> list[str]:
        return sorted({b.resource.item for b in self._by_pointer.values()})

    def _share_write_schemas(self) -> None:
        """A patch must leave a record that a full write (PUT, else POST) would accept."""
        writers = {
            b.resource.item: b
            for role in ("create", "replace")
            for b in self._by_pointer.values()
            if b.action.role == role
        }
        for pointer, binding in list(self._by_pointer.items()):
            writer = writers.get(binding.resource.item)
            if binding.action.role == "update" and writer is not None:
                server = replace(binding.server, owned=writer.owned)
                self._by_pointer[pointer] = replace(
                    binding, write_schema=writer.write_schema, server=server
                )

    def _find_parents(self) -> None:
        """Note, on each binding under an item that clients make (a POST to its collection or a
        PUT of it), that item's template, in this operation's own parameter names (which the
        request fills). An item made elsewhere (GitHub's repos, made by `POST /user/repos`) is
        never stored under its own path, so what lies under it is not made to depend on it."""
        items = {
            _shape(b.resource.item)
            for b in self._by_pointer.values()
            if b.resource.id_param and b.action.role in ("create", "replace")
        }
        for pointer, binding in list(self._by_pointer.items()):
            parent = _parent_template(binding.resource)
            if parent and _shape(parent) in items:
                self._by_pointer[pointer] = replace(binding, parent=parent)

    def _find_searches(self) -> None:
        """A GET of a literal path below a collection whose items are read (petstore's
        `/pet/findByStatus` beside `/pet/{petId}`) that answers an array of those very records
        lists that collection, filtered by the query parameters that name its fields; inferred
        alone it would list a collection of its own that nothing fills."""
        documented = {operation.path for operation in self.api.operations}
        readers = {
            b.resource.collection: b
            for b in self._by_pointer.values()
            if b.action.role == "read" and b.resource.item in documented
        }
        for pointer, binding in list(self._by_pointer.items()):
            resource = binding.resource
            if binding.action.role != "list" or resource.item in documented:
                continue
            reader = readers.get(resource.collection.rpartition("/")[0])
            if reader is not None and self._lists_records_of(binding, reader):
                self._by_pointer[pointer] = replace(binding, resource=reader.resource)

    def _lists_records_of(self, binding: Binding, reader: Binding) -> bool:
        """Whether a list answers an array of exactly the records another operation reads."""
        answer, record = binding.success.schema, reader.success.schema
        if not answer or not record:
            return False
        items = self.resolve(answer).get("items")
        return isinstance(items, Mapping) and self.resolve(items) == self.resolve(record)

    def _bind(
        self, operation: Operation, action: Action, resource: Resource, ids: dict[str, Any]
    ) -> Binding:
        body_schema = _json_body_schema(operation)
        success = Success.of(operation)
        answered = self._response_record_schema(success, resource)
        envelope = request_envelope(body_schema, self.resolve) if body_schema else Envelope()
        if envelope.path and envelope.path[0] in (answered.get("properties") or {}):
            envelope = Envelope()  # `{"settings": {...}}` where settings is a field of the record
        record = record_schema(body_schema, envelope, self.resolve) if body_schema else {}
        if "patchOperations" in (record.get("properties") or {}):
            record = {}  # a list of operations, not the record itself
        # The response says what the server adds (id, timestamps); the request what clients write.
        declared = {**(answered.get("properties") or {}), **(record.get("properties") or {})}
        fields = {name: self.resolve(schema) for name, schema in declared.items()}
        for name, schema in (answered.get("properties") or {}).items():
            if self.resolve(schema).get("readOnly"):
                fields[name] = {**fields[name], "readOnly": True}
        defaults = {name: s["default"] for name, s in fields.items() if "default" in s}
        size = record.get(SIZE_EXTENSION) or answered.get(SIZE_EXTENSION)
        written = set(record.get("properties") or {})
        # The server owns what clients cannot write: read-only fields, timestamps and version,
        # the id and fields that repeat the path id, and fields only the response knows.
        repeated = mirrors(resource.id_param, fields, resource.name)
        owned = server_owned(fields) | set(repeated)
        owned |= {"id"} & set(fields)
        if written:
            owned |= set(fields) - written
        # A client names a record by a writable field that repeats the path id, `id` excepted.
        chosen = next(
            (n for n in repeated if n != "id" and not fields[n].get("readOnly") and n in written),
            None,
        )
        return Binding(
            operation,
            action,
            resource,
            envelope,
            ServerFields(fields, frozenset(owned), resource.id_param, resource.name),
            defaults,
            ids.get(resource.item) or _mirror_schema(resource, fields),
            int(size) if isinstance(size, int) else None,
            record if written else answered,
            success,
            chosen if action.role == "create" else None,
        )

    def _response_record_schema(self, success: Success, resource: Resource) -> Mapping[str, Any]:
        schema = success.schema
        if not schema:
            return {}
        envelope = response_envelope(schema, self.resolve, resource.name)
        return record_schema(schema, envelope, self.resolve)


def _rank(role: str) -> int:
    return _ITEM_ORDER.index(role) if role in _ITEM_ORDER else len(_ITEM_ORDER)


def _fits(template: str, path: str) -> bool:
    return _template_pattern(template).fullmatch(path) is not None


@functools.lru_cache(maxsize=4096)
def _template_pattern(template: str) -> re.Pattern[str]:
    """A path template as a regular expression, built once: loading a state file asks it of
    every stored record (100,000 records took 16 s to load when it was built per call)."""
    return re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)))


def _shape(template: str) -> str:
    """A path template with its parameters' names left out: `/a/{x}` and `/a/{y}` are one."""
    return re.sub(r"\{[^/]+?\}", "{}", template)


def _parent_template(resource: Resource) -> str:
    """The item template a resource's records live under: a singleton's item itself, or the item
    its collection extends (`/things/{id}` for `/things/{id}/parts`); "" for a top collection."""
    if not resource.id_param:
        return resource.collection
    head = resource.collection.rpartition("/")[0]
    return head if head.endswith("}") else ""


def _mirror_schema(resource: Resource, fields: Mapping[str, Any]) -> Mapping[str, Any]:
    """The id's schema from the record field that repeats it, when no operation documents the
    item path (`POST /pets` with only `/pets/{petId}/photo`): ids then fit the record."""
    repeated = mirrors(resource.id_param, fields, resource.name)
    return fields[repeated[0]] if repeated else {}


def _json_body_schema(operation: Operation) -> Mapping[str, Any]:
    """The schema of the operation's JSON request body (a JSON Patch body excepted), else of its
    URL-encoded form (whose fields the store keeps as a record too), or {}."""
    content = (operation.spec.get("requestBody") or {}).get("content") or {}
    for media_type, media in content.items():
        if negotiation.is_json(media_type) and negotiation.essence(media_type) != JSON_PATCH:
            return media.get("schema") or {}
    for media_type, media in content.items():
        if negotiation.essence(media_type) == negotiation.FORM or negotiation.is_xml(media_type):
            return media.get("schema") or {}
    return {}


def _json_media(operation: Operation, key: str) -> str | None:
    content = ((operation.spec.get("responses") or {}).get(key) or {}).get("content") or {}
    found = next((m for m in content if negotiation.is_json(m)), None)
    return found or next((m for m in content if negotiation.is_xml(m)), None)  # XML-only


def _json_response_schema(operation: Operation, key: str) -> Mapping[str, Any] | None:
    """The JSON schema of one documented response, None where it has no JSON body."""
    content = ((operation.spec.get("responses") or {}).get(key) or {}).get("content") or {}
    media = _json_media(operation, key)
    return (content[media].get("schema") or {}) if media else None


def _id_schemas(api: Api) -> dict[str, Any]:
    """The schema of each item path's last parameter, by item path template."""
    found: dict[str, Any] = {}
    for operation in api.operations:
        name = operation.path.rsplit("/", 1)[-1].strip("{}")
        for parameter in operation.parameters:
            if (
                isinstance(parameter, dict)
                and parameter.get("in") == "path"
                and parameter.get("name") == name
            ):
                found[operation.path] = parameter.get("schema") or {}
    return found
