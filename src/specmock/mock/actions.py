"""Acting on the store for one valid request, and answering with the stored record.

Each operation with a CRUD role is bound once at startup to its resource, envelopes and record
schema. `Actions.act` returns a `Reply`, a `Problem`, or None when the store has nothing to say
(an `other` operation, a `Prefer` that asks for an example, or a read of a record that does not
exist where no 404 is documented): then the answer comes from examples as before.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple
from urllib.parse import quote

from specmock.mock import patching, store
from specmock.mock.answers import Prefer, Reply, Responder, encode, error_key, success_status
from specmock.mock.resources import (
    Action,
    Envelope,
    infer,
    record_schema,
    request_envelope,
    response_envelope,
)
from specmock.mock.store import Entry, State
from specmock.problems import Problem
from specmock.spec.api import Api, Operation
from specmock.spec.perobject import PerObject
from specmock.spec.refs import follow
from specmock.spec.refs import pointer as json_pointer
from specmock.validation import negotiation
from specmock.violations import Violation

JSON_PATCH = "application/json-patch+json"
SIZE_EXTENSION = "x-specmock-max-size"


class Success(NamedTuple):
    """What an operation answers when nothing else is asked for: the response's key and status,
    its JSON media type and schema (None: the response has no JSON body)."""

    key: str
    status: int
    media: str
    schema: Mapping[str, Any] | None

    @classmethod
    def of(cls, operation: Operation) -> Success:
        key, status = success_status(operation)
        media = _json_media(operation, key) or "application/json"
        return cls(key, status, media, _json_response_schema(operation, key))


@dataclass(frozen=True, slots=True)
class Binding:
    """An operation's action with what it needs to read and write records (worked out once)."""

    operation: Operation
    action: Action
    request: Envelope
    fields: Mapping[str, Any]
    defaults: Mapping[str, Any]
    id_schema: Mapping[str, Any]
    max_size: int | None
    owned: frozenset[str]
    write_schema: Mapping[str, Any]
    success: Success
    # The field by which a client names a record it creates (`username` for /user/{username});
    # None where the server names records (an `id`, a read-only or response-only field).
    chosen: str | None = None


@dataclass(frozen=True, slots=True)
class Call:
    """The parts of a valid request the store needs."""

    params: Mapping[str, str]
    body: Any
    content_type: str
    if_match: str | None
    query: Mapping[str, str] = field(default_factory=dict)


