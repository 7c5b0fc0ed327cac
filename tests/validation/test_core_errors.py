"""openapi-core's exceptions (and its readers' faults) read as violations with exact messages."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_core.casting.schemas.exceptions import CastError
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.validation.response.exceptions import (
    HeadersError,
    InvalidHeader,
    MissingRequiredHeader,
)
from openapi_schema_validator import OAS31Validator

from specmock.validation.core_errors import (
    body_violations,
    header_violations,
    innermost_message,
    response_body_violations,
    schema_message,
    schema_violations,
    status_violation,
    unreadable,
)
from specmock.violations import Violation


def errors(schema: dict, value: object) -> list[Any]:
    """jsonschema's errors, as openapi-core's 3.1 validator reports them."""
    return list(OAS31Validator(schema).iter_errors(value))


@pytest.mark.parametrize(
    ("value", "mimetype", "expected"),
    [
        pytest.param(
            b"a\xffb", "application/json", "the body is not UTF-8 text: byte 0xff at 1", id="utf8"
        ),
        pytest.param(
            b'{"a" 1}',
            "application/json",
            "the body is not valid JSON: Expecting ':' delimiter: line 1 column 6 (char 5)",
            id="json",
        ),
        pytest.param(
            b"[" * 100_000,
            "application/json",
            "the body is refused: the value nests more than 64 levels deep",
            id="deep",
        ),
        pytest.param(
            b'{"a": 1, "a": 2}',
            "application/json",
            "the body is refused: the key 'a' appears twice in one object",
            id="duplicate-key",
        ),
        pytest.param(b"{}x", "text/xml", "the body cannot be read as text/xml", id="other-type"),
        pytest.param(
            "text", "application/json", "the body cannot be read as application/json", id="str"
        ),
    ],
)
def test_unreadable_quotes_where_a_body_breaks(value, mimetype, expected):
    assert unreadable(value, mimetype) == expected


def test_body_violations_read_a_reader_fault_as_an_unreadable_body():
    fault = AssertionError()
    assert body_violations(fault, b"\xff", "application/json") == [
        Violation("body", "", "the body is not UTF-8 text: byte 0xff at 0")
    ]


def test_response_body_violations_read_a_reader_fault_as_an_unreadable_body():
    found = response_body_violations(ValueError(), b"<a", "text/xml", "text/xml")
    assert found == [Violation("response.body", "", "the body cannot be read as text/xml")]


def test_schema_violations_point_at_the_value_and_at_a_missing_property():
    schema = {
        "type": "object",
        "properties": {"items": {"type": "array", "items": {"required": ["id"]}}},
        "required": ["name"],
    }
    found = schema_violations(errors(schema, {"items": [{}, {"id": 1}, 3]}))
    assert sorted(found, key=lambda v: v.name) == [
        Violation("body", "/items/0/id", "'id' is a required property"),
        Violation("body", "/name", "'name' is a required property"),
    ]


def test_schema_message_quotes_only_the_start_of_a_huge_value():
    (error,) = errors({"maxLength": 3}, "y" * 500)
    assert schema_message(error, "body") == f"{'y' * 40!r}… (500 characters) is too long"
    (short,) = errors({"maxLength": 3}, "long")
    assert schema_message(short, "body") == "'long' is too long"


def test_schema_message_names_the_value_when_the_error_has_no_message():
    assert schema_message(ValueError("odd"), "header 'X-Rate'") == "header 'X-Rate' is invalid: odd"


def test_status_violation_names_the_documented_statuses():
    error = ResponseNotFound("500", ["200", "4XX", "default"])
    assert status_violation(error, 500) == Violation(
        "response.status", "", "500 is not a documented status; documented: 200, 4XX, default"
    )


def test_header_violations_one_for_each_header():
    invalid = InvalidHeader("X-Rate")
    invalid.__cause__ = CastError("abc", "integer")
    error = HeadersError(headers={}, context=iter([MissingRequiredHeader("X-Key"), invalid]))
    assert header_violations(error) == [
        Violation("response.header", "X-Key", "required header 'X-Key' is missing"),
        Violation("response.header", "X-Rate", "'abc' is not a valid integer"),
    ]


class Unprintable(Exception):
    def __str__(self) -> str:
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")


def test_innermost_message_reads_the_deepest_cause_or_its_class_name():
    outer = ValueError("outer")
    outer.__cause__ = KeyError("inner")
    assert innermost_message(outer) == "'inner'"
    assert innermost_message(Unprintable()) == "Unprintable"
