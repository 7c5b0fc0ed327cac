"""Tests for specmock.schemas.synthesis: every generated or repaired body is checked with the
validators openapi-core checks responses with (OAS30ReadValidator for 3.0, OAS31Validator for
3.1) and, for 3.1, with plain jsonschema 2020-12 as well."""

from __future__ import annotations

import copy
import datetime as dt
import tracemalloc
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]
from openapi_schema_validator import (
    OAS30ReadValidator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)

from specmock.errors import SpecError
from specmock.schemas.synthesis import Synthesizer, Walk

SEED = "pets/1"
# Made-up dates lie around the start of the month; pinned here so that expected values hold.
NOW = dt.datetime(2024, 7, 1, tzinfo=dt.UTC)


def document(version: str = "3.1.0", **schemas: Any) -> dict[str, Any]:
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }


def validators(doc: dict[str, Any], schema: Any, plain: bool = True) -> list[Any]:
    """The validators a response body for `schema` has to pass; `plain` adds jsonschema's own
    for 3.1, which knows nothing of discriminators."""
    root = {**schema, "components": doc["components"]}
    if doc["openapi"].startswith("3.0"):
        return [OAS30ReadValidator(root, format_checker=oas30_format_checker)]
    return [
        *([Draft202012Validator(root, format_checker=FormatChecker())] if plain else []),
        OAS31Validator(root, format_checker=oas31_format_checker),
        OAS31Validator(root, format_checker=oas30_format_checker),
    ]


def errors(doc: dict[str, Any], schema: Any, value: Any, plain: bool = True) -> list[str]:
    checks = validators(doc, schema, plain)
    return [error.message for validator in checks for error in validator.iter_errors(value)]


def generate(doc: dict[str, Any], schema: Any, seed: str = SEED, **options: Any) -> Any:
    value = Synthesizer(doc, now=NOW).generate(schema, seed=seed, **options)
    assert errors(doc, schema, value) == []
    return value


def conform(doc: dict[str, Any], value: Any, schema: Any, plain: bool = True) -> Any:
    fixed = Synthesizer(doc, now=NOW).conform(value, schema, seed=SEED)
    assert errors(doc, schema, fixed, plain) == []
    return fixed


# Schemas built for property tests: each is satisfiable by construction, in one dialect.

FORMATS = [
    "date-time", "date", "time", "uuid", "email", "idn-email", "uri", "uri-reference", "url",
    "hostname", "ipv4", "ipv6", "byte", "binary", "password", "regex",
]  # fmt: skip
PATTERNS = [
    r"^[A-Z]{3}-\d{4}$",
    r"^(foo|bar)+$",
    r"^\w+@\w+\.com$",
    r"^[^\s,]{2,5}$",
    r"^#[0-9a-fA-F]{6}$",
    r"^(\d{1,3}\.){3}\d{1,3}$",
    r"^(ab|cd)\1x?$",
    r"[a-z]*\.txt",
]
NAMES = ["id", "name", "created_at", "tags", "email", "count", "owner", "kind"]
STEPS = [1, 2, 3, 7, 0.5, 0.25, 0.1, 0.01]


@st.composite
def string_schemas(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["plain", "format", "pattern", "enum"]))
    if kind == "format":
        return {"type": "string", "format": draw(st.sampled_from(FORMATS))}
    if kind == "pattern":
        return {"type": "string", "pattern": draw(st.sampled_from(PATTERNS))}
    if kind == "enum":
        # ASCII: openapi-schema-validator's `byte` check raises on other text in a sibling branch
        text = st.text(st.characters(max_codepoint=127), max_size=6)
        options = draw(st.lists(text, min_size=1, max_size=4, unique=True))
        return {"type": "string", "enum": options}
    low = draw(st.integers(0, 20))
    high = draw(st.none() | st.integers(low, low + 20))
    return {"type": "string", "minLength": low} | ({} if high is None else {"maxLength": high})


@st.composite
def number_schemas(draw: st.DrawFn, legacy: bool) -> dict[str, Any]:
    integer = draw(st.booleans())
    schema: dict[str, Any] = {"type": "integer" if integer else "number"}
    step = draw(st.none() | st.sampled_from(STEPS))
    if step is not None:
        schema["multipleOf"] = step
    least = 20 * (step or 1) + 2  # a range wide enough for several multiples
    low = draw(
        st.none() | st.integers(-1000, 1000) | st.floats(-1000, 1000).map(lambda x: round(x, 3))
    )
    span = draw(st.none() | st.floats(least, 1000 + least).map(lambda w: round(w, 3)))
    for key, edge in (("minimum", low), ("maximum", None if span is None else (low or 0) + span)):
        if edge is None:
            continue
        if draw(st.booleans()):
            schema.update(
                {key: edge, f"exclusive{key.title()}": True}
                if legacy
                else {f"exclusive{key.title()}": edge}
            )
        else:
            schema[key] = edge
    formats = ["int32", "int64"] if integer else ["float", "double"]
    if draw(st.booleans()):
        schema["format"] = draw(st.sampled_from(formats))
    return schema


