import pytest

from specmock.mock.server_fields import mirrors, replace, server_owned, stamp, typed


def test_server_fields_replace_resets_omitted_fields_and_keeps_server_fields():
    fields = {
        "name": {"type": "string"},
        "tag": {"type": "string"},
        "pinned": {"type": "boolean", "default": False},
        "id": {"type": "integer", "readOnly": True},
        "created_at": {"type": "string"},
    }
    previous = {
        "id": 1,
        "name": "a",
        "tag": "t",
        "pinned": True,
        "created_at": "2024-01-01T00:00:00Z",
    }
    replaced = replace(previous, {"name": "b", "id": 99}, server_owned(fields), {"pinned": False})
    assert replaced == {"name": "b", "pinned": False, "id": 1, "created_at": "2024-01-01T00:00:00Z"}
    assert server_owned(fields) == {"id", "created_at"}


def test_server_fields_stamp_sets_created_once_updates_now_and_bumps_version():
    fields = {"created_at": {}, "updated_at": {}, "version": {"type": "integer"}}
    first = stamp({}, fields, None)
    assert first["version"] == 1 and first["created_at"] == first["updated_at"]
    second = stamp({}, fields, {**first, "created_at": "2020-01-01T00:00:00Z"})
    assert second["created_at"] == "2020-01-01T00:00:00Z" and second["version"] == 2


@pytest.mark.parametrize(
    ("id_param", "fields", "expected"),
    [
        pytest.param("id", {"id": {}, "name": {}}, ["id"], id="same-name"),
        pytest.param("pet_id", {"id": {}}, ["id"], id="snake-id"),
        pytest.param("modelName", {"name": {}}, ["name"], id="camel-name"),
        pytest.param("petId", {"name": {}}, [], id="none"),
    ],
)
def test_server_fields_mirrors_are_the_fields_that_repeat_the_path_id(id_param, fields, expected):
    assert mirrors(id_param, fields) == expected


@pytest.mark.parametrize(
    ("identifier", "schema", "expected"),
    [
        pytest.param("7", {"type": "integer"}, 7, id="integer"),
        pytest.param("-3", {"type": ["integer", "null"]}, -3, id="nullable-integer"),
        pytest.param("7", {"type": "string"}, "7", id="string"),
        pytest.param("7", {}, "7", id="untyped"),
        pytest.param("x7", {"type": "integer"}, "x7", id="not-a-number-stays"),
    ],
)
def test_server_fields_typed_reads_a_path_id_as_the_field_wants(identifier, schema, expected):
    assert typed(identifier, schema) == expected


@pytest.mark.parametrize(
    ("fields", "resource", "expected"),
    [
        pytest.param({"widget_id": {}, "name": {}}, "widgets", ["widget_id"], id="snake"),
        pytest.param({"widgetId": {}}, "widgets", ["widgetId"], id="camel"),
        pytest.param({"id": {}, "widget_id": {}}, "widgets", ["id"], id="id-first"),
        pytest.param({"owner_id": {}}, "widgets", [], id="a-foreign-key-is-not-it"),
    ],
)
def test_server_fields_an_id_field_named_after_its_resource_repeats_the_path_id(
    fields, resource, expected
):
    assert mirrors("id", fields, resource) == expected
