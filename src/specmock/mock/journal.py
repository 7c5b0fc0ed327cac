"""The request journal: recent requests with their status and the violations found, newest first.

Each entry keeps what the dashboard shows of an exchange: the request's headers and body and the
answer's, as the bytes already at hand (nothing is re-encoded on the request path), each body cut
to `BODY_LIMIT` bytes and marked truncated past it. Listeners (the dashboard's live stream) are
called with each new entry.

`RequestJournal` is the seam: `Journal` keeps the entries in this process (the default), and
`redis_journal.RedisJournal` in a capped Redis stream that every process of a shared store reads.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from specmock.mock.server_fields import rfc3339
from specmock.violations import Violation

JOURNAL_SIZE = 500
BODY_LIMIT = 64 * 1024

RawHeaders = Sequence[tuple[bytes, bytes]]


@dataclass(frozen=True, slots=True)
class Message:
    """One side of an exchange: its headers as sent and its body, cut to `BODY_LIMIT` bytes."""

    headers: RawHeaders = ()
    body: bytes = b""
    size: int = 0  # the whole body's length, which `body` may be cut from

    @classmethod
    def of(cls, headers: RawHeaders, body: bytes | memoryview) -> Message:
        """The message, its body cut (a body within the limit is kept as it is, not copied)."""
        return cls(headers, bytes(body[:BODY_LIMIT]), len(body))

    @property
    def truncated(self) -> bool:
        return self.size > len(self.body)

    def as_dict(self) -> dict[str, Any]:
        return {
            "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in self.headers],
            "body": self.body.decode("utf-8", "replace"),
            "size": self.size,
            "truncated": self.truncated,
        }


NO_MESSAGE = Message()


@dataclass(frozen=True, slots=True)
class Exchange:
    """What the journal keeps beyond the summary: the operation and both messages."""

    api: str | None = None
    operation: str | None = None  # the operation's label, `GET /pets/{id}`
    query: str = ""
    request: Message = NO_MESSAGE
    answer: Message = NO_MESSAGE


NO_EXCHANGE = Exchange()


@dataclass(frozen=True, slots=True)
class JournalEntry:
    at: float  # seconds since the epoch: written as RFC 3339 only when the journal is read
    session: str
    method: str
    path: str
    status: int
    violations: tuple[Violation, ...]
    injected: str | None = None  # the latency or fault the answer got: `delay=300`, `fault=reset`
    id: int = 0
    exchange: Exchange = NO_EXCHANGE

    def as_dict(self) -> dict[str, Any]:
        marked = {"injected": self.injected} if self.injected else {}
        return marked | {
            "id": self.id,
            "at": rfc3339(self.at),
            "session": self.session,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "api": self.exchange.api,
            "violations": [violation.as_dict() for violation in self.violations],
        }

    def as_full_dict(self) -> dict[str, Any]:
        """The summary with the operation, the query and both messages."""
        exchange = self.exchange
        return self.as_dict() | {
            "operation": exchange.operation,
            "query": exchange.query,
            "request": exchange.request.as_dict(),
            "answer": exchange.answer.as_dict(),
        }


Listener = Callable[[JournalEntry], None]


class RequestJournal(Protocol):
    """What the stubs, the admin API and the dashboard need of a journal, wherever it is kept.

    `listeners` are called on the event loop that called `follow` (or on the one that calls
    `add`, for a journal kept in this process) with every new entry; `close` stops whatever
    `follow` started."""

    listeners: list[Listener]

    def add(
        self,
        session: str,
        method: str,
        path: str,
        status: int,
        violations: Iterable[Violation],
        injected: str | None = None,
        exchange: Exchange = NO_EXCHANGE,
    ) -> JournalEntry | None:
        """Note an exchange (the entry made, or None when it is written later)."""
        ...

    def entries(self, session: str | None = None) -> list[JournalEntry]: ...

    def get(self, entry_id: int) -> JournalEntry | None: ...

    def clear(self, session: str) -> None: ...

    def follow(self) -> None: ...

    def close(self) -> None: ...


class Journal:
    """A bounded record of requests in this process (the oldest are dropped first)."""

    def __init__(self, size: int = JOURNAL_SIZE) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=size)
        self._ids = itertools.count(1)
        self.listeners: list[Listener] = []

    def add(
        self,
        session: str,
        method: str,
        path: str,
        status: int,
        violations: Iterable[Violation],
        injected: str | None = None,
        exchange: Exchange = NO_EXCHANGE,
    ) -> JournalEntry:
        entry = JournalEntry(
            time.time(),
            session,
            method,
            path,
            status,
            tuple(violations),
            injected,
            next(self._ids),
            exchange,
        )
        self._entries.append(entry)
        for listener in self.listeners:
            listener(entry)
        return entry

    def entries(self, session: str | None = None) -> list[JournalEntry]:
        """A session's entries (every session's with None), newest first."""
        if session is None:
            return list(reversed(self._entries))
        return [entry for entry in reversed(self._entries) if entry.session == session]

    def get(self, entry_id: int) -> JournalEntry | None:
        """The entry of an id, while the journal still holds it."""
        return next((entry for entry in self._entries if entry.id == entry_id), None)

    def clear(self, session: str) -> None:
        kept = [entry for entry in self._entries if entry.session != session]
        self._entries.clear()
        self._entries.extend(kept)

    def follow(self) -> None:
        """Nothing to start: `add` calls the listeners itself."""

    def close(self) -> None:
        """Nothing to stop."""
