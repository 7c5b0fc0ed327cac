"""Compiled checks agree with the validators openapi-core uses, on the places they read differently.

Each case is judged by the compiled check of `validation.request_compiler` and by openapi-core's
own validator class for requests (OAS30WriteValidator for 3.0, OAS31Validator for 3.1, with the
format checker openapi-core gives them): the verdicts must be equal, or the compiled check must
be absent (None) for schemas it does not restate.
"""

from __future__ import annotations

from typing import Any

import pytest
from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator, OAS31Validator

from specmock.schemas.compiled import Compiled
from specmock.validation.documents import request_compiler

COMPONENTS = {
    "Pet": {
        "type": "object",
        "required": ["id", "name"],
        "properties": {
            "id": {"type": "integer", "format": "int64", "readOnly": True},
            "name": {"type": "string", "pattern": r"^\d+$"},
            "tag": {"type": "string", "nullable": True},
            "parent": {"$ref": "#/components/schemas/Pet"},
        },
    },
}

CASES_30: list[tuple[str, dict[str, Any], Any]] = [
    ("nullable allows null", {"type": "string", "nullable": True}, None),
    ("not nullable refuses null", {"type": "string"}, None),
    ("1.0 is an integer", {"type": "integer"}, 1.0),
    ("True is no integer", {"type": "integer"}, True),
    ("int32 bounds integers", {"type": "integer", "format": "int32"}, 2**40),
    ("int32 inside its bounds", {"type": "integer", "format": "int32"}, 7),
    ("exclusive minimum (boolean form)", {"minimum": 3, "exclusiveMinimum": True}, 3),
    ("minimum alone includes it", {"minimum": 3, "exclusiveMinimum": False}, 3),
    ("pattern is ECMA-262: \\d is ASCII", {"pattern": r"^\d+$"}, "١٢"),  # Arabic-Indic digits
    ("pattern refuses", {"pattern": r"^[a-z]+$"}, "A"),
    ("readOnly may not be written", {"$ref": "#/components/schemas/Pet"}, {"id": 1, "name": "7"}),
    ("readOnly is not required", {"$ref": "#/components/schemas/Pet"}, {"name": "7"}),
    ("recursive $ref", {"$ref": "#/components/schemas/Pet"}, {"name": "1", "parent": {}}),
    (
        "recursive $ref, nested valid",
        {"$ref": "#/components/schemas/Pet"},
        {"name": "1", "parent": {"name": "2"}},
    ),
    ("3.0 ignores const", {"const": 3}, 4),
    (
        "3.0 ignores patternProperties",
        {"patternProperties": {"^a": {"type": "integer"}}},
        {"a": "x"},
    ),
    ("date-time", {"type": "string", "format": "date-time"}, "2024-13-01T00:00:00Z"),
    ("byte", {"type": "string", "format": "byte"}, "not base64!"),
    ("unknown format passes", {"type": "string", "format": "pet-name"}, "x"),
    ("email as jsonschema reads it", {"type": "string", "format": "email"}, "a@b"),
    ("additionalProperties false", {"type": "object", "additionalProperties": False}, {"a": 1}),
    (
        "$ref with a sibling",
        {"$ref": "#/components/schemas/Pet", "maxProperties": 1},
        {"name": "1", "tag": None},
    ),
]


@pytest.mark.parametrize(("label", "schema", "value"), CASES_30, ids=[c[0] for c in CASES_30])
def test_compiled_checks_read_30_schemas_as_openapi_core(label: str, schema: Any, value: Any):
    document = {"openapi": "3.0.3", "components": {"schemas": COMPONENTS}}
    check = request_compiler(document, legacy=True).check(schema)
    core = OAS30WriteValidator(
        {**schema, "components": document["components"]},
        format_checker=OAS30WriteValidator.FORMAT_CHECKER,
    )
    assert check is not None, label
    assert check(value) == core.is_valid(value), label


