"""`test_stateful`'s referee on the Redis store: Schemathesis' checks, the stateful phase included,
on `specs/things.yaml` served with `--store redis://...` (a redis-server of this module's own, on
a port chosen at import so that the schema knows the server's URL)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis

from specmock.config import Config
from specmock.web.request import SESSION_HEADER
from specmock.web.testing import LiveServer
from tests.helpers import schemathesis_settings
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
SETTINGS = schemathesis_settings(10)
SERVED = SERVER.app.state.specmock.served["things"]
SCHEMA = schemathesis.openapi.from_dict(
    SERVED.effective,
    config=schemathesis.Config.from_dict({**SETTINGS, "base-url": SERVER.url + SERVED.mount}),
)


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


class Workflow(SCHEMA.as_state_machine()):  # type: ignore[misc]
    """Create, list, filter, lock, add parts, patch and delete in random orders."""

    session = ""

    def setup(self) -> None:
        self.session = uuid.uuid4().hex

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"headers": {**AUTHORIZATION, SESSION_HEADER: self.session}}


TestStatefulThingsOnRedis = Workflow.TestCase
TestStatefulThingsOnRedis.settings = hypothesis.settings(
    max_examples=20,
    stateful_step_count=10,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[hypothesis.Phase.generate],
    suppress_health_check=list(hypothesis.HealthCheck),
)
