"""Schemathesis on a Swagger 2.0 spec: the effective OpenAPI 3 document specmock publishes for it,
every check, zero failures (bounded as `test_schemathesis` is)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis

from specmock.config import Config
from specmock.web.request import SESSION_HEADER
from specmock.web.testing import LiveServer
from tests.helpers import TESTS, schemathesis_settings

TOKEN = "T"
SERVER = LiveServer(Config(specs=TESTS / "specs_swagger2", tokens=frozenset({TOKEN})))
AUTHORIZATION = {"Authorization": f"Bearer {TOKEN}", "X-Api-Key": TOKEN}
SETTINGS = schemathesis_settings()
SERVED = SERVER.app.state.specmock.served["petshop"]
SCHEMA = schemathesis.openapi.from_dict(
    SERVED.effective,
    config=schemathesis.Config.from_dict({**SETTINGS, "base-url": SERVER.url + SERVED.mount}),
)


@pytest.fixture(scope="module", autouse=True)
def running_server() -> Iterator[None]:
    with SERVER:
        yield


def test_swagger2_effective_spec_is_openapi_3_under_the_base_path() -> None:
    assert (SERVED.effective["openapi"], SERVED.mount) == ("3.0.3", "/v1")


@SCHEMA.parametrize()
def test_schemathesis_swagger2_petshop(case: Any) -> None:
    # Passed per call so that ignored_auth treats it as the known-good credential.
    case.call_and_validate(headers=AUTHORIZATION)


class Workflow(SCHEMA.as_state_machine()):  # type: ignore[misc]
    """Create, read, rename, upload and delete in random orders, with links Schemathesis infers
    (Swagger 2.0 has no links)."""

    session = ""

    def setup(self) -> None:
        self.session = uuid.uuid4().hex  # a store per example: a replayed example answers alike

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"headers": {**AUTHORIZATION, SESSION_HEADER: self.session}}


TestStatefulSwagger2 = Workflow.TestCase
TestStatefulSwagger2.settings = hypothesis.settings(
    max_examples=40,
    stateful_step_count=8,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[hypothesis.Phase.generate],
    suppress_health_check=list(hypothesis.HealthCheck),
)