def leaf_schemas(legacy: bool) -> st.SearchStrategy[dict[str, Any]]:
    plain = st.one_of(string_schemas(), number_schemas(legacy), st.just({"type": "boolean"}))
    return st.one_of(plain, plain.map(lambda s: nullable(s, legacy)))


def nullable(schema: dict[str, Any], legacy: bool) -> dict[str, Any]:
    if legacy:
        return {**schema, "nullable": True}
    enum = schema.get("enum")
    extra = {} if enum is None else {"enum": [*enum, None]}
    return {**schema, "type": [schema["type"], "null"], **extra}


@st.composite
def object_schemas(
    draw: st.DrawFn,
    children: st.SearchStrategy[dict[str, Any]],
    legacy: bool,
    closed: bool = True,
    names_from: list[str] = NAMES,
) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(names_from), max_size=4, unique=True))
    properties = {name: draw(children) for name in names}
    required = [name for name in names if draw(st.booleans())]
    for name in names:
        marker = draw(st.sampled_from([None, None, "readOnly", "writeOnly"]))
        if marker == "writeOnly" and name in required and not legacy:
            continue  # 3.1 validators require writeOnly properties too: a contradiction
        if marker:
            properties[name] = {**properties[name], marker: True}
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    extra = draw(st.sampled_from(["absent", "false", "true", "schema"][: 4 if closed else 1]))
    if extra == "false":
        schema["additionalProperties"] = False
    elif extra == "true":
        schema["additionalProperties"] = True
    elif extra == "schema":
        schema["additionalProperties"] = draw(children)
    if extra != "false" or names:
        readable = [name for name in names if "writeOnly" not in properties[name]]
        most = len(readable) + (3 if extra != "false" else 0)
        schema["minProperties"] = draw(st.integers(0, most))
    return schema


@st.composite
def array_schemas(draw: st.DrawFn, children: st.SearchStrategy[dict[str, Any]]) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "array", "items": draw(children)}
    unique = draw(st.booleans())
    low = draw(st.integers(0, 1 if unique else 3))
    schema["minItems"] = low
    if draw(st.booleans()):
        schema["maxItems"] = draw(st.integers(low, low + 3))
    if unique:
        schema["uniqueItems"] = True
    return schema


@st.composite
def composed_schemas(
    draw: st.DrawFn, children: st.SearchStrategy[dict[str, Any]], legacy: bool
) -> dict[str, Any]:
    keyword = draw(st.sampled_from(["allOf", "oneOf", "anyOf"]))
    if keyword == "anyOf":
        return {"anyOf": draw(st.lists(children, min_size=1, max_size=3))}
    objects = object_schemas(children, legacy)
    if keyword == "allOf":
        # members that are closed or share a property can contradict each other
        count = draw(st.integers(1, 3))
        thirds = [NAMES[index::3] for index in range(count)]
        return {"allOf": [draw(object_schemas(children, legacy, False, names)) for names in thirds]}
    # oneOf branches told apart by their type, as real APIs tell them apart by shape
    plain = {
        "string": string_schemas(),
        "number": number_schemas(legacy),
        "boolean": st.just({"type": "boolean"}),
        "object": objects,
        "array": array_schemas(children),
    }
    kinds = draw(st.lists(st.sampled_from(sorted(plain)), min_size=1, max_size=3, unique=True))
    return {"oneOf": [draw(plain[kind]) for kind in kinds]}


def schemas(legacy: bool) -> st.SearchStrategy[dict[str, Any]]:
    return st.recursive(
        leaf_schemas(legacy),
        lambda children: st.one_of(
            object_schemas(children, legacy),
            array_schemas(children),
            composed_schemas(children, legacy),
        ),
        max_leaves=10,
    )


@st.composite
def documents_and_schemas(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    version = draw(st.sampled_from(["3.0.3", "3.1.0"]))
    schema = draw(schemas(version.startswith("3.0")))
    if draw(st.booleans()):
        return document(version, Thing=schema), {"$ref": "#/components/schemas/Thing"}
    return document(version), schema


PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(documents_and_schemas(), st.text(max_size=8))
def test_synthesis_generated_values_validate(case: tuple[dict[str, Any], Any], seed: str) -> None:
    doc, schema = case
    value = generate(doc, schema, seed)
    assert Synthesizer(doc, now=NOW).generate(copy.deepcopy(schema), seed=seed) == value


@PROPERTY_SETTINGS
@given(documents_and_schemas())
def test_synthesis_dynamic_values_validate(case: tuple[dict[str, Any], Any]) -> None:
    doc, schema = case
    generate(doc, schema, dynamic=True)


@PROPERTY_SETTINGS
@given(documents_and_schemas(), st.text(max_size=8))
def test_synthesis_conform_keeps_valid_values(case: tuple[dict[str, Any], Any], seed: str) -> None:
    doc, schema = case
    value = Synthesizer(doc).generate(schema, seed=seed)
    assert Synthesizer(doc).conform(value, schema, seed="other") is value


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.text(st.characters(max_codepoint=127), max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(NAMES), inner, max_size=4)
    ),
    max_leaves=8,
)