class Actions:
    """The store-backed behaviour of one API's operations."""

    def __init__(self, api: Api, responder: Responder, mount: str = "") -> None:
        self.api = api
        self.mount = mount
        self.responder = responder
        self.bindings: dict[str, Binding] = {}
        self._envelopes: PerObject[Envelope] = PerObject()
        id_schemas = _id_schemas(api)
        actions = infer(api)
        for operation in api.operations:
            action = actions[operation.pointer]
            if action.resource is not None:
                self.bindings[operation.pointer] = self._bind(operation, action, id_schemas)
        self._share_write_schemas()

    def binding_for_item(self, path: str) -> Binding | None:
        """The binding of the resource whose item template a concrete path matches (a full
        writer's first, since its schema is what a stored record must satisfy)."""
        order = ("replace", "create", "update", "read", "delete", "list")
        matching = [
            b
            for b in self.bindings.values()
            if b.action.resource is not None and _fits(b.action.resource.item, path)
        ]
        matching.sort(key=lambda b: order.index(b.action.role) if b.action.role in order else 9)
        return matching[0] if matching else None

    @property
    def item_templates(self) -> list[str]:
        return sorted({b.action.resource.item for b in self.bindings.values() if b.action.resource})

    def _share_write_schemas(self) -> None:
        """A patch must leave a record that a full write (PUT, else POST) would accept."""
        writers = {
            b.action.resource.item: b
            for role in ("create", "replace")
            for b in self.bindings.values()
            if b.action.role == role and b.action.resource is not None
        }
        for pointer, binding in list(self.bindings.items()):
            writer = writers.get(binding.action.resource.item) if binding.action.resource else None
            if binding.action.role == "update" and writer is not None:
                self.bindings[pointer] = replace(
                    binding,
                    write_schema=writer.write_schema,
                    owned=writer.owned,
                )

    def _resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        target = follow(self.api.document, schema)
        return target if isinstance(target, Mapping) else {}

    def _bind(self, operation: Operation, action: Action, ids: dict[str, Any]) -> Binding:
        assert action.resource is not None
        body_schema = _json_body_schema(operation)
        success = Success.of(operation)
        answered = self._response_record_schema(success, action)
        envelope = request_envelope(body_schema, self._resolve) if body_schema else Envelope()
        if envelope.path and envelope.path[0] in (answered.get("properties") or {}):
            envelope = Envelope()  # `{"settings": {...}}` where settings is a field of the record
        record = record_schema(body_schema, envelope, self._resolve) if body_schema else {}
        if "patchOperations" in (record.get("properties") or {}):
            record = {}  # a list of operations, not the record itself
        # The response says what the server adds (id, timestamps); the request what clients write.
        declared = {**(answered.get("properties") or {}), **(record.get("properties") or {})}
        fields = {name: self._resolve(schema) for name, schema in declared.items()}
        for name, schema in (answered.get("properties") or {}).items():
            if self._resolve(schema).get("readOnly"):
                fields[name] = {**fields[name], "readOnly": True}
        defaults = {name: s["default"] for name, s in fields.items() if "default" in s}
        size = record.get(SIZE_EXTENSION) or answered.get(SIZE_EXTENSION)
        written = set(record.get("properties") or {})
        # The server owns what clients cannot write: read-only fields, timestamps and version,
        # the id and fields that repeat the path id, and fields only the response knows.
        mirrors = _mirrors(action.resource.id_param, fields)
        owned = store.server_owned(fields) | set(mirrors)
        owned |= {"id"} & set(fields)
        if written:
            owned |= set(fields) - written
        # A client names a record by a writable field that repeats the path id, `id` excepted.
        chosen = next(
            (n for n in mirrors if n != "id" and not fields[n].get("readOnly") and n in written),
            None,
        )
        return Binding(
            operation,
            action,
            envelope,
            fields,
            defaults,
            ids.get(action.resource.item) or _mirror_schema(action.resource.id_param, fields),
            int(size) if isinstance(size, int) else None,
            frozenset(owned),
            record if written else answered,
            success,
            chosen if action.role == "create" else None,
        )

    def _response_record_schema(self, success: Success, action: Action) -> Mapping[str, Any]:
        schema = success.schema
        if not schema or action.resource is None:
            return {}
        envelope = response_envelope(schema, self._resolve, action.resource.name)
        return record_schema(schema, envelope, self._resolve)

    # -- acting -----------------------------------------------------------------------------------

    def act(
        self, operation: Operation, state: State, call: Call, prefer: Prefer
    ) -> Reply | Problem | None:
        binding = self.bindings.get(operation.pointer)
        if binding is None or prefer.code is not None or prefer.example or prefer.dynamic:
            return None
        if binding.success.status >= 400:
            # No success is documented (petstore's POST /pet has only `405`): the client is told
            # the request failed, so nothing is stored; the documented answer is given.
            return None
        role = binding.action.role
        if role == "create":
            return self._create(binding, state, call)
        if role == "list":
            return self._list(binding, state, call)
        resource = binding.action.resource
        assert resource is not None
        identifier = call.params.get(resource.id_param, "")
        canonical = str(_typed(identifier, binding.id_schema))
        if canonical != identifier:  # `007` and `7` are one record
            call = replace(call, params={**call.params, resource.id_param: canonical})
        key = resource.item_path(call.params)
        entry = state.get(self.api.name, key)
        if entry is None and role in ("read", "delete"):
            # Where no 404 is documented, the fake stays inside its statuses: examples answer.
            return self._missing(binding, key) if _has_404(operation) else None
        if entry is not None and call.if_match and not _etag_matches(call.if_match, entry.etag):
            conflict = error_key(operation, 412) or error_key(operation, 409)
            if conflict is not None:
                status = 412 if error_key(operation, 412) == "412" else 409
                detail = f"If-Match {call.if_match} does not match the current ETag {entry.etag}"
                return Problem(status, detail, (Violation("header", "If-Match", detail),))
        if role == "read":
            assert entry is not None
            return self.render(binding, key, entry)
        if role == "delete":
            state.delete(self.api.name, key)
            return None
        if entry is None and _has_404(operation):
            return self._missing(binding, key)
        if role == "replace":
            return self._replace(binding, state, call, key, entry)
        return self._update(binding, state, call, key, entry)

    def _missing(self, binding: Binding, key: str) -> Problem:
        return Problem(
            404,
            f"no record at {key}",
            (
                Violation(
                    "path",
                    binding.action.resource.id_param if binding.action.resource else "",
                    f"{key} does not exist",
                ),
            ),
        )

    def _create(self, binding: Binding, state: State, call: Call) -> Reply | Problem:
        resource = binding.action.resource
        assert resource is not None
        incoming = binding.request.unwrap(call.body)
        record = dict(incoming) if isinstance(incoming, dict) else {}
        identifier = self._chosen_id(binding, record)  # what the client wrote, not a default
        for name, default in binding.defaults.items():
            record.setdefault(name, default)
        collection = resource.collection_path(call.params)
        if isinstance(identifier, Problem):
            return identifier
        if identifier is None:
            identifier = str(state.new_id(self.api.name, collection, binding.id_schema))
        params = {**call.params, resource.id_param: identifier}
        key = resource.item_path(params)
        previous = state.get(self.api.name, key)
        if previous is not None:  # only a chosen key can be taken
            taken = _refusal(binding, (409, 400), f"a record is already stored at {key}")
            if taken is not None:
                return taken
        state.issue(self.api.name, collection, identifier)
        before = previous.record if previous is not None else None
        record = self._owned(binding, record, before, state, params)
        entry = state.put(self.api.name, key, record)
        reply = self.render(binding, key, entry)
        if isinstance(reply, Reply) and reply.status == 201:
            reply.headers["Location"] = quote(self.mount.rstrip("/") + key, safe="/")
        return reply

    def _chosen_id(self, binding: Binding, record: Mapping[str, Any]) -> str | Problem | None:
        """The key a client gave the record it creates, as its path reads it (None when it gave
        none). It must name an item: one path segment (not `.` or `..`) that the id parameter's
        schema accepts, read as `act` reads a path id (`7` for `007` where ids are integers);
        one that cannot is refused where a 400 is documented, else the server names the record
        (the field then repeats that name)."""
        if binding.chosen is None or binding.chosen not in record:
            return None
        value = record[binding.chosen]
        text = _as_segment(value)
        if text is not None:
            key = _typed(text, binding.id_schema)
            if not self.responder.synthesizer.problems(key, binding.id_schema):
                return str(key)
        template = binding.action.resource.item if binding.action.resource else ""
        return _refusal(binding, (400,), f"{value!r} cannot name a record at {template}")

    def _replace(
        self, binding: Binding, state: State, call: Call, key: str, entry: Entry | None
    ) -> Reply | Problem:
        incoming = binding.request.unwrap(call.body)
        incoming = incoming if isinstance(incoming, dict) else {}
        previous = entry.record if entry else None
        record = store.replace(previous, incoming, binding.owned, binding.defaults)
        record = self._owned(binding, record, previous, state, call.params)
        return self.render(binding, key, state.put(self.api.name, key, record))

    def _update(
        self, binding: Binding, state: State, call: Call, key: str, entry: Entry | None
    ) -> Reply | Problem:
        previous = dict(entry.record) if entry else {}
        try:
            patched = self._patch(binding, previous, call)
        except patching.PatchError as error:
            # RFC 5789: a well-formed patch that cannot apply to the current record is a conflict.
            return Problem(
                409, str(error), (Violation("body", _patch_pointer(error, call), str(error)),)
            )
        problems = self.check_record(binding, patched)
        if problems:
            return Problem.from_violations(409, problems)
        before = entry.record if entry else None
        record = self._owned(binding, patched, before, state, call.params)
        return self.render(binding, key, state.put(self.api.name, key, record))

    def _patch(self, binding: Binding, record: dict[str, Any], call: Call) -> dict[str, Any]:
        owned = set(binding.owned)
        if negotiation.essence(call.content_type) == JSON_PATCH or isinstance(call.body, list):
            _refuse_owned(patching.touched_paths(call.body), owned)
            return patching.json_patch(record, call.body)
        if isinstance(call.body, dict) and "patchOperations" in call.body:
            operations = call.body.get("patchOperations") or []
            _refuse_owned(patching.touched_paths(operations), owned)
            return patching.aws_patch_operations(record, operations)
        change = binding.request.unwrap(call.body)
        change = change if isinstance(change, dict) else {}
        _refuse_owned([f"/{name}" for name in change], owned)
        return patching.merge_patch(record, change)

    def check_record(self, binding: Binding, record: dict[str, Any]) -> list[Violation]:
        """Ways a record breaks its resource: the schema clients write, documented size limits."""
        found = []
        if binding.max_size is not None:
            size = len(json.dumps(record, ensure_ascii=False).encode())
            if size > binding.max_size:
                limit = binding.max_size
                found.append(
                    Violation(
                        "body", "", f"the result would be {size} bytes, over the limit of {limit}"
                    )
                )
        written = {k: v for k, v in record.items() if k not in binding.owned}
        for where, message in self.responder.synthesizer.problems(written, binding.write_schema):
            found.append(Violation("body", where, message))
        return found

    def _owned(
        self,
        binding: Binding,
        record: dict[str, Any],
        previous: Mapping[str, Any] | None,
        state: State,
        params: Mapping[str, str],
    ) -> dict[str, Any]:
        """`record` with what the server writes: the path id (in `params`) in the fields that
        repeat it, an `id` of its own where the path names records otherwise, the timestamps
        and version."""
        resource = binding.action.resource
        assert resource is not None
        mirrors = _mirrors(resource.id_param, binding.fields)
        for name in mirrors:
            record[name] = _typed(params.get(resource.id_param, ""), binding.fields[name])
        if "id" in binding.fields and "id" not in mirrors:
            record["id"] = (
                (previous or {}).get("id")
                or record.get("id")
                or state.new_own_id(
                    self.api.name, resource.collection_path(params), binding.fields["id"]
                )
            )
        return store.stamp(record, binding.fields, previous)

    # -- answering --------------------------------------------------------------------------------

    def _list(self, binding: Binding, state: State, call: Call) -> Reply | None:
        """The stored records of a collection, paginated as its parameters say, in the documented
        list shape (an array, or an object with an array property); None for other shapes."""
        resource = binding.action.resource
        assert resource is not None
        operation = binding.operation
        success = binding.success
        schema = success.schema
        if schema is None:
            return None
        place, items = self._list_place(schema)
        if items is None:
            return None
        declared = _query_names(operation)
        records = [
            (path, entry)
            for path, entry in state.children(self.api.name, resource.collection_path(call.params))
            if _matches_filters(entry.record, call.query, declared)
        ]
        start, size = _page(call.query, declared)
        ids = [path.rsplit("/", 1)[-1] for path, _ in records]
        cursor = _cursor(call.query, declared)
        if cursor is not None:
            start = ids.index(cursor) + 1 if cursor in ids else len(ids)
        page = records[start : start + size if size else None]
        envelope = response_envelope(items, self._resolve, resource.name)
        item_record = record_schema(items, envelope, self._resolve)
        fields = {n: self._resolve(s) for n, s in (item_record.get("properties") or {}).items()}
        bodies = []
        for path, entry in page:
            identifier = path.rsplit("/", 1)[-1]
            shown = self._shown(binding, entry, identifier, fields)
            bodies.append(envelope.wrap(shown, identifier, {}))
        seed = f"{self.api.name}:{operation.pointer}:{success.key}:list"
        if place is None:
            body: Any = bodies
        else:
            body = dict(self.responder.synthesizer.generate(schema, seed=seed))
            body[place] = bodies
            more = page and start + len(page) < len(records)
            for name in _NEXT_CURSOR_FIELDS:
                if name in (self._resolve(schema).get("properties") or {}):
                    body[name] = page[-1][0].rsplit("/", 1)[-1] if more else None
        answer = self.responder.synthesizer.conform(body, schema, seed=seed)
        total = {"X-Total-Count": str(len(records))}
        return Reply(success.status, success.media, answer, total)

    def _list_place(self, schema: Mapping[str, Any]) -> tuple[str | None, Mapping[str, Any] | None]:
        """(property holding the list or None for a bare array, the items' schema)."""
        resolved = self._resolve(schema)
        if resolved.get("type") == "array":
            return None, self._resolve(resolved.get("items") or {})
        properties = resolved.get("properties") or {}
        for name in (*_LIST_PROPERTIES, *properties):
            candidate = self._resolve(properties.get(name) or {})
            if candidate.get("type") == "array":
                return name, self._resolve(candidate.get("items") or {})
        return None, None

    def _shown(
        self,
        binding: Binding,
        entry: Entry,
        identifier: str,
        fields: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A record as answered: fields that repeat the path id always say that id (a record
        seeded through the admin API may lack them)."""
        resource = binding.action.resource
        known = binding.fields if fields is None else fields
        shown = dict(entry.record)
        for name in _mirrors(resource.id_param if resource else "", known):
            shown.setdefault(name, _typed(identifier, known[name]))
        return shown

    def _envelope(self, schema: Mapping[str, Any], resource: str) -> Envelope:
        return self._envelopes.get(
            schema, lambda: response_envelope(schema, self._resolve, resource), resource
        )

    def render(self, binding: Binding, key: str, entry: Entry) -> Reply | Problem:
        operation = binding.operation
        status_key, status, media, schema = binding.success
        headers = {"ETag": entry.etag}
        if schema is None:
            return Reply(status, None, None, headers)
        resource = binding.action.resource
        assert resource is not None
        answered = (operation.pointer, status_key)
        kept = entry.answer(answered)
        if kept is not None:
            answer, encoded = kept
            return Reply(status, media, answer, headers, encoded)
        envelope = self._envelope(schema, resource.name)
        seed = f"{self.api.name}:{key}:{operation.pointer}:{status_key}"
        synthesizer = self.responder.synthesizer
        # the rest of an envelope around the record, made up once per record
        base = (
            entry.made_up(status_key, lambda: synthesizer.generate(schema, seed=seed))
            if envelope.path
            else None
        )
        identifier = key.rsplit("/", 1)[-1]
        body = envelope.wrap(self._shown(binding, entry, identifier), identifier, base)
        answer = synthesizer.conform(body, schema, seed=seed)
        encoded = encode(answer, media)
        if binding.action.role == "read":  # only a read is answered again from the same entry
            entry.keep_answer(answered, (answer, encoded))
        return Reply(status, media, answer, headers, encoded)


_LIST_PROPERTIES = ("data", "items", "results", "records", "content", "values")
_PAGE_NAMES = {
    "offset": ("offset", "skip", "start"),
    "limit": ("limit", "per_page", "page_size", "pageSize", "size", "count", "max"),
    "page": ("page", "page_number", "pageNumber"),
}


def _query_names(operation: Operation) -> set[str]:
    return {
        str(p.get("name"))
        for p in operation.parameters
        if isinstance(p, dict) and p.get("in") == "query"
    }


_CURSOR_NAMES = ("cursor", "after", "starting_after", "page_token", "pageToken", "next")
_NEXT_CURSOR_FIELDS = ("next_cursor", "nextCursor", "next_page_token", "nextPageToken", "cursor")


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


def _fits(template: str, path: str) -> bool:
    pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
    return re.fullmatch(pattern, path) is not None


def _etag_matches(header: str, etag: str) -> bool:
    """RFC 9110 If-Match: `*`, or a list of (possibly weak) entity tags naming the current one."""
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or etag in tags


def _patch_pointer(error: patching.PatchError, call: Call) -> str:
    if error.index is None:
        return error.pointer
    if isinstance(call.body, dict) and "patchOperations" in call.body:
        return f"/patchOperations/{error.index}"
    return f"/{error.index}"


def _refuse_owned(paths: list[str], owned: set[str]) -> None:
    for path in paths:
        top = path.split("/")[1] if path.count("/") >= 1 and path != "" else ""
        if path == "" or top in owned:
            raise patching.PatchError(
                "the field is owned by the server and cannot be written", pointer=path or "/"
            )


def _as_segment(value: Any) -> str | None:
    """`value` as one path segment, when it can be one: a string without `/` (not empty, `.` or
    `..`, which URLs resolve away), or an integer."""
    if isinstance(value, str):
        return value if value not in ("", ".", "..") and "/" not in value else None
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else None


def _refusal(binding: Binding, statuses: tuple[int, ...], message: str) -> Problem | None:
    """A create refused for the key it chose, in the first of `statuses` the operation
    documents (400 stands for 422 too); None where it documents none, so that the answer stays
    inside the documented statuses (a taken key is then replaced, as a PUT on it would be)."""
    name = binding.chosen or ""
    where = json_pointer([*binding.request.path, name])
    for status in statuses:
        if error_key(binding.operation, status) is not None:
            return Problem(status, f"{name}: {message}", (Violation("body", where, message),))
    return None


def _mirrors(id_param: str, fields: Mapping[str, Any]) -> list[str]:
    """Record fields that repeat the id in the path (`id` for `{id}`, `name` for `{model_name}`)."""
    if id_param in fields:
        return [id_param]
    for suffix, name in (("_id", "id"), ("Id", "id"), ("_name", "name"), ("Name", "name")):
        if id_param.endswith(suffix) and name in fields:
            return [name]
    return []


def _mirror_schema(id_param: str, fields: Mapping[str, Any]) -> Mapping[str, Any]:
    """The id's schema from the record field that repeats it, when no operation documents the
    item path (`POST /pets` with only `/pets/{petId}/photo`): ids then fit the record."""
    mirrors = _mirrors(id_param, fields)
    return fields[mirrors[0]] if mirrors else {}


def _typed(identifier: Any, schema: Any) -> Any:
    """A path id as the record field's type wants it (`"7"` -> `7` for an integer field)."""
    kind = schema.get("type") if isinstance(schema, Mapping) else None
    kinds = kind if isinstance(kind, list) else [kind]
    text = str(identifier)
    if ("integer" in kinds or "number" in kinds) and text.lstrip("-").isdigit():
        return int(text)
    return text if "string" in kinds or kind is None else identifier


def _has_404(operation: Operation) -> bool:
    return error_key(operation, 404) is not None


def _json_body_schema(operation: Operation) -> Mapping[str, Any]:
    content = (operation.spec.get("requestBody") or {}).get("content") or {}
    for media_type, media in content.items():
        if negotiation.is_json(media_type) and negotiation.essence(media_type) != JSON_PATCH:
            return media.get("schema") or {}
    return {}


def _json_media(operation: Operation, key: str) -> str | None:
    content = ((operation.spec.get("responses") or {}).get(key) or {}).get("content") or {}
    return next((m for m in content if negotiation.is_json(m)), None)


def _json_response_schema(operation: Operation, key: str) -> Mapping[str, Any] | None:
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
