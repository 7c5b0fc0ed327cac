"""`serve --workers N`: N processes answering on one port, their records in a shared store.

The app is built once (the specs loaded, everything frozen out of the garbage collector's
sight), the socket bound once, and then N processes are forked, each running its own uvicorn
server on that socket: the kernel hands each new connection to one of them. Forking after the
build costs one spec load instead of N, and shares the loaded specs' memory between workers until
they write to it; uvicorn's own `workers=` would spawn fresh interpreters that need an importable
app factory and load the specs again. Forking is POSIX only, as is running several workers.

Each worker runs the app's lifespan, so each watches the spec files (hot reload) and reloads its
own copy; the records stay in the store (Redis) through a reload. The supervisor forwards
SIGINT, SIGTERM and SIGHUP to every worker as SIGTERM and waits for them; a worker that ends on
its own stops the others, and `serve` ends with status 1.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import traceback
from signal import SIGTERM
from types import FrameType

import uvicorn

from specmock.errors import ConfigError

logger = logging.getLogger("specmock")

_STOPS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def check_workers(workers: int, store: str) -> None:
    """ConfigError when `workers` processes cannot share the records of `store`."""
    if workers > 1 and store == "memory":
        raise ConfigError(
            f"--workers {workers} needs a shared store: with --store memory each worker process"
            " keeps its own records, so a record created through one worker would be a 404"
            " through another; keep the records in Redis (--store redis://127.0.0.1:6379/0),"
            " or serve with one worker"
        )


def run_workers(server: uvicorn.Server, count: int) -> int:
    """Serve with `count` forked copies of `server` on one socket; the exit status."""
    sock = server.config.bind_socket()
    children: list[int] = []
    for _ in range(count):
        pid = os.fork()
        if pid == 0:
            _worker(server, sock)
        children.append(pid)
    sock.close()
    return _supervise(children)


def _worker(server: uvicorn.Server, sock: socket.socket) -> None:
    """Run one worker and leave the process (never returns into the supervisor's code)."""
    status = 0
    try:
        # uvicorn stops on SIGINT and SIGTERM and raises them again once stopped: ignored then
        signal.signal(signal.SIGINT, _ignored)
        signal.signal(signal.SIGTERM, _ignored)
        signal.signal(signal.SIGHUP, lambda number, frame: server.handle_exit(SIGTERM, frame))
        server.run(sockets=[sock])
    except BaseException:
        traceback.print_exc()
        status = 1
    finally:
        sys.stderr.flush()
        os._exit(status)


def _ignored(number: int, frame: FrameType | None) -> None:
    """A stop signal uvicorn raises again once it has stopped: the worker ends anyway."""


def _supervise(children: list[int]) -> int:
    alive = set(children)
    stopping = False

    def stop(number: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for pid in alive:
            with contextlib.suppress(ProcessLookupError):  # already ended, not yet waited for
                os.kill(pid, signal.SIGTERM)

    for number in _STOPS:
        signal.signal(number, stop)
    status = 0
    while alive:
        pid, code = os.wait()
        alive.discard(pid)
        if not stopping:
            logger.error("worker %d ended (wait status %d): stopping the others", pid, code)
            status = 1
            stop(signal.SIGTERM, None)
    return status
