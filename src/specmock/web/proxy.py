"""The validating proxy: each request is forwarded to a real server and both sides are judged.

route -> the stub's inbound checks -> forward -> check the answer -> relay it unchanged. What
breaks the spec goes to the journal and to an `X-Specmock-Violations` header. With `strict`, a
request that breaks it gets the stub's answer (it is not forwarded) and an answer that breaks it
becomes a 502. An upstream that is down or too slow is a 502 or a 504, never a hang.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from specmock.config import Config
from specmock.errors import ConfigError, SpecError
from specmock.mock.journal import Journal
from specmock.mock.served_api import serve
from specmock.problems import Problem
from specmock.spec.api import Api, Catalog, Operation
from specmock.spec.routing import Match, check_target, upstream_url
from specmock.violations import VIOLATIONS_HEADER, Violation, violations_header
from specmock.web.admin import Inspection
from specmock.web.guard import AdminGuard
from specmock.web.inbound import (
    check_content,
    check_credentials,
    not_allowed,
    not_found,
    read_body,
)
from specmock.web.request import WireRequest, raw_path, session_of
from specmock.web.responses import fault_response, problem_response

logger = logging.getLogger("specmock")

# Hop-by-hop headers (RFC 9110 7.6.1) concern one connection, not the message: never relayed.
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade"}
)
_FORWARDING = frozenset({"host", "content-length", "x-forwarded-proto", "x-forwarded-host"})


@dataclass(frozen=True, slots=True)
class ProxyOptions:
    """`target`: the real server's base URL; `strict`: refuse what breaks the spec instead of
    only reporting it; `timeout`: seconds for the whole upstream exchange, connect included."""

    target: str
    strict: bool = False
    timeout: float = 10.0

    def __post_init__(self) -> None:
        check_target(self.target)
        if not (math.isfinite(self.timeout) and self.timeout > 0):
            raise ConfigError(f"--timeout {self.timeout!r} is not a positive number of seconds")


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the request checks found: the body, every violation, and the stub's answer to them
    (`refusal`). `forwardable` is False when the body could not be read whole (over the limit)."""

    body: bytes
    violations: tuple[Violation, ...] = ()
    refusal: Response | None = None
    forwardable: bool = True


@dataclass(frozen=True, slots=True)
class Answer:
    """The upstream's answer as it came: status, headers and the body bytes as sent."""

    status: int
    headers: httpx.Headers
    raw: bytes

    def decoded(self) -> bytes | Violation:
        """The body with its `Content-Encoding` undone, as the spec describes it."""
        try:
            return httpx.Response(self.status, headers=self.headers, content=self.raw).content
        except httpx.DecodingError as error:
            encoding = self.headers.get("content-encoding")
            return Violation("response.body", "", f"cannot be decoded as {encoding!r}: {error}")


