"""Inbound checks: every status a request can get before it is answered.

`route` finds the operation (404, 405); `check` then runs the operation's checks in the order a
client can fix them: credentials (401), body size (413), the `Prefer` header (400), Content-Type
(415), parameters and body against the schemas (400, 422, or 404 when a path parameter cannot
name a resource), and `Accept` (406, unless `Prefer` picks a status). Each stage returns a value
or a `Problem`; the first problem wins. The proxy calls the smaller checks itself, to find every
violation of a request rather than the first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from starlette.requests import ClientDisconnect, Request

from specmock.config import Config
from specmock.digits import is_digits
from specmock.mock.actions import ActionRequest
from specmock.mock.answers import Prefer
from specmock.mock.listing import Query
from specmock.mock.served_api import ServedApi
from specmock.problems import Problem
from specmock.settings import OperationSettings
from specmock.spec.api import Operation
from specmock.spec.routing import Match, Router
from specmock.validation import negotiation
from specmock.validation.requests import Accepted, RequestData
from specmock.validation.security import Credentials
from specmock.violations import Violation
from specmock.web.request import raw_path


@dataclass(frozen=True, slots=True)
class Routed:
    """The documented operation a request calls, and the path parameters it gave."""

    match: Match
    operation: Operation


BODY_KEY = "specmock.body"  # the scope's key of the request body read (an extension of ASGI's)


@dataclass(frozen=True, slots=True)
class Inbound:
    """A request that passed every check: what the store reads of it (`action`, with the body
    read once and parsed when JSON, and the `Accept` the answer is written for) and its `Prefer`."""

    action: ActionRequest
    prefer: Prefer


def route(router: Router, request: Request) -> Routed | Problem:
    """The operation of the request's method at its path, or the 404 or 405 problem."""
    match = router.match(raw_path(request.scope))
    if match is None:
        return not_found(request.scope["path"])
    operation = match.route.operation_for(request.method)
    if operation is None:
        return not_allowed(request.method, match)
    return Routed(match, operation)


def not_found(path: str) -> Problem:
    """The 404 of a path no operation documents."""
    return Problem(404, f"no operation is documented at {path!r}")


def not_allowed(method: str, match: Match) -> Problem:
    """The 405 of a method a documented path does not document, with `Allow`."""
    allow = ", ".join(match.route.allow)
    detail = f"{method} is not documented for {match.route.template}; documented: {allow}"
    return Problem(405, detail, headers={"Allow": allow})


async def check(
    request: Request, match: Match, operation: Operation, served: ServedApi, config: Config
) -> Inbound | Problem:
    """The request as the store and the answer read it, or the first problem it has."""
    denied = check_credentials(request, operation, served, config)
    if denied is not None:
        return denied
    body = await read_body(request, config.max_body)
    if isinstance(body, Problem):
        return body
    prefer = check_prefer(request.headers.get("prefer"))
    if isinstance(prefer, Problem):
        return prefer
    prefer = forced(prefer, config.operation_settings.get(operation.api, {}).get(operation.label))
    action = check_content(request, match, operation, served, body)
    if isinstance(action, Problem):
        return action
    accept = served.validator.negotiated_accept(operation, action.accept)
    if accept != action.accept:
        action = replace(action, accept=accept)
    unacceptable = served.validator.unacceptable(operation, accept)
    if unacceptable is not None and prefer.code is None:
        return unacceptable
    return Inbound(action, prefer)


def check_credentials(
    request: Request, operation: Operation, served: ServedApi, config: Config
) -> Problem | None:
    """A 401 problem, with the challenges, when no security requirement of the operation is met."""
    requirements = served.requirements_of(operation)
    credentials = Credentials(request.headers, request.query_params, request.cookies)
    denied = requirements.check(credentials, config.api_tokens.get(operation.api, config.tokens))
    if not denied:
        return None
    challenge = ", ".join(requirements.challenges)
    return Problem.from_violations(401, denied, **{"WWW-Authenticate": challenge})


