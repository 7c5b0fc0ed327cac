"""A populated fake: the records each collection holds on a fresh session.

For every top-level collection (`/pets` of `/pets/{petId}`) that seed data leaves empty, up to
`count` records: first those the spec's own examples show (a list answer's items, an item answer,
a create or replace request), where they fit the record schema, then made-up ones (the
synthesizer, one seed per record, so every start makes the same ones; the first shows the
properties' own examples, the next ones their other examples or made-up values, so that a list
does not repeat one record). Ids come from the store's rules (`Session.new_id`) or from the
example itself, and are noted as issued, so a later create never collides. A sub-collection
under an item (`/pets/{petId}/photos/{photoId}`) gets `count` made-up records under each of the
first few records of its parent collection (`PARENTS`), so that a list and its items agree there
too; deeper ones stay empty.

The records are worked out once per server (`Population.records`, on the first session), and
every fresh or reset session starts from them, as from seed data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from specmock.mock.actions import Actions
from specmock.mock.binding import Binding
from specmock.mock.server_fields import typed
from specmock.mock.storage import Address
from specmock.mock.store import Session
from specmock.spec.api import Operation
from specmock.spec.refs import follow

_EXAMPLE_ROLES = ("list", "read", "create", "replace")
# Parents whose sub-collections are filled: enough to browse, bounded on a spec with many.
PARENTS = 3
_PARAMETER = re.compile(r"\{[^}/]+\}")
# Record fields that name a record where no field repeats its path parameter's name, by how the
# parameter's name ends: GitHub's users sit at `/users/{username}` and show it as `login`.
_NAMING = {
    "username": ("login", "username", "handle"),
    "name": ("login", "username", "handle", "slug", "name"),
    "user": ("login", "username"),
    "org": ("login",),
    "owner": ("login",),
    "login": ("login",),
    "handle": ("handle",),
    "slug": ("slug",),
    "key": ("key",),
}


def populate(
    actions: Actions, count: int, seeded: Mapping[str, Any] | None = None
) -> dict[str, dict[str, Any]]:
    """Records by item path for the API's collections that `seeded` (seed data) leaves empty."""
    if count <= 0:
        return {}
    bindings = actions.bindings
    taken = {b.resource.item for p in seeded or {} if (b := bindings.for_item(p)) is not None}
    scratch = Session({})
    readable = {b.resource.item for op in actions.api.operations if (b := _reader(actions, op))}
    filled: dict[str, list[str]] = {}  # a top-level item template (`/pets/{}`) -> its ids
    resources = _resources(actions)
    for template, examples in resources.items():
        binding = bindings.for_template(template)
        if template in taken or template not in readable or not _top_level(template):
            continue
        assert binding is not None
        filler = _Filler(actions, binding, scratch, count)
        filler.fill(examples)
        filled[_PARAMETER.sub("{}", template)] = filler.identifiers
    for template in resources:
        binding = bindings.for_template(template)
        if template in taken or template not in readable or binding is None:
            continue
        parent = _parent(binding.resource.collection)
        if parent is None or parent[1] not in filled:
            continue
        for identifier in filled[parent[1]][:PARENTS]:
            _Filler(actions, binding, scratch, count, {parent[0]: identifier}).fill([])
    return {path: entry.record for path, entry in scratch.records(actions.api.name).items()}


def _parent(collection: str) -> tuple[str, str] | None:
    """The parameter and the item template (`{}` for parameters) of the one record a collection
    sits under (`petId` and `/pets/{}` for `/pets/{petId}/photos`), if it sits under exactly one
    at the end of a top-level collection."""
    head, slash, last = collection.rpartition("/")
    if not slash or _PARAMETER.search(last) or not head.endswith("}"):
        return None
    names = _PARAMETER.findall(head)
    if len(names) != 1:
        return None
    return names[0][1:-1], _PARAMETER.sub("{}", head)


def _naming(id_param: str, record: Mapping[str, Any]) -> list[str]:
    """The record fields that name a record at `{id_param}` where none repeats its name."""
    bare = id_param.lower().replace("_", "").replace("-", "")
    ending = next((end for end in _NAMING if bare.endswith(end)), None)
    return [name for name in _NAMING[ending] if name in record] if ending else []


def _numeric(schema: Mapping[str, Any]) -> bool:
    kind = schema.get("type")
    return bool({"integer", "number"} & set(kind if isinstance(kind, list) else [kind]))


def _top_level(template: str) -> bool:
    """An item path with one parameter, its last segment (`/pets/{petId}`)."""
    return template.count("{") == 1 and template.endswith("}")


def _reader(actions: Actions, operation: Operation) -> Binding | None:
    """The binding of an operation that reads an item at a documented path (`GET /pets/{id}`):
    only such collections are filled, since only their records can be seen one by one."""
    binding = actions.bindings.get(operation)
    if binding is None or binding.action.role != "read":
        return None
    return binding if binding.resource.item == operation.path else None


