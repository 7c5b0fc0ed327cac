import pytest

from specmock.mock.resources import (
    Action,
    Envelope,
    Resource,
    action_of,
    infer,
    record_schema,
    request_envelope,
    response_envelope,
)
from specmock.spec.api import Api, Operation


def op(path: str, method: str, **spec) -> Operation:
    return Operation("t", method, path, f"{method}{path}", spec, {})


@pytest.mark.parametrize(
    ("path", "method", "role", "collection", "item", "id_param"),
    [
        pytest.param(
            "/api/v1/models/{id}",
            "put",
            "replace",
            "/api/v1/models",
            "/api/v1/models/{id}",
            "id",
            id="put-item",
        ),
        pytest.param(
            "/notes", "post", "create", "/notes", "/notes/{noteId}", "noteId", id="post-collection"
        ),
        pytest.param(
            "/notes", "get", "list", "/notes", "/notes/{noteId}", "noteId", id="get-collection"
        ),
        pytest.param(
            "/restapis/{restapi_id}/models/{model_name}",
            "patch",
            "update",
            "/restapis/{restapi_id}/models",
            "/restapis/{restapi_id}/models/{model_name}",
            "model_name",
            id="nested",
        ),
        pytest.param(
            "/notes/{noteId}",
            "delete",
            "delete",
            "/notes",
            "/notes/{noteId}",
            "noteId",
            id="delete",
        ),
    ],
)
def test_resources_roles_are_inferred_from_paths_and_methods(
    path, method, role, collection, item, id_param
):
    action = action_of(op(path, method), ["/notes", "/notes/{noteId}"])
    assert action.role == role
    assert action.resource is not None
    assert (action.resource.collection, action.resource.item, action.resource.id_param) == (
        collection,
        item,
        id_param,
    )


def test_resources_other_operations_and_overrides():
    assert action_of(op("/notes/{id}/archive", "post")).role == "other"
    forced = action_of(
        op("/search", "post", **{"x-specmock": {"role": "list", "resource": "notes"}})
    )
    assert forced.role == "list" and forced.resource is not None and forced.resource.name == "notes"


def test_resources_item_path_fills_parent_and_id():
    action = action_of(op("/restapis/{restapi_id}/models/{model_name}", "get"))
    assert action.resource is not None
    assert (
        action.resource.item_path({"restapi_id": "abc", "model_name": "Output"})
        == "/restapis/abc/models/Output"
    )


def identity(schema):
    return schema


def test_resources_request_envelope_unwraps_a_single_object_property():
    schema = {
        "type": "object",
        "properties": {"model": {"type": "object", "properties": {"name": {"type": "string"}}}},
    }
    envelope = request_envelope(schema, identity)
    assert envelope == Envelope(("model",))
    assert envelope.unwrap({"model": {"name": "x"}}) == {"name": "x"}
    flat = {"type": "object", "properties": {"name": {"type": "string"}, "id": {"type": "string"}}}
    assert request_envelope(flat, identity) == Envelope()


def test_resources_jsonapi_response_envelope_wraps_id_type_attributes():
    schema = {
        "type": "object",
        "properties": {
            "success": {"type": "boolean"},
            "data": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "type": {"type": "string", "enum": ["syncs"]},
                    "attributes": {"type": "object"},
                },
            },
        },
    }
    envelope = response_envelope(schema, identity, "sync")
    assert envelope == Envelope(("data",), True, "syncs")
    body = envelope.wrap({"model_id": 3}, "9", {"success": True, "data": {"id": "x"}})
    assert body == {
        "success": True,
        "data": {"id": "9", "type": "syncs", "attributes": {"model_id": 3}},
    }
    assert envelope.unwrap(body) == {"model_id": 3}


def test_resources_a_path_under_an_item_with_put_or_delete_is_a_singleton():
    answer = {"responses": {"200": {"description": "d"}}}
    thing_id = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things/{id}/lock": {
                "parameters": thing_id,
                **{method: answer for method in ("get", "put", "delete")},
            },
            "/things/{id}/archive": {"parameters": thing_id, "post": answer},
        },
    }
    api = Api.from_dict("t", document)
    actions = infer(api)
    by_path = {(o.method, o.path): actions[o.pointer] for o in api.operations}
    lock = Resource("lock", "/things/{id}", "/things/{id}/lock", "")
    assert by_path[("put", "/things/{id}/lock")] == Action("replace", lock)
    assert [by_path[(m, "/things/{id}/lock")].role for m in ("get", "delete")] == ["read", "delete"]
    assert by_path[("post", "/things/{id}/archive")] == Action("other", None)  # an action


def test_resources_a_record_schema_merges_its_all_of_parts():
    schemas = {
        "In": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
        "Out": {
            "allOf": [
                {"$ref": "#/In"},
                {"required": ["id"], "properties": {"id": {"type": "integer", "readOnly": True}}},
            ]
        },
    }

    def resolve(schema):
        return schemas[schema["$ref"][2:]] if "$ref" in schema else schema

    merged = record_schema({"$ref": "#/Out"}, Envelope(), resolve)
    assert merged["properties"] == {
        "name": {"type": "string"},
        "id": {"type": "integer", "readOnly": True},
    }
    assert (merged["required"], merged["type"]) == (["name", "id"], "object")
