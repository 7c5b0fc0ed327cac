"""`test_stateful`'s referee on the Redis store: Schemathesis' checks, the stateful phase included,
on `specs/things.yaml` served with `--store redis://...` (a redis-server of this module's own, on
a port chosen at import so that the schema knows the server's URL)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from specmock.config import Config
from specmock.web.request import SESSION_HEADER
from specmock.web.testing import LiveServer
from tests.helpers import served_schema, stateful_test
from tests.redis_server import RedisServer, free_port, require_redis

TOKEN = "T"
PORT = free_port()
SERVER = LiveServer(
    Config(
        specs=Path(__file__).resolve().parent / "specs",
        tokens=frozenset({TOKEN}),
        store=f"redis://127.0.0.1:{PORT}/0",
    )
)
AUTHORIZATION = {"Authorization": f"Bearer {TOKEN}"}
SERVED, SCHEMA = served_schema(SERVER, "things", 10)


@pytest.fixture(scope="module", autouse=True)
def running_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    require_redis()
    redis_server = RedisServer(tmp_path_factory.mktemp("redis"), PORT).start()
    try:
        with SERVER:
            yield
    finally:
        redis_server.stop()


@SCHEMA.parametrize()
def test_schemathesis_things_on_redis(case: Any) -> None:
    case.call_and_validate(headers={**AUTHORIZATION, SESSION_HEADER: uuid.uuid4().hex})


# Create, list, filter, lock, add parts, patch and delete in random orders.
TestStatefulThingsOnRedis = stateful_test(SCHEMA, AUTHORIZATION, steps=10, examples=20)