def _resources(actions: Actions) -> dict[str, list[Any]]:
    """Each resource's item template with the example records its operations show."""
    found: dict[str, list[Any]] = {}
    for operation in actions.api.operations:
        binding = actions.bindings.get(operation)
        if binding is None:
            continue
        shown = found.setdefault(binding.resource.item, [])
        if binding.action.role in _EXAMPLE_ROLES:
            shown.extend(_shown(actions, binding, operation))
    return found


def _shown(actions: Actions, binding: Binding, operation: Operation) -> Iterator[Any]:
    """The records an operation's examples show: a list's items, an item, a request body."""
    role = binding.action.role
    document = actions.api.document
    if role in ("create", "replace"):
        body = follow(document, operation.spec.get("requestBody") or {})
        for value in _examples(
            document, (body.get("content") or {}) if isinstance(body, dict) else {}
        ):
            yield binding.request.unwrap(value)
        return
    response = operation.responses.get(binding.success.key) or {}
    for value in _examples(document, response.get("content") or {}):
        if role == "read":
            yield value
        else:
            yield from _items(value)


def _examples(document: Mapping[str, Any], content: Mapping[str, Any]) -> Iterator[Any]:
    for media_type, media in content.items():
        if "json" not in media_type or not isinstance(media, dict):
            continue
        for example in (media.get("examples") or {}).values():
            example = follow(document, example)
            if isinstance(example, dict) and "value" in example:
                yield example["value"]
        if "example" in media:
            yield media["example"]
        schema = follow(document, media.get("schema") or {})
        if isinstance(schema, dict) and "example" in schema:
            yield schema["example"]


def _items(body: Any) -> Iterator[Any]:
    """A list answer's records: the array, or the first array of objects in its envelope."""
    if isinstance(body, list):
        yield from body
    elif isinstance(body, dict):
        lists = (v for v in body.values() if isinstance(v, list) and v and isinstance(v[0], dict))
        yield from next(lists, [])


class _Filler:
    """One collection filled in a scratch session, as creates would fill it."""

    def __init__(
        self,
        actions: Actions,
        binding: Binding,
        session: Session,
        count: int,
        parent: Mapping[str, str] | None = None,
    ) -> None:
        self.actions, self.binding, self.session, self.count = actions, binding, session, count
        self.api = actions.api.name
        self.parent = dict(parent or {})
        self.collection = binding.resource.collection_path(self.parent)
        self.identifiers: list[str] = []  # of the records stored, in order

    def fill(self, examples: list[Any]) -> None:
        stored = 0
        for record in examples:
            if stored < self.count and isinstance(record, dict) and self._store(dict(record), True):
                stored += 1
        for number in range(self.count * 2):  # a schema few made-up records fit ends early
            if stored >= self.count:
                return
            under = "".join(f":{value}" for value in self.parent.values())
            seed = f"{self.api}:{self.binding.resource.item}{under}:record:{number}"
            schema = self.binding.write_schema
            made = self.actions.synthesizer.generate(schema, seed=seed, variant=stored)
            if isinstance(made, dict) and self._store(made, False):
                stored += 1

    def _store(self, record: dict[str, Any], example: bool) -> bool:
        """Store a record if it fits the resource; False when it does not or its id is taken.
        An example keeps the id it shows; a made-up record gets the store's next one."""
        binding = self.binding
        for name, default in binding.defaults.items():
            record.setdefault(name, default)
        if self.actions.check_record(binding, record):
            return False
        own_id = "id" in binding.server.fields and "id" not in binding.server.mirrors
        if own_id and not example:
            record.pop("id", None)  # the store numbers it, as for a create: made-up ids collide
        numbered = _numeric(binding.id_schema)  # a made-up `id: 332` would skip 1 to 331
        identifier = self._own_id(record) if example or not numbered else None
        if identifier is None:
            identifier = str(self.session.new_id(self.api, self.collection, binding.id_schema))
        key = binding.resource.item_path({**self.parent, binding.resource.id_param: identifier})
        if self.session.get(self.api, key) is not None:
            return False
        self.session.issue(self.api, self.collection, identifier)
        address = Address(key, self.collection, identifier)
        self.session.write(self.api, address, record, binding.server)
        self.identifiers.append(identifier)
        return True

    def _own_id(self, record: Mapping[str, Any]) -> str | None:
        """The id a record gives itself, in a field that repeats the path id (or names the
        record where none does: `login` for `{username}`), when it is one the path admits."""
        server = self.binding.server
        for name in server.mirrors or _naming(server.id_param, record):
            value = record.get(name)
            if isinstance(value, str | int) and not isinstance(value, bool):
                key = typed(str(value), self.binding.id_schema)
                if "/" not in str(key) and not self.actions.synthesizer.problems(
                    key, self.binding.id_schema
                ):
                    return str(key)
        return None
