"""Fixtures the web tests share: a page of another origin for the browser tests, and fakes of
the notes spec on the real Redis of `tests/redis_server.py`."""

from __future__ import annotations

import functools
import http.server
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from specmock.config import Config
from specmock.web.app import create_app
from tests.redis_server import RedisServer

NOTES = Path(__file__).resolve().parents[1] / "specs" / "notes.yaml"


@pytest.fixture
def page_origin(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A plain static server on another loopback port: the foreign web page's origin."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def redis_fake(url: str, prefix: str) -> httpx.AsyncClient:
    """A client of the notes spec served in-process on the Redis store at `url`, under `prefix`."""
    app = create_app(Config(specs=NOTES, store=url, store_prefix=prefix))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.fixture
async def fakes(redis_server: RedisServer) -> AsyncIterator[tuple[httpx.AsyncClient, ...]]:
    """Two fakes on one Redis and key prefix, as two processes would be."""
    prefix = f"t{uuid.uuid4().hex[:8]}"
    async with (
        redis_fake(redis_server.url, prefix) as one,
        redis_fake(redis_server.url, prefix) as two,
    ):
        yield one, two
