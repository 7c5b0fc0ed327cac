"""`Wire`: the Redis store's connection on the event loop, pipelining every request's commands.

Each command on a Redis store costs a round trip, and on a loopback socket in a VM most of it is
the system calls. redis-py's asyncio client sends and waits for each command on a connection of
its own: about 160 us of CPU per command here, more than a whole request in memory. `Wire` keeps
one connection per event loop and writes every command issued in one turn of the loop as one
send, and hands replies back in order as they arrive: with 16 requests in flight a command costs
about 10 us. Redis answers the commands of one connection in the order sent, which is what makes
this safe; commands that must not be split (a transaction) are queued in one step.

Packing commands and parsing replies is hiredis's (the C parser redis-py itself uses when it is
installed). Failures are redis-py's exception classes, so the store treats both clients alike:
a refused or lost connection is `redis.ConnectionError` for the commands in flight (the next
command connects again), and a command with no answer within the timeout is `redis.TimeoutError`
for it and every command behind it on that connection, which is closed.
"""

from __future__ import annotations

import asyncio
import os
import ssl
from collections import deque
from collections.abc import Sequence
from typing import Any, cast

import hiredis
import redis
import redis.exceptions
from redis.connection import SSLConnection, UnixDomainSocketConnection, parse_url

Command = Sequence[str | int | float | bytes]
_READS = frozenset(
    {"PING", "GET", "HGET", "HMGET", "HGETALL", "ZRANGE", "SISMEMBER", "SMEMBERS", "EXISTS", "SCAN"}
)  # the commands sent again after a lost connection


class Wire:
    """Commands to one Redis server from one event loop, pipelined on one connection."""

    def __init__(self, url: str, timeout: float) -> None:
        options: dict[str, Any] = parse_url(url)  # type: ignore[no-untyped-call]
        self.timeout = float(options.get("socket_timeout") or timeout)
        self._connect_timeout = float(options.get("socket_connect_timeout") or timeout)
        kind = options.get("connection_class")
        self._path: str | None = options.get("path") if kind is UnixDomainSocketConnection else None
        self._host, self._port = options.get("host", "localhost"), int(options.get("port", 6379))
        self._tls = kind is SSLConnection
        self._hello: list[Command] = []
        if options.get("password") is not None:
            user, password = options.get("username"), options["password"]
            self._hello.append(("AUTH", user, password) if user else ("AUTH", password))
        if int(options.get("db") or 0):
            self._hello.append(("SELECT", int(options["db"])))
        self._link: _Link | None = None
        self._opening: asyncio.Task[_Link] | None = None

    async def call(self, *command: str | int | float | bytes) -> Any:
        """Redis's reply to `command`; an error reply is raised as redis-py raises it. A read
        whose connection was lost before its reply is sent once more on a new one (whatever ran
        of a write is unknown: its loss is raised)."""
        link = await self._linked()
        try:
            return await link.send([command])
        except redis.ConnectionError:
            if command[0] not in _READS:
                raise
        return await (await self._linked()).send([command])

    async def transaction(self, commands: Sequence[Command]) -> list[Any]:
        """The replies to `commands` run as one MULTI/EXEC transaction."""
        link = await self._linked()
        replies: list[Any] = await link.send([("MULTI",), *commands, ("EXEC",)])
        for reply in replies:
            if isinstance(reply, hiredis.ReplyError):
                raise _error(reply)
        return replies

    async def _linked(self) -> _Link:
        link = self._link
        if link is not None and link.open:
            return link
        opening = self._opening
        if opening is None or opening.done():
            opening = self._opening = asyncio.get_running_loop().create_task(self._connect())
        # shielded: a request that gives up does not stop the others' connection
        return await asyncio.shield(opening)

    async def _connect(self) -> _Link:
        loop = asyncio.get_running_loop()
        where = self._path or f"{self._host}:{self._port}"
        try:
            async with asyncio.timeout(self._connect_timeout):
                if self._path is not None:
                    _, link = await loop.create_unix_connection(lambda: _Link(self), self._path)
                else:
                    tls = ssl.create_default_context() if self._tls else None
                    _, link = await loop.create_connection(
                        lambda: _Link(self), self._host, self._port, ssl=tls
                    )
                if self._hello:
                    try:
                        await link.send(self._hello)
                    except BaseException:  # refused, timed out or cancelled: else left open
                        link._close(redis.ConnectionError("AUTH/SELECT failed"))
                        raise
        except TimeoutError:
            raise redis.TimeoutError(f"Timeout connecting to {where}") from None
        except OSError as error:  # ("Connect call failed" says less than the errno's text)
            reason = os.strerror(error.errno) if error.errno else str(error)
            raise redis.ConnectionError(f"Error connecting to {where}: {reason}") from None
        self._link = link
        return link


