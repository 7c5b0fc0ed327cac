"""Answers judged against their operation, as the proxy asks (`ApiValidator.response_violations`,
which `ResponseValidator.check` answers): status, headers and body, on small specs built inline."""

from __future__ import annotations

from typing import Any

import pytest

from specmock.spec.api import Api
from specmock.validation.requests import ApiValidator

VERSIONS = [pytest.param("3.0.3", id="3.0"), pytest.param("3.1.0", id="3.1")]
RATE = {"X-Rate": "5"}


def document(version: str) -> dict[str, Any]:
    made = {
        "type": "object",
        "required": ["id", "secret"],  # an answer may leave the writeOnly secret out
        "properties": {"id": {"type": "integer"}, "secret": {"type": "string", "writeOnly": True}},
    }
    return {
        "openapi": version,
        "info": {"title": "Pets", "version": "1"},
        "paths": {
            "/pets": {
                "post": {
                    "responses": {
                        "201": {
                            "description": "made",
                            "headers": {
                                "X-Rate": {"required": True, "schema": {"type": "integer"}},
                                "X-Tag": {"schema": {"type": "string", "maxLength": 2}},
                            },
                            "content": {"application/json": {"schema": made}},
                        },
                        "204": {"description": "nothing"},
                        "4XX": {
                            "description": "the client's fault",
                            "content": {
                                "application/problem+json": {
                                    "schema": {"type": "object", "required": ["title"]}
                                }
                            },
                        },
                    }
                }
            }
        },
    }


def violations(
    version: str,
    status: int,
    headers: dict[str, str],
    body: bytes | None,
    content_type: str | None = "application/json",
) -> list[tuple[str, str, str]]:
    api = Api.from_dict("pets", document(version))
    found = ApiValidator(api).response_violations(
        api.operations[0], status, headers, body, content_type
    )
    return [(v.location, v.name, v.message) for v in found]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("status", "headers", "body", "content_type"),
    [
        pytest.param(201, RATE, b'{"id": 1}', "application/json", id="documented"),
        pytest.param(201, {"x-rate": "5"}, b'{"id": 1}', "application/json", id="header-any-case"),
        pytest.param(201, RATE, None, "application/json", id="body-not-judged"),
        pytest.param(204, {}, b"", None, id="no-content"),
        pytest.param(404, {}, b'{"title": "t"}', "application/problem+json", id="range"),
    ],
)
def test_response_validator_accepts_an_answer_that_keeps_the_spec(
    version, status, headers, body, content_type
):
    assert violations(version, status, headers, body, content_type) == []


@pytest.mark.parametrize("version", VERSIONS)
def test_response_validator_refuses_an_undocumented_status_naming_the_documented_ones(version):
    assert violations(version, 500, {}, b"{}") == [
        ("response.status", "", "500 is not a documented status; documented: 201, 204, 4XX")
    ]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        pytest.param(
            {}, [("response.header", "X-Rate", "required header 'X-Rate' is missing")], id="missing"
        ),
        pytest.param(
            {"X-Rate": "abc", "X-Tag": "long"},
            [
                ("response.header", "X-Rate", "'abc' is not a valid integer"),
                ("response.header", "X-Tag", "'long' is too long"),
            ],
            id="not-its-type-and-against-its-schema",
        ),
    ],
)
def test_response_validator_refuses_a_documented_header(version, headers, expected):
    assert violations(version, 201, headers, b'{"id": 1}') == expected


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        pytest.param(
            b'{"id": "x"}',
            "application/json",
            [("response.body", "/id", "'x' is not of type 'integer'")],
            id="schema",
        ),
        pytest.param(
            b"",
            "application/json",
            [("response.body", "", "is missing; documented: application/json")],
            id="empty",
        ),
        pytest.param(
            b'{"id": 1',
            "application/json",
            [
                (
                    "response.body",
                    "",
                    "the body is not valid JSON: Expecting ',' delimiter: line 1 column 9 (char 8)",
                )
            ],
            id="not-json",
        ),
        pytest.param(
            b'{"id": 1}',
            None,
            [
                (
                    "response.header",
                    "Content-Type",
                    "is missing on a body of 9 bytes; documented: application/json",
                )
            ],
            id="no-content-type",
        ),
        pytest.param(
            b"<a/>",
            "text/xml",
            [
                (
                    "response.header",
                    "Content-Type",
                    "'text/xml' is not a documented media type (expected one of application/json)",
                )
            ],
            id="undocumented-type",
        ),
    ],
)
def test_response_validator_refuses_a_body_with_where_and_why(
    version, body, content_type, expected
):
    assert violations(version, 201, RATE, body, content_type) == expected


def test_response_validator_refuses_write_only_properties_in_30_answers_only():
    # openapi-core honours writeOnly in 3.0 answers only; 3.1 lets an answer carry it.
    body = b'{"id": 1, "secret": "s"}'
    assert violations("3.0.3", 201, RATE, body) == [
        ("response.body", "/secret", "Tried to read write-only property with s")
    ]
    assert violations("3.1.0", 201, RATE, body) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(b"<Pet><id>1</id></Pet>", [], id="valid"),
        pytest.param(
            b"<Pet><id>one</id></Pet>",
            [("response.body", "/id", "'one' is not of type 'integer'")],
            id="invalid",
        ),
        pytest.param(
            b"<Pet><id>1</id>",
            [
                (
                    "response.body",
                    "",
                    "the XML body cannot be read at line 1, column 16: no element found",
                )
            ],
            id="unreadable",
        ),
    ],
)
def test_response_validator_reads_an_xml_answer_by_its_schema(body, expected):
    spec = document("3.0.3")
    created = spec["paths"]["/pets"]["post"]["responses"]["201"]
    created["content"]["application/xml"] = created["content"]["application/json"]
    api = Api.from_dict("pets", spec)
    found = ApiValidator(api).response_violations(
        api.operations[0], 201, RATE, body, "application/xml"
    )
    assert [(v.location, v.name, v.message) for v in found] == expected
