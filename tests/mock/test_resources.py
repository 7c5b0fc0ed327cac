import pytest

from specmock.mock.resources import Envelope, action_of, request_envelope, response_envelope
from specmock.spec.api import Operation


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