@PROPERTY_SETTINGS
@given(documents_and_schemas(), JSON)
def test_synthesis_conform_repairs_any_value(case: tuple[dict[str, Any], Any], value: Any) -> None:
    doc, schema = case
    conform(doc, value, schema)


# Table tests: one row per feature, exact values for the seed "pets/1".

OBJECT_WITH_SECRETS = {
    "type": "object",
    "required": ["id", "password"],
    "properties": {
        "password": {"type": "string", "writeOnly": True},
        "id": {"type": "integer", "readOnly": True},
    },
}


@pytest.mark.parametrize(
    ("version", "schema", "expected"),
    [
        pytest.param("3.1.0", {"type": "string"}, "value-466", id="string"),
        pytest.param(
            "3.1.0",
            {"type": "object", "properties": {"name": {"type": "string"}}},
            {"name": "Erica Lopez"},
            id="string-named-after-property",
        ),
        pytest.param("3.1.0", {"type": "string", "minLength": 12}, "value-466xxx", id="minLength"),
        pytest.param("3.1.0", {"type": "string", "maxLength": 3}, "val", id="maxLength"),
        pytest.param("3.1.0", {"type": "integer"}, 0, id="integer"),
        pytest.param("3.1.0", {"type": "integer", "minimum": 5}, 5, id="minimum"),
        pytest.param("3.1.0", {"type": "integer", "maximum": -3}, -3, id="maximum"),
        pytest.param(
            "3.1.0", {"type": "integer", "exclusiveMinimum": 5}, 6, id="31-exclusiveMinimum"
        ),
        pytest.param(
            "3.0.3",
            {"type": "integer", "minimum": 5, "exclusiveMinimum": True},
            6,
            id="30-exclusiveMinimum",
        ),
        pytest.param(
            "3.0.3",
            {"type": "integer", "maximum": -3, "exclusiveMaximum": True},
            -4,
            id="30-exclusiveMaximum",
        ),
        pytest.param(
            "3.0.3",
            {"type": "integer", "minimum": 5, "exclusiveMinimum": False},
            5,
            id="30-exclusiveMinimum-false",
        ),
        pytest.param(
            "3.1.0", {"type": "integer", "minimum": 10, "multipleOf": 7}, 14, id="multipleOf"
        ),
        pytest.param(
            "3.1.0",
            {"type": "number", "minimum": 0.2, "maximum": 0.3, "multipleOf": 0.1},
            0.2,
            id="multipleOf-float",
        ),
        pytest.param(
            "3.1.0",
            {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
            0.5,
            id="number-open-range",
        ),
        pytest.param(
            "3.0.3",
            {"type": "integer", "format": "int32", "maximum": 2**40},
            0,
            id="int32",
        ),
        pytest.param(
            "3.1.0",
            {"type": "integer", "format": "int32", "exclusiveMinimum": 2**31 - 2},
            2**31 - 1,
            id="int32-bounds",
        ),
        pytest.param("3.0.3", {"type": "number", "format": "float"}, 0, id="float"),
        pytest.param("3.1.0", {"type": "boolean"}, True, id="boolean"),
        pytest.param("3.1.0", {"type": "null"}, None, id="null"),
        pytest.param("3.1.0", {"enum": ["b", "a"]}, "b", id="enum-first"),
        pytest.param(
            "3.1.0", {"type": "string", "enum": [3, "a", "b"]}, "a", id="enum-first-valid"
        ),
        pytest.param("3.1.0", {"const": {"x": 1}}, {"x": 1}, id="const"),
        pytest.param("3.0.3", {"type": "string", "nullable": True}, "value-466", id="30-nullable"),
        pytest.param("3.1.0", {"type": ["null", "integer"]}, 0, id="31-type-list"),
        pytest.param("3.1.0", {"type": ["boolean", "string"]}, True, id="31-type-list-first"),
        pytest.param(
            "3.1.0", {"type": "string", "pattern": r"^[A-Z]{3}-\d{4}$"}, "DAQ-7206", id="pattern"
        ),
        pytest.param(
            "3.1.0", {"type": "string", "pattern": r"^(foo|bar)\1$"}, "barbar", id="pattern-backref"
        ),
        pytest.param(
            "3.1.0",
            {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
            "2024-02-19",
            id="pattern-with-format",
        ),
        pytest.param(
            "3.1.0",
            {"type": "array", "items": {"type": "integer"}, "minItems": 3},
            [0, 1, 2],
            id="minItems",
        ),
        pytest.param(
            "3.1.0",
            {"type": "array", "items": {"type": "integer"}, "maxItems": 0},
            [],
            id="maxItems",
        ),
        pytest.param(
            "3.1.0",
            {"type": "array", "items": {"type": "boolean"}, "minItems": 2, "uniqueItems": True},
            [True, False],
            id="uniqueItems-booleans",
        ),
        pytest.param(
            "3.1.0",
            {
                "type": "array",
                "items": {"enum": ["x", "y", "z"]},
                "minItems": 3,
                "uniqueItems": True,
            },
            ["x", "y", "z"],
            id="uniqueItems-enum",
        ),
        pytest.param(
            "3.1.0",
            {
                "type": "array",
                "prefixItems": [{"type": "integer"}, {"format": "uuid"}],
                "items": False,
            },
            [0, "96c955fb-1f73-4faf-b024-e1e6746446f9"],
            id="prefixItems",
        ),
        pytest.param(
            "3.1.0",
            {"type": "array", "items": {"type": "integer"}, "contains": {"minimum": 5}},
            [0, 5],
            id="contains",
        ),
        pytest.param(
            "3.0.3",
            {"type": "array", "items": {"type": "string", "format": "ipv4"}},
            ["192.0.2.117"],
            id="30-items",
        ),
        pytest.param(
            "3.1.0",
            {"type": "object", "additionalProperties": {"type": "integer"}, "minProperties": 2},
            {"additionalProp1": 0, "additionalProp2": 0},
            id="additionalProperties-for-minProperties",
        ),
        pytest.param(
            "3.1.0",
            {"type": "object", "properties": {"a": {"type": "integer"}}, "minProperties": 1},
            {"a": 0},
            id="minProperties-met-by-properties",
        ),
        pytest.param(
            "3.1.0",
            {"type": "object", "properties": {"a": {}, "b": {}, "c": {}}, "maxProperties": 2},
            {"a": {}, "b": {}},
            id="maxProperties",
        ),
        pytest.param(
            "3.1.0",
            {
                "type": "object",
                "additionalProperties": False,
                "patternProperties": {"^x-[a-z]{2}$": {"type": "boolean"}},
                "minProperties": 1,
            },
            {"x-da": True},
            id="patternProperties",
        ),
        pytest.param(
            "3.1.0",
            {"type": "object", "propertyNames": {"format": "email"}, "minProperties": 1},
            {"mezamark@example.net": {}},
            id="propertyNames",
        ),
        pytest.param(
            "3.1.0",
            {
                "allOf": [
                    {"type": "object", "properties": {"a": {"type": "integer", "minimum": 2}}},
                    {"properties": {"a": {"maximum": 4, "minimum": 3}, "b": {"type": "boolean"}}},
                ]
            },
            {"a": 3, "b": True},
            id="allOf",
        ),
        pytest.param(
            "3.1.0",
            {
                "allOf": [
                    {"properties": {"a": {"type": "integer"}}, "additionalProperties": False},
                    {"properties": {"b": {"type": "integer"}}},
                ]
            },
            {"a": 0},
            id="allOf-closed-member",
        ),
        pytest.param(
            "3.1.0",
            {
                "type": "object",
                "properties": {"a": {"allOf": [{"type": "string"}, {"type": "integer"}]}},
            },
            {},
            id="unsatisfiable-optional-property-left-out",
        ),
        pytest.param(
            "3.1.0", {"oneOf": [{"type": "integer"}, {"type": "number"}]}, 1.5, id="oneOf-number"
        ),
        pytest.param(
            "3.1.0",
            {"oneOf": [{"minimum": 0}, {"type": "integer"}]},
            1.5,
            id="oneOf-ambiguous-at-first",
        ),
        pytest.param(
            "3.1.0",
            {"anyOf": [{"type": "string", "maxLength": 2}, {"type": "integer", "minimum": 7}]},
            "va",
            id="anyOf",
        ),
        pytest.param(
            "3.1.0",
            {
                "type": "object",
                "properties": {"a": {"type": "integer"}},
                "oneOf": [{"required": ["a"]}, {"required": ["b"]}],
            },
            {"a": 0},
            id="oneOf-with-parent-properties",
        ),
        pytest.param("3.1.0", {"type": "integer", "not": {"enum": [0, 1]}}, 2, id="not"),
        pytest.param("3.1.0", {"not": {"type": ["object", "array"]}}, "value-466", id="not-type"),
        pytest.param("3.1.0", OBJECT_WITH_SECRETS, {"id": 0}, id="31-writeOnly-left-out"),
        pytest.param("3.0.3", OBJECT_WITH_SECRETS, {"id": 0}, id="30-writeOnly-left-out"),
        pytest.param("3.1.0", {}, {}, id="empty-schema"),
    ],
)
def test_synthesis_generates_exact_values(version: str, schema: Any, expected: Any) -> None:
    doc = document(version)
    if version.startswith("3.1") and schema is OBJECT_WITH_SECRETS:
        schema = {**schema, "required": ["id"]}  # 3.1 validators require even writeOnly ones
    assert generate(doc, schema) == expected
    generate(doc, schema, dynamic=True)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("date-time", "2024-02-19T06:50:49Z", id="date-time"),
        pytest.param("date", "2024-02-19", id="date"),
        pytest.param("time", "13:41:33", id="time"),
        pytest.param("uuid", "96c955fb-1f73-4faf-b024-e1e6746446f9", id="uuid"),
        pytest.param("email", "mezamark@example.net", id="email"),
        pytest.param("idn-email", "mezamark@example.net", id="idn-email"),
        pytest.param("uri", "http://www.yoder-morris.com/", id="uri"),
        pytest.param("url", "http://www.yoder-morris.com/", id="url"),
        pytest.param("uri-reference", "/home-page/466", id="uri-reference"),
        pytest.param("hostname", "alvarez.com", id="hostname"),
        pytest.param("ipv4", "192.0.2.117", id="ipv4"),
        pytest.param("ipv6", "2001:db8::7465", id="ipv6"),
        pytest.param("byte", "aG9tZS1wYWdlLTQ2Ng==", id="byte"),
        pytest.param("binary", "aG9tZS1wYWdlLTQ2Ng==", id="binary"),
        pytest.param("password", "secret-466", id="password"),
        pytest.param("regex", "^[a-z]+$", id="regex"),
        pytest.param("no-such-format", "home_page-466", id="unknown"),
    ],
)
@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_synthesis_generates_formats(version: str, name: str, expected: str) -> None:
    schema = {"type": "object", "properties": {"home_page": {"type": "string", "format": name}}}
    assert generate(document(version), schema) == {"home_page": expected}
    generate(document(version), schema, dynamic=True)


