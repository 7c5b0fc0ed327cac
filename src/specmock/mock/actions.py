"""Acting on the store for one valid request, and answering with the stored record.

`Actions.act` answers what the store handles (create, read, replace, update, delete, list) with a
`Reply` or a `Problem`, and says so with `NotHandled(reason)` when it does not handle a request:
then the answer comes from the spec's examples.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote

from specmock.mock import patching
from specmock.mock.answers import NotHandled, Prefer, Reply, Responder, error_key
from specmock.mock.binding import JSON_PATCH, Binding, Bindings
from specmock.mock.listing import Listing
from specmock.mock.record_answers import RecordAnswers
from specmock.mock.resources import fill
from specmock.mock.server_fields import replace as full_replacement
from specmock.mock.server_fields import typed
from specmock.mock.storage import Address, SessionStore, StoredRecord
from specmock.problems import Problem
from specmock.schemas.synthesis import Synthesizer
from specmock.spec.api import Api, Operation
from specmock.spec.refs import pointer as json_pointer
from specmock.validation import negotiation
from specmock.violations import Violation

Outcome = Reply | Problem | NotHandled
_DELETED_SINGLETONS = "deleted singletons"  # a stored item's own note, not an answer


@dataclass(frozen=True, slots=True)
class ActionRequest:
    """The parts of a valid request the store needs (`query` a `listing.Query` where a name
    may repeat)."""

    params: Mapping[str, str]
    body: Any
    content_type: str
    if_match: str | None
    query: Mapping[str, str] = field(default_factory=dict)
    accept: str | None = None


class Actions:
    """The store-backed behaviour of one API's operations."""

    def __init__(
        self, api: Api, responder: Responder, synthesizer: Synthesizer, mount: str = ""
    ) -> None:
        self.api = api
        self.mount = mount
        self.responder = responder
        self.synthesizer = synthesizer
        self.bindings = Bindings(api)
        self.records = RecordAnswers(self.bindings, synthesizer)
        self.listing = Listing(self.bindings, synthesizer)
        # a field one of a resource's answers requires shows in the other too (the same value)
        self.records.listed = self.listing.required_of
        self.listing.read_required = self.records.required_of

    def act(
        self, operation: Operation, session: SessionStore, request: ActionRequest, prefer: Prefer
    ) -> Outcome:
        binding = self.bindings.get(operation)
        if binding is None:
            return NotHandled(f"{operation.label} acts on no stored resource")
        if prefer.code is not None or prefer.example or prefer.dynamic:
            return NotHandled("Prefer asks for a documented answer")
        if binding.success.status >= 400:
            # No success is documented (petstore's POST /pet has only `405`): the client is told
            # the request failed, so nothing is stored; the documented answer is given.
            return NotHandled(f"{operation.label} documents no success")
        success = operation.responses.get(binding.success.key) or {}
        if binding.success.schema is None and success.get("content"):
            # a document, an image, a CSV: no record is shown in it; the responder writes it
            return NotHandled(f"{operation.label} answers no JSON body to hold a record")
        orphan = self._orphan(binding, session, request.params)
        if orphan is not None:
            return orphan
        role = binding.action.role
        if role == "create":
            return self._create(binding, session, request)
        if role == "list":
            return self.listing.answer(binding, session, request.params, request.query)
        return self._on_item(binding, session, self._canonical(binding, request), prefer)

    def _orphan(
        self, binding: Binding, session: SessionStore, params: Mapping[str, str]
    ) -> Problem | NotHandled | None:
        """What a request gets under an item that is not stored (deleted, or never made): the
        404 where the operation documents one; elsewhere a write is answered from examples and
        stores nothing, so that no record hangs under an item that is not there."""
        if not binding.parent:
            return None
        parent = fill(binding.parent, params)
        if session.get(self.api.name, parent) is not None:
            return None
        if _has_404(binding.operation):
            name = binding.parent.rsplit("{", 1)[-1].rstrip("}")
            violation = Violation("path", name, f"{parent} does not exist")
            return Problem(404, f"no record at {parent}", (violation,))
        if binding.action.role in ("read", "list"):
            return None
        return NotHandled(f"nothing is stored at {parent} and no 404 is documented")

    def _deleted_singletons(
        self, binding: Binding, session: SessionStore, params: Mapping[str, str]
    ) -> set[str] | None:
        """For a singleton under a stored item, the singletons of that item deleted since it was
        made (kept with the item, so they go with it); None for anything else."""
        if binding.resource.id_param or not binding.parent:
            return None
        item = session.get(self.api.name, fill(binding.parent, params))
        if item is None:
            return None
        gone: set[str] = item.made_up(_DELETED_SINGLETONS, set)
        return gone

    def _unwritten(
        self,
        binding: Binding,
        request: ActionRequest,
        prefer: Prefer,
        key: str,
        stored: StoredRecord | None,
        gone: set[str],
    ) -> Outcome | None:
        """A singleton (`/things/{id}/lock`) exists with its item until it is deleted: read before
        it is written, it is answered from examples; deleted, it is gone until written again."""
        role = binding.action.role
        if role in ("replace", "update"):
            gone.discard(key)
        if stored is not None or key in gone:
            if role == "delete":
                gone.add(key)
            return None
        if role == "read":
            return NotHandled(f"{key} has not been written: its item's examples answer")
        if role == "delete":
            gone.add(key)
            return self.responder.reply(binding.operation, prefer, request.accept)
        return None

    def _canonical(self, binding: Binding, request: ActionRequest) -> ActionRequest:
        """`request` with its path id as the store keys it (`007` and `7` are one record)."""
        id_param = binding.resource.id_param
        identifier = request.params.get(id_param, "")
        canonical = str(typed(identifier, binding.id_schema))
        if canonical == identifier:
            return request
        return replace(request, params={**request.params, id_param: canonical})

    def _on_item(
        self, binding: Binding, session: SessionStore, request: ActionRequest, prefer: Prefer
    ) -> Outcome:
        operation, role = binding.operation, binding.action.role
        address = _address(binding, request.params)
        stored = session.get(self.api.name, address.key)
        gone = self._deleted_singletons(binding, session, request.params)
        if gone is not None:
            unwritten = self._unwritten(binding, request, prefer, address.key, stored, gone)
            if unwritten is not None:
                return unwritten
        # A PUT of a singleton (`/things/{id}/lock`) makes it: its item is there (`_orphan`).
        makes = role == "replace" and not binding.resource.id_param
        if stored is None and (role in ("read", "delete") or (_has_404(operation) and not makes)):
            issued = session.was_issued(self.api.name, address.collection, address.identifier)
            if _has_404(operation) or (issued and address.identifier):
                # a record this server made and since deleted is gone, documented or not (the
                # effective spec adds the 404 for reads and deletes)
                return _missing(binding, address.key)
            # Where no 404 is documented, an id never issued is answered from examples.
            return NotHandled(f"nothing is stored at {address.key} and no 404 is documented")
        if stored is not None and request.if_match:
            failed = _precondition(operation, request.if_match, stored)
            if failed is not None:
                return failed
        if role == "read":
            assert stored is not None
            return self.records.answer(binding, address.key, stored)
        if role == "delete":
            session.delete(self.api.name, address.key)
            return self.responder.reply(operation, prefer, request.accept)
        if role == "replace":
            return self._replace(binding, session, request, address, stored)
        return self._update(binding, session, request, address, stored)

    def _create(
        self, binding: Binding, session: SessionStore, request: ActionRequest
    ) -> Reply | Problem:
        resource = binding.resource
        incoming = binding.request.unwrap(request.body)
        record = dict(incoming) if isinstance(incoming, dict) else {}
        identifier = self._chosen_id(binding, record)  # what the client wrote, not a default
        for name, default in binding.defaults.items():
            record.setdefault(name, default)
        collection = resource.collection_path(request.params)
        if isinstance(identifier, Problem):
            return identifier
        if identifier is None:
            identifier = str(session.new_id(self.api.name, collection, binding.id_schema))
        address = _address(binding, {**request.params, resource.id_param: identifier})
        if session.get(self.api.name, address.key) is not None:  # only a chosen key is taken
            taken = _refusal(binding, (409, 400), f"a record is already stored at {address.key}")
            if taken is not None:
                return taken
        session.issue(self.api.name, collection, identifier)
        stored = session.write(self.api.name, address, record, binding.server)
        reply = self.records.answer(binding, address.key, stored)
        if reply.status == 201:
            reply.headers["Location"] = quote(self.mount.rstrip("/") + address.key, safe="/")
        return reply

    def _chosen_id(self, binding: Binding, record: Mapping[str, Any]) -> str | Problem | None:
        """The key a client gave the record it creates, as its path reads it (None when it gave
        none). It must name an item: one path segment (not `.` or `..`) that the id parameter's
        schema accepts, read as `act` reads a path id (`7` for `007` where ids are integers);
        one that cannot (`""`, `refs/heads/main`) is no key: the server names the record, and
        the stored field repeats that name (the body is schema-valid, so it is not refused)."""
        if binding.chosen is None or binding.chosen not in record:
            return None
        value = record[binding.chosen]
        text = _as_segment(value)
        if text is not None:
            key = typed(text, binding.id_schema)
            if not self.synthesizer.problems(key, binding.id_schema):
                return str(key)
        return None

    def _replace(
        self,
        binding: Binding,
        session: SessionStore,
        request: ActionRequest,
        address: Address,
        stored: StoredRecord | None,
    ) -> Reply:
        incoming = binding.request.unwrap(request.body)
        incoming = incoming if isinstance(incoming, dict) else {}
        previous = stored.record if stored else None
        record = full_replacement(previous, incoming, binding.owned, binding.defaults)
        written = session.write(self.api.name, address, record, binding.server)
        return self.records.answer(binding, address.key, written)

    def _update(
        self,
        binding: Binding,
        session: SessionStore,
        request: ActionRequest,
        address: Address,
        stored: StoredRecord | None,
    ) -> Reply | Problem:
        previous = dict(stored.record) if stored else {}
        try:
            patched = _patch(binding, previous, request)
        except patching.PatchError as error:
            # RFC 5789: a well-formed patch that cannot apply to the current record is a conflict.
            where = _patch_pointer(error, request)
            return Problem(409, str(error), (Violation("body", where, str(error)),))
        problems = self.check_record(binding, patched)
        if problems:
            return Problem.from_violations(409, problems)
        written = session.write(self.api.name, address, patched, binding.server)
        return self.records.answer(binding, address.key, written)

    def check_record(self, binding: Binding, record: dict[str, Any]) -> list[Violation]:
        """Ways a record breaks its resource: JSON that cannot be written back, the schema
        clients write, documented size limits."""
        try:  # what cannot be written back as JSON would break every later answer from it
            size = len(json.dumps(record, ensure_ascii=False, allow_nan=False).encode())
        except (ValueError, RecursionError) as error:  # NaN, Infinity, a lone surrogate, depth
            return [Violation("body", "", f"the record cannot be written as JSON: {error}")]
        found = []
        if binding.max_size is not None and size > binding.max_size:
            limit = binding.max_size
            found.append(
                Violation(
                    "body", "", f"the result would be {size} bytes, over the limit of {limit}"
                )
            )
        # Fields the server owns are not the client's to write, but one the write schema requires
        # (a client-chosen key such as `part_id`, which repeats the path) stays to be judged.
        required = set(binding.write_schema.get("required") or ())
        written = {k: v for k, v in record.items() if k not in binding.owned or k in required}
        for where, message in self.synthesizer.problems(written, binding.write_schema):
            found.append(Violation("body", where, message))
        return found


