"""Resources: which operation does what to which stored thing, and where records sit in bodies.

Inferred from paths and methods: an item path ends in a parameter (`/models/{id}`), its collection
is the path without it (`/models`); parent parameters (`/restapis/{restapi_id}/models/{name}`) are
part of the record's key, which is the concrete item path. POST on a collection creates, GET lists;
GET on an item reads, PUT replaces, PATCH updates, DELETE deletes; anything else is `other` and is
answered from examples. An operation's `x-specmock: {role, resource, id}` overrides inference.

Envelopes are found in the schemas: a request body that is an object with one object property
(`{"model": {...}}`) carries the record inside it; a response with `data: {id, type, attributes}`
(JSON:API style) or `data: {...}` carries it there; otherwise the body is the record.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from specmock.spec.api import Api, Operation

Role = Literal["create", "list", "read", "replace", "update", "delete", "other"]
ROLES: tuple[Role, ...] = ("create", "list", "read", "replace", "update", "delete", "other")

_PARAMETER = re.compile(r"^\{([^{}/]+)\}$")
_ITEM_ROLES: dict[str, Role] = {
    "get": "read",
    "put": "replace",
    "patch": "update",
    "delete": "delete",
}
_COLLECTION_ROLES: dict[str, Role] = {"post": "create", "get": "list"}

#: Resolves a schema's `$ref` chain to the schema it names.
Resolver = Callable[[Mapping[str, Any]], Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class Resource:
    """A kind of stored record: its name, collection and item path templates, and id parameter."""

    name: str
    collection: str
    item: str
    id_param: str

    def item_path(self, params: Mapping[str, str]) -> str:
        """The concrete item path (the record's key) for path parameters."""
        return fill(self.item, params)

    def collection_path(self, params: Mapping[str, str]) -> str:
        return fill(self.collection, params)


@dataclass(frozen=True, slots=True)
class Action:
    """What one operation does: its role and the resource it acts on (None for `other`)."""

    role: Role
    resource: Resource | None


def infer(api: Api) -> dict[str, Action]:
    """The action of every operation of an API, by operation pointer."""
    items = _ItemPaths([operation.path for operation in api.operations])
    for operation in api.operations:
        items.methods.setdefault(operation.path, set()).add(operation.method)
    return {operation.pointer: action_of(operation, items) for operation in api.operations}


class _ItemPaths:
    """An API's paths, and its item paths by the collection prefix they extend, indexed once:
    a scan per collection operation took 0.4 s on GitHub's 1,223 operations. `methods` are the
    methods each path documents, where known."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = frozenset(paths)
        self.methods: dict[str, set[str]] = {}
        self.by_prefix: dict[str, str] = {}
        for path in paths:  # the first documented item path of a collection wins
            head, slash, last = path.rpartition("/")
            if slash and _PARAMETER.match(last):
                self.by_prefix.setdefault(head + "/", path)


def action_of(operation: Operation, paths: Sequence[str] | _ItemPaths | None = None) -> Action:
    """What an operation does; `paths` (the API's) let a collection find its item template."""
    paths = paths if isinstance(paths, _ItemPaths) else _ItemPaths(paths or ())
    override = operation.spec.get("x-specmock") or {}
    segments = [s for s in operation.path.split("/") if s]
    last = _PARAMETER.match(segments[-1]) if segments else None
    if last is not None:
        collection = "/" + "/".join(segments[:-1])
        resource = Resource(
            str(override.get("resource") or _name(segments[:-1])),
            collection if segments[:-1] else "/",
            operation.path,
            str(override.get("id") or last.group(1)),
        )
        role = _ITEM_ROLES.get(operation.method, "other")
    elif segments:
        item = _item_template(operation.path, paths, override.get("id"))
        after_item = len(segments) > 1 and _PARAMETER.match(segments[-2]) is not None
        if after_item and item not in paths.paths and "role" not in override:
            if not _SINGLETON_METHODS & paths.methods.get(operation.path, set()):
                return Action("other", None)  # `/notes/{id}/archive`: an action
            # `/things/{id}/lock` with a PUT or DELETE: one record under its item, no id of its own
            resource = Resource(
                str(override.get("resource") or segments[-1]),
                "/" + "/".join(segments[:-1]),
                operation.path,
                "",
            )
            role = _role(override.get("role"), _ITEM_ROLES.get(operation.method, "other"))
            return Action(role, None if role == "other" else resource)
        resource = Resource(
            str(override.get("resource") or _name(segments)),
            operation.path,
            item,
            item.rsplit("{", 1)[-1].rstrip("}"),
        )
        role = _COLLECTION_ROLES.get(operation.method, "other")
    else:
        return Action(_role(override.get("role"), "other"), None)
    role = _role(override.get("role"), role)
    return Action(role, None if role == "other" else resource)


_SINGLETON_METHODS = frozenset({"put", "delete"})


def _item_template(collection: str, paths: _ItemPaths, id_name: Any) -> str:
    """The documented item path below a collection (`/notes` -> `/notes/{noteId}`)."""
    prefix = collection.rstrip("/") + "/"
    return paths.by_prefix.get(prefix) or prefix + "{" + str(id_name or "id") + "}"


def _role(value: Any, default: Role) -> Role:
    for role in ROLES:
        if value == role:
            return role
    return default


def _name(segments: list[str]) -> str:
    literal = [s for s in segments if not _PARAMETER.match(s)]
    return literal[-1] if literal else "items"


def fill(template: str, params: Mapping[str, str]) -> str:
    """A path template with the parameters it names filled in (unknown ones left as written)."""
    if "{" not in template:
        return template
    return _PLACEHOLDER.sub(lambda m: params.get(m.group(1), m.group(0)), template)


_PLACEHOLDER = re.compile(r"\{([^{}/]+)\}")  # a parameter anywhere in a template


# -- envelopes ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Envelope:
    """Where the record sits in a body.

    `path` is the chain of property names to the record (`()`: the body is the record);
    `jsonapi` means the record's fields are under `attributes` beside `id` and `type`, and
    `type_name` is what `type` says.
    """

    path: tuple[str, ...] = ()
    jsonapi: bool = False
    type_name: str = ""

    def unwrap(self, body: Any) -> Any:
        """The record in a body (None when the body does not have the envelope's shape)."""
        node = body
        for name in self.path:
            if not isinstance(node, dict) or name not in node:
                return None
            node = node[name]
        if self.jsonapi and isinstance(node, dict):
            attributes = node.get("attributes")
            return dict(attributes) if isinstance(attributes, dict) else {}
        return node

    def wrap(self, record: dict[str, Any], record_id: str, base: Any) -> Any:
        """A body: `base` (the envelope, generated once; None without one) with the record put
        in its place."""
        inner: Any = record
        if self.jsonapi:
            inner = {"id": record_id, "type": self.type_name, "attributes": record}
        if not self.path:
            return inner  # fields the client never set stay out; required ones are filled later
        body = dict(base) if isinstance(base, dict) else {}
        node = body
        for name in self.path[:-1]:
            node[name] = dict(node.get(name) or {})
            node = node[name]
        node[self.path[-1]] = inner
        return body


def request_envelope(schema: Mapping[str, Any], resolve: Resolver) -> Envelope:
    """`{"model": {...}}` -> Envelope(("model",)); anything else: the body is the record."""
    resolved = resolve(schema)
    properties = resolved.get("properties") or {}
    if _is_object(resolved) and len(properties) == 1:
        ((name, inner),) = properties.items()
        inner_schema = resolve(inner)
        if _is_object(inner_schema) and inner_schema.get("properties"):
            return Envelope((name,))
    return Envelope()


def response_envelope(schema: Mapping[str, Any], resolve: Resolver, resource: str) -> Envelope:
    """Where a response schema carries the record: `data` (JSON:API or plain) or the whole body."""
    resolved = resolve(schema)
    properties = resolved.get("properties") or {}
    data = resolve(properties["data"]) if "data" in properties else None
    if data is not None and _is_object(data):
        inner = data.get("properties") or {}
        if "attributes" in inner and "id" in inner:
            return Envelope(("data",), True, _type_name(resolve(inner.get("type") or {}), resource))
        return Envelope(("data",))
    return Envelope()


def record_schema(
    schema: Mapping[str, Any], envelope: Envelope, resolve: Resolver
) -> Mapping[str, Any]:
    """The schema of the record inside a body schema with this envelope (`allOf` parts merged:
    `Widget: allOf: [WidgetIn, {properties: {id: ...}}]` is one record with both parts' fields)."""
    node = flat(schema, resolve)
    for name in envelope.path:
        node = flat((node.get("properties") or {}).get(name) or {}, resolve)
    if envelope.jsonapi:
        node = flat((node.get("properties") or {}).get("attributes") or {}, resolve)
    return node


def flat(schema: Mapping[str, Any], resolve: Resolver, depth: int = 0) -> Mapping[str, Any]:
    """`schema` resolved, with the `properties` and `required` of its `allOf` parts merged in
    (its own first, then the parts' in order; parts nested up to 8 deep, so a cycle ends)."""
    node = resolve(schema)
    parts = node.get("allOf")
    if not isinstance(parts, list) or not parts or depth > _FLAT_DEPTH:
        return node
    merged = {key: value for key, value in node.items() if key != "allOf"}
    properties = dict(node.get("properties") or {})
    required = list(node.get("required") or [])
    for part in parts:
        inner = flat(part, resolve, depth + 1) if isinstance(part, Mapping) else {}
        for name, subschema in (inner.get("properties") or {}).items():
            properties.setdefault(name, subschema)
        required += [name for name in inner.get("required") or [] if name not in required]
        for key, value in inner.items():
            if key not in ("properties", "required"):
                merged.setdefault(key, value)
    if properties:
        merged["properties"] = properties
    if required:
        merged["required"] = required
    return merged


_FLAT_DEPTH = 8


def _type_name(schema: Mapping[str, Any], resource: str) -> str:
    enum = schema.get("enum")
    if isinstance(enum, list) and enum and isinstance(enum[0], str):
        return enum[0]
    const = schema.get("const")
    return const if isinstance(const, str) else resource


def _is_object(schema: Mapping[str, Any]) -> bool:
    kind = schema.get("type")
    return (
        kind == "object"
        or (isinstance(kind, list) and "object" in kind)
        or (kind is None and "properties" in schema)
    )
