import copy

import pytest

from specmock.errors import SpecError
from specmock.spec.dialects import restate_30, restate_bounds, upgrade_to_31, version_of


def test_dialects_upgrade_rewrites_nullable_and_exclusive_bounds():
    document = {
        "openapi": "3.0.3",
        "components": {
            "schemas": {
                "A": {"type": "integer", "minimum": 0, "exclusiveMinimum": True, "nullable": True},
                "B": {"$ref": "#/components/schemas/A", "nullable": True},
                "C": {
                    "type": "string",
                    "enum": ["x"],
                    "nullable": True,
                    "example": {"nullable": True},
                },
                "D": {"type": "number", "maximum": 5, "exclusiveMaximum": False},
            }
        },
    }
    schemas = upgrade_to_31(document)["components"]["schemas"]
    assert schemas["A"] == {"type": ["integer", "null"], "exclusiveMinimum": 0}
    assert schemas["B"] == {"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}
    assert schemas["C"] == {
        "type": ["string", "null"],
        "enum": ["x", None],
        "example": {"nullable": True},
    }
    assert schemas["D"] == {"type": "number", "maximum": 5}
    assert document["openapi"] == "3.0.3"  # the source is not changed


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        pytest.param({"openapi": 3.1}, "expected an OpenAPI version string, got 3.1", id="number"),
        pytest.param(
            {"openapi": "2.0"}, "OpenAPI '2.0' is not supported (3.0.x or 3.1.x)", id="old"
        ),
        pytest.param(
            {"openapi": "three"}, "'three' is not an OpenAPI version like '3.1.0'", id="word"
        ),
    ],
)
def test_dialects_version_errors(document, problem):
    with pytest.raises(SpecError) as caught:
        version_of(document, "x.yaml")
    assert caught.value.problem == problem
    assert caught.value.where == "/openapi"


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        pytest.param(
            {"type": "string", "nullable": True}, {"type": ["string", "null"]}, id="nullable"
        ),
        pytest.param({"type": "string", "nullable": False}, {"type": "string"}, id="not-nullable"),
        pytest.param({"type": "string"}, {"type": "string"}, id="string-type-stays"),
        pytest.param(
            {"type": ["integer", "string"], "nullable": True},
            {"type": ["integer", "string", "null"]},
            id="type-list",
        ),
        pytest.param(
            {"type": ["null", "integer"], "nullable": True},
            {"type": ["null", "integer"]},
            id="type-list-with-null",
        ),
        pytest.param({"nullable": True, "$ref": "#/A"}, {"$ref": "#/A"}, id="no-type"),
        pytest.param(
            {"type": "string", "enum": ["a"], "nullable": True},
            {"type": ["string", "null"], "enum": ["a"]},
            id="enum-untouched",
        ),
        pytest.param(
            {"nullable": "yes", "exclusiveMinimum": 3},
            {"nullable": "yes", "exclusiveMinimum": 3},
            id="not-booleans-stay",
        ),
        pytest.param(
            {"minimum": 1, "exclusiveMinimum": True, "maximum": 9, "exclusiveMaximum": True},
            {"exclusiveMinimum": 1, "exclusiveMaximum": 9},
            id="exclusive-bounds",
        ),
        pytest.param(
            {"minimum": 1, "exclusiveMinimum": False}, {"minimum": 1}, id="inclusive-bound"
        ),
        pytest.param({"exclusiveMaximum": True}, {}, id="exclusive-flag-without-bound"),
        pytest.param(
            {"type": "array", "nullable": True, "items": {"type": "string", "nullable": True}},
            {"type": ["array", "null"], "items": {"type": "string", "nullable": True}},
            id="subschemas-untouched",
        ),
    ],
)
def test_dialects_restate_30_restates_one_schema_object(schema, expected):
    original = copy.deepcopy(schema)
    assert restate_30(schema) == expected
    assert schema == original  # a new dict: the schema itself is not changed


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        pytest.param(
            {"type": "string", "enum": ["a"], "nullable": True},
            {"type": ["string", "null"], "enum": ["a", None]},
            id="nullable",
        ),
        pytest.param(
            {"enum": ["a", None], "nullable": True}, {"enum": ["a", None]}, id="null-listed"
        ),
        pytest.param({"enum": ["a"], "nullable": False}, {"enum": ["a"]}, id="not-nullable"),
        pytest.param({"enum": "a", "nullable": True}, {"enum": "a"}, id="enum-not-a-list"),
    ],
)
def test_dialects_restate_30_null_in_enum(schema, expected):
    assert restate_30(schema, null_in_enum=True) == expected


def test_dialects_restate_bounds_leaves_nullable():
    schema = {"type": "integer", "nullable": True, "maximum": 4, "exclusiveMaximum": True}
    assert restate_bounds(schema) == {"type": "integer", "nullable": True, "exclusiveMaximum": 4}