def test_synthesis_same_seed_same_value_other_seed_other_value() -> None:
    doc = document()
    schema = {
        "type": "object",
        "properties": {"id": {"type": "string", "format": "uuid"}, "name": {"type": "string"}},
    }
    first = generate(doc, schema, seed="pets/1")
    assert first == {"id": "96c955fb-1f73-4faf-b024-e1e6746446f9", "name": "Jessica Jensen"}
    assert generate(doc, schema, seed="pets/1") == first
    assert generate(doc, schema, seed="pets/2") != first


def test_synthesis_value_no_seed_changes_is_the_same_copy_for_every_seed() -> None:
    doc = document()
    schema = {
        "type": "object",
        "properties": {
            "tags": {"type": "array", "items": {"type": "string", "example": "blue"}},
            "done": {"type": "boolean"},
        },
    }
    synthesizer = Synthesizer(doc, now=NOW)
    for seed in ("pets/1", "pets/2", "pets/3"):
        value = synthesizer.generate(schema, seed=seed)
        assert value == {"tags": ["blue"], "done": True}
        value["tags"].append("changed by the caller")


def test_synthesis_value_a_seed_changes_is_made_for_each_seed() -> None:
    synthesizer = Synthesizer(document(), now=NOW)
    schema = {"type": "object", "properties": {"n": {"example": 1}, "name": {"type": "string"}}}
    names = {synthesizer.generate(schema, seed=f"pets/{n}")["name"] for n in range(4)}
    assert len(names) > 1


