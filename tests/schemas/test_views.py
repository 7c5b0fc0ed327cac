import pytest

from specmock.errors import SpecError
from specmock.schemas.views import Views, discriminator_tags, level_view, merge_views

DOCUMENT = {
    "openapi": "3.1.0",
    "components": {
        "schemas": {
            "A~B/C": {"type": "integer"},
            "Loop": {"$ref": "#/components/schemas/Loop"},
        }
    },
}


@pytest.mark.parametrize(
    ("schema", "legacy", "expected"),
    [
        pytest.param({"type": "string"}, False, {"type": ["string"]}, id="type-list"),
        pytest.param(
            {"type": "string", "nullable": True}, True, {"type": ["string", "null"]}, id="30"
        ),
        pytest.param(
            {"type": "string", "nullable": True},
            False,
            {"type": ["string"], "nullable": True},
            id="31-keeps-nullable",
        ),
        pytest.param(
            {"minimum": 2, "exclusiveMinimum": True}, False, {"exclusiveMinimum": 2}, id="31-bounds"
        ),
        pytest.param(
            {"type": "string", "nullable": True, "enum": ["a"]},
            True,
            {"type": ["string", "null"], "enum": ["a"]},
            id="30-enum-as-openapi-core-reads-it",
        ),
    ],
)
def test_views_level_view(schema, legacy, expected):
    assert level_view(schema, legacy) == expected


def test_views_flatten_follows_escaped_pointers():
    view = Views(DOCUMENT, legacy=False).flatten({"$ref": "#/components/schemas/A~0B~1C"})
    assert view == ({"type": ["integer"]}, "#/components/schemas/A~0B~1C")


def test_views_flatten_merges_allof_and_keeps_siblings():
    schema = {
        "allOf": [{"type": "integer", "minimum": 1}, {"type": "number", "maximum": 5}],
        "description": "d",
    }
    assert Views(DOCUMENT, legacy=False).flatten(schema) == (
        {"type": ["integer"], "minimum": 1, "maximum": 5, "description": "d"},
        None,
    )


def test_views_flatten_reads_boolean_schemas_and_cycles():
    views = Views(DOCUMENT, legacy=False)
    assert views.flatten(False) == ({"not": {}}, None)
    assert views.flatten(True) == ({}, None)
    assert views.flatten({"$ref": "#/components/schemas/Loop"}) == (
        {},
        "#/components/schemas/Loop",
    )


@pytest.mark.parametrize(
    ("ref", "problem"),
    [
        pytest.param("#/components/schemas/Nothing", "the $ref points at nothing", id="nothing"),
        pytest.param(
            "other.yaml#/Pet", "only local $ref pointers ('#/...') are supported", id="remote"
        ),
    ],
)
def test_views_flatten_unresolvable_ref_is_a_spec_error(ref, problem):
    with pytest.raises(SpecError) as caught:
        Views(DOCUMENT, legacy=False).flatten({"$ref": ref})
    assert (caught.value.where, caught.value.problem) == (ref, problem)


def test_views_write_only():
    views = Views(DOCUMENT, legacy=False)
    assert views.write_only({"type": "string", "writeOnly": True}) is True
    assert views.write_only({"type": "string"}) is False


def test_views_merge_views_asks_for_all_that_each_asks():
    merged = merge_views(
        [
            {"multipleOf": 4, "required": ["a"], "enum": [1, 2, 3], "minimum": 1, "maximum": 9},
            {"multipleOf": 6, "required": ["b", "a"], "enum": [3, 2], "minimum": 2, "maximum": 8},
        ]
    )
    assert merged == {
        "multipleOf": 12,
        "required": ["a", "b"],
        "enum": [2, 3],
        "minimum": 2,
        "maximum": 8,
    }


def test_views_merge_views_combines_kinds_and_choices():
    assert merge_views([{"type": ["number", "string"]}, {"type": ["integer"]}]) == {
        "type": ["integer"]
    }
    assert merge_views([{"oneOf": [{"a": 1}, {"b": 2}]}, {"oneOf": [{"c": 3}]}]) == {
        "oneOf": [{"allOf": [{"a": 1}, {"c": 3}]}, {"allOf": [{"b": 2}, {"c": 3}]}]
    }


def test_views_merge_views_a_closed_object_keeps_only_its_properties():
    merged = merge_views(
        [
            {"properties": {"a": {}, "b": {}}, "additionalProperties": False},
            {"properties": {"b": {"type": "string"}, "c": {}}},
        ]
    )
    assert merged == {
        "properties": {"a": {}, "b": {"type": "string"}},
        "additionalProperties": False,
    }


def test_views_discriminator_tags_prefer_the_mapping():
    mapping = {"mapping": {"cat": "#/components/schemas/Cat", "kitty": "Cat", "dog": "Dog"}}
    assert discriminator_tags(mapping, "#/components/schemas/Cat") == ["cat", "kitty"]
    assert discriminator_tags({}, "#/components/schemas/A~1B") == ["A/B"]