CASES_31: list[tuple[str, dict[str, Any], Any]] = [
    ("type list with null", {"type": ["string", "null"]}, None),
    ("const", {"const": 3}, 4),
    ("prefixItems", {"prefixItems": [{"type": "integer"}], "items": False}, [1, 2]),
    ("unevaluatedProperties", {"properties": {"a": {}}, "unevaluatedProperties": False}, {"b": 1}),
    ("byte (3.0 format checker)", {"type": "string", "format": "byte"}, "not base64!"),
    ("exclusiveMinimum numeric", {"exclusiveMinimum": 3}, 3),
]


@pytest.mark.parametrize(("label", "schema", "value"), CASES_31, ids=[c[0] for c in CASES_31])
def test_compiled_checks_read_31_schemas_as_openapi_core(label: str, schema: Any, value: Any):
    document = {"openapi": "3.1.0", "components": {"schemas": COMPONENTS}}
    check = request_compiler(document, legacy=False).check(schema)
    core = OAS31Validator(schema, format_checker=OAS30ReadValidator.FORMAT_CHECKER)
    assert check is not None, label
    assert check(value) == core.is_valid(value), label


@pytest.mark.parametrize(
    "schema",
    [
        {"oneOf": [{"type": "object"}], "discriminator": {"propertyName": "kind"}},
        {"properties": {"a": {"patternProperties": {"^x-": {"type": "string"}}}}},
        {"$ref": "other.yaml#/Pet"},
        {"$ref": "#/components/schemas/Missing"},
        {"properties": {"a": {"$ref": "#/components/schemas/Tagged"}}},
    ],
    ids=["discriminator", "patternProperties", "remote ref", "broken ref", "ref to a refused"],
)
def test_schemas_the_compiled_check_cannot_restate_have_none(schema: dict[str, Any]):
    tagged = {"anyOf": [{"type": "object"}], "discriminator": {"propertyName": "kind"}}
    document = {"openapi": "3.1.0", "components": {"schemas": {"Tagged": tagged}}}
    assert request_compiler(document, legacy=False).check(schema) is None


@pytest.mark.parametrize("value", [2**64, -(2**70), 10**30, 7])
def test_big_integers_are_integers_as_in_python(value: int):
    check = request_compiler({"openapi": "3.1.0"}, legacy=False).check({"type": "integer"})
    assert check is not None
    assert check(value) is OAS31Validator({"type": "integer"}).is_valid(value) is True


FAILING_CASES: list[tuple[str, dict[str, Any], Any, frozenset[str] | None]] = [
    (
        "a read-only property sent counts too",
        {"$ref": "#/components/schemas/Pet"},
        {"id": 1, "name": "x"},
        frozenset({"id", "name"}),
    ),
    ("the property", {"$ref": "#/components/schemas/Pet"}, {"name": "x"}, frozenset({"name"})),
    (
        "a nested violation counts for its top property",
        {"$ref": "#/components/schemas/Pet"},
        {"name": "1", "parent": {"name": "x"}},
        frozenset({"parent"}),
    ),
    ("a missing property is the object's", {"$ref": "#/components/schemas/Pet"}, {}, None),
    (
        "an undeclared property is the object's",
        {"properties": {"a": {"type": "integer"}}, "additionalProperties": {"type": "integer"}},
        {"a": "x", "b": "y"},
        None,
    ),
    (
        "allOf also judges property values",
        {"properties": {"a": {"type": "integer"}}, "allOf": [{"required": []}]},
        {"a": "x"},
        None,
    ),
    (
        "a $ref's siblings may judge the values too",
        {"$ref": "#/components/schemas/Pet", "maxProperties": 1},
        {"name": 1},
        None,
    ),
]


@pytest.mark.parametrize(
    ("label", "schema", "value", "expected"), FAILING_CASES, ids=[c[0] for c in FAILING_CASES]
)
def test_compiled_checks_name_the_properties_that_hold_every_violation(
    label: str, schema: Any, value: Any, expected: frozenset[str] | None
):
    """openapi-core then explains only those properties' values (validation._property_errors);
    the differential test in test_fastpath checks that this gives the whole check's violations."""
    document = {"openapi": "3.0.3", "components": {"schemas": COMPONENTS}}
    check = request_compiler(document, legacy=True).check(schema)
    assert isinstance(check, Compiled), label
    assert not check(value), label
    assert check.failing(value) == expected, label