def test_synthesis_dynamic_values_vary() -> None:
    schema = {"type": "string", "format": "uuid"}
    values = {generate(document(), schema, dynamic=True) for _ in range(5)}
    assert len(values) == 5


@pytest.mark.parametrize(
    "schema",
    [
        pytest.param(
            {
                "type": "array",
                "items": {"enum": ["x", "y", "z"]},
                "minItems": 3,
                "uniqueItems": True,
            },
            id="enum",
        ),
        pytest.param(
            {"type": "array", "items": {"type": "boolean"}, "minItems": 2, "uniqueItems": True},
            id="boolean",
        ),
        pytest.param(
            {
                "type": "array",
                "items": {"type": "integer", "minimum": 0, "maximum": 3},
                "minItems": 4,
                "uniqueItems": True,
            },
            id="integer",
        ),
    ],
)
def test_synthesis_dynamic_unique_items_stay_unique(schema: dict[str, Any]) -> None:
    for _ in range(50):
        generate(document(), schema, dynamic=True)


# References and recursion

TREE = {
    "type": "object",
    "required": ["value"],
    "properties": {
        "value": {"type": "integer"},
        "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}},
    },
}


def test_synthesis_follows_escaped_pointers() -> None:
    schemas: dict[str, Any] = {"a/b~c": {"type": "string", "format": "uuid"}}
    doc = document(**schemas)
    schema = {"$ref": "#/components/schemas/a~1b~0c"}
    assert generate(doc, schema) == "96c955fb-1f73-4faf-b024-e1e6746446f9"


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        pytest.param(
            "other.yaml#/components/schemas/Pet",
            "document: other.yaml#/components/schemas/Pet: "
            "only local $ref pointers ('#/...') are supported",
            id="remote",
        ),
        pytest.param(
            "#/components/schemas/Missing",
            "document: #/components/schemas/Missing: the $ref points at nothing",
            id="missing",
        ),
    ],
)
def test_synthesis_unresolvable_ref_is_a_spec_error(ref: str, message: str) -> None:
    with pytest.raises(SpecError) as caught:
        Synthesizer(document()).generate({"$ref": ref}, seed=SEED)
    assert str(caught.value) == message


