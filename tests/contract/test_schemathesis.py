"""Schemathesis is the referee: every API's effective spec, all checks, zero failures.

The server runs on a free loopback port with `--token T`, so `ignored_auth` has teeth; each API's
effective document is what `/__specmock/apis/{name}/openapi.json` serves. Bounded: a fixed number
of examples per operation, deterministic generation, no example database.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis

from specmock.config import Config
from specmock.web.request import SESSION_HEADER
from specmock.web.testing import LiveServer
from tests.conftest import SPECS
from tests.helpers import TESTS, schemathesis_settings

TOKEN = "T"
SERVER = LiveServer(Config(specs=SPECS, tokens=frozenset({TOKEN})))
OWN = LiveServer(Config(specs=TESTS / "specs", tokens=frozenset({TOKEN})))
AUTHORIZATION = {"Authorization": f"Bearer {TOKEN}", "X-Api-Key": TOKEN}
SETTINGS = schemathesis_settings()


@pytest.fixture(scope="module", autouse=True)
def running_servers() -> Iterator[None]:
    with SERVER, OWN:
        yield


def _contract_test(name: str, server: LiveServer = SERVER) -> Callable[..., None]:
    document = server.app.state.specmock.served[name].effective
    served = server.app.state.specmock.served[name]
    base = server.url + served.mount
    settings = schemathesis.Config.from_dict({**SETTINGS, "base-url": base})
    schema = schemathesis.openapi.from_dict(document, config=settings)

    @schema.parametrize()
    def test(case: Any) -> None:
        # Passed per call so that ignored_auth treats it as the known-good credential.
        case.call_and_validate(headers=AUTHORIZATION)

    test.__name__ = f"test_schemathesis_{name}"
    return test


test_schemathesis_aisquared = _contract_test("aisquared")
test_schemathesis_polytomic = _contract_test("polytomic")
test_schemathesis_apigateway = _contract_test("apigateway")
test_schemathesis_kitchen = _contract_test("kitchen", OWN)


def test_schemathesis_covers_every_shipped_api():
    assert sorted(SERVER.app.state.specmock.served) == ["aisquared", "apigateway", "polytomic"]


test_schemathesis_notes = _contract_test("notes", OWN)


def _stateful_test(name: str, server: LiveServer) -> Any:
    """Schemathesis' state machine over an API's links: create, read, replace, update, delete in
    random orders, with every check (use_after_free, ensure_resource_availability included)."""
    served = server.app.state.specmock.served[name]
    settings = schemathesis.Config.from_dict({**SETTINGS, "base-url": server.url + served.mount})
    schema = schemathesis.openapi.from_dict(served.effective, config=settings)

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        session = ""

        def setup(self) -> None:
            # Each example gets its own store: the server then answers a replayed example as it
            # did the first time, as Hypothesis requires (else it fails the run as flaky).
            self.session = uuid.uuid4().hex

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": {**AUTHORIZATION, SESSION_HEADER: self.session}}

    workflow = Workflow.TestCase
    workflow.settings = hypothesis.settings(
        max_examples=40,
        stateful_step_count=8,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    return workflow


TestStatefulNotes = _stateful_test("notes", OWN)
# Links here are all inferred by Schemathesis' dependency analysis (the pages document none).
TestStatefulAisquared = _stateful_test("aisquared", SERVER)
