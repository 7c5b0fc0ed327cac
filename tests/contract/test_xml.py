"""Schemathesis on the XML spec (`tests/specs_xml`): it writes XML bodies by the schemas' `xml`
objects and the stubs must read every valid one; every check, zero failures (bounded as
`test_schemathesis` is). Schemathesis skips schema checks on XML answers (it has no XML reader),
so `tests/web/test_stubs_xml.py` checks their shape."""

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

SERVER = LiveServer(Config(specs=TESTS / "specs_xml"))
SETTINGS = schemathesis_settings()
SERVED = SERVER.app.state.specmock.served["petxml"]
SCHEMA = schemathesis.openapi.from_dict(
    SERVED.effective,
    config=schemathesis.Config.from_dict({**SETTINGS, "base-url": SERVER.url + SERVED.mount}),
)


@pytest.fixture(scope="module", autouse=True)
def running_server() -> Iterator[None]:
    with SERVER:
        yield


@SCHEMA.parametrize()
def test_schemathesis_xml_petxml(case: Any) -> None:
    case.call_and_validate()


class Workflow(SCHEMA.as_state_machine()):  # type: ignore[misc]
    """Create pets and tags in XML or JSON, read them back, delete them, in random orders."""

    session = ""

    def setup(self) -> None:
        self.session = uuid.uuid4().hex  # a store per example: a replayed example answers alike

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"headers": {SESSION_HEADER: self.session}}


TestStatefulXml = Workflow.TestCase
TestStatefulXml.settings = hypothesis.settings(
    max_examples=40,
    stateful_step_count=8,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[hypothesis.Phase.generate],
    suppress_health_check=list(hypothesis.HealthCheck),
)