async def read_body(request: Request, limit: int) -> bytes | Problem:
    """The whole body, or a 413 problem as soon as it is known to be over `limit` bytes. The body
    read is kept in the scope under `BODY_KEY`, for the journal."""
    declared = request.headers.get("content-length", "")
    if is_digits(declared) and int(declared) > limit:
        return _too_large(int(declared), limit)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                return _too_large(size, limit)
            chunks.append(chunk)
    except ClientDisconnect:
        return b""
    body = request.scope[BODY_KEY] = b"".join(chunks)
    return body


def _too_large(size: int, limit: int) -> Problem:
    return Problem(
        413,
        f"the body has {size} bytes, over the limit of {limit} bytes (--max-body)",
        (Violation("body", "", f"{size} bytes is over the limit of {limit}"),),
    )


def forced(prefer: Prefer, settings: OperationSettings | None) -> Prefer:
    """`Prefer` with the config file's status and example for the operation where the header
    names none: the file sets a default, a request still picks its own."""
    if settings is None or (settings.status is None and settings.example is None):
        return prefer
    return replace(
        prefer,
        code=prefer.code if prefer.code is not None else settings.status,
        example=prefer.example if prefer.example is not None else settings.example,
    )


def check_prefer(header: str | None) -> Prefer | Problem:
    """The `Prefer` header read, or a 400 problem when it names no status a server can send."""
    prefer = Prefer.parse(header)
    if isinstance(prefer, Violation):
        return Problem.from_violations(400, [prefer])
    return prefer


def check_content(
    request: Request, match: Match, operation: Operation, served: ServedApi, body: bytes
) -> ActionRequest | Problem:
    """What the store reads of a request its operation accepts, or the 415/400/422/404 problem."""
    unsupported = check_content_type(operation, request.headers.get("content-type"), body)
    if unsupported is not None:
        return unsupported
    data = RequestData.of(
        operation.method,
        request.scope["path"],
        query=request.query_params,
        headers=request.headers,
        cookies=request.cookies,
        path_params=match.params,
        body=body or None,
        content_type=request.headers.get("content-type") or "application/octet-stream",
    )
    checked = served.validator.check(operation, data)
    if not isinstance(checked, Accepted):
        return Problem.from_violations(_refusal_status(operation, served, checked), checked)
    return ActionRequest(
        query=Query(request.query_params.multi_items()),
        params=match.params,
        body=checked.json,
        content_type=data.content_type,
        if_match=request.headers.get("if-match"),
        accept=request.headers.get("accept"),
    )


def _refusal_status(operation: Operation, served: ServedApi, violations: list[Violation]) -> int:
    """404 when a path parameter cannot name a resource; 422 for a body that was read but breaks
    its schema, where the operation documents 422 (GitHub's way, and Prism's answer); else 400."""
    if served.validator.names_no_resource(operation, violations):
        return 404
    schema_only = all(v.location == "body" and v.name for v in violations)
    return 422 if schema_only and "422" in operation.responses else 400


def check_content_type(
    operation: Operation, content_type: str | None, body: bytes
) -> Problem | None:
    """A 415 problem when a body's media type is not one the operation documents."""
    request_body = operation.spec.get("requestBody") or {}
    content = request_body.get("content") or {}
    if not content or (not body and not content_type):
        return None
    if content_type is None:
        if not body:
            return None
        detail = f"a body was sent without Content-Type; documented: {', '.join(content)}"
        return Problem(415, detail, (Violation("header", "Content-Type", "is missing"),))
    if negotiation.documented_type(content_type, content) is None:
        detail = (
            f"Content-Type {content_type!r} is not documented; documented: {', '.join(content)}"
        )
        violation = Violation("header", "Content-Type", f"{content_type!r} is not documented")
        return Problem(415, detail, (violation,))
    return None
