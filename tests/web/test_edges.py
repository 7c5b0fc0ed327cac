"""Inputs and specs at the edges, each once a 500 or a wrong answer (found by review)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from specmock.config import Config
from specmock.spec.api import Catalog
from specmock.spec.parsing import MAX_DEPTH
from specmock.web.testing import LiveServer
from tests.conftest import SPECS, effective
from tests.helpers import TESTS, response_errors

EDGE = TESTS / "specs_edge"
BEARER = {"Authorization": "Bearer T"}


@pytest.fixture(scope="module")
def edge() -> Iterator[httpx.Client]:
    with LiveServer(Config(specs=EDGE)) as server, httpx.Client(base_url=server.url) as client:
        yield client


@pytest.mark.parametrize(
    ("query", "status"),
    [
        pytest.param("", 200, id="absent"),
        pytest.param("?q=7", 200, id="integer"),
        pytest.param("?q=1_000", 400, id="underscore"),
        pytest.param("?q=%EF%BC%97", 400, id="full-width-digit"),
        pytest.param("?q=+7", 400, id="plus-sign"),
        pytest.param("?n=NaN", 400, id="nan"),
        pytest.param("?n=-1.5e3", 200, id="exponent"),
    ],
)
def test_edges_type_list_parameters_and_strict_numbers(edge, query, status):
    response = edge.get(f"/nullable{query}")
    assert response.status_code == status, response.text
    assert response_errors(effective(edge, "edge"), response) == []


def test_edges_no_body_on_204_even_when_content_is_documented(edge):
    response = edge.delete("/empty")
    assert response.status_code == 204 and response.content == b""
    preferred = edge.delete("/empty", headers={"Prefer": "code=304"})
    assert preferred.status_code == 304 and preferred.content == b""


@pytest.mark.parametrize(
    ("prefer", "detail"),
    [
        pytest.param("code=101", "code=101 is informational, not an answer", id="informational"),
        pytest.param("code=²²²", "code='²²²' is not an HTTP status code", id="non-ascii-digits"),
    ],
)
def test_edges_prefer_codes_that_cannot_be_sent(edge, prefer, detail):
    response = edge.get("/nullable", headers={"Prefer": prefer.encode("latin-1")})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"in": "header", "name": "Prefer", "message": detail}]


def test_edges_only_informational_documented_is_501(edge):
    response = edge.get("/switch")
    assert response.status_code == 501
    assert response.json()["detail"] == "GET /switch documents only 101, which cannot be sent"


def test_edges_xml_only_response_is_written_in_xml(edge):
    response = edge.get("/xml")
    assert (response.status_code, response.headers["content-type"]) == (200, "application/xml")
    assert response.text.startswith('<?xml version="1.0" encoding="UTF-8"?><data>')


def test_edges_documented_framing_headers_do_not_break_the_answer(edge):
    response = edge.get("/headers")
    assert response.status_code == 200
    assert int(response.headers["content-length"]) == len(response.content)
    assert response.headers["x-obj"] == "a,0"


def test_edges_path_item_ref_is_served(edge):
    response = edge.get("/shared")
    assert response.status_code == 200 and response.json() == "shared"


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        pytest.param(b'{"w": NaN}', "application/json", 400, id="nan-is-not-json"),
        pytest.param(b"[" * 100000 + b"]" * 100000, "application/json", 400, id="deep-nesting"),
        pytest.param(b'{"w": 1}', "application/merge-patch+json", 415, id="suffix-not-documented"),
    ],
)
def test_edges_bodies(edge, content, content_type, status):
    response = edge.post("/body", content=content, headers={"Content-Type": content_type})
    assert response.status_code == status, response.text


def test_edges_a_body_nested_up_to_the_depth_limit_is_stored_and_read_back(edge):
    """Each layer is one more level of recursion for any walk over the stored record: a body
    deeper than the limit is refused before anything walks it, however deep it goes."""
    for depth in (MAX_DEPTH, MAX_DEPTH + 1, 900, 1100, 100_000):
        body = '{"a":' * depth + "1" + "}" * depth
        made = edge.post("/things", content=body, headers={"Content-Type": "application/json"})
        if depth > MAX_DEPTH:
            assert made.status_code == 400, made.text
            assert f"nests more than {MAX_DEPTH} levels deep" in made.text
            continue
        assert made.status_code == 201, made.text
        again = edge.get(made.headers["Location"])
        assert again.status_code == 200 and again.content == made.content


def test_edges_accept_of_problem_json_is_not_plain_json():
    with LiveServer(Config(specs=SPECS)) as server:
        response = httpx.put(
            f"{server.url}/api/v1/models/7",
            headers={**BEARER, "Accept": "application/problem+json"},
            json={"model": {"name": "a", "query_type": "b", "connector_id": 1}},
        )
    assert response.status_code == 406


def test_edges_security_is_checked_before_the_body_size():
    with LiveServer(Config(specs=SPECS, max_body=8)) as server:
        response = httpx.put(f"{server.url}/api/v1/models/7", json={"model": {"name": "long"}})
    assert response.status_code == 401


def test_edges_token_must_match_whole_not_as_a_trailing_word():
    with LiveServer(Config(specs=SPECS, tokens=frozenset({"good"}))) as server:
        body = {"model": {"name": "a", "query_type": "b", "connector_id": 1}}
        url = f"{server.url}/api/v1/models/7"
        sneaky = httpx.put(url, headers={"Authorization": "Bearer junk good"}, json=body)
        assert sneaky.status_code == 401
        assert (
            httpx.put(url, headers={"Authorization": "Bearer good"}, json=body).status_code == 200
        )


_JSON_HEAD = '{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}, '
_NO_JSON_NUMBER = "a number JSON cannot carry"


@pytest.mark.parametrize(
    ("name", "text", "where", "problem"),
    [
        pytest.param(
            "t.yaml",
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a: {}\n  /a: {}\n",
            "line 5",
            "invalid YAML: key '/a' appears twice",
            id="duplicate-key",
        ),
    ],
)
def test_edges_spec_errors_name_the_place(tmp_path, name, text, where, problem):
    (tmp_path / name).write_text(text)
    (error,) = Catalog.from_path(tmp_path).errors
    assert (error.where, error.problem) == (where, problem)


@pytest.mark.parametrize(
    ("name", "text", "where", "problem"),
    [
        pytest.param(
            "t.yaml",
            "openapi: 3.1.0\ninfo: {title: t, version: '1', x-n: .inf}\npaths: {}\n",
            "/info/x-n",
            f".inf is {_NO_JSON_NUMBER}",
            id="infinity",
        ),
        pytest.param(
            "t.json",
            _JSON_HEAD + '"x-n": [1, NaN]}',
            "/x-n/1",
            f".nan is {_NO_JSON_NUMBER}",
            id="json-nan",
        ),
        pytest.param(
            "t.json",
            _JSON_HEAD + '"x-n": -Infinity}',
            "/x-n",
            f"-.inf is {_NO_JSON_NUMBER}",
            id="json-infinity",
        ),
        pytest.param(
            "t.json",
            _JSON_HEAD + '"x-n": {"a": 1e999}}',
            "/x-n/a",
            f".inf is {_NO_JSON_NUMBER}",
            id="json-1e999",
        ),
    ],
)
def test_edges_spec_number_json_cannot_carry_is_left_out_with_a_warning(
    tmp_path, name, text, where, problem
):
    (tmp_path / name).write_text(text)
    (api,) = Catalog.from_path(tmp_path).apis
    (warning,) = api.warnings
    assert (warning.where, warning.problem.split(" (served anyway")[0]) == (where, problem)


@pytest.mark.parametrize(
    "fragment",
    [pytest.param("just a string\n", id="scalar"), pytest.param("", id="empty")],
)
def test_edges_ref_to_a_scalar_file_is_an_error_not_a_crash(tmp_path, fragment):
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "frag.yaml").write_text(fragment)
    (tmp_path / "api" / "openapi.yaml").write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n"
        "paths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: frag.yaml}\n"
    )
    catalog = Catalog.from_path(tmp_path)
    assert catalog.apis == ()
    (error,) = catalog.errors
    assert error.source.endswith("openapi.yaml")
    assert error.where == "/paths/~1a/get/responses/200"


def test_edges_a_value_over_a_400_kb_max_length_is_judged_by_its_schema_and_quoted_short():
    # Found by `specmock fuzz`: escaped as \uXXXX pairs the body is ~4.9 MB; under the old 1 MiB
    # default it got 413, which Schemathesis does not count as rejecting invalid data.
    value = "\U00023432" * 409601
    body = {"patchOperations": [{"op": "replace", "path": "/description", "value": value}]}
    with LiveServer(Config(specs=SPECS)) as server:
        response = httpx.patch(
            server.url + "/restapis/uojnr9hd57/models/output",
            json=body,
            headers={"Authorization": "AWS4-HMAC-SHA256 Credential=x"},
            timeout=30,
        )
    assert (response.status_code, response.json()) == (
        400,
        {
            "message": "1 problem: body /patchOperations/0/value: "
            f"{value[:40]!r}… (409601 characters) is too long"
        },
    )


READ_WRITE_ONLY = {
    "openapi": "3.1.0",
    "info": {"title": "Pets", "version": "1"},
    "paths": {
        "/pets": {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                    },
                },
                "responses": {
                    "201": {
                        "description": "Created.",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                        },
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Pet": {
                "type": "object",
                "required": ["id", "name", "secret"],
                "properties": {
                    "id": {"type": "integer", "readOnly": True},
                    "name": {"type": "string"},
                    "secret": {"type": "string", "writeOnly": True},
                },
            }
        }
    },
}


def test_edges_31_required_read_only_may_be_left_out_of_requests_and_write_only_out_of_answers(
    tmp_path,
):
    # openapi-core applies readOnly/writeOnly to 3.0 only; a 3.1 POST without the server's id
    # was a 400, and an answer without the client's secret was flagged.
    (tmp_path / "pets.json").write_text(json.dumps(READ_WRITE_ONLY))
    with LiveServer(Config(specs=tmp_path)) as server:
        created = httpx.post(server.url + "/pets", json={"name": "Rex", "secret": "s"})
        missing = httpx.post(server.url + "/pets", json={"secret": "s"})
        validator = server.app.state.specmock.served["pets"].validator
        operation = server.app.state.specmock.served["pets"].api.operations[0]
    assert created.status_code == 201, created.text
    assert "secret" not in created.json() and isinstance(created.json()["id"], int)
    assert missing.json()["errors"] == [
        {"in": "body", "name": "/name", "message": "'name' is a required property"}
    ]
    answer = json.dumps({"id": 1, "name": "Rex"}).encode()
    assert validator.response_violations(operation, 201, {}, answer, "application/json") == []


UNPROCESSABLE = """
openapi: 3.0.3
info: {title: Repos, version: "1"}
paths:
  /repos:
    post:
      parameters:
        - {name: page, in: query, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties: {name: {type: string}}
      responses:
        "201": {description: created}
        "400": {description: bad request}
        "422": {description: validation failed}
"""


@pytest.mark.parametrize(
    ("query", "body", "status"),
    [
        pytest.param("", b'{"name": 42}', 422, id="body-breaks-its-schema"),
        pytest.param("", b"{}", 422, id="required-property-missing"),
        pytest.param("", b'{"name": ', 400, id="body-not-json"),
        pytest.param("?page=x", b'{"name": "r"}', 400, id="bad-parameter"),
        pytest.param("?page=x", b'{"name": 42}', 400, id="bad-parameter-and-body"),
        pytest.param("", b'{"name": "r"}', 201, id="valid"),
    ],
)
def test_edges_a_body_that_breaks_its_schema_gets_the_documented_422(tmp_path, query, body, status):
    (tmp_path / "repos.yaml").write_text(UNPROCESSABLE)
    with LiveServer(Config(specs=tmp_path)) as server:
        answer = httpx.post(
            f"{server.url}/repos{query}",
            content=body,
            headers={"Content-Type": "application/json"},
        )
    assert answer.status_code == status, answer.text