def test_synthesis_recursive_schema_stops_at_max_depth() -> None:
    doc = document(Tree=TREE)
    value = Synthesizer(doc, max_depth=2).generate({"$ref": "#/components/schemas/Tree"}, seed=SEED)
    assert value == {"value": 0, "children": [{"value": 0, "children": []}]}
    assert errors(doc, {"$ref": "#/components/schemas/Tree"}, value) == []


@pytest.mark.parametrize("max_depth", [0, 1, 4, 8])
def test_synthesis_recursive_schema_is_valid_at_any_depth(max_depth: int) -> None:
    doc = document(Tree=TREE)
    schema = {"$ref": "#/components/schemas/Tree"}
    for dynamic in (False, True):
        value = Synthesizer(doc, max_depth=max_depth).generate(schema, seed=SEED, dynamic=dynamic)
        assert errors(doc, schema, value) == []


def test_synthesis_max_depth_leaves_out_deep_optional_properties() -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {
                "type": "object",
                "required": ["c"],
                "properties": {"b": {"type": "string"}, "c": {"type": "integer"}},
            }
        },
    }
    value = Synthesizer(document(), max_depth=0).generate(schema, seed=SEED)
    assert value == {"a": {"c": 0}}


@pytest.mark.parametrize(
    ("version", "nullable"),
    [
        pytest.param("3.0.3", {"type": "object", "nullable": True}, id="30-nullable"),
        pytest.param("3.1.0", {"type": ["object", "null"]}, id="31-type-list"),
        pytest.param("3.1.0", {"anyOf": [{"type": "null"}, {"type": "object"}]}, id="anyOf-null"),
    ],
)
def test_synthesis_required_nullable_cycle_ends_in_null(version: str, nullable: Any) -> None:
    node = {
        "allOf": [nullable],
        "required": ["next"],
        "properties": {"next": {"$ref": "#/components/schemas/Node"}},
    }
    doc = document(version, Node=node)
    value = Synthesizer(doc, max_depth=2).generate({"$ref": "#/components/schemas/Node"}, seed=SEED)
    assert value == {"next": {"next": {"next": None}}}
    assert errors(doc, {"$ref": "#/components/schemas/Node"}, value) == []


def test_synthesis_recursive_oneOf_picks_the_leaf_when_deep() -> None:
    doc = document(
        Expr={
            "oneOf": [{"$ref": "#/components/schemas/Sum"}, {"$ref": "#/components/schemas/Num"}]
        },
        Num={"type": "integer"},
        Sum={
            "type": "object",
            "required": ["terms"],
            "additionalProperties": False,
            "properties": {
                "terms": {
                    "type": "array",
                    "minItems": 2,
                    "items": {"$ref": "#/components/schemas/Expr"},
                }
            },
        },
    )
    schema = {"$ref": "#/components/schemas/Expr"}
    value = Synthesizer(doc, max_depth=2).generate(schema, seed=SEED)
    assert value == {"terms": [{"terms": [0, 1]}, {"terms": [1, 2]}]}
    assert errors(doc, schema, value) == []


@pytest.mark.parametrize(
    "schemas",
    [
        pytest.param(
            {
                "Loop": {
                    "type": "object",
                    "required": ["me"],
                    "properties": {"me": {"$ref": "#/components/schemas/Loop"}},
                }
            },
            id="required-self-reference",
        ),
        pytest.param(
            {
                "Loop": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"$ref": "#/components/schemas/Loop"},
                }
            },
            id="array-of-itself",
        ),
        pytest.param(
            {
                "Loop": {"$ref": "#/components/schemas/Pool"},
                "Pool": {"$ref": "#/components/schemas/Loop"},
            },
            id="ref-to-ref",
        ),
        pytest.param(
            {
                "Loop": {"allOf": [{"$ref": "#/components/schemas/Pool"}]},
                "Pool": {"allOf": [{"$ref": "#/components/schemas/Loop"}]},
            },
            id="allOf-cycle",
        ),
        pytest.param(
            {
                "Loop": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/Loop"},
                        {
                            "type": "object",
                            "required": ["x"],
                            "properties": {"x": {"$ref": "#/components/schemas/Loop"}},
                        },
                    ]
                }
            },
            id="oneOf-cycle",
        ),
    ],
)
def test_synthesis_unsatisfiable_cycles_end(schemas: dict[str, Any]) -> None:
    synthesizer = Synthesizer(document(**schemas))
    for dynamic in (False, True):
        synthesizer.generate({"$ref": "#/components/schemas/Loop"}, seed=SEED, dynamic=dynamic)


# Discriminators, checked by the OpenAPI validators, which follow the mapping


