"""The effective contract: the spec the server really honours.

Documentation often lists only the success response, yet a validating stub must reject bad input.
The effective document is the normalised spec plus the error responses the server adds where the
source lacks them (in the problem+json shape), with `servers` pointing at this server, so that
`schemathesis run <its URL>` tests the right paths with no more options. `gaps()` lists what the
source leaves undocumented, for `specmock check`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from specmock.mock.answers import error_key
from specmock.mock.resources import action_of
from specmock.problems import PROBLEM_MEDIA_TYPE, PROBLEM_SCHEMA, Problem
from specmock.spec.api import Api, Operation
from specmock.spec.refs import follow
from specmock.validation.negotiation import is_ignored_header
from specmock.validation.security import Requirements, authorization_parameter

PROBLEM_COMPONENT = "SpecmockProblem"


@dataclass(frozen=True, slots=True)
class Gap:
    """A status the server may answer for an operation that its source spec does not document."""

    operation: str
    status: int
    reason: str

    def __str__(self) -> str:
        return f"{self.operation}: {self.status} undocumented ({self.reason})"


def added_statuses(
    api: Api, operation: Operation, injected: tuple[int, ...] = ()
) -> list[tuple[int, str]]:
    """(status, why) the server can answer for an operation, whatever its source documents;
    `injected` are the error statuses fault injection may answer in place of any other."""
    added = [(400, "invalid parameters, body or Prefer header")]
    if Requirements.for_operation(api.document, operation.spec, operation.parameters).alternatives:
        added.append((401, "missing or rejected credential"))
    if any((r or {}).get("content") for r in (operation.spec.get("responses") or {}).values()):
        added.append((406, "no documented media type fits Accept"))
    added.append((413, "body over the size limit"))
    if operation.spec.get("requestBody"):
        added.append((415, "undocumented Content-Type"))
    if any(_numeric_path(api, p) for p in operation.parameters):
        added.append((404, "a numeric path parameter that is not a number names no resource"))
    role = action_of(operation).role
    if role in ("read", "delete") and all(status != 404 for status, _ in added):
        added.append((404, "the record was deleted"))
    if role == "update":
        added.append((409, "the patch cannot be applied to the stored record"))
    if role in _ITEM_ROLES and error_key(operation, 409) != "409":
        added.append((412, "If-Match names another revision of the record"))
    added.extend((status, INJECTED) for status in injected)
    return added


_ITEM_ROLES = frozenset({"read", "replace", "update", "delete"})
INJECTED = "injected by --faults or the operation's fault"


def _numeric_path(api: Api, parameter: Any) -> bool:
    parameter = follow(api.document, parameter)
    if not isinstance(parameter, dict) or parameter.get("in") != "path":
        return False
    schema = follow(api.document, parameter.get("schema") or {})
    kind = schema.get("type") if isinstance(schema, dict) else None
    kinds = kind if isinstance(kind, list) else [kind]
    return "integer" in kinds or "number" in kinds


def gaps(api: Api) -> list[Gap]:
    """Every status the server adds to an operation because its source does not document it."""
    return [
        Gap(operation.label, status, reason)
        for operation in api.operations
        for status, reason in added_statuses(api, operation)
        if error_key(operation, status) is None
    ]


def effective_document(api: Api, mount: str, injected: tuple[int, ...] = ()) -> dict[str, Any]:
    """The normalised spec plus the problem responses the server adds, served at `mount`
    (with the `injected` error statuses while fault injection is on)."""
    document = copy.deepcopy(api.document)
    document["servers"] = [{"url": mount or "/", "description": "this specmock server"}]
    components = document.setdefault("components", {})
    components.setdefault("schemas", {})[PROBLEM_COMPONENT] = copy.deepcopy(PROBLEM_SCHEMA)
    paths = document["paths"]
    for operation in api.operations:
        if "$ref" in paths[operation.path]:  # a shared path item: the added errors go on a copy
            paths[operation.path] = copy.deepcopy(operation.path_item)
        responses = paths[operation.path][operation.method].setdefault("responses", {})
        if not responses:  # 3.1 may document none: the fake answers an empty 200, said here
            responses["200"] = {"description": "No response is documented (added by specmock)"}
        for status, reason in added_statuses(api, operation, injected):
            if error_key(operation, status) is None and str(status) not in responses:
                responses[str(status)] = _problem_response(status, reason)
        _declare_implied_security(document, api, operation)
        _drop_ignored_headers(document, paths[operation.path], operation.method)
    return document


def _drop_ignored_headers(document: dict[str, Any], item: dict[str, Any], method: str) -> None:
    """Header parameters named `Accept`, `Content-Type` or `Authorization` are not read as
    parameters (OpenAPI says they are ignored; see `negotiation.IGNORED_HEADER_PARAMETERS`): the
    effective spec leaves them out rather than promise a check the server does not make."""
    for holder in (item, item[method]):
        if isinstance(holder.get("parameters"), list):
            holder["parameters"] = [
                p for p in holder["parameters"] if not is_ignored_header(follow(document, p))
            ]


IMPLIED_SCHEME = "AuthorizationHeaderParameter"


def _declare_implied_security(document: dict[str, Any], api: Api, operation: Operation) -> None:
    """Where a required `Authorization` header parameter stands for the operation's credential
    (see `Requirements.for_operation`), say so as OpenAPI does: a security scheme and
    requirement, in place of the parameter (which OpenAPI ignores), so that a client given
    credentials for the schemes sends them."""
    if operation.spec.get("security", api.document.get("security")):
        return
    implied = authorization_parameter(api.document, operation.parameters)
    if implied is None:
        return
    scheme: dict[str, Any] = (
        {"type": "http", "scheme": implied.http_scheme}
        if implied.kind == "http"
        else {"type": "apiKey", "in": "header", "name": "Authorization"}
    )
    scheme["description"] = "The required Authorization header parameter (added by specmock)"
    document["components"].setdefault("securitySchemes", {})[IMPLIED_SCHEME] = scheme
    item = document["paths"][operation.path]
    item[operation.method]["security"] = [{IMPLIED_SCHEME: []}]
    for holder in (item, item[operation.method]):
        if isinstance(holder.get("parameters"), list):
            holder["parameters"] = [
                p for p in holder["parameters"] if not _is_authorization(document, p)
            ]


def _is_authorization(document: dict[str, Any], parameter: Any) -> bool:
    parameter = follow(document, parameter)
    return (
        isinstance(parameter, dict)
        and parameter.get("in") == "header"
        and str(parameter.get("name", "")).lower() == "authorization"
    )


def _problem_response(status: int, reason: str) -> dict[str, Any]:
    """An added error response, described by why the server may answer it (a 500 is there
    because fault injection may answer it, not because specmock fails)."""
    why = f"An error {reason}" if reason == INJECTED else f"{Problem(status, '').title}: {reason}"
    return {
        "description": f"{why} (added by specmock)",
        "content": {
            PROBLEM_MEDIA_TYPE: {"schema": {"$ref": f"#/components/schemas/{PROBLEM_COMPONENT}"}}
        },
    }
