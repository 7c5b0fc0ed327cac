"""The Redis server of the bench's `redis` part, and what one round trip to it costs.

The server is Debian's `redis-server` (or any on PATH), started on a free loopback port with no
persistence and stopped by its PID. `round_trips` times the store's own calls from Python, one at
a time with the blocking client: a read (one HGET) and a replace (that HGET, then the checked
write script). `pipelined` times a read as requests make it: on the event loop's connection
(`redis_wire`), 16 at a time.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from harness.servers import HOST, free_port

READY_TIMEOUT = 10.0  # seconds redis-server may take to answer PING
TIMED_CALLS = 2_000  # calls per micro-measure (well under a second each on a loaded machine)


@contextmanager
def redis_server(logs: Path) -> Iterator[str | None]:
    """A fresh Redis's URL, or None (and why, printed) when redis-server is missing or fails."""
    executable = shutil.which("redis-server")
    if executable is None:
        print("redis: skipped, redis-server is not installed (apt-get install redis-server)")
        yield None
        return
    port = free_port()
    command = [executable, "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no"]
    with (logs / f"redis-{port}.log").open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    try:
        url = f"redis://{HOST}:{port}/0"
        if not _ready(url, process):
            print(f"redis: skipped, redis-server did not answer on port {port}")
            yield None
            return
        print(f"redis: redis-server on port {port} (pid {process.pid})")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _ready(url: str, process: subprocess.Popen[bytes]) -> bool:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=1.0)
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        try:
            return bool(client.ping())
        except redis.RedisError:
            time.sleep(0.05)
    return False


def round_trips(url: str) -> dict[str, float]:
    """Microseconds per call of the Redis store from Python, one call at a time: `read` (one
    HGET), `replace` (HGET and the write script) and `write script` (their difference)."""
    from specmock.mock.redis_store import RedisStore

    store = RedisStore(url, {"petstore": {"/pet/1": {"id": 1, "name": "doggie"}}}, prefix="rtt")
    session = store.session()
    read = _per_call(lambda: session.get("petstore", "/pet/1"))
    replace = _per_call(lambda: session.put("petstore", "/pet/2", {"id": 2, "name": "rex"}))
    store.client.close()
    return {"read": read, "replace": replace, "write script": replace - read}


def pipelined(url: str, in_flight: int = 16) -> dict[str, float]:
    """Microseconds per HGET on the event loop's pipelined connection with `in_flight` callers:
    `wall` (the rate's inverse) and `cpu` (this process's CPU time, the request path's cost)."""
    import asyncio

    import redis
    import uvloop

    from specmock.mock.redis_wire import Wire

    redis.Redis.from_url(url).hset("rtt:pipelined", "f", "v" * 300)
    per_caller = TIMED_CALLS * 5 // in_flight

    async def measure() -> dict[str, float]:
        wire = Wire(url, 1.0)

        async def reads(count: int) -> None:
            for _ in range(count):
                await wire.call("HGET", "rtt:pipelined", "f")

        await reads(100)
        began, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(reads(per_caller) for _ in range(in_flight)))
        calls = per_caller * in_flight
        wall = (time.perf_counter() - began) / calls * 1e6
        return {"wall": wall, "cpu": (time.process_time() - cpu) / calls * 1e6}

    return uvloop.run(measure())


def _per_call(call: Callable[[], object]) -> float:
    for _ in range(100):
        call()
    began = time.perf_counter()
    for _ in range(TIMED_CALLS):
        call()
    return (time.perf_counter() - began) / TIMED_CALLS * 1e6


SCALING = (
    "On paper, not measured: one Redis serves 100,000+ such commands a second on one core, and"
    " each request uses it for tens of microseconds (Redis's own CPU per request, ~30 us here),"
    " so with N specmock workers on N cores the fake's rate grows with N until Redis's core is"
    " busy (some tens of thousands of requests a second); past that, a second Redis or a"
    " faster one is the bound, not specmock. Each worker adds one pool of connections."
)
