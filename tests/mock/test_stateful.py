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

import httpx
import pytest

from specmock.config import Config
from specmock.web.request import SESSION_HEADER
from specmock.web.testing import LiveServer
from tests.helpers import response_errors, served_schema, stateful_test

TOKEN = "T"
SERVER = LiveServer(
    Config(specs=Path(__file__).resolve().parent / "specs", tokens=frozenset({TOKEN}))
)
AUTHORIZATION = {"Authorization": f"Bearer {TOKEN}"}
SERVED, SCHEMA = served_schema(SERVER, "things", 20)


@pytest.fixture(scope="module", autouse=True)
def running_server() -> Iterator[None]:
    with SERVER:
        yield


@SCHEMA.parametrize()
def test_schemathesis_things(case: Any) -> None:
    case.call_and_validate(headers=AUTHORIZATION)


# Create, list, filter, lock, add parts, patch and delete in random orders.
TestStatefulThings = stateful_test(SCHEMA, AUTHORIZATION, steps=10)


def test_things_over_http_filter_by_repeated_values_and_cascade_deletes() -> None:
    document = SERVED.effective
    headers = {**AUTHORIZATION, SESSION_HEADER: uuid.uuid4().hex}
    with httpx.Client(base_url=SERVER.url + SERVED.mount, headers=headers, timeout=10) as client:
        answers = [
            client.post("/things", json={"name": name, "tags": tags})
            for name, tags in (("a", ["x"]), ("b", ["y"]), ("c", ["z"]))
        ]
        answers.append(client.put("/things/2/lock", json={"reason": "audit"}))
        listed = client.get("/things", params=[("tags", "z"), ("tags", "y"), ("limit", "1")])
        answers += [listed, client.delete("/things/2"), client.get("/things/2/lock")]
        assert [a.status_code for a in answers] == [201, 201, 201, 200, 200, 204, 404]
        assert [errors for a in answers if (errors := response_errors(document, a))] == []
    page = listed.json()
    assert ([t["name"] for t in page["data"]], page["total"], page["has_more"]) == (["b"], 2, True)