def pets(version: str, mapping: bool) -> dict[str, Any]:
    discriminator: dict[str, Any] = {"propertyName": "petType"}
    if mapping:
        discriminator["mapping"] = {
            "cat": "#/components/schemas/Cat",
            "dog": "#/components/schemas/Dog",
        }
    base = {
        "type": "object",
        "required": ["petType", "name"],
        "properties": {"petType": {"type": "string"}, "name": {"type": "string"}},
    }
    return document(
        version,
        Pet={
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": discriminator,
        },
        Base=base,
        Cat={
            "allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"type": "object", "properties": {"lives": {"type": "integer", "maximum": 9}}},
            ]
        },
        Dog={
            "allOf": [
                {"$ref": "#/components/schemas/Base"},
                {
                    "type": "object",
                    "required": ["bark"],
                    "properties": {"bark": {"type": "boolean"}},
                },
            ]
        },
    )


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        pytest.param(True, {"petType": "cat", "name": "Judy Adams", "lives": 0}, id="mapping"),
        pytest.param(False, {"petType": "Cat", "name": "Judy Adams", "lives": 0}, id="schema-name"),
    ],
)
def test_synthesis_sets_the_discriminator(version: str, mapping: bool, expected: Any) -> None:
    doc = pets(version, mapping)
    schema = {"$ref": "#/components/schemas/Pet"}
    assert generate(doc, schema) == expected
    for _ in range(10):
        value = Synthesizer(doc).generate(schema, seed=SEED, dynamic=True)
        assert errors(doc, schema, value, plain=False) == []  # a dog passes as a cat, too
        assert value["petType"] in ("cat", "dog", "Cat", "Dog")


def test_synthesis_sets_the_discriminator_of_an_inherited_schema() -> None:
    doc = document(
        Pet={
            "type": "object",
            "required": ["petType"],
            "properties": {"petType": {"type": "string"}},
            "discriminator": {
                "propertyName": "petType",
                "mapping": {"kitty": "#/components/schemas/Cat"},
            },
        },
        Cat={"allOf": [{"$ref": "#/components/schemas/Pet"}]},
    )
    assert generate(doc, {"$ref": "#/components/schemas/Cat"}) == {"petType": "kitty"}


# conform: examples repaired, valid parts kept

PET = {
    "type": "object",
    "required": ["id", "created_at", "type"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "created_at": {"type": "string", "format": "date-time"},
        "type": {"type": "string", "enum": ["cat", "dog"]},
        "email": {"type": "string", "format": "email"},
        "name": {"type": "string"},
        "password": {"type": "string", "writeOnly": True},
        "age": {"type": "integer", "minimum": 0},
        "tags": {"type": "array", "items": {"type": "string", "format": "date"}, "maxItems": 2},
    },
}
UUID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
WHEN = "2020-01-01T00:00:00Z"


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
@pytest.mark.parametrize(
    ("example", "expected"),
    [
        pytest.param(
            {"created_at": "<string>", "type": "<string>"},
            {
                "created_at": "2024-02-19T06:50:49Z",
                "type": "cat",
                "id": "d3f6c5b4-232f-4688-96c9-55fb1f732faf",
            },
            id="placeholders-and-missing-required",
        ),
        pytest.param(
            {
                "id": UUID,
                "created_at": "<dateTime>",
                "type": "dog",
                "name": "<string>",
                "age": "<integer>",
            },
            {
                "id": UUID,
                "created_at": "2024-02-19T06:50:49Z",
                "type": "dog",
                "name": "<string>",
                "age": 33,
            },
            id="valid-parts-kept",
        ),
        pytest.param(
            {"id": UUID, "created_at": WHEN, "type": "dog", "password": "hunter2", "email": "nope"},
            {"id": UUID, "created_at": WHEN, "type": "dog", "email": "mezamark@example.net"},
            id="writeOnly-dropped",
        ),
        pytest.param(
            {"id": UUID, "created_at": WHEN, "type": "cat", "tags": ["2020-01-01", "<date>", "x"]},
            {"id": UUID, "created_at": WHEN, "type": "cat", "tags": ["2020-01-01", "2024-02-19"]},
            id="array-items-repaired-and-cut",
        ),
        pytest.param(
            "<object>",
            {
                "id": "96c955fb-1f73-4faf-b024-e1e6746446f9",
                "created_at": "2023-09-10T00:50:48Z",
                "type": "cat",
                "email": "nathan88@example.com",
                "name": "Jessica Jensen",
                "age": 35,
                "tags": ["2024-02-17"],
            },
            id="wrong-type-regenerated",
        ),
        pytest.param(
            {"created_at": WHEN, "extra": [1]},
            {
                "created_at": WHEN,
                "extra": [1],
                "id": "96c955fb-1f73-4faf-b024-e1e6746446f9",
                "type": "cat",
            },
            id="additional-property-kept",
        ),
    ],
)
def test_synthesis_conform_repairs_examples(version: str, example: Any, expected: Any) -> None:
    assert conform(document(version), example, PET) == expected


