"""CORS that just works from a browser: any origin, credentials allowed, preflight per route.

A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) on a served path is
answered 204 with that path's declared methods and whatever headers were requested. Every other
response to a request with an `Origin` gets the origin echoed back, with credentials allowed, and
the names of its own headers exposed: a browser ignores `Access-Control-Expose-Headers: *` on a
credentialed request, so `Location`, `ETag`, `X-Total-Count` or `X-Specmock-Violations` would stay
unreadable from JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from specmock.web.request import raw_path

#: Returns the methods a raw path allows, or None when no route serves it.
MethodsFor = Callable[[str], list[str] | None]

_MAX_AGE = "600"
# Readable without being exposed (the CORS-safelisted response headers), or never readable.
_NOT_EXPOSED = frozenset(
    {
        "cache-control",
        "content-language",
        "content-length",
        "content-type",
        "expires",
        "last-modified",
        "pragma",
        "set-cookie",
        "set-cookie2",
        "vary",
    }
)


def exposed(headers: MutableHeaders) -> str:
    """The names of a response's headers a script needs exposed, as the response spells them."""
    names: dict[str, str] = {}
    for name in headers:
        lowered = name.lower()
        if lowered not in _NOT_EXPOSED and not lowered.startswith("access-control-"):
            names.setdefault(lowered, name)
    return ", ".join(names.values())


class CORSMiddleware:
    def __init__(self, app: ASGIApp, methods_for: MethodsFor) -> None:
        self.app = app
        self.methods_for = methods_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None:
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            methods = self.methods_for(raw_path(scope))
            if methods is not None:
                response = self.preflight(origin, methods, headers)
                await response(scope, receive, send)
                return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                outgoing = MutableHeaders(scope=message)
                outgoing["Access-Control-Allow-Origin"] = origin
                outgoing["Access-Control-Allow-Credentials"] = "true"
                names = exposed(outgoing)
                if names:
                    outgoing["Access-Control-Expose-Headers"] = names
                outgoing.add_vary_header("Origin")
            await send(message)

        await self.app(scope, receive, send_with_cors)

    @staticmethod
    def preflight(origin: str, methods: list[str], headers: Headers) -> Response:
        allowed = {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Credentials": "true",
            "Access-Control-Allow-Methods": ", ".join(methods),
            "Access-Control-Max-Age": _MAX_AGE,
            "Vary": "Origin",
        }
        requested = headers.get("access-control-request-headers")
        if requested:
            allowed["Access-Control-Allow-Headers"] = requested
        return Response(status_code=204, headers=allowed)
