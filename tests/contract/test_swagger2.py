"""Schemathesis on a Swagger 2.0 spec: the effective OpenAPI 3 document specmock publishes for it,
every check, zero failures (bounded as `test_schemathesis` is)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from specmock.config import Config
from specmock.web.testing import LiveServer
from tests.helpers import TESTS, body_schema, resolved, served_schema, stateful_test

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


def _parts_tell_apart(body: Any, schema: Any) -> bool:
    """Whether multipart/form-data can tell `body` from a valid one: not when a field the schema
    types as a string holds another scalar (each part is text: `true` goes out as "true", None
    as "null")."""
    if not isinstance(body, dict):
        return True
    fields = resolved(SERVED.effective, schema).get("properties", {})
    return not any(
        resolved(SERVED.effective, fields.get(name, {})).get("type") == "string"
        and (value is None or isinstance(value, (bool, int, float)))
        for name, value in body.items()
    )


@SCHEMA.hook
def filter_case(context: Any, case: Any) -> bool:
    """A multipart body whose "negative" string field is sent as the text of a valid one is not
    sent: Schemathesis' check would blame the server for accepting a valid body (shown by
    test_schemathesis_writes_a_boolean_part_as_the_string_true). Every other case is checked."""
    if case.media_type is None or not case.media_type.startswith("multipart/"):
        return True
    return _parts_tell_apart(case.body, body_schema(case))


@SCHEMA.parametrize()
def test_schemathesis_swagger2_petshop(case: Any) -> None:
    # Passed per call so that ignored_auth treats it as the known-good credential.
    case.call_and_validate(headers=AUTHORIZATION)


# Create, read, rename, upload and delete in random orders, with links Schemathesis infers
# (Swagger 2.0 has no links).
TestStatefulSwagger2 = stateful_test(SCHEMA, AUTHORIZATION, steps=8)


def test_schemathesis_writes_a_boolean_part_as_the_string_true() -> None:
    """Why the multipart fuzz drops string fields given another scalar: Schemathesis' negative
    case "caption became a boolean" is sent as the same part as the valid caption "true" (and
    null as "null"), which the spec admits (`caption: {type: string}`). A check that cannot be
    right on multipart."""
    operation = SCHEMA["/pets/{petId}/photo"]["POST"]
    sent = []
    for caption in (True, "true", None, "null"):
        case = operation.Case(
            body={"caption": caption},
            media_type="multipart/form-data",
            path_parameters={"petId": 1},
        )
        sent.append(case.as_transport_kwargs(base_url="http://127.0.0.1")["files"])
    assert sent[0] == sent[1] == [("caption", (None, "true"))]
    assert sent[2] == sent[3] == [("caption", (None, "null"))]
    schema = SERVED.effective["paths"]["/pets/{petId}/photo"]["post"]["requestBody"]["content"]
    form = schema["multipart/form-data"]["schema"]
    assert not _parts_tell_apart({"caption": True}, form)
    assert not _parts_tell_apart({"caption": None}, form)
    assert _parts_tell_apart({"caption": "true"}, form)
