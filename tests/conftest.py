from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from specmock.config import Config
from specmock.web.testing import LiveServer
from tests.redis_server import own_redis, redis_server

__all__ = ["own_redis", "redis_server", "serve"]  # the Redis fixtures, for every test module

SPECS = Path(__file__).resolve().parents[1] / "specs"


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    """asyncio only: the server runs on asyncio, and Selenium brings in trio, which anyio's
    plugin would otherwise run every async test on too."""
    return "asyncio"


def serve(config: Config) -> LiveServer:
    return LiveServer(config)


@pytest.fixture(scope="module")
def specs_server() -> Iterator[LiveServer]:
    """The shipped specs/ served on a free loopback port (one server per test module)."""
    with LiveServer(Config(specs=SPECS)) as server:
        yield server


@pytest.fixture
def specs_client(specs_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=specs_server.url, timeout=10) as client:
        yield client


def effective(client: httpx.Client, name: str) -> dict:
    response = client.get(f"/__specmock/apis/{name}/openapi.json")
    assert response.status_code == 200, response.text
    return response.json()
