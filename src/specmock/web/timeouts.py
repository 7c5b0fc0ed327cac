"""`BodyTimeout`: a client that stops sending in the middle of a body is answered 408.

Without it, `Content-Length: 100` and one byte hold a request (and a graceful shutdown) for as
long as the client keeps the connection open. The timeout counts from the last bytes received, so
a slow but moving upload is not cut off; once the body is complete, `receive` is left alone (it
then waits for a disconnect, which may rightly take long).
"""

from __future__ import annotations

import asyncio

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from specmock.problems import Problem
from specmock.violations import Violation
from specmock.web.responses import problem_response


class BodyStalled(Exception):
    """No body bytes for `seconds` while the client had said more would come."""

    def __init__(self, seconds: float, received: int) -> None:
        self.seconds, self.received = seconds, received
        super().__init__(
            f"the client sent no body bytes for {seconds:g} s after {received} bytes"
            " (--body-timeout)"
        )


class BodyTimeout:
    """ASGI middleware: 408 with a problem body when a request body stalls for `seconds`."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app, self.seconds = app, seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _has_body(scope):
            await self.app(scope, receive, send)  # nothing to wait for: no timer to set
            return
        complete, received, started = False, 0, False

        async def receiving() -> Message:
            nonlocal complete, received
            if complete:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.seconds)
            except TimeoutError:
                raise BodyStalled(self.seconds, received) from None
            received += len(message.get("body", b""))
            complete = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receiving, sending)
        except BodyStalled as stalled:
            if started:
                raise
            await stalled_response(stalled)(scope, receive, send)


def _has_body(scope: Scope) -> bool:
    """Whether the request announces a body (a non-zero `Content-Length`, or chunks)."""
    for name, value in scope["headers"]:
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip() != b"0"):
            return True
    return False


def stalled_response(stalled: BodyStalled) -> Response:
    """The 408 problem; the connection is closed, since the rest of the body may still come."""
    violation = Violation("body", "", f"no bytes for {stalled.seconds:g} s")
    problem = Problem(408, str(stalled), (violation,), headers={"Connection": "close"})
    return problem_response(problem)
