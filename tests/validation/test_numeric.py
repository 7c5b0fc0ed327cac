"""The numeric-parameter rule: a number on the wire is written as JSON writes numbers."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_core.datatypes import RequestParameters
from starlette.datastructures import QueryParams

from specmock.spec.api import Api, Operation
from specmock.validation.numeric import NumericParameters


def api_and_operation(version: str = "3.0.3") -> tuple[Api, Operation]:
    count: dict[str, Any] = (
        {"type": ["integer", "null"]} if version == "3.1.0" else {"type": "integer"}
    )
    document = {
        "openapi": version,
        "info": {"title": "Items", "version": "1"},
        "paths": {
            "/items/{id}": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                    {"name": "code", "in": "query", "schema": {"type": "integer"}},
                ],
                "get": {
                    "parameters": [
                        {"name": "count", "in": "query", "schema": count},
                        {"name": "ratio", "in": "query", "schema": {"type": "number"}},
                        {"name": "code", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": {"200": {"description": "ok"}},
                },
            }
        },
    }
    api = Api.from_dict("items", document)
    return api, api.operations[0]


def given(query: str, item: str = "1") -> RequestParameters:
    return RequestParameters(query=QueryParams(query), path={"id": item})


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("count=1_000", [("count", "'1_000' is not a valid integer")], id="underscore"),
        pytest.param("count=%207%20", [("count", "' 7 ' is not a valid integer")], id="spaces"),
        pytest.param(
            "count=%EF%BC%97", [("count", "'\uff17' is not a valid integer")], id="full-width"
        ),
        pytest.param(
            "count=1.0", [("count", "'1.0' is not a valid integer")], id="decimal-integer"
        ),
        pytest.param("ratio=NaN", [("ratio", "'NaN' is not a valid number")], id="nan"),
        pytest.param("count=1&count=x", [("count", "'x' is not a valid integer")], id="each-value"),
        pytest.param("count=-3&ratio=1.5e3", [], id="json-numbers"),
    ],
)
def test_numeric_parameters_refuse_numbers_json_would_not_write(version, query, expected):
    api, operation = api_and_operation(version)
    found = NumericParameters(api.document).violations(operation, given(query))
    assert [(v.location, v.name, v.message) for v in found] == [
        ("query", name, message) for name, message in expected
    ]


def test_numeric_parameters_follow_the_operation_over_its_path_item():
    api, operation = api_and_operation()
    numeric = NumericParameters(api.document)
    assert numeric.violations(operation, given("code=abc")) == []  # a string in the operation
    (found,) = numeric.violations(operation, given("", item="1_0"))
    assert (found.location, found.name, found.message) == (
        "path",
        "id",
        "'1_0' is not a valid integer",
    )


def test_numeric_parameters_in_path_names_the_numeric_path_parameters():
    api, operation = api_and_operation()
    assert NumericParameters(api.document).in_path(operation) == {"id"}
