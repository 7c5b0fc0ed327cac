"""The admin API's guard: who may reach `/__specmock/`, checked before any endpoint runs.

A page in a browser can send requests to any address, the developer's own machine included; a
cross-origin form POST or a `fetch` with `mode: "no-cors"` reaches the server even though the page
cannot read the answer. So the refusal comes first, before any effect, in this order:

1. `Host`, when the server is bound to a loopback address: a name that is not a loopback one
   (`localhost`, `127.0.0.1`, `[::1]`, any port) is a DNS-rebinding page, refused 403.
2. `Origin` that is not the server's own, or `Sec-Fetch-Site` other than `same-origin`/`none`:
   another page drives the request, refused 403. The admin API never answers CORS, so a
   preflight is refused the same way and no `Access-Control-Allow-*` header is ever sent.
3. `Authorization: Bearer <admin token>`, when `Config.admin_token` is set: 401 otherwise,
   compared in constant time. A browser on the dashboard sends it as the `specmock-admin-token`
   cookie instead (`SameSite=Strict`, `HttpOnly`), set by opening `/__specmock/?token=<token>`.
4. The body, read within `Config.max_body` (413 past it, nothing more is read), then handed on.

The stubs are left alone: their CORS is open on purpose, so that a frontend on another port can
call the fake API, and a rebinding page gains nothing there that CORS does not already give.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from specmock.config import Config, is_loopback
from specmock.problems import Problem
from specmock.violations import Violation
from specmock.web.admin import ADMIN_ROOT
from specmock.web.dashboard.home import TOKEN_COOKIE
from specmock.web.inbound import read_body
from specmock.web.responses import problem_response

_DEFAULT_PORTS = {"http": 80, "https": 443}
_OWN_FETCH_SITES = frozenset({"same-origin", "none"})


def is_admin(path: str) -> bool:
    """Whether a decoded request path is under the admin API."""
    return path == ADMIN_ROOT or path.startswith(ADMIN_ROOT + "/")


class AdminGuard:
    """ASGI middleware: admin requests pass only the checks above; others pass untouched."""

    def __init__(self, app: ASGIApp, config: Config) -> None:
        self.app = app
        self.config = config
        self.check_host = config.host is not None and is_loopback(config.host)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_admin(scope["path"]):
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(scope)
        if refusal is None:
            body = await read_body(Request(scope, receive), self.config.max_body)
            if not isinstance(body, Problem):
                await self.app(scope, _replay(body, receive), send)
                return
            refusal = body
        await problem_response(refusal, scope["method"])(scope, receive, send)

    def refusal(self, scope: Scope) -> Problem | None:
        """The first problem of an admin request's headers, or None when it may go on."""
        headers = Headers(scope=scope)
        if self.check_host and (wrong := foreign_host(headers.get("host"))) is not None:
            return wrong
        if (cross := cross_origin(scope, headers)) is not None:
            return cross
        if self.browser_token(scope, headers):
            return None
        return self.unauthorized(headers.get("authorization"))

    def browser_token(self, scope: Scope, headers: Headers) -> bool:
        """Whether a browser shows the admin token: in the dashboard's cookie, or in `?token=`
        on the dashboard's home page (which then sets that cookie)."""
        expected = self.config.admin_token
        if not expected:
            return False
        sent = Request(scope).cookies.get(TOKEN_COOKIE)
        if sent is None and scope["path"] == ADMIN_ROOT + "/" and scope["method"] == "GET":
            sent = Request(scope).query_params.get("token")
        return sent is not None and hmac.compare_digest(
            sent.encode("utf-8", "surrogateescape"), expected.encode()
        )

    def unauthorized(self, authorization: str | None) -> Problem | None:
        """The 401 of a request without the admin token, when one is set. The value sent is
        never quoted."""
        expected = self.config.admin_token
        if not expected:
            return None
        word, _, sent = (authorization or "").partition(" ")
        if word.lower() == "bearer" and hmac.compare_digest(
            sent.strip().encode("utf-8", "surrogateescape"), expected.encode()
        ):
            return None
        if authorization is None:
            message = "is missing"
        else:
            message = "is not 'Bearer <admin token>' with the admin token (not shown)"
        return Problem(
            401,
            "the admin API needs 'Authorization: Bearer <admin token>' (--admin-token)",
            (Violation("header", "Authorization", message),),
            {"WWW-Authenticate": 'Bearer realm="specmock admin"'},
        )


def foreign_host(host: str | None) -> Problem | None:
    """The 403 of a `Host` that is not a loopback name, with its port or without.

    A request without `Host` (HTTP/1.0) comes from no browser, so it cannot be a rebinding page.
    """
    if host is None or is_loopback(_host_name(host)):
        return None
    detail = (
        f"Host {host!r} is not localhost, 127.0.0.1 or [::1]: the admin API of a server bound "
        "to a loopback address answers only to a loopback name (DNS rebinding)"
    )
    return Problem(403, detail, (Violation("header", "Host", f"{host!r} is not a loopback name"),))


def cross_origin(scope: Scope, headers: Headers) -> Problem | None:
    """The 403 of a request a page of another origin sends, as its `Origin` or
    `Sec-Fetch-Site` says."""
    origin = headers.get("origin")
    own = _own_origin(scope, headers)
    if origin is not None and (own is None or _origin_key(origin) != own):
        detail = (
            f"Origin {origin!r} is not this server's own: the admin API does not answer "
            "other web pages (no CORS)"
        )
        violation = Violation("header", "Origin", f"{origin!r} is another origin")
        return Problem(403, detail, (violation,))
    site = headers.get("sec-fetch-site")
    if site is not None and site.lower() not in _OWN_FETCH_SITES:
        detail = (
            f"Sec-Fetch-Site {site!r} says another page sent this request: the admin API does "
            "not answer other web pages (no CORS)"
        )
        violation = Violation("header", "Sec-Fetch-Site", f"{site!r} is not 'same-origin'")
        return Problem(403, detail, (violation,))
    return None


def _host_name(host: str) -> str:
    """`localhost` of `localhost:4010`, `[::1]` of `[::1]:4010`."""
    if host.startswith("["):
        return host.partition("]")[0] + "]"
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def _origin_key(url: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of an origin, default ports filled in; None for `null` or junk."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not parts.hostname or scheme not in _DEFAULT_PORTS:
        return None
    return scheme, parts.hostname.lower(), port if port is not None else _DEFAULT_PORTS[scheme]


def _own_origin(scope: Scope, headers: Headers) -> tuple[str, str, int | None] | None:
    """The origin a same-origin page of this server has: the request's scheme and `Host`."""
    scheme = scope.get("scheme", "http")
    host = headers.get("host")
    if host is None:
        server = scope.get("server")
        if not server:
            return None
        address, port = server
        host = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
    return _origin_key(f"{scheme}://{host}")


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the body already read, then whatever the client sends next."""
    sent = False

    async def replaying() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replaying