class Proxy:
    """Every API behind one router; `handle` forwards any request that is not admin."""

    def __init__(self, apis: list[Api], config: Config, options: ProxyOptions) -> None:
        self.config = config
        self.options = options
        self.journal = Journal()
        self.router, self.served = serve(apis, prefix=False)
        self.errors: list[SpecError] = []
        self._client: httpx.AsyncClient | None = None

    @asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        """One HTTP client for the app's life. Redirects are relayed, not followed; cookies the
        upstream sets are relayed, never kept (one client serves every caller)."""
        jar = CookieJar(DefaultCookiePolicy(allowed_domains=[]))
        timeout = httpx.Timeout(self.options.timeout)
        async with httpx.AsyncClient(timeout=timeout, cookies=jar) as client:
            self._client = client
            try:
                yield
            finally:
                self._client = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.handle(WireRequest(scope, receive))
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        path_as_sent = raw_path(request.scope)
        match = self.router.match(path_as_sent)
        operation = match.route.operations.get(request.method.lower()) if match else None
        verdict = await self._check_request(request, match, operation)
        if verdict.refusal is not None and (self.options.strict or not verdict.forwardable):
            return self._finish(request, verdict.refusal, verdict.violations)
        url = upstream_url(
            self.options.target,
            self._mount(operation, path_as_sent),
            path_as_sent,
            request.scope.get("query_string", b"").decode("latin-1"),
        )
        answer = await self._exchange(request, verdict.body, url)
        if isinstance(answer, Problem):
            failed = (*verdict.violations, *answer.errors)
            return self._finish(request, problem_response(answer), failed)
        found = self._check_answer(request, operation, answer)
        if found and self.options.strict:
            detail = Problem.from_violations(502, found).detail
            problem = Problem(502, f"the answer of {url} breaks the spec: {detail}", tuple(found))
            return self._finish(request, problem_response(problem), found)
        return self._finish(request, relay(answer, request.method), (*verdict.violations, *found))

    def _mount(self, operation: Operation | None, path: str) -> str:
        """The routed API's mount, else the longest mount the path is under."""
        if operation is not None:
            return self.served[operation.api].mount
        under = [s.mount for s in self.served.values() if f"{path}/".startswith(f"{s.mount}/")]
        return max(under, key=len, default="")

    # -- the request -------------------------------------------------------------------------

    async def _check_request(
        self, request: Request, match: Match | None, operation: Operation | None
    ) -> Verdict:
        """The stub's checks, in its order; every stage runs so that all violations are found."""
        body = await read_body(request, self.config.max_body)
        too_large = [body] if isinstance(body, Problem) else []
        read = body if isinstance(body, bytes) else b""
        if match is None or operation is None:
            return _undocumented(request, match, too_large, read)
        served = self.served[operation.api]
        denied = check_credentials(request, operation, served, self.config)
        problems = [problem for problem in (denied, *too_large) if problem is not None]
        if not too_large:
            inbound = check_content(request, match, operation, served, read)
            problems += [inbound] if isinstance(inbound, Problem) else []
        if not problems:
            return Verdict(read)
        violations = tuple(violation for problem in problems for violation in problem.errors)
        shape = partial(served.responder.problem_reply, operation)
        refusal = problem_response(problems[0], request.method, shape)
        return Verdict(read, violations, refusal, forwardable=not too_large)

    # -- the exchange ------------------------------------------------------------------------

    async def _exchange(self, request: Request, body: bytes, url: str) -> Answer | Problem:
        if self._client is None:
            raise RuntimeError("the proxy's HTTP client is not open: serve the app with lifespan")
        headers = forwarded_headers(request)
        outgoing = httpx.Request(request.method, url, headers=headers, content=body)
        try:
            async with asyncio.timeout(self.options.timeout):
                upstream = await self._client.send(outgoing, stream=True)
                try:
                    raw = b"".join([chunk async for chunk in upstream.aiter_raw()])
                finally:
                    await upstream.aclose()
        except (TimeoutError, httpx.TimeoutException):
            seconds = f"{self.options.timeout:g}"
            detail = f"no answer from {url} within {seconds} s (--timeout)"
            return Problem(504, detail, (Violation("upstream", "", detail),))
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            failed = "cannot be reached" if isinstance(error, httpx.ConnectError) else "failed"
            detail = f"{url} {failed}: {reason}"
            return Problem(502, detail, (Violation("upstream", "", detail),))
        return Answer(upstream.status_code, upstream.headers, raw)

    def _check_answer(
        self, request: Request, operation: Operation | None, answer: Answer
    ) -> list[Violation]:
        if operation is None:
            return []
        body: bytes | Violation | None = None
        if request.method != "HEAD" and answer.status not in (204, 304):
            body = answer.decoded()
        if isinstance(body, Violation):
            return [body]
        validator = self.served[operation.api].validator
        content_type = answer.headers.get("content-type")
        return validator.response_violations(
            operation, answer.status, answer.headers, body, content_type
        )

    # -- the answer --------------------------------------------------------------------------

    def _finish(
        self, request: Request, response: Response, violations: Sequence[Violation]
    ) -> Response:
        """Journal the exchange; report its violations in a header and one warning line."""
        status, path = response.status_code, request.scope["path"]
        self.journal.add(session_of(request), request.method, path, status, violations)
        if violations:
            response.headers[VIOLATIONS_HEADER] = violations_header(violations)
            summary = Problem.from_violations(status, list(violations)).detail
            logger.warning("%s %s -> %s: %s", request.method, path, status, summary)
        return response


