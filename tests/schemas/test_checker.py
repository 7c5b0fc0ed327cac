from typing import Any

import pytest

from specmock.schemas.checker import Checker

SCHEMAS: dict[str, Any] = {
    "Pet": {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}},
    },
    "Cat": {
        "type": "object",
        "properties": {"kind": {"type": "string"}, "lives": {"type": "integer"}},
        "required": ["kind", "lives"],
    },
    "Dog": {"type": "object", "properties": {"kind": {"type": "string"}}, "required": ["kind"]},
    "User": {
        "type": "object",
        "properties": {
            "password": {"type": "string", "writeOnly": True},
            "id": {"type": "integer", "format": "int32"},
        },
        "required": ["password", "id"],
    },
}
CHECKER = Checker({"openapi": "3.1.0", "components": {"schemas": SCHEMAS}}, legacy=False)
PET = {"$ref": "#/components/schemas/Pet"}
USER = {"$ref": "#/components/schemas/User"}


def messages(checker: Checker, value: Any, schema: Any) -> list[str]:
    return [error.message for error in checker.errors(value, schema)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param({"kind": "cat", "lives": 9}, [], id="mapped"),
        pytest.param({"kind": "Dog"}, [], id="schema-name"),
        pytest.param({"kind": "cat"}, ["'lives' is a required property"], id="only-the-named"),
        pytest.param(
            {"kind": "bird"}, ["the discriminator value 'bird' names no schema"], id="unknown"
        ),
        pytest.param({}, ["{} has no discriminator value"], id="missing"),
    ],
)
def test_checker_reads_discriminators_as_openapi_does(value, expected):
    assert messages(CHECKER, value, PET) == expected
    assert CHECKER.valid(value, PET) is (expected == [])
    assert CHECKER.error_count(value, PET) == len(expected)


def test_checker_write_only_properties_are_neither_required_nor_allowed():
    assert CHECKER.valid({"id": 1}, USER) is True
    assert messages(CHECKER, {"id": 1, "password": "x"}, USER) == [
        "False schema does not allow 'x'"
    ]


@pytest.mark.parametrize(
    ("schema", "value", "expected"),
    [
        pytest.param({"format": "int32"}, 2**31, ["2147483648 is not a 'int32'"], id="int32"),
        pytest.param({"format": "byte"}, "aGk=", [], id="byte"),
        pytest.param({"format": "byte"}, "no!", ["'no!' is not a 'byte'"], id="not-byte"),
        pytest.param(
            {"format": "uri"}, "example.com/x", ["'example.com/x' is not a 'uri'"], id="uri"
        ),
        pytest.param({"format": "uri"}, "https://example.com", [], id="uri-with-scheme"),
    ],
)
def test_checker_checks_openapi_formats(schema, value, expected):
    assert messages(CHECKER, value, schema) == expected


@pytest.mark.parametrize(
    ("schema", "value", "expected"),
    [
        pytest.param({"type": "string", "nullable": True}, None, [], id="nullable"),
        pytest.param({"type": "string"}, None, ["None is not of type 'string'"], id="not-nullable"),
        pytest.param(
            {"type": "integer", "minimum": 3, "exclusiveMinimum": True},
            3,
            ["3 is less than or equal to the minimum of 3"],
            id="exclusive",
        ),
        pytest.param(
            {"type": "string", "nullable": True, "enum": ["a"]},
            None,
            ["None is not one of ['a']"],
            id="nullable-enum-as-openapi-core-reads-it",
        ),
    ],
)
def test_checker_restates_30_schemas(schema, value, expected):
    assert messages(Checker({"openapi": "3.0.3"}, legacy=True), value, schema) == expected


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        pytest.param(r"^\d+$", "\u0661", ["'\u0661' does not match '^\\\\d+$'"], id="ascii-digits"),
        pytest.param(
            r"^abc$", "abc\n", ["'abc\\n' does not match '^abc$'"], id="dollar-is-the-end"
        ),
        pytest.param(r"^(?<id>[a-z]+)-\k<id>$", "ab-ab", [], id="named-group"),
        pytest.param(r"^\p{L}+$", "h\u00e9", [], id="unicode-property"),
        pytest.param(r"^a\Z", "b", [], id="not-ecma-not-enforced"),
    ],
)
def test_checker_reads_patterns_as_ecma(pattern, value, expected):
    checker = Checker({"openapi": "3.1.0"}, legacy=False)
    schema = {"type": "string", "pattern": pattern}
    assert messages(checker, value, schema) == expected
    assert checker.valid(value, schema) is (expected == [])
    assert checker.fast_valid(value, schema) is (expected == [])
    assert messages(checker, {"a": value}, {"properties": {"a": schema}}) == expected
