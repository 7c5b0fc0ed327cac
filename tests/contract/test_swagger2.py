"""Schemathesis on a Swagger 2.0 spec: the effective OpenAPI 3 document specmock publishes for it,
every check, zero failures (bounded as `test_schemathesis` is)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from specmock.config import Config
from specmock.web.testing import LiveServer
from tests.helpers import TESTS, served_schema, stateful_test

TOKEN = "T"
SERVER = LiveServer(Config(specs=TESTS / "specs_swagger2", tokens=frozenset({TOKEN})))
AUTHORIZATION = {"Authorization": f"Bearer {TOKEN}", "X-Api-Key": TOKEN}
SERVED, SCHEMA = served_schema(SERVER, "petshop")


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


# Create, read, rename, upload and delete in random orders, with links Schemathesis infers
# (Swagger 2.0 has no links).
TestStatefulSwagger2 = stateful_test(SCHEMA, AUTHORIZATION, steps=8)
