"""Plain functions that wait on the event loop without holding it: the Redis store's request path.

The store's actions are plain functions, which is all the in-memory store needs. On a Redis store
each of them waits on the network a few times. Run in a worker thread, every request pays a
thread handoff and contends with the event loop for the GIL; run on the loop with a blocking
client, every wait holds every other request. `spawn` runs such a function in a greenlet on the
loop's own thread instead: where the function `wait`s on an awaitable, its greenlet is suspended,
the loop awaits that (serving other requests meanwhile) and resumes the function with the result
or the exception. (SQLAlchemy's asyncio layer runs its synchronous core the same way.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

import greenlet

T = TypeVar("T")


class _Worker(greenlet.greenlet):
    """A greenlet that `spawn` started: the ones whose function may `wait`."""


async def spawn(function: Callable[..., T], *args: Any) -> T:
    """`function(*args)` run in a greenlet on this thread, each of its `wait`s awaited here."""
    parent = greenlet.getcurrent()
    worker = _Worker(function, parent)
    worker.gr_context = parent.gr_context  # the request's context variables, as in a call
    step = worker.switch(*args)
    while not worker.dead:
        try:
            value = await step
        except BaseException as error:  # cancellation too: the function unwinds as it would
            step = worker.throw(error)
        else:
            step = worker.switch(value)
    return cast(T, step)


def inside() -> bool:
    """Whether the caller runs under `spawn`, so that it may `wait`."""
    return isinstance(greenlet.getcurrent(), _Worker)


def wait(awaitable: Awaitable[T]) -> T:
    """The result of `awaitable`, awaited by the event loop that runs this function's `spawn`."""
    current = greenlet.getcurrent()
    if not isinstance(current, _Worker):
        raise RuntimeError("wait() outside a function that greenlets.spawn runs")
    parent = current.parent
    assert parent is not None  # (a `_Worker` always has the one that spawned it)
    return cast(T, parent.switch(awaitable))
