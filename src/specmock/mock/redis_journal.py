"""`RedisJournal`: the request journal of a Redis store, shared by every process on its prefix.

Entries go to one capped stream per key prefix (`XADD MAXLEN ~`), so `GET /__specmock/requests`
on any replica or worker lists the requests every one of them served. An entry's id is drawn
from a counter in the same script that adds it, and is the stream id's first part: a small
integer, unique across processes, that the admin API and the dashboard use as they do in memory.

Serving never waits on the journal: `add` leaves the entry in a bounded queue that a writer thread
empties every `LINGER` seconds, sending each batch as one script call (one round trip, and no
wake-up of the writer per request: at a thousand requests a second, a call per entry cost a
third of a core). A Redis that fails costs entries, not requests: the
failure is logged once, the lost entries counted in `dropped`, and writing resumes when Redis
answers. A process reads what it wrote itself (reads wait for its queue to drain, bounded); other
processes' entries show as soon as their writers have sent them.

`follow` starts a thread that reads the stream (`XREAD BLOCK`) and hands every new entry, its own
and other processes', to the listeners on the caller's event loop: the dashboard's live page.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Iterable
from typing import Any

import redis

from specmock.mock.journal import (
    JOURNAL_SIZE,
    NO_EXCHANGE,
    Exchange,
    JournalEntry,
    Listener,
    Message,
)
from specmock.mock.redis_store import DEFAULT_TIMEOUT, shown
from specmock.mock.storage import StoreFault
from specmock.violations import Violation

logger = logging.getLogger("specmock")

QUEUE_SIZE = 10_000  # entries waiting for the writer; past it they are dropped and counted
BATCH = 200  # entries sent in one script call
LINGER = 0.02  # seconds the writer lets entries gather before it sends them
BLOCK_MS = 1000  # how long the follower waits on Redis before it checks whether to stop
_RETRY = 1.0  # seconds between a follower's tries while Redis fails

# A batch of entries (ARGV: the stream's size, then session and entry of each) with the counter
# in one step: ids rise with the stream's order in every process.
ADD = """
local count = (#ARGV - 1) / 2
local id = redis.call('INCRBY', KEYS[2], count) - count
for i = 2, #ARGV, 2 do
  id = id + 1
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], id .. '-1', 's', ARGV[i], 'e', ARGV[i + 1])
end
return id
"""

# One session's entries out of the stream, whoever wrote them.
CLEAR = """
local gone = 0
for _, entry in ipairs(redis.call('XRANGE', KEYS[1], '-', '+')) do
  local fields = entry[2]
  for i = 1, #fields, 2 do
    if fields[i] == 's' and fields[i + 1] == ARGV[1] then
      gone = gone + redis.call('XDEL', KEYS[1], entry[1])
    end
  end
