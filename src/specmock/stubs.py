"""The validating stub: one request through route -> limits -> security -> validation -> answer.

Each stage returns a value (a match, violations, a reply) or a `Problem`; the first problem ends
the pipeline. Everything per API (validators, requirements, cached bodies) is built at startup.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from openapi_core.datatypes import RequestParameters
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from specmock import negotiation
from specmock.actions import Actions, Call
from specmock.config import Config
from specmock.effective import effective_document
from specmock.errors import SpecError
from specmock.journal import Journal
from specmock.problems import Problem
from specmock.responses import Prefer, Reply, Responder
from specmock.routing import Match, Router
from specmock.security import Credentials, Requirements
from specmock.seeds import load_seed
from specmock.spec import Api, Operation
from specmock.store import Store
from specmock.validation import ApiValidator, RequestData, strict_json
from specmock.violations import Violation


@dataclass(slots=True)
class ServedApi:
    """An API as served: where it is mounted and what it needs per request, built once."""

    api: Api
    mount: str
    validator: ApiValidator
    responder: Responder
    actions: Actions
    requirements: dict[str, Requirements] = field(default_factory=dict)
    _effective: dict[str, Any] | None = None

    @classmethod
    def build(cls, api: Api, mount: str) -> ServedApi:
        responder = Responder(api)
        served = cls(api, mount, ApiValidator(api), responder, Actions(api, responder, mount))
        for operation in api.operations:
            served.requirements[operation.pointer] = Requirements.for_operation(
                api.document, operation.spec
            )
        return served

    @property
    def effective(self) -> dict[str, Any]:
        if self._effective is None:
            self._effective = effective_document(self.api, self.mount)
        return self._effective


class Stubs:
    """Every served API behind one router; `handle` answers any request that is not admin."""

    def __init__(self, apis: list[Api], config: Config, store: Store | None = None) -> None:
        self.config = config
        self.journal = Journal()
        self.router = Router()
        self.served: dict[str, ServedApi] = {}
        self.errors: list[SpecError] = []
        for api in apis:
            mount = f"/{api.name}{api.base_path}" if config.prefix else api.base_path
            self.router.add(mount, api.operations)
            self.served[api.name] = ServedApi.build(api, mount)
        self.store = store if store is not None else Store(self._seed())

    def _seed(self) -> dict[str, dict[str, dict[str, Any]]]:
        seed: dict[str, dict[str, dict[str, Any]]] = {}
        for name, served in self.served.items():
            try:
                seed[name] = load_seed(served.api, served.actions)
            except SpecError as error:
                self.errors.append(error)
        return seed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry: any method reaches `handle`, so undeclared ones get our 405 with `Allow`."""
        response = await self.handle(Request(scope, receive))
        await response(scope, receive, send)

    def methods_for(self, raw_path: str) -> list[str] | None:
        match = self.router.match(raw_path)
        return match.route.allow if match else None

    async def handle(self, request: Request) -> Response:
        raw_path = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
        match = self.router.match(raw_path)
        if match is None:
            self.journal.add(session_of(request), request.method, request.url.path, 404, ())
            return render(
                Reply(
                    404,
                    *_problem(Problem(404, f"no operation is documented at {request.url.path!r}")),
                )
            )
        operation = match.route.operations.get(request.method.lower())
        if operation is None:
            self.journal.add(session_of(request), request.method, request.url.path, 405, ())
            return self._not_allowed(request, match)
        served = self.served[operation.api]
        outcome = await self._answer(request, match, operation, served)
        violations: tuple[Violation, ...] = ()
        if isinstance(outcome, Problem):
            violations = outcome.errors
            outcome = served.responder.problem_reply(operation, outcome)
        self.journal.add(
            session_of(request), request.method, request.url.path, outcome.status, violations
        )
        return render(outcome, request.method)

    def _not_allowed(self, request: Request, match: Match) -> Response:
        allow = ", ".join(match.route.allow)
        problem = Problem(
            405,
            f"{request.method} is not documented for {match.route.template}; documented: {allow}",
            headers={"Allow": allow},
        )
        return render(Reply(405, *_problem(problem), headers={"Allow": allow}))

    async def _answer(
        self, request: Request, match: Match, operation: Operation, served: ServedApi
    ) -> Reply | Problem:
        credentials = Credentials(request.headers, request.query_params, request.cookies)
        denied = served.requirements[operation.pointer].check(credentials, self.config.tokens)
        if denied:
            challenge = ", ".join(served.requirements[operation.pointer].challenges)
            return Problem.from_violations(401, denied, **{"WWW-Authenticate": challenge})
        body = await read_body(request, self.config.max_body)
        if isinstance(body, Problem):
            return body
        prefer = Prefer.parse(request.headers.get("prefer"))
        if isinstance(prefer, Violation):
            return Problem.from_violations(400, [prefer])
        unsupported = check_content_type(operation, request.headers.get("content-type"), body)
        if unsupported is not None:
            return unsupported
        data = RequestData(
            method=operation.method,
            path=request.url.path,
            host_url=str(request.base_url).rstrip("/"),
            parameters=RequestParameters(
                query=request.query_params,
                header=request.headers,
                cookie=request.cookies,
                path=match.params,
            ),
            body=body or None,
            content_type=request.headers.get("content-type") or "application/octet-stream",
        )
        violations = served.validator.violations(operation, data)
        if violations:
            missing = served.validator.names_no_resource(operation, violations)
            return Problem.from_violations(404 if missing else 400, violations)
        unacceptable = served.responder.unacceptable(operation, request.headers.get("accept"))
        if unacceptable is not None and prefer.code is None:
            return unacceptable
        call = Call(
            query=dict(request.query_params),
            params=match.params,
            body=_json_or_none(body),
            content_type=data.content_type,
            if_match=request.headers.get("if-match"),
        )
        state = self.store.session(session_of(request))
        acted = served.actions.act(operation, state, call, prefer)
        if acted is not None:
            return acted
        return served.responder.reply(operation, prefer, request.headers.get("accept"))


SESSION_HEADER = "x-specmock-session"


def session_of(request: Request) -> str:
    """The state a request sees: its `X-Specmock-Session`, or the shared default ''."""
    return request.headers.get(SESSION_HEADER, "")


def _json_or_none(body: bytes) -> Any:
    if not body:
        return None
    try:
        return strict_json(body)
    except (ValueError, RecursionError):
        return None


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


def _problem(problem: Problem) -> tuple[str, Any]:
    return "application/problem+json", problem.as_dict()


def render(reply: Reply, method: str = "GET") -> Response:
    """A Starlette response for a reply; JSON for JSON-like types, text otherwise.

    204, 304 and answers to HEAD carry no body, whatever the spec's content says.
    """
    headers = dict(reply.headers)
    if reply.media_type is None or reply.status in (204, 205, 304) or method == "HEAD":
        return Response(status_code=reply.status, headers=headers)
    return Response(
        encode(reply.body, reply.media_type),
        status_code=reply.status,
        headers=headers,
        media_type=reply.media_type,
    )


def encode(body: Any, media_type: str) -> bytes:
    if isinstance(body, bytes):
        return body
    if isinstance(body, str) and not negotiation.is_json(media_type):
        return body.encode("utf-8")
    return json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
