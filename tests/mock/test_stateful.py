"""Schemathesis as the referee of the store on real shapes (`specs/things.yaml`: an `allOf` page
envelope with filters, an `allOf` record keyed `thing_id`, a singleton lock and a sub-collection
listed one object deep): every check, the stateful phase included (use_after_free and
ensure_resource_availability judge the cascade of deletes), zero failures. Bounded as
`tests/contract/test_schemathesis.py` is; the server runs on a free loopback port."""

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

TOKEN = "T"
SERVER = LiveServer(
    Config(specs=Path(__file__).resolve().parent / "specs", tokens=frozenset({TOKEN}))
)
AUTHORIZATION = {"Authorization": f"Bearer {TOKEN}"}
SETTINGS = schemathesis_settings(20)
SERVED = SERVER.app.state.specmock.served["things"]
SCHEMA = schemathesis.openapi.from_dict(
    SERVED.effective,
    config=schemathesis.Config.from_dict({**SETTINGS, "base-url": SERVER.url + SERVED.mount}),
)


@pytest.fixture(scope="module", autouse=True)
def running_server() -> Iterator[None]:
    with SERVER:
        yield


@SCHEMA.parametrize()
def test_schemathesis_things(case: Any) -> None:
    case.call_and_validate(headers=AUTHORIZATION)


class Workflow(SCHEMA.as_state_machine()):  # type: ignore[misc]
    """Create, list, filter, lock, add parts, patch and delete in random orders."""

    session = ""

    def setup(self) -> None:
        self.session = uuid.uuid4().hex  # a store per example: a replayed example answers alike

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"headers": {**AUTHORIZATION, SESSION_HEADER: self.session}}


TestStatefulThings = Workflow.TestCase
TestStatefulThings.settings = hypothesis.settings(
    max_examples=40,
    stateful_step_count=10,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[hypothesis.Phase.generate],
    suppress_health_check=list(hypothesis.HealthCheck),
)