end
return gone
"""

_Pending = tuple[float, str, str, str, int, tuple[Violation, ...], str | None, Exchange]


class RedisJournal:
    """The journal of every process that shares a Redis store's prefix."""

    def __init__(self, url: str, prefix: str, size: int = JOURNAL_SIZE) -> None:
        self.name, self._url, self.size = shown(url), url, size
        # `#` is quoted in session names, so no session's keys can be these
        self.key, self._counter = f"{prefix}#journal", f"{prefix}#journal-ids"
        self.client = redis.Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=DEFAULT_TIMEOUT,
            socket_connect_timeout=DEFAULT_TIMEOUT,
        )
        self._add = self.client.register_script(ADD)
        self._clear = self.client.register_script(CLEAR)
        self.listeners: list[Listener] = []
        self.dropped = 0  # entries lost to a full queue or a failing Redis
        self._queue: deque[_Pending] = deque()  # appended here, emptied by the writer thread
        self._wake = threading.Event()  # the writer sends at once (a read is waiting)
        self._pending = 0
        self._drained = threading.Condition()
        self._failing = False
        self._stop = threading.Event()
        self._writer: tuple[int, threading.Thread] | None = None  # (pid, thread)
        self._follower: tuple[int, threading.Thread] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def add(
        self,
        session: str,
        method: str,
        path: str,
        status: int,
        violations: Iterable[Violation],
        injected: str | None = None,
        exchange: Exchange = NO_EXCHANGE,
    ) -> None:
        """Queue the entry for the writer (its id is drawn when it is written)."""
        self._writer = self._running(self._writer, self._write)
        if len(self._queue) >= QUEUE_SIZE:
            self._done(0, dropped=1)
            return
        pending = (time.time(), session, method, path, status, tuple(violations), injected)
        with self._drained:
            self._pending += 1
        self._queue.append((*pending, exchange))

    def entries(self, session: str | None = None) -> list[JournalEntry]:
        """A session's entries (every session's with None), newest first, from every process."""
        self._flush()
        try:
            found: list[Any] = _sync(self.client.xrevrange(self.key, "+", "-", count=self.size))
        except redis.RedisError as error:
            raise self._fault(error) from error
        entries = [_decode(stream_id, fields) for stream_id, fields in found]
        # each process sends its entries a moment apart (`LINGER`): newest served first
        entries.sort(key=lambda entry: entry.at, reverse=True)
        return [e for e in entries if session is None or e.session == session]

    def get(self, entry_id: int) -> JournalEntry | None:
        self._flush()
        try:
            found: list[Any] = _sync(self.client.xrange(self.key, f"{entry_id}-1", f"{entry_id}-1"))
        except redis.RedisError as error:
            raise self._fault(error) from error
        return _decode(*found[0]) if found else None

    def clear(self, session: str) -> None:
        """Drop a session's entries, for every process."""
        self._flush()
        try:
            self._clear(keys=[self.key], args=[session])
        except redis.RedisError as error:
            raise self._fault(error) from error

    def follow(self) -> None:
        """Call the listeners on this event loop with every new entry of every process."""
        self._loop = asyncio.get_running_loop()
        self._follower = self._running(self._follower, self._read)

    def close(self) -> None:
        """Stop following and writing (the entries queued get a last bounded try)."""
        self._flush()
        self._stop.set()
        self._wake.set()

    def _running(
        self, current: tuple[int, threading.Thread] | None, target: Any
    ) -> tuple[int, threading.Thread]:
        """The thread of `current`, or a new one running `target` (a forked worker starts its
        own: threads do not survive a fork, and a parent's thread is not alive in the child)."""
        if current is not None and current[1].is_alive():
            return current
        pid = os.getpid()
        self._stop.clear()
        thread = threading.Thread(target=target, name=f"journal {target.__name__}", daemon=True)
        thread.start()
        return pid, thread

    def _fault(self, error: redis.RedisError) -> StoreFault:
        if isinstance(error, redis.TimeoutError):
            return StoreFault(self.name, f"no answer within the timeout ({error})")
        return StoreFault(self.name, str(error) or type(error).__name__)

    def _flush(self) -> None:
        """Wait (bounded) until what this process queued is written or dropped."""
        self._wake.set()
        with self._drained:
            self._drained.wait_for(lambda: self._pending == 0, DEFAULT_TIMEOUT * 2)

    def _done(self, count: int, dropped: int = 0) -> None:
        with self._drained:
            self._pending -= count
            self.dropped += dropped
            self._drained.notify_all()

    def _write(self) -> None:
        waiting = self._queue
        while not self._stop.is_set():
            self._wake.wait(LINGER)
            self._wake.clear()
            while waiting:
                self._send([waiting.popleft() for _ in range(min(BATCH, len(waiting)))])

    def _send(self, batch: list[_Pending]) -> None:
        args: list[str | int] = [self.size]
        for pending in batch:
            args += [pending[1], _encode(pending)]
        try:
            self._add(keys=[self.key, self._counter], args=args)
        except redis.RedisError as error:
            if not self._failing:
                logger.error(
                    "the journal's store %s failed (%s): requests are served, their journal"
                    " entries dropped until it answers",
                    self.name,
                    error,
                )
            self._failing = True
            self._done(len(batch), dropped=len(batch))
            return
        if self._failing:
            logger.info("the journal's store %s answers again", self.name)
        self._failing = False
        self._done(len(batch))

    def _read(self) -> None:
        client = redis.Redis.from_url(
            self._url,
            decode_responses=True,
            socket_timeout=BLOCK_MS / 1000 + DEFAULT_TIMEOUT,
            socket_connect_timeout=DEFAULT_TIMEOUT,
        )
        last: str | None = None
        while not self._stop.is_set():
            try:
                if last is None:
                    newest: list[Any] = _sync(client.xrevrange(self.key, "+", "-", count=1))
                    last = newest[0][0] if newest else "0-0"
                found: list[Any] = _sync(
                    client.xread({self.key: last}, count=BATCH, block=BLOCK_MS)
                )
            except redis.RedisError:
                self._stop.wait(_RETRY)  # the writer logs the failure; the stream is read on
                continue
            for _, entries in found or ():
                for stream_id, fields in entries:
                    last = stream_id
                    self._publish(_decode(stream_id, fields))
        client.close()

    def _publish(self, entry: JournalEntry) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        for listener in list(self.listeners):
            try:
                loop.call_soon_threadsafe(listener, entry)
            except RuntimeError:  # the loop closed in between
                return


def _sync(answer: Any) -> Any:
    """A reply of the synchronous client (redis-py types each command for both clients)."""
    return answer


def _encode(pending: _Pending) -> str:
    at, _, method, path, status, violations, injected, exchange = pending
    return json.dumps(
        {
            "at": at,
            "method": method,
            "path": path,
            "status": status,
            "violations": [[v.location, v.name, v.message] for v in violations],
            "injected": injected,
            "api": exchange.api,
            "operation": exchange.operation,
            "query": exchange.query,
            "request": _message(exchange.request),
            "answer": _message(exchange.answer),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _message(message: Message) -> list[Any]:
    """Bytes as latin-1 text, which gives the same bytes back."""
    headers = [[k.decode("latin-1"), v.decode("latin-1")] for k, v in message.headers]
    return [headers, message.body.decode("latin-1"), message.size]


def _unmessage(data: list[Any]) -> Message:
    headers, body, size = data
    raw = tuple((k.encode("latin-1"), v.encode("latin-1")) for k, v in headers)
    return Message(raw, body.encode("latin-1"), size)


def _decode(stream_id: str, fields: dict[str, str]) -> JournalEntry:
    data = json.loads(fields["e"])
    exchange = Exchange(
        data["api"],
        data["operation"],
        data["query"],
        _unmessage(data["request"]),
        _unmessage(data["answer"]),
    )
    return JournalEntry(
        data["at"],
        fields["s"],
        data["method"],
        data["path"],
        data["status"],
        tuple(Violation(*v) for v in data["violations"]),
        data["injected"],
        int(stream_id.partition("-")[0]),
        exchange,
    )
