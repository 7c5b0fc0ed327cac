"""The request log: one line per HTTP request on stderr (`GET /pet/1 200 0.4ms`).

Preformatted lines, not `logging`, written once per turn of the event loop: uvicorn's access log
(a LogRecord, a stack walk and a flush per line, on stdout, with no duration) and `logging`
through a QueueHandler each cost a large share of a stub request, and even one write per line is
a system call each on a line-buffered stderr. `specmock serve` and `specmock proxy` use it at
`--log-level` info or debug, with uvicorn's own access log off, so a request is logged once.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from typing import TextIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# ANSI colours of a status by its class (1xx to 5xx): green answers, yellow refusals, red faults.
_COLOURS = ("", "\033[2m", "\033[32m", "\033[36m", "\033[33m", "\033[31m")
_RESET = "\033[0m"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty() and not os.environ.get("NO_COLOR")
    except (AttributeError, ValueError):
        return False


def _tail(status: int | None) -> str:
    return "\n" if status is not None else " no answer\n"


class RequestLog:
    """ASGI middleware writing `METHOD path status duration` per HTTP request.

    The query string is left out (it may carry a token); a path with control characters (a
    decoded `%0A`) is escaped, so a client cannot forge a line. The status is coloured by its
    class when the stream is a terminal (or `colour` says so), plain otherwise. A request answered
    with no status at all (a fault that resets or closes the connection) logs `--- no answer`.
    """

    def __init__(
        self, app: ASGIApp, stream: TextIO | None = None, colour: bool | None = None
    ) -> None:
        self.app = app
        self._stream = stream or sys.stderr
        self._pending: list[str] = []
        self._colour = _is_terminal(self._stream) if colour is None else colour

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status: int | None = None

        async def noting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting)
        except BaseException:
            status = status or 500  # what the client gets when the app fails before answering
            raise
        finally:
            took = (time.perf_counter() - start) * 1000
            path = scope["path"]
            if not path.isprintable():
                path = path.encode("unicode_escape").decode("ascii")
            self._note(
                f"{scope['method']} {path} {self._shown(status)} {took:.1f}ms{_tail(status)}"
            )

    def _shown(self, status: int | None) -> str:
        if status is None:  # the connection reset or closed on purpose (a fault): no status sent
            return "---"
        return f"{_COLOURS[min(status // 100, 5)]}{status}{_RESET}" if self._colour else str(status)

    def _note(self, line: str) -> None:
        """Queue a line; the lines of one loop turn are written together when it ends."""
        if not self._pending:
            asyncio.get_running_loop().call_soon(self._flush)
        self._pending.append(line)

    def _flush(self) -> None:
        lines, self._pending = self._pending, []
        self._stream.write("".join(lines))
        self._stream.flush()
