"""The validating stub: one request through route -> inbound checks -> store -> answer.

Each stage returns a value (a match, violations, a reply) or a `Problem`; the first problem ends
the pipeline. Everything per API (validators, requirements, cached bodies) is built at startup
(`served.ServedApi`); the checks on the request are `inbound`'s, shared with the proxy.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from specmock.config import Config
from specmock.errors import SpecError
from specmock.mock.actions import Call
from specmock.mock.answers import Prefer, Reply, encode, problem_json
from specmock.mock.journal import Journal
from specmock.mock.seeds import load_seed
from specmock.mock.served_api import ServedApi, serve
from specmock.mock.store import Store
from specmock.problems import Problem
from specmock.spec.api import Api, Operation
from specmock.spec.routing import Match
from specmock.violations import Violation
from specmock.web.inbound import check_content, check_credentials, read_body
from specmock.web.request import WireRequest


class Stubs:
    """Every served API behind one router; `handle` answers any request that is not admin."""

    def __init__(self, apis: list[Api], config: Config, store: Store | None = None) -> None:
        self.config = config
        self.journal = Journal()
        self.router, self.served = serve(apis, config.prefix)
        self.errors: list[SpecError] = []
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
        response = await self.handle(WireRequest(scope, receive))
        await response(scope, receive, send)

    def methods_for(self, raw_path: str) -> list[str] | None:
        match = self.router.match(raw_path)
        return match.route.allow if match else None

    async def handle(self, request: Request) -> Response:
        path: str = request.scope["path"]  # not `request.url.path`: building a URL costs 7 us
        match = self.router.match(request.scope.get("raw_path", b"").decode("latin-1") or path)
        if match is None:
            self.journal.add(session_of(request), request.method, path, 404, ())
            return render(problem_json(not_found(path)))
        operation = match.route.operations.get(request.method.lower())
        if operation is None:
            self.journal.add(session_of(request), request.method, path, 405, ())
            return self._not_allowed(request, match)
        served = self.served[operation.api]
        outcome = await self._answer(request, match, operation, served)
        violations: tuple[Violation, ...] = ()
        if isinstance(outcome, Problem):
            violations = outcome.errors
            outcome = served.responder.problem_reply(operation, outcome)
        self.journal.add(session_of(request), request.method, path, outcome.status, violations)
        return render(outcome, request.method)

    def _not_allowed(self, request: Request, match: Match) -> Response:
        return render(problem_json(not_allowed(request.method, match)))

    async def _answer(
        self, request: Request, match: Match, operation: Operation, served: ServedApi
    ) -> Reply | Problem:
        denied = check_credentials(request, operation, served, self.config)
        if denied is not None:
            return denied
        body = await read_body(request, self.config.max_body)
        if isinstance(body, Problem):
            return body
        prefer = Prefer.parse(request.headers.get("prefer"))
        if isinstance(prefer, Violation):
            return Problem.from_violations(400, [prefer])
        inbound = check_content(request, match, operation, served, body)
        if isinstance(inbound, Problem):
            return inbound
        unacceptable = served.responder.unacceptable(operation, request.headers.get("accept"))
        if unacceptable is not None and prefer.code is None:
            return unacceptable
        call = Call(
            query=dict(request.query_params),
            params=match.params,
            body=inbound.json,
            content_type=inbound.data.content_type,
            if_match=request.headers.get("if-match"),
        )
        state = self.store.session(session_of(request))
        acted = served.actions.act(operation, state, call, prefer)
        if acted is not None:
            return acted
        return served.responder.reply(operation, prefer, request.headers.get("accept"))


def not_found(path: str) -> Problem:
    """The 404 of a path no operation documents."""
    return Problem(404, f"no operation is documented at {path!r}")


def not_allowed(method: str, match: Match) -> Problem:
    """The 405 of a method a documented path does not document, with `Allow`."""
    allow = ", ".join(match.route.allow)
    detail = f"{method} is not documented for {match.route.template}; documented: {allow}"
    return Problem(405, detail, headers={"Allow": allow})


SESSION_HEADER = "x-specmock-session"


def session_of(request: Request) -> str:
    """The state a request sees: its `X-Specmock-Session`, or the shared default ''."""
    return request.headers.get(SESSION_HEADER, "")


def render(reply: Reply, method: str = "GET") -> Response:
    """A Starlette response for a reply; JSON for JSON-like types, text otherwise.

    204, 304 and answers to HEAD carry no body, whatever the spec's content says.
    """
    headers = dict(reply.headers)
    if reply.media_type is None or reply.status in (204, 205, 304) or method == "HEAD":
        return Response(status_code=reply.status, headers=headers)
    return Response(
        reply.encoded if reply.encoded is not None else encode(reply.body, reply.media_type),
        status_code=reply.status,
        headers=headers,
        media_type=reply.media_type,
    )
