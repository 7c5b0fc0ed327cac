"""Inbound checks: is a request one its operation accepts? Shared by the stubs and the proxy.

The stages run in the order a client can fix them: credentials (401), body size (413),
Content-Type (415), then parameters and body against the schemas (400, or 404 when a path
parameter cannot name a resource). Each returns a value or a `Problem`; the first problem wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import ClientDisconnect, Request

from specmock.config import Config
from specmock.mock.served_api import ServedApi
from specmock.problems import Problem
from specmock.spec.api import Operation
from specmock.spec.routing import Match
from specmock.validation import negotiation
from specmock.validation.requests import Accepted, RequestData
from specmock.validation.security import Credentials
from specmock.violations import Violation


@dataclass(frozen=True, slots=True)
class Inbound:
    """A request that passed every check, with its body read once (and parsed, when JSON)."""

    body: bytes
    data: RequestData
    json: Any


def check_credentials(
    request: Request, operation: Operation, served: ServedApi, config: Config
) -> Problem | None:
    """A 401 problem, with the challenges, when no security requirement of the operation is met."""
    requirements = served.requirements_of(operation)
    credentials = Credentials(request.headers, request.query_params, request.cookies)
    denied = requirements.check(credentials, config.tokens)
    if not denied:
        return None
    challenge = ", ".join(requirements.challenges)
    return Problem.from_violations(401, denied, **{"WWW-Authenticate": challenge})


def check_content(
    request: Request, match: Match, operation: Operation, served: ServedApi, body: bytes
) -> Inbound | Problem:
    """The request as openapi-core reads it, or the 415/400/404 problem it deserves."""
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
    if isinstance(checked, Accepted):
        return Inbound(body, data, checked.json)
    return Problem.from_violations(_refusal_status(operation, served, checked), checked)


def _refusal_status(operation: Operation, served: ServedApi, violations: list[Violation]) -> int:
    """404 when a path parameter cannot name a resource; 422 for a body that was read but breaks
    its schema, where the operation documents 422 (GitHub's way, and Prism's answer); else 400."""
    if served.validator.names_no_resource(operation, violations):
        return 404
    schema_only = all(v.location == "body" and v.name for v in violations)
    return 422 if schema_only and "422" in operation.responses else 400


async def read_body(request: Request, limit: int) -> bytes | Problem:
    """The whole body, or a 413 problem as soon as it is known to be over `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
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
    return b"".join(chunks)


def _too_large(size: int, limit: int) -> Problem:
    return Problem(
        413,
        f"the body has {size} bytes, over the limit of {limit} bytes (--max-body)",
        (Violation("body", "", f"{size} bytes is over the limit of {limit}"),),
    )


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