@pytest.mark.parametrize(
    ("version", "schema", "example", "expected"),
    [
        pytest.param(
            "3.0.3",
            {
                "type": "object",
                "properties": {"a": {"type": "string", "nullable": True}, "b": {"type": "string"}},
            },
            {"a": None, "b": None},
            {"a": None, "b": "b-466"},
            id="30-nullable",
        ),
        pytest.param(
            "3.1.0",
            {
                "type": "object",
                "properties": {"a": {"type": "integer"}},
                "additionalProperties": False,
            },
            {"a": 1, "b": 2},
            {"a": 1},
            id="closed-object",
        ),
        pytest.param(
            "3.1.0",
            {"type": "array", "items": {"type": "integer"}, "minItems": 4},
            [1, "x", 3],
            [1, 0, 3, 3],
            id="minItems",
        ),
        pytest.param(
            "3.1.0",
            {"type": "array", "items": {"type": "integer"}, "uniqueItems": True},
            [1, 1, 2],
            [1, 2],
            id="uniqueItems",
        ),
        pytest.param(
            "3.1.0",
            {"type": "object", "properties": {"n": {"const": 3}}},
            {"n": "<number>"},
            {"n": 3},
            id="const",
        ),
        pytest.param(
            "3.1.0",
            {"oneOf": [{"type": "integer"}, {"type": "string", "format": "uuid"}]},
            "<uuid>",
            0,
            id="oneOf",
        ),
    ],
)
def test_synthesis_conform_table(version: str, schema: Any, example: Any, expected: Any) -> None:
    assert conform(document(version), example, schema) == expected


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_synthesis_conform_follows_the_discriminator(version: str) -> None:
    doc = pets(version, mapping=True)
    example = {"petType": "dog", "name": "Rex", "bark": "<boolean>"}
    # a dog is a cat too as far as a plain oneOf knows: only the discriminator tells them apart
    fixed = conform(doc, example, {"$ref": "#/components/schemas/Pet"}, plain=False)
    assert fixed == {"petType": "dog", "name": "Rex", "bark": True}


def test_synthesis_conform_returns_a_valid_value_itself() -> None:
    example = {"id": UUID, "created_at": WHEN, "type": "cat", "tags": []}
    assert Synthesizer(document()).conform(example, PET, seed=SEED) is example


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_synthesis_repeated_repairs_keep_nothing_new(version: str) -> None:
    # An undeclared property or array item has no schema of its own: each call used to make a
    # new `{}` for it, and every per-schema cache kept that `{}` (and its compiled check) for good.
    doc = document(version)
    synthesizer = Synthesizer(doc)
    schema = {
        "type": "object",
        "required": ["id", "tags"],
        "properties": {"id": {"type": "integer"}, "tags": {"type": "array"}},
    }

    def repair(index: int) -> None:
        value = {"id": "wrong", "tags": [index, {"any": index}], f"extra{index}": [index]}
        assert synthesizer.conform(value, schema, seed=str(index))["id"] != "wrong"

    for index in range(50):
        repair(index)
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        for index in range(2_000):
            repair(index)
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert after - before < 50_000  # the leak kept about 1 kB per call


def test_synthesis_conform_repairs_only_the_members_the_compiled_check_blames(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc = document()
    schema = {
        "type": "object",
        "properties": {
            "homepage": {"type": "string", "format": "uri"},
            "owner": {"type": "object", "properties": {"login": {"type": "string"}}},
            "stars": {"type": "integer"},
        },
    }
    owner = {"login": "octocat"}
    synthesizer = Synthesizer(doc, now=NOW)
    judged: list[Any] = []
    valid = Walk.valid

    def judging(walk: Walk, value: Any, schema: Any) -> bool:
        judged.append(value)
        return valid(walk, value, schema)

    monkeypatch.setattr(Walk, "valid", judging)
    fixed = synthesizer.conform(
        {"homepage": "bench", "owner": owner, "stars": 3}, schema, seed=SEED
    )
    assert fixed == {"homepage": "http://www.yoder-morris.com/", "owner": owner, "stars": 3}
    assert fixed["owner"] is owner
    assert judged[1:] == ["bench"]  # after the whole value, only the member it blames


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        pytest.param({}, {"name": "x", "n": 0}, id="writeOnly-left-out"),
        pytest.param(
            {"minProperties": 3},
            {"name": "x", "n": 0, "other": "other-466"},
            id="writeOnly-left-out-minProperties-filled",
        ),
    ],
)
def test_synthesis_conform_blamed_members_as_a_whole_walk_repairs(
    extra: dict[str, Any], expected: dict[str, Any]
) -> None:
    schema = {
        "type": "object",
        "properties": {
            "secret": {"type": "string", "writeOnly": True},
            "name": {"type": "string"},
            "n": {"type": "integer"},
            "other": {"type": "string"},
        },
        **extra,
    }
    value = {"secret": "s", "name": "x", "n": "not a number"}
    assert conform(document(), value, schema) == expected
