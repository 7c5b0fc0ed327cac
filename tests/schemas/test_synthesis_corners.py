"""Generated and repaired bodies valid in every corner of JSON Schema: for a table of tricky
schemas (3.0 and 3.1), `generate` (fixed and dynamic) and `conform` give values that the
synthesizer's checker and openapi-core's own validators both find valid, for many seeds.

A plain loop over seeds rather than Hypothesis: the schemas are the hard part, and a fixed table
says which corner broke. The property tests over generated schemas are in test_synthesis.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from specmock.schemas.synthesis import Synthesizer
from tests.schemas.test_synthesis import document, errors

S = "#/components/schemas/"
SEEDS = 25

CAT = {
    "type": "object",
    "required": ["kind", "meows"],
    "properties": {"kind": {"type": "string"}, "meows": {"type": "boolean"}},
}
DOG = {
    "type": "object",
    "required": ["kind"],
    "properties": {"kind": {"type": "string"}, "barks": {"type": "boolean"}},
}
NODE = {
    "type": "object",
    "properties": {"value": {"type": "integer"}, "next": {"$ref": S + "Node"}},
    "required": ["value"],
}
CORNERS = [
    pytest.param(
        "3.1.0",
        {
            "oneOf": [
                {"type": "object", "properties": {"a": {"type": "string"}}},
                {"type": "object", "properties": {"b": {"type": "integer"}}},
            ]
        },
        {},
        id="oneOf-overlap-objects",
    ),
    pytest.param(
        "3.0.3",
        {
            "oneOf": [
                {"type": "object", "properties": {"a": {"type": "string"}}},
                {"type": "object", "properties": {"b": {"type": "integer"}}},
            ]
        },
        {},
        id="oneOf-overlap-objects-30",
    ),
    pytest.param(
        "3.1.0", {"oneOf": [{"type": "integer"}, {"type": "number"}]}, {}, id="oneOf-int-number"
    ),
    pytest.param(
        "3.1.0",
        {"oneOf": [{"type": "string"}, {"type": "string", "format": "date"}]},
        {},
        id="oneOf-string-formats",
    ),
    pytest.param(
        "3.1.0",
        {"type": "null", "oneOf": [{"type": "string"}, {"type": "null"}]},
        {},
        id="oneOf-null-type",
    ),
    pytest.param(
        "3.1.0",
        {"oneOf": [{"$ref": S + "Cat"}, {"$ref": S + "Dog"}], "type": ["object", "null"]},
        {"Cat": CAT, "Dog": DOG},
        id="type-null-beside-oneOf",
    ),
    pytest.param(
        "3.1.0",
        {"oneOf": [{"$ref": S + "Cat"}, {"$ref": S + "Dog"}]},
        {"Cat": CAT, "Dog": DOG},
        id="oneOf-refs-no-disc",
    ),
    pytest.param(
        "3.0.3",
        {"oneOf": [{"$ref": S + "Cat"}, {"$ref": S + "Dog"}]},
        {"Cat": CAT, "Dog": DOG},
        id="oneOf-refs-no-disc-30",
    ),
    pytest.param(
        "3.1.0",
        {
            "oneOf": [{"$ref": S + "Cat"}, {"$ref": S + "Dog"}],
            "discriminator": {"propertyName": "kind"},
        },
        {"Cat": CAT, "Dog": DOG},
        id="disc-nomap",
    ),
    pytest.param(
        "3.0.3",
        {
            "oneOf": [{"$ref": S + "Cat"}, {"$ref": S + "Dog"}],
            "discriminator": {"propertyName": "kind", "mapping": {"c": S + "Cat", "d": S + "Dog"}},
        },
        {"Cat": CAT, "Dog": DOG},
        id="disc-map",
    ),
    pytest.param(
        "3.0.3",
        {"nullable": True, "oneOf": [{"$ref": S + "Cat"}, {"$ref": S + "Dog"}]},
        {"Cat": CAT, "Dog": DOG},
        id="nullable-oneOf-30",
    ),
    pytest.param(
        "3.1.0", {"anyOf": [{"type": "null"}, {"$ref": S + "Cat"}]}, {"Cat": CAT}, id="anyOf-null"
    ),
    pytest.param(
        "3.1.0",
        {"type": ["string", "integer", "null"], "minLength": 3, "minimum": 5},
        {},
        id="type-list",
    ),
    pytest.param(
        "3.1.0",
        {
            "type": "object",
            "properties": {"v": {"const": 3}, "w": {"const": None}},
            "required": ["v", "w"],
        },
        {},
        id="const",
    ),
    pytest.param("3.1.0", {"const": {"a": [1, 2]}}, {}, id="const-obj"),
    pytest.param(
        "3.1.0",
        {
            "type": "object",
            "properties": {"country": {"enum": ["US", "CA"]}, "postal": {"type": "string"}},
            "required": ["country", "postal"],
            "if": {"properties": {"country": {"const": "US"}}},
            "then": {"properties": {"postal": {"pattern": "^[0-9]{5}$"}}},
            "else": {"properties": {"postal": {"pattern": "^[A-Z][0-9][A-Z] [0-9][A-Z][0-9]$"}}},
        },
        {},
        id="if-then-else",
    ),
    pytest.param(
        "3.1.0",
        {
            "type": "integer",
            "if": {"minimum": 0},
            "then": {"multipleOf": 7},
            "else": {"maximum": -100},
        },
        {},
        id="if-then-only",
    ),
    pytest.param(
        "3.1.0",
        {
            "type": "object",
            "properties": {"card": {"type": "string"}, "billing": {"type": "string"}},
            "dependentRequired": {"card": ["billing", "zip"]},
        },
        {},
        id="dependentRequired",
    ),
    pytest.param(
        "3.1.0",
        {
            "type": "object",
            "properties": {"card": {"type": "string"}},
            "dependentSchemas": {
                "card": {
                    "required": ["billing"],
                    "properties": {"billing": {"type": "integer", "minimum": 10}},
                }
            },
        },
        {},
        id="dependentSchemas",
    ),
    pytest.param(
        "3.1.0",
        {
            "type": "object",
            "allOf": [{"properties": {"a": {"type": "string"}}}],
            "properties": {"b": {"type": "integer"}},
            "unevaluatedProperties": False,
            "minProperties": 2,
        },
        {},
        id="unevaluated",
    ),
    pytest.param(
        "3.1.0",
        {
            "type": "object",
            "properties": {"a": {"type": "string"}},
            "unevaluatedProperties": {"type": "integer"},
            "minProperties": 3,
        },
        {},
        id="unevaluated2",
    ),
    pytest.param(
        "3.1.0",
        {
            "type": "array",
            "prefixItems": [{"type": "string"}],
            "unevaluatedItems": False,
            "minItems": 1,
        },
        {},
        id="unevaluatedItems",
    ),
    pytest.param(
        "3.1.0",
        {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "items": False},
        {},
        id="prefixItems",
    ),
    pytest.param(
        "3.1.0",
        {
            "type": "array",
            "prefixItems": [{"type": "string"}, {"type": "integer"}],
            "items": {"type": "boolean"},
            "minItems": 4,
        },
        {},
        id="prefixItems-min",
    ),
    pytest.param(
        "3.1.0",
        {
            "type": "array",
            "items": {"type": "integer"},
            "contains": {"minimum": 100},
            "minContains": 2,
            "maxContains": 3,
            "minItems": 1,
        },
        {},
        id="contains",
    ),
    pytest.param(
        "3.1.0",
        {
            "type": "array",
            "items": {"type": "integer", "minimum": 0, "maximum": 5},
            "contains": {"const": 0},
            "maxContains": 1,
            "minItems": 4,
            "uniqueItems": False,
        },
        {},
        id="contains-max",
    ),
    pytest.param(
        "3.1.0",
        {"type": "object", "propertyNames": {"pattern": "^x-[a-z]+$"}, "minProperties": 2},
        {},
        id="propertyNames",
    ),
    pytest.param(
        "3.1.0",
        {
            "type": "object",
            "properties": {"Name": {"type": "string"}, "x-a": {"type": "string"}},
            "propertyNames": {"pattern": "^x-"},
        },
        {},
        id="propertyNames-props",
    ),
    pytest.param(
        "3.1.0",
        {
            "type": "object",
            "patternProperties": {"^S_": {"type": "string"}, "^I_": {"type": "integer"}},
            "additionalProperties": False,
            "minProperties": 3,
        },
        {},
        id="patternProperties",
    ),
    pytest.param("3.1.0", {"$ref": S + "Node"}, {"Node": NODE}, id="recursive"),
    pytest.param(
        "3.0.3",
        {"$ref": S + "Tree"},
        {
            "Tree": {
                "type": "object",
                "properties": {
                    "children": {"type": "array", "items": {"$ref": S + "Tree"}, "minItems": 1}
                },
            }
        },
        id="recursive-array",
    ),
    pytest.param(
        "3.1.0",
        {
            "allOf": [
                {
                    "type": "object",
                    "properties": {"a": {"type": "string"}},
                    "additionalProperties": False,
                },
                {"type": "object", "properties": {"a": {"maxLength": 2}, "b": {}}},
            ]
        },
        {},
        id="allOf-conflict",
    ),
    pytest.param(
        "3.1.0",
        {
            "allOf": [
                {"type": "number", "minimum": 3},
                {"type": "integer", "maximum": 10},
                {"multipleOf": 4},
            ]
        },
        {},
        id="allOf-number",
    ),
    pytest.param(
        "3.1.0",
        {
            "allOf": [
                {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                {"oneOf": [{"type": "integer"}, {"type": "boolean"}]},
            ]
        },
        {},
        id="allOf-oneOf",
    ),
    pytest.param("3.1.0", {"type": "string", "not": {"enum": ["value-1"]}}, {}, id="not"),
    pytest.param("3.1.0", {"not": {"type": ["string", "object"]}}, {}, id="not-type"),
    pytest.param(
        "3.1.0",
        {"type": "object", "properties": {"a": {"type": "string"}}, "not": {"required": ["a"]}},
        {},
        id="not-required",
    ),
    pytest.param(
        "3.1.0",
        {
            "type": "array",
            "items": {
                "oneOf": [
                    {"type": "object"},
                    {"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"]},
                ]
            },
            "minItems": 3,
        },
        {},
        id="oneOf-in-array",
    ),
    pytest.param(
        "3.1.0", {"oneOf": [{"enum": ["a", "b"]}, {"enum": ["b", "c"]}]}, {}, id="oneOf-enum"
    ),
    pytest.param(
        "3.0.3",
        {"oneOf": [{"type": "string", "nullable": True}, {"type": "integer", "nullable": True}]},
        {},
        id="oneOf-30-nullable-branches",
    ),
    pytest.param(
        "3.1.0",
        {
            "type": ["object", "null"],
            "oneOf": [
                {"properties": {"a": {"type": "string"}}, "required": ["a"]},
                {"properties": {"b": {"type": "integer"}}, "required": ["b"]},
            ],
        },
        {},
        id="null-beside-oneOf-untyped",
    ),
    pytest.param(
        "3.1.0",
        {"type": ["string", "null"], "oneOf": [{"format": "date"}, {"format": "date-time"}]},
        {},
        id="null-beside-oneOf-formats",
    ),
    pytest.param(
        "3.1.0",
        {"$ref": S + "L"},
        {
            "L": {
                "type": "object",
                "required": ["n"],
                "properties": {
                    "n": {
                        "type": ["object", "null"],
                        "oneOf": [
                            {"$ref": S + "L"},
                            {"properties": {"z": {"type": "integer"}}, "required": ["z"]},
                        ],
                    }
                },
            }
        },
        id="null-beside-oneOf-deep",
    ),
    pytest.param(
        "3.1.0",
        {"type": "null", "oneOf": [{"type": "null"}, {"type": "string"}]},
        {},
        id="type-null-only-oneOf",
    ),
    pytest.param(
        "3.1.0",
        {"anyOf": [{"$ref": S + "Cat"}, {"$ref": S + "Dog"}, {"type": "null"}]},
        {"Cat": CAT, "Dog": DOG},
        id="anyOf-null-and-refs",
    ),
    pytest.param(
        "3.0.3",
        {"$ref": S + "Pet"},
        {
            "Pet": {
                "type": "object",
                "required": ["kind"],
                "properties": {"kind": {"type": "string"}},
                "discriminator": {"propertyName": "kind"},
            },
            "Cat": {"allOf": [{"$ref": S + "Pet"}, {"properties": {"meows": {"type": "boolean"}}}]},
        },
        id="disc-inherit-30",
    ),
    pytest.param(
        "3.1.0",
        {
            "oneOf": [{"$ref": S + "C"}, {"$ref": S + "D"}],
            "discriminator": {"propertyName": "kind", "mapping": {"CAT": S + "C", "DOG": S + "D"}},
        },
        {
            "C": {
                "type": "object",
                "required": ["kind"],
                "properties": {"kind": {"type": "string", "enum": ["CAT"]}},
            },
            "D": {
                "type": "object",
                "required": ["kind"],
                "properties": {"kind": {"type": "string", "enum": ["DOG"]}},
            },
        },
        id="disc-enum-tags",
    ),
    pytest.param(
        "3.0.3",
        {
            "anyOf": [{"$ref": S + "Cat"}, {"$ref": S + "Dog"}],
            "discriminator": {"propertyName": "kind"},
        },
        {"Cat": CAT, "Dog": DOG},
        id="disc-anyOf-nomap",
    ),
    pytest.param(
        "3.1.0",
        {
            "oneOf": [
                {"type": "object", "properties": {"t": {"const": "a"}, "v": {"type": "string"}}},
                {"type": "object", "properties": {"t": {"const": "b"}, "v": {"type": "string"}}},
            ]
        },
        {},
        id="oneOf-same-shape-enum-tag",
    ),
    pytest.param(
        "3.1.0",
        {
            "type": "object",
            "required": ["x"],
            "properties": {
                "x": {
                    "oneOf": [
                        {"type": "array", "items": {"type": "string"}},
                        {"type": "array", "items": {"type": "integer"}},
                    ]
                }
            },
        },
        {},
        id="oneOf-nested",
    ),
    pytest.param(
        "3.1.0",
        {
            "type": "array",
            "uniqueItems": True,
            "items": {"type": "integer", "minimum": 0, "maximum": 9},
            "contains": {"minimum": 5},
            "minContains": 2,
            "minItems": 3,
        },
        {},
        id="uniq-contains",
    ),
    pytest.param(
        "3.1.0",
        {
            "type": "array",
            "prefixItems": [{"enum": [1, 2]}, {"enum": [1, 2]}],
            "uniqueItems": True,
            "items": False,
            "minItems": 2,
        },
        {},
        id="prefix-unique",
    ),
    pytest.param(
        "3.1.0",
        {
            "type": "object",
            "required": ["card"],
            "properties": {"card": {"type": "string"}},
            "dependentSchemas": {
                "card": {
                    "properties": {"cvv": {"type": "string", "minLength": 3}},
                    "required": ["cvv"],
                }
            },
            "unevaluatedProperties": False,
        },
        {},
        id="dependent-required-trigger",
    ),
    pytest.param(
        "3.1.0",
        {"$ref": S + "T"},
        {
            "T": {
                "oneOf": [
                    {"type": "string"},
                    {"type": "array", "minItems": 1, "items": {"$ref": S + "T"}},
                ]
            }
        },
        id="recursive-oneOf-tree",
    ),
    pytest.param(
        "3.0.3",
        {"$ref": S + "N"},
        {
            "N": {
                "type": "object",
                "nullable": True,
                "required": ["next"],
                "properties": {"next": {"$ref": S + "N"}},
            }
        },
        id="recursive-30-nullable",
    ),
    pytest.param(
        "3.1.0",
        {"type": "integer", "minimum": 0, "maximum": 1, "not": {"const": 0}},
        {},
        id="not-const",
    ),
    pytest.param(
        "3.1.0",
        {
            "allOf": [
                {"$ref": S + "Cat"},
                {"oneOf": [{"required": ["meows"]}, {"required": ["purrs"]}]},
            ]
        },
        {"Cat": CAT},
        id="allOf-oneOf-disc-free",
    ),
    pytest.param(
        "3.1.0",
        {
            "type": "object",
            "oneOf": [
                {"properties": {"a": {"type": "string"}}, "required": ["a"]},
                {"properties": {"b": {"type": "string"}}, "required": ["b"]},
            ],
            "unevaluatedProperties": False,
        },
        {},
        id="uneval-with-oneOf",
    ),
    pytest.param(
        "3.1.0",
        {
            "allOf": [
                {"if": {"required": ["a"]}, "then": {"required": ["b"]}},
                {
                    "type": "object",
                    "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
                },
            ]
        },
        {},
        id="ifthen-in-allOf",
    ),
    pytest.param(
        "3.1.0",
        {"type": "object", "minProperties": 2, "propertyNames": {"enum": ["a", "b", "c"]}},
        {},
        id="propnames-enum",
    ),
    pytest.param(
        "3.1.0",
        {"type": "array", "prefixItems": [{"const": 1}], "items": False, "contains": {"const": 1}},
        {},
        id="prefix-contains",
    ),
    pytest.param(
        "3.1.0",
        {"oneOf": [{"type": "integer", "multipleOf": 2}, {"type": "integer", "multipleOf": 3}]},
        {},
        id="oneOf-multiples",
    ),
    pytest.param(
        "3.1.0",
        {"oneOf": [{"type": "string"}, {"type": "string", "minLength": 1}]},
        {},
        id="oneOf-strings-len",
    ),
    pytest.param(
        "3.1.0",
        {"oneOf": [{"type": "string", "maxLength": 5}, {"type": "string", "minLength": 3}]},
        {},
        id="oneOf-max-len",
    ),
    pytest.param(
        "3.0.3",
        {
            "oneOf": [
                {"type": "object", "properties": {"a": {"type": "string"}}},
                {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
            ]
        },
        {},
        id="oneOf-objects-req",
    ),
    pytest.param(
        "3.1.0",
        {"oneOf": [{"type": "array"}, {"type": "array", "items": {"type": "string"}}]},
        {},
        id="oneOf-arrays",
    ),
    pytest.param(
        "3.1.0",
        {"oneOf": [{"type": "number", "minimum": 0}, {"type": "number", "maximum": 10}]},
        {},
        id="oneOf-numbers-range",
    ),
    pytest.param("3.1.0", {"type": ["string", "null"], "enum": ["a", None]}, {}, id="enum-null-31"),
    pytest.param(
        "3.0.3", {"type": "string", "nullable": True, "enum": ["a", "b"]}, {}, id="nullable-enum-30"
    ),
    pytest.param("3.1.0", {"oneOf": [{"const": "x"}, {"type": "string"}]}, {}, id="const-in-oneOf"),
    pytest.param(
        "3.1.0",
        {"type": "integer", "not": {"oneOf": [{"minimum": 3}, {"maximum": 5}]}},
        {},
        id="not-oneOf",
    ),
    pytest.param(
        "3.1.0",
        {"$ref": "#/components/schemas/X", "maxLength": 3},
        {"X": {"type": "string", "minLength": 2}},
        id="ref-sibling-31",
    ),
    pytest.param(
        "3.1.0",
        {
            "type": "object",
            "properties": {"a": {"type": "integer"}},
            "required": ["a"],
            "dependentSchemas": {"a": {"oneOf": [{"required": ["b"]}, {"required": ["c"]}]}},
        },
        {},
        id="dep-schemas-oneOf",
    ),
]


def _errors(version: str, schema: Any, components: dict[str, Any], value: Any) -> list[str]:
    """What the checker and openapi-core's validators find wrong (jsonschema's own validator
    too, except under a discriminator, which it does not read)."""
    doc = document(version, **components)
    plain = "discriminator" not in json.dumps(schema) + json.dumps(components)
    checker = [message for _, message in Synthesizer(doc).problems(value, schema)]
    return checker + errors(doc, schema, value, plain)


@pytest.mark.parametrize(("version", "schema", "components"), CORNERS)
def test_synthesis_corners_generated_values_validate(
    version: str, schema: Any, components: dict[str, Any]
) -> None:
    synthesizer = Synthesizer(document(version, **components))
    for seed in range(SEEDS):
        value = synthesizer.generate(schema, seed=str(seed))
        assert _errors(version, schema, components, value) == [], (seed, value)
        dynamic = synthesizer.generate(schema, seed=str(seed), dynamic=True)
        assert _errors(version, schema, components, dynamic) == [], (seed, dynamic)


@pytest.mark.parametrize(("version", "schema", "components"), CORNERS)
@pytest.mark.parametrize(
    "given",
    [{"junk": 1}, {}, [], "text", 0, None],
    ids=["junk", "empty", "list", "str", "0", "null"],
)
def test_synthesis_corners_conform_repairs(
    version: str, schema: Any, components: dict[str, Any], given: Any
) -> None:
    synthesizer = Synthesizer(document(version, **components))
    for seed in range(0, SEEDS, 5):
        value = synthesizer.conform(given, schema, seed=str(seed))
        assert _errors(version, schema, components, value) == [], (seed, value)