def _undocumented(
    request: Request, match: Match | None, problems: list[Problem], body: bytes
) -> Verdict:
    """A path or method no operation documents; a refusal with the stub's 404 or 405."""
    path = request.scope["path"]  # as the stubs journal it: decoded, as routed
    label = f"{request.method} {path}"
    if match is None:
        violation = Violation("path", "", f"no operation is documented for {label}")
        problem = not_found(path)
    elif _is_preflight(request) and not problems:
        return Verdict(body)  # the browser asks about CORS; not a call of the API
    else:
        problem = not_allowed(request.method, match)
        allow = problem.headers["Allow"]
        violation = Violation(
            "method", "", f"no operation is documented for {label}; documented: {allow}"
        )
    errors = (violation, *(error for failed in problems for error in failed.errors))
    return Verdict(body, errors, problem_response(problem), not problems)


def _is_preflight(request: Request) -> bool:
    return request.method == "OPTIONS" and "access-control-request-method" in request.headers


def end_to_end(
    headers: Sequence[tuple[bytes, bytes]], also: frozenset[str] = frozenset()
) -> list[tuple[bytes, bytes]]:
    """The headers minus hop-by-hop ones, those `Connection` lists, `Proxy-*` and `also`."""
    listed = {
        token.strip().lower()
        for name, value in headers
        if name.lower() == b"connection"
        for token in value.decode("latin-1").split(",")
    }
    dropped = _HOP_BY_HOP | listed | also
    return [
        (name, value)
        for name, value in headers
        if (lowered := name.decode("latin-1").lower()) not in dropped
        and not lowered.startswith("proxy-")
    ]


def forwarded_headers(request: Request) -> list[tuple[bytes, bytes]]:
    """The client's end-to-end headers for the target: `Host` and `Content-Length` left to the
    client library, `X-Forwarded-For` extended, `X-Forwarded-Proto` and `-Host` set.

    `Accept-Encoding` is passed as sent and the answer relayed as its bytes came: the client gets
    the encoding it asked for, and the proxy decodes a copy to judge it (`Answer.decoded`).
    """
    kept = end_to_end(request.headers.raw, _FORWARDING | {"x-forwarded-for"})
    chain = [request.headers.get("x-forwarded-for"), request.client.host if request.client else ""]
    forwarded = {
        b"x-forwarded-for": ", ".join(hop for hop in chain if hop),
        b"x-forwarded-proto": request.url.scheme,
        b"x-forwarded-host": request.headers.get("host", ""),
    }
    return kept + [(name, value.encode("latin-1")) for name, value in forwarded.items() if value]


def relay(answer: Answer, method: str) -> Response:
    """The upstream's answer as it came, minus hop-by-hop headers. A body that came chunked gets
    its `Content-Length`; an answer without a body (HEAD, 204, 304) keeps the upstream's."""
    headers = end_to_end(answer.headers.raw)
    bodiless = method == "HEAD" or answer.status in (204, 304)
    if not bodiless and "content-length" not in answer.headers:
        headers.append((b"content-length", str(len(answer.raw)).encode()))
    response = Response(answer.raw, status_code=answer.status)
    response.raw_headers = [(name.lower(), value) for name, value in headers]
    return response


def create_proxy_app(
    config: Config, options: ProxyOptions, catalog: Catalog | None = None
) -> Starlette:
    """The validating proxy for `config.specs` (or an already loaded catalog) in front of
    `options.target`, with the admin endpoints `/__specmock/apis` and `/__specmock/requests`.

    Raises ConfigError when two APIs claim the same method and path.
    """
    catalog = (
        catalog if catalog is not None else Catalog.from_path(config.specs, config.allow_ref_dirs)
    )
    for error in catalog.errors:
        logger.error("%s", error)
    proxy = Proxy(list(catalog.apis), config, options)
    app = Starlette(
        routes=Inspection(catalog, proxy).routes,
        middleware=[Middleware(AdminGuard, config=config)],
        exception_handlers={Exception: fault_response},
        lifespan=proxy.lifespan,
    )
    # Every request that is not admin reaches the proxy, whatever its method or path bytes.
    app.router.default = proxy
    app.router.redirect_slashes = False
    app.state.specmock = proxy
    app.state.catalog = catalog
    return app