def _address(binding: Binding, params: Mapping[str, str]) -> Address:
    resource = binding.resource
    return Address(
        resource.item_path(params),
        resource.collection_path(params),
        params.get(resource.id_param, ""),
    )


def _missing(binding: Binding, key: str) -> Problem:
    violation = Violation("path", binding.resource.id_param, f"{key} does not exist")
    return Problem(404, f"no record at {key}", (violation,))


def _precondition(operation: Operation, if_match: str, stored: StoredRecord) -> Problem | None:
    """The 412 for an `If-Match` that names another revision: a precondition a client sends is
    always honoured (a 409 where the operation documents that and no 412)."""
    if _etag_matches(if_match, stored.etag):
        return None
    conflict = error_key(operation, 409) == "409" and error_key(operation, 412) != "412"
    detail = f"If-Match {if_match} does not match the current ETag {stored.etag}"
    return Problem(409 if conflict else 412, detail, (Violation("header", "If-Match", detail),))


def _patch(binding: Binding, record: dict[str, Any], request: ActionRequest) -> dict[str, Any]:
    owned = set(binding.owned)
    body = request.body
    if negotiation.essence(request.content_type) == JSON_PATCH or isinstance(body, list):
        _refuse_owned(patching.touched_paths(body), owned)
        return patching.json_patch(record, body)
    if isinstance(body, dict) and "patchOperations" in body:
        operations = body.get("patchOperations") or []
        _refuse_owned(patching.touched_paths(operations), owned)
        return patching.aws_patch_operations(record, operations)
    change = binding.request.unwrap(body)
    change = change if isinstance(change, dict) else {}
    _refuse_owned([f"/{name}" for name in change], owned)
    return patching.merge_patch(record, change)


def _etag_matches(header: str, etag: str) -> bool:
    """RFC 9110 If-Match: `*`, or a list of (possibly weak) entity tags naming the current one."""
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or etag in tags


def _patch_pointer(error: patching.PatchError, request: ActionRequest) -> str:
    if error.index is None:
        return error.pointer
    if isinstance(request.body, dict) and "patchOperations" in request.body:
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


def _has_404(operation: Operation) -> bool:
    return error_key(operation, 404) is not None
