"""Faults on the wire: an answer reset, closed unanswered, emptied, cut short or held back.

`with_connection` notes the connection's transport in the scope (uvicorn's `send` is bound to a
cycle that holds it); `delivered` turns an answer and its `mock.faults.Injection` into what goes
out. A delay or a hold is an `asyncio.sleep`, so other requests are never held up.
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from specmock.mock.faults import Injection
from specmock.problems import Problem
from specmock.web.responses import problem_response

_TRANSPORT = "specmock.transport"


def with_connection(app: ASGIApp) -> ASGIApp:
    """`app` with the request's transport in its scope, where the server gives one: to be the
    outermost wrapper, since a wrapped `send` no longer leads to it (the first one found stays)."""

    async def call(scope: Scope, receive: Receive, send: Send) -> None:
        cycle = getattr(send, "__self__", None)
        transport = getattr(cycle, "transport", None)
        if transport is not None and _TRANSPORT not in scope:
            scope[_TRANSPORT] = transport
        await app(scope, receive, send)

    return call


async def delivered(injection: Injection, answer: Response, scope: Scope, hold: float) -> Response:
    """The answer as the injection has it go out, after its delay."""
    if injection.delay > 0:
        await asyncio.sleep(injection.delay)
    fault = injection.fault
    if fault in ("reset", "close"):
        transport = scope.get(_TRANSPORT)
        if transport is None:  # in-process (an ASGI transport): there is no socket to break
            detail = f"fault={fault} needs a TCP connection; this request came without one"
            return problem_response(Problem(503, detail))
        return _Broken(transport, reset=fault == "reset")
    if fault == "timeout":
        await asyncio.sleep(hold)
    if fault == "empty":
        return _with_body(answer, b"")
    if fault == "malformed":
        return _with_body(answer, _cut(bytes(answer.body or b"")))
    return answer


class _Broken(Response):
    """No answer: the connection reset (SO_LINGER 0, then abort) or closed."""

    def __init__(self, transport: Any, reset: bool) -> None:
        super().__init__(status_code=200)
        self._transport, self._reset = transport, reset

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._reset:
            sock = self._transport.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self._transport.abort()
        else:
            self._transport.close()
        # let the server see the connection gone, so it does not answer in our place
        for _ in range(3):
            await asyncio.sleep(0)


def _with_body(answer: Response, body: bytes) -> Response:
    headers = {k: v for k, v in answer.headers.items() if k.lower() != "content-length"}
    media = answer.headers.get("content-type") or "application/json"
    status = 200 if answer.status_code in (204, 205, 304) else answer.status_code
    return Response(body, status_code=status, headers=headers, media_type=media)


def _cut(encoded: bytes) -> bytes:
    """A body cut in half, made sure to be no JSON at all (a cut `123` still parses)."""
    cut = encoded[: len(encoded) // 2]
    if not cut:
        return b"{"
    try:
        json.loads(cut)
    except ValueError:
        return cut
    return cut + b"{"
