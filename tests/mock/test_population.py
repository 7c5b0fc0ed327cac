"""A populated fake: the spec's example records first, then made-up ones, and seed data wins."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from specmock.config import Config
from specmock.mock.population import PARENTS, populate
from specmock.mock.served_api import ServedApi
from specmock.spec.api import Api
from specmock.web.testing import LiveServer
from tests.helpers import response_errors

PETSTORE = Path(__file__).resolve().parents[1] / "fixtures" / "petstore.json"
PET = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "id": {"type": "integer", "readOnly": True},
        "name": {"type": "string", "maxLength": 20},
    },
}


def _json(schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"application/json": {"schema": schema, **extra}}


SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "pets", "version": "1"},
    "paths": {
        "/pets": {
            "get": {
                "responses": {
                    "200": {
                        "description": "pets",
                        "content": _json(
                            {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
                            example=[{"id": 7, "name": "Rex"}, {"id": 9, "name": "x" * 40}],
                        ),
                    }
                }
            },
            "post": {
                "requestBody": {"content": _json({"$ref": "#/components/schemas/Pet"})},
                "responses": {
                    "201": {
                        "description": "made",
                        "content": _json({"$ref": "#/components/schemas/Pet"}),
                    }
                },
            },
        },
        "/pets/{petId}": {
            "get": {
                "parameters": [
                    {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {
                        "description": "a pet",
                        "content": _json(
                            {"$ref": "#/components/schemas/Pet"}, example={"id": 3, "name": "Tom"}
                        ),
                    },
                    "404": {"description": "none"},
                },
            }
        },
        "/pets/{petId}/photos": {
            "get": {
                "parameters": [
                    {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {
                        "description": "a pet's photos",
                        "content": _json({"type": "array", "items": PET}),
                    }
                },
            }
        },
        "/pets/{petId}/photos/{photoId}": {
            "get": {
                "parameters": [
                    {
                        "name": "petId",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                    {
                        "name": "photoId",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                ],
                "responses": {"200": {"description": "a photo", "content": _json(PET)}},
            }
        },
    },
    "components": {"schemas": {"Pet": PET}},
}


def _actions() -> Any:
    return ServedApi.build(Api.from_dict("pets", SPEC), "").actions


def test_populate_examples_first_then_made_up_records() -> None:
    records = populate(_actions(), 4)
    assert [path for path in records if "/photos/" not in path] == [
        "/pets/7",
        "/pets/3",
        "/pets/8",
        "/pets/9",
    ]
    assert records["/pets/7"] == {"id": 7, "name": "Rex"}  # an example keeps its id
    assert records["/pets/3"] == {"id": 3, "name": "Tom"}
    assert records["/pets/8"]["id"] == 8  # made-up ones count on from the highest id


def test_populate_made_up_records_do_not_all_repeat_a_property_example() -> None:
    named = {
        "id": {"type": "integer", "readOnly": True},
        "name": {"type": "string", "example": "Rex"},
    }
    pet = {**PET, "properties": named}
    spec = {**SPEC, "components": {"schemas": {"Pet": pet}}}
    read = SPEC["paths"]["/pets/{petId}"]["get"]
    answer = {"description": "a pet", "content": _json({"$ref": "#/components/schemas/Pet"})}
    paths = {"/pets/{petId}": {"get": {**read, "responses": {"200": answer}}}}
    actions = ServedApi.build(Api.from_dict("pets", {**spec, "paths": paths}), "").actions
    names = [record["name"] for record in populate(actions, 4).values()]
    assert names[0] == "Rex"  # the first made-up record shows the spec's own example
    assert len(set(names)) == 4, names


def test_populate_leaves_out_examples_that_break_the_record_schema() -> None:
    records = populate(_actions(), 10)
    names = [record["name"] for path, record in records.items() if "/photos/" not in path]
    assert "x" * 40 not in names
    assert len(names) == 10


def test_populate_fills_sub_collections_of_the_first_parents() -> None:
    records = populate(_actions(), 5)
    pets = [path for path in records if "/photos/" not in path]
    photos = [path for path in records if "/photos/" in path]
    assert pets == ["/pets/7", "/pets/3", "/pets/8", "/pets/9", "/pets/10"]
    parents = [pet.removeprefix("/pets/") for pet in pets[:PARENTS]]
    assert photos == [f"/pets/{p}/photos/{n}" for p in parents for n in range(1, 6)]


def test_populate_nothing_for_zero_records() -> None:
    assert populate(_actions(), 0) == {}


def test_populate_nothing_where_seed_data_fills_the_collection() -> None:
    assert populate(_actions(), 5, {"/pets/1": {"id": 1, "name": "Seeded"}}) == {}


@contextmanager
def live(specs: Path, records: int) -> Iterator[httpx.Client]:
    """A client of a live server whose collections start with `records` records each."""
    with (
        LiveServer(Config(specs=specs, records=records)) as server,
        httpx.Client(base_url=server.url) as client,
    ):
        yield client


@pytest.fixture
def specs(tmp_path: Path) -> Path:
    (tmp_path / "pets.yaml").write_text(yaml.safe_dump(SPEC))
    return tmp_path


def test_populated_list_equals_the_items(specs: Path) -> None:
    with live(specs, 3) as client:
        listed = client.get("/pets")
        items = [client.get(f"/pets/{pet['id']}") for pet in listed.json()]
        created = client.post("/pets", json={"name": "New"})
        effective = client.get("/__specmock/apis/pets/openapi.json").json()
    assert [pet["name"] for pet in listed.json()] == ["Rex", "Tom", listed.json()[2]["name"]]
    assert [item.json() for item in items] == listed.json()
    assert created.json()["id"] == 9  # past the ids the populated records hold (7, 3, 8)
    for response in (listed, *items, created):
        assert response_errors(effective, response) == []


def test_populated_sub_collection_list_equals_its_items(specs: Path) -> None:
    with live(specs, 2) as client:
        listed = client.get("/pets/7/photos")
        items = [client.get(f"/pets/7/photos/{photo['id']}") for photo in listed.json()]
        other = client.get("/pets/3/photos")
        effective = client.get("/__specmock/apis/pets/openapi.json").json()
    assert len(listed.json()) == 2
    assert [item.json() for item in items] == listed.json()
    assert other.json() != listed.json()  # each parent has its own
    for response in (listed, *items, other):
        assert response_errors(effective, response) == []


def test_populated_again_after_a_reset(specs: Path) -> None:
    with live(specs, 2) as client:
        client.delete("/pets/7")
        client.post("/__specmock/reset")
        assert client.get("/pets/7").status_code == 200
        assert len(client.get("/pets", headers={"X-Specmock-Session": "b"}).json()) == 2


def test_no_records_when_asked_for_none(specs: Path) -> None:
    with LiveServer(Config(specs=specs, records=0)) as server:
        assert httpx.get(f"{server.url}/pets").json() == []


def test_seed_data_wins_over_populated_records(specs: Path) -> None:
    (specs / "pets.data.yaml").write_text(yaml.safe_dump({"/pets/1": {"name": "Seeded"}}))
    with LiveServer(Config(specs=specs, records=5)) as server:
        listed = httpx.get(f"{server.url}/pets").json()
    assert listed == [{"id": 1, "name": "Seeded"}]


def test_fresh_petstore_answers_a_pet(tmp_path: Path) -> None:
    (tmp_path / "petstore.json").write_text(PETSTORE.read_text())
    with live(tmp_path, 5) as client:
        pet = client.get("/v2/pet/1", headers={"api_key": "k"})
        order = client.get("/v2/store/order/5")
        effective = client.get("/__specmock/apis/petstore/openapi.json").json()
    assert (pet.status_code, pet.json()["id"], order.status_code) == (200, 1, 200)
    assert response_errors(effective, pet) == []


def test_populate_made_up_records_get_distinct_ids_where_the_path_names_them_otherwise() -> None:
    actions = ServedApi.build(Api.from_path(PETSTORE), "").actions
    users = [record for path, record in populate(actions, 4).items() if path.startswith("/user/")]
    assert sorted(user["id"] for user in users) == [1, 2, 3, 4]


def test_populate_keys_a_record_by_the_field_its_path_parameter_names_otherwise() -> None:
    user = {
        "type": "object",
        "required": ["login", "id"],
        "properties": {"login": {"type": "string"}, "id": {"type": "integer"}},
    }
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "users", "version": "1"},
        "paths": {
            "/users": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "users",
                            "content": _json({"type": "array", "items": user}),
                        }
                    }
                }
            },
            "/users/{username}": {
                "get": {
                    "parameters": [
                        {
                            "name": "username",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {"200": {"description": "a user", "content": _json(user)}},
                }
            },
        },
    }
    actions = ServedApi.build(Api.from_dict("users", spec), "").actions
    records = populate(actions, 4)
    assert len(records) == 4
    assert [path for path in records] == [f"/users/{r['login']}" for r in records.values()]


def test_populated_petstore_finds_pets_by_every_documented_status(tmp_path: Path) -> None:
    (tmp_path / "petstore.json").write_text(PETSTORE.read_text())
    headers = {"api_key": "k", "Authorization": "Bearer t"}
    with live(tmp_path, 5) as client:
        found = {
            status: client.get("/v2/pet/findByStatus", params={"status": status}, headers=headers)
            for status in ("available", "pending", "sold")
        }
        effective = client.get("/__specmock/apis/petstore/openapi.json").json()
    for status, response in found.items():
        assert response.json() and {pet["status"] for pet in response.json()} == {status}
        assert response_errors(effective, response) == []
