"""`Live`: the open event streams of one journal, each with its own bounded queue.

The journal's listener fills every queue on the event loop (a journal kept in Redis calls it with
every process's entries, once a stream is open); a client too slow to read loses
entries rather than growing memory. `close` ends every stream at once, so a server stopping does
not wait for open pages.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from specmock.mock.journal import JournalEntry, RequestJournal

HEARTBEAT = 5.0
QUEUE_SIZE = 1000
_END = None


class Live:
    """The open streams of one journal."""

    def __init__(self, journal: RequestJournal) -> None:
        self._queues: dict[asyncio.Queue[JournalEntry | None], asyncio.AbstractEventLoop] = {}
        self.closed = False
        self._journal = journal
        journal.listeners.append(self._publish)

    def _publish(self, entry: JournalEntry) -> None:
        for queue in self._queues:
            if not queue.full():
                queue.put_nowait(entry)

    def subscribe(self) -> asyncio.Queue[JournalEntry | None]:
        queue: asyncio.Queue[JournalEntry | None] = asyncio.Queue(QUEUE_SIZE)
        self._queues[queue] = asyncio.get_running_loop()
        self._journal.follow()  # a shared journal starts following other processes' entries
        return queue

    def unsubscribe(self, queue: asyncio.Queue[JournalEntry | None]) -> None:
        self._queues.pop(queue, None)

    def close(self) -> None:
        """End every stream (callable from any thread): the server is stopping."""
        self.closed = True
        for queue, loop in list(self._queues.items()):
            loop.call_soon_threadsafe(_end, queue)

    async def events(self, start: str, event: Callable[[JournalEntry], str]) -> AsyncIterator[str]:
        """`start`, then one event per new entry, with heartbeats, until closed."""
        queue = self.subscribe()
        try:
            yield start
            while not self.closed:
                try:
                    entry = await asyncio.wait_for(queue.get(), HEARTBEAT)
                except TimeoutError:
                    yield ": heartbeat\n\n"
                    continue
                if entry is _END:
                    return
                yield event(entry)
        finally:
            self.unsubscribe(queue)


def _end(queue: asyncio.Queue[JournalEntry | None]) -> None:
    while queue.full():
        queue.get_nowait()
    queue.put_nowait(_END)