class _Link(asyncio.Protocol):
    """One connection: commands written once per turn of the loop, replies matched in order."""

    def __init__(self, wire: Wire) -> None:
        self._loop = asyncio.get_running_loop()
        self._timeout = wire.timeout
        self._reader = hiredis.Reader(encoding="utf-8")
        self._transport: asyncio.Transport | None = None
        self._outgoing: list[bytes] = []
        # one entry per `send`: [replies still to come, its future, first error, when sent]
        self._waiting: deque[list[Any]] = deque()
        self._watch: asyncio.Task[None] | None = None
        self.open = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport, self.open = cast(asyncio.Transport, transport), True  # (uvloop's too)
        self._watch = self._loop.create_task(self._watching())

    def send(self, commands: Sequence[Command]) -> asyncio.Future[Any]:
        """The future of the last reply to `commands` (sent together; the first error wins)."""
        if not self.open:
            raise redis.ConnectionError("Connection closed")
        # all packed before any is queued: a bad argument must not send a MULTI without its EXEC
        packed = [hiredis.pack_command(tuple(command)) for command in commands]  # type: ignore[arg-type]
        future: asyncio.Future[Any] = self._loop.create_future()
        if not self._outgoing:
            self._loop.call_soon(self._flush)
        self._outgoing.extend(packed)
        self._waiting.append([len(commands), future, None, self._loop.time()])
        return future

    def _flush(self) -> None:
        data, self._outgoing = b"".join(self._outgoing), []
        if self._transport is not None and self.open:
            self._transport.write(data)

    def data_received(self, data: bytes) -> None:
        self._reader.feed(data)
        waiting = self._waiting
        while (reply := self._reader.gets()) is not False:
            if not waiting:
                self._close(redis.ConnectionError("a reply that no command asked for"))
                return
            entry = waiting[0]
            entry[0] -= 1
            if isinstance(reply, hiredis.ReplyError) and entry[2] is None:
                entry[2] = reply
            if entry[0] == 0:
                waiting.popleft()
                future = entry[1]
                if not future.done():
                    if entry[2] is not None:
                        future.set_exception(_error(entry[2]))
                    else:
                        future.set_result(reply)

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(redis.ConnectionError(f"Connection to Redis lost{f': {exc}' if exc else ''}"))

    async def _watching(self) -> None:
        """Every command waits at most the timeout: past it, this connection is given up. The
        watch ends with the loop (its tasks are cancelled), closing the connection."""
        try:
            while self.open:
                await asyncio.sleep(min(self._timeout / 4, 0.25))
                if self._waiting and self._loop.time() - self._waiting[0][3] > self._timeout:
                    self._close(redis.TimeoutError(f"no answer within {self._timeout:g} s"))
        finally:
            self._close(redis.ConnectionError("Connection closed"))

    def _close(self, error: redis.RedisError) -> None:
        self._fail(error)
        if self._transport is not None:
            self._transport.abort()

    def _fail(self, error: redis.RedisError) -> None:
        self.open = False
        while self._waiting:
            future = self._waiting.popleft()[1]
            if not future.done():
                future.set_exception(error)
        if self._watch is not None and self._watch is not asyncio.current_task(self._loop):
            self._watch.cancel()


def _error(reply: hiredis.ReplyError) -> redis.RedisError:
    """An error reply as redis-py raises it (NOSCRIPT as `NoScriptError`: the script is loaded
    again)."""
    text = str(reply)
    if text.startswith("NOSCRIPT"):
        return redis.exceptions.NoScriptError(text)
    return redis.ResponseError(text)
