"""A real Redis server for the tests: Debian's `redis-server` on a free loopback port, with no
persistence unless asked. Without it the tests that need it are skipped, except under CI=true,
where that is a failure (`make test` installs it as root)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

_START_TRIES = 100  # PINGs 50 ms apart before a server that does not answer is a failure


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RedisServer:
    """One redis-server process; `stop` kills it by PID, `start` runs it again on the same port
    (with `durable`, an append-only file in `folder` that survives the restart)."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder, self.port = folder, port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, durable: bool = False) -> RedisServer:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--dir", str(self.folder)]
        command += ["--appendonly", "yes", "--appendfsync", "always"] if durable else []
        command += [] if durable else ["--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, cwd=self.folder)
        client = redis.Redis(port=self.port, socket_timeout=1, socket_connect_timeout=1)
        for _ in range(_START_TRIES):
            try:
                if client.ping():
                    client.close()
                    return self
            except redis.RedisError:
                time.sleep(0.05)
        self.stop()
        pytest.fail(f"redis-server on port {self.port} did not answer PING")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


def require_redis() -> None:
    if shutil.which("redis-server") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed: `make test` installs it as root (apt-get)")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One Redis for the whole run; each test keeps apart under its own key prefix."""
    require_redis()
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis for one test, which it may stop and start again."""
    require_redis()
    server = RedisServer(tmp_path).start(durable=True)
    try:
        yield server
    finally:
        server.stop()
