"""The request journal: recent requests with their status and the violations found, newest first."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from specmock.mock.server_fields import rfc3339
from specmock.violations import Violation

JOURNAL_SIZE = 500


@dataclass(frozen=True, slots=True)
class JournalEntry:
    at: float  # seconds since the epoch: written as RFC 3339 only when the journal is read
    session: str
    method: str
    path: str
    status: int
    violations: tuple[Violation, ...]
    injected: str | None = None  # the latency or fault the answer got: `delay=300`, `fault=reset`

    def as_dict(self) -> dict[str, Any]:
        marked = {"injected": self.injected} if self.injected else {}
        return marked | {
            "at": rfc3339(self.at),
            "session": self.session,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "violations": [violation.as_dict() for violation in self.violations],
        }


class Journal:
    """A bounded record of requests (the oldest are dropped first)."""

    def __init__(self, size: int = JOURNAL_SIZE) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=size)

    def add(
        self,
        session: str,
        method: str,
        path: str,
        status: int,
        violations: Iterable[Violation],
        injected: str | None = None,
    ) -> None:
        self._entries.append(
            JournalEntry(time.time(), session, method, path, status, tuple(violations), injected)
        )

    def entries(self, session: str) -> list[JournalEntry]:
        """A session's entries, newest first."""
        return [entry for entry in reversed(self._entries) if entry.session == session]

    def clear(self, session: str) -> None:
        kept = [entry for entry in self._entries if entry.session != session]
        self._entries.clear()
        self._entries.extend(kept)
