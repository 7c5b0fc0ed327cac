"""The request log: one line per HTTP request on stderr (`GET /pet/1 200 0.4ms`).

Preformatted lines, not `logging`, written once per turn of the event loop: uvicorn's access log
(a LogRecord, a stack walk and a flush per line, on stdout, with no duration) and `logging`
through a QueueHandler each cost a large share of a stub request, and even one write per line is
a system call each on a line-buffered stderr. `specmock serve` and `specmock proxy` use it at
`--log-level` info or debug, with uvicorn's own access log off, so a request is logged once.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import TextIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class RequestLog:
    """ASGI middleware writing `METHOD path status duration` per HTTP request.

    The query string is left out (it may carry a token); a path with control characters (a
    decoded `%0A`) is escaped, so a client cannot forge a line.
    """

    def __init__(self, app: ASGIApp, stream: TextIO | None = None) -> None:
        self.app = app
        self._stream = stream or sys.stderr
        self._pending: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # what the client gets when the app fails before answering

        async def noting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting)
        finally:
            took = (time.perf_counter() - start) * 1000
            path = scope["path"]
            if not path.isprintable():
                path = path.encode("unicode_escape").decode("ascii")
            self._note(f"{scope['method']} {path} {status} {took:.1f}ms\n")

    def _note(self, line: str) -> None:
        """Queue a line; the lines of one loop turn are written together when it ends."""
        if not self._pending:
            asyncio.get_running_loop().call_soon(self._flush)
        self._pending.append(line)

    def _flush(self) -> None:
        lines, self._pending = self._pending, []
        self._stream.write("".join(lines))
        self._stream.flush()
