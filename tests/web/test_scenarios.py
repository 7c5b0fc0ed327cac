"""The store over HTTP: what a client writes comes back, per seed API, every answer checked
against the effective spec with openapi-core."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from specmock.config import Config
from specmock.web.testing import LiveServer
from tests.conftest import SPECS, effective
from tests.helpers import TESTS, response_errors

BEARER = {"Authorization": "Bearer T"}
AWS = {"Authorization": "AWS4-HMAC-SHA256 Credential=x"}
POLY_ID = "248df4b7-aa70-47b8-a036-33ac447e668d"
AMAZON = "/restapis/uojnr9hd57/models/output"


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with LiveServer(Config(specs=SPECS)) as server, httpx.Client(base_url=server.url) as client:
        yield client


def checked(client: httpx.Client, api: str, response: httpx.Response) -> dict:
    assert response_errors(effective(client, api), response) == []
    return response.json()


def test_scenarios_aisquared_put_then_put_again(client):
    first = {"model": {"name": "Churn", "query_type": "raw_sql", "connector_id": 3}}
    one = checked(client, "aisquared", client.put("/api/v1/models/41", headers=BEARER, json=first))
    assert one["data"]["id"] == "41" and one["data"]["type"] == "models"
    assert one["data"]["attributes"]["name"] == "Churn"
    time.sleep(1.1)  # timestamps have second precision
    second = {"model": {"name": "Churn v2", "query_type": "dbt", "connector_id": 4}}
    two = checked(client, "aisquared", client.put("/api/v1/models/41", headers=BEARER, json=second))
    attributes = two["data"]["attributes"]
    assert (attributes["name"], attributes["query_type"], attributes["connector_id"]) == (
        "Churn v2",
        "dbt",
        4,
    )
    assert attributes["created_at"] == one["data"]["attributes"]["created_at"]
    assert attributes["updated_at"] > one["data"]["attributes"]["updated_at"]
    stored = client.get("/__specmock/apis/aisquared/records/api/v1/models/41").json()
    assert stored["name"] == "Churn v2"


def test_scenarios_polytomic_full_replacement_clears_omitted_fields_and_bumps_version(client):
    url = f"/api/models/{POLY_ID}"
    full = {
        "configuration": {"table": "public.users"},
        "connection_id": POLY_ID,
        "name": "Users",
        "identifier": "id",
        "tracking_columns": ["updated_at"],
    }
    one = checked(client, "polytomic", client.put(url, headers=BEARER, json=full))
    assert one["data"]["identifier"] == "id" and one["data"]["id"] == POLY_ID
    partial = {k: v for k, v in full.items() if k not in ("identifier", "tracking_columns")}
    two = checked(client, "polytomic", client.put(url, headers=BEARER, json=partial))
    assert "identifier" not in two["data"] and "tracking_columns" not in two["data"]
    assert two["data"]["version"] == one["data"]["version"] + 1
    missing = client.put(
        f"/api/models/{'0' * 8}-0000-4000-8000-{'0' * 12}", headers=BEARER, json=full
    )
    assert missing.status_code == 404
    checked(client, "polytomic", missing)


def amazon_patch(client, *operations, path=AMAZON):
    return client.patch(path, headers=AWS, json={"patchOperations": list(operations)})


def test_scenarios_amazon_patch_operations(client):
    described = amazon_patch(client, {"op": "replace", "path": "/description", "value": "Totals"})
    assert checked(client, "apigateway", described)["description"] == "Totals"
    schema = json.dumps({"type": "object", "properties": {"total": {"type": "number"}}})
    replaced = amazon_patch(client, {"op": "replace", "path": "/schema", "value": schema})
    body = checked(client, "apigateway", replaced)
    assert body["schema"] == schema and body["description"] == "Totals" and body["name"] == "output"
    invalid = amazon_patch(client, {"op": "frobnicate", "path": "/description", "value": "x"})
    assert invalid.status_code == 400
    checked(client, "apigateway", invalid)
    failed = amazon_patch(
        client,
        {"op": "replace", "path": "/description", "value": "lost"},
        {"op": "test", "path": "/description", "value": "something else"},
    )
    assert failed.status_code == 409
    assert "operation 1 (test /description)" in checked(client, "apigateway", failed)["message"]
    after = client.get(f"/__specmock/apis/apigateway/records{AMAZON}").json()
    assert after["description"] == "Totals"  # nothing of the failed patch was applied
    gone = amazon_patch(
        client,
        {"op": "replace", "path": "/description", "value": "x"},
        path="/restapis/uojnr9hd57/models/Nope",
    )
    assert gone.status_code == 404
    checked(client, "apigateway", gone)


def test_scenarios_amazon_model_is_at_most_400_kb(client):
    huge = "x" * 409_600
    response = amazon_patch(client, {"op": "replace", "path": "/description", "value": huge})
    assert response.status_code == 409
    assert "over the limit of 409600" in response.json()["message"]


def test_scenarios_sessions_do_not_see_each_others_writes_and_reset_restores_seed(client):
    a, b = {"X-Specmock-Session": "a"}, {"X-Specmock-Session": "b"}
    amazon_patch_a = client.patch(
        AMAZON,
        headers={**AWS, **a},
        json={"patchOperations": [{"op": "replace", "path": "/description", "value": "A"}]},
    )
    assert amazon_patch_a.json()["description"] == "A"
    seen_by_b = client.get(f"/__specmock/apis/apigateway/records{AMAZON}", headers=b).json()
    assert seen_by_b["description"] == "Calc output"
    assert client.post("/__specmock/reset", headers=a).status_code == 200
    after = client.get(f"/__specmock/apis/apigateway/records{AMAZON}", headers=a).json()
    assert after["description"] == "Calc output"


def test_scenarios_admin_seeds_reads_and_removes_records(client):
    record = {"name": "Seeded", "query_type": "raw_sql", "connector_id": 9}
    put = client.put("/__specmock/apis/aisquared/records/api/v1/models/99", json=record)
    assert put.status_code == 200
    listed = client.get("/__specmock/apis/aisquared/records").json()["records"]
    assert listed["/api/v1/models/99"] == record
    assert client.delete("/__specmock/apis/aisquared/records/api/v1/models/99").status_code == 204
    assert client.get("/__specmock/apis/aisquared/records/api/v1/models/99").status_code == 404


def test_scenarios_journal_lists_requests_newest_first_with_violations(client):
    client.put("/api/v1/models/abc", headers=BEARER, json={})
    client.put(
        "/api/v1/models/7",
        headers=BEARER,
        json={"model": {"name": "a", "query_type": "b", "connector_id": 1}},
    )
    entries = client.get("/__specmock/requests").json()["requests"]
    assert [(e["method"], e["path"], e["status"]) for e in entries[:2]] == [
        ("PUT", "/api/v1/models/7", 200),
        ("PUT", "/api/v1/models/abc", 404),
    ]
    assert {"in": "path", "name": "id", "message": "'abc' is not a valid integer"} in entries[1][
        "violations"
    ]
    assert client.delete("/__specmock/requests").status_code == 204
    assert client.get("/__specmock/requests").json()["requests"] == []


def test_scenarios_state_file_survives_a_restart(tmp_path: Path):
    state = tmp_path / "state.json"
    config = Config(specs=SPECS, state_file=state)
    with LiveServer(config) as server:
        amazon = httpx.patch(
            f"{server.url}{AMAZON}",
            headers=AWS,
            json={"patchOperations": [{"op": "replace", "path": "/description", "value": "kept"}]},
        )
        assert amazon.status_code == 200
    assert state.is_file()
    with LiveServer(config) as server:
        record = httpx.get(f"{server.url}/__specmock/apis/apigateway/records{AMAZON}").json()
    assert record["description"] == "kept"


NOTES = TESTS / "specs"


def test_scenarios_notes_crud_list_pages_and_delete_then_read_is_404():
    with LiveServer(Config(specs=NOTES)) as server, httpx.Client(base_url=server.url) as client:
        created = [client.post("/notes", json={"title": f"n{i}"}) for i in range(5)]
        assert [r.status_code for r in created] == [201] * 5
        first = checked(client, "notes", created[0])
        assert (first["id"], first["pinned"], first["version"]) == (1, False, 1)
        assert created[0].headers["location"] == "/notes/1"
        page = client.get("/notes", params={"limit": 2, "offset": 1})
        assert [n["title"] for n in checked(client, "notes", page)["data"]] == ["n1", "n2"]
        assert page.headers["x-total-count"] == "5"
        assert page.json()["next_cursor"] == "3"
        after = checked(client, "notes", client.get("/notes", params={"limit": 2, "cursor": "3"}))
        assert [n["title"] for n in after["data"]] == ["n3", "n4"] and after["next_cursor"] is None
        client.patch(
            "/notes/3",
            headers={"Content-Type": "application/merge-patch+json"},
            content=b'{"pinned": true}',
        )
        pinned = checked(client, "notes", client.get("/notes", params={"pinned": "true"}))["data"]
        assert [n["id"] for n in pinned] == [3]
        assert client.delete("/notes/1").status_code == 204
        for response in (
            client.get("/notes/1"),
            client.delete("/notes/1"),
            client.put("/notes/1", json={"title": "x"}),
        ):
            assert response.status_code == 404
            checked(client, "notes", response)
        stale = client.patch(
            "/notes/2",
            headers={"If-Match": '"r0"', "Content-Type": "application/merge-patch+json"},
            content=b'{"pinned": true}',
        )
        assert stale.status_code == 409
        etag = client.get("/notes/2").headers["etag"]
        fresh = client.patch(
            "/notes/2",
            headers={"If-Match": etag, "Content-Type": "application/merge-patch+json"},
            content=b'{"pinned": true}',
        )
        assert checked(client, "notes", fresh)["pinned"] is True


JSON_PATCH = {"Content-Type": "application/json-patch+json"}
MERGE = {"Content-Type": "application/merge-patch+json"}


@pytest.fixture
def notes() -> Iterator[httpx.Client]:
    with LiveServer(Config(specs=NOTES)) as server, httpx.Client(base_url=server.url) as client:
        yield client


def test_scenarios_a_patch_must_leave_a_record_a_full_write_would_accept(notes):
    notes.post("/notes", json={"title": "a"})
    broken = json.dumps(
        [{"op": "remove", "path": "/title"}, {"op": "add", "path": "/extra", "value": 1}]
    )
    response = notes.patch("/notes/1", headers=JSON_PATCH, content=broken)
    assert response.status_code == 409
    assert "'title' is a required property" in response.json()["message"]
    assert notes.get("/__specmock/apis/notes/records/notes/1").json()["title"] == "a"


def test_scenarios_deleted_ids_are_not_handed_out_again(notes):
    notes.post("/notes", json={"title": "a"})
    notes.delete("/notes/1")
    assert notes.post("/notes", json={"title": "b"}).json()["id"] == 2


def test_scenarios_the_same_number_written_differently_is_one_record(client):
    body = {"model": {"name": "X", "query_type": "q", "connector_id": 1}}
    client.put("/api/v1/models/007", headers=BEARER, json=body)
    records = client.get("/__specmock/apis/aisquared/records").json()["records"]
    assert "/api/v1/models/7" in records and "/api/v1/models/007" not in records


def test_scenarios_if_match_accepts_star_weak_tags_and_lists(notes):
    notes.post("/notes", json={"title": "a"})
    etag = notes.get("/notes/1").headers["etag"]
    for form in ("*", "W/{}", '"nope", {}'):
        header = form.format(etag)
        response = notes.patch(
            "/notes/1", headers={**MERGE, "If-Match": header}, content=b'{"body": "x"}'
        )
        assert response.status_code == 200, header
        etag = response.headers["etag"]
    stale = notes.patch(
        "/notes/1", headers={**MERGE, "If-Match": '"nope"'}, content=b'{"body": "y"}'
    )
    assert stale.status_code == 409


def test_scenarios_server_owned_fields_cannot_be_patched_and_survive_put(client):
    renamed = amazon_patch(client, {"op": "replace", "path": "/name", "value": "other"})
    assert renamed.status_code == 409
    assert "/name" in renamed.json()["message"]
    url = f"/api/models/{POLY_ID}"
    body = {"configuration": {}, "connection_id": POLY_ID, "name": "U"}
    replaced = checked(client, "polytomic", client.put(url, headers=BEARER, json=body))
    assert replaced["data"]["type"] == "postgresql"  # only the server writes it


def test_scenarios_admin_put_checks_path_and_record(notes):
    assert notes.put("/__specmock/apis/notes/records/no/such/path", json={}).status_code == 400
    bad = notes.put("/__specmock/apis/notes/records/notes/5", json={"title": 5})
    assert bad.status_code == 400
    assert bad.json()["errors"] == [
        {"in": "body", "name": "/title", "message": "5 is not of type 'string'"}
    ]


def test_scenarios_location_includes_the_prefix_mount():
    with (
        LiveServer(Config(specs=NOTES, prefix=True)) as server,
        httpx.Client(base_url=server.url) as c,
    ):
        created = c.post("/notes/notes", json={"title": "a"})
        assert created.headers["location"] == "/notes/notes/1"
        assert c.get(created.headers["location"]).status_code == 200


def test_scenarios_journal_records_unknown_paths_and_methods(client):
    client.get("/nope")
    client.post("/api/v1/models/7", headers=BEARER)
    statuses = [e["status"] for e in client.get("/__specmock/requests").json()["requests"][:2]]
    assert statuses == [405, 404]


def test_scenarios_records_seeded_by_admin_read_back_with_their_path_id(notes):
    seeded = notes.put("/__specmock/apis/notes/records/notes/6", json={"title": "seeded"})
    assert seeded.status_code == 200
    assert checked(notes, "notes", notes.get("/notes/6"))["id"] == 6
    assert checked(notes, "notes", notes.get("/notes"))["data"][0]["id"] == 6


def test_scenarios_created_id_follows_the_record_schema_when_no_item_path_is_documented():
    # Kitchen documents POST /pets and PUT /pets/{petId}/photo but no /pets/{petId}: the id
    # must still be an integer the photo path accepts, and Location must name the same id.
    with LiveServer(Config(specs=NOTES)) as server, httpx.Client(base_url=server.url) as client:
        key = {"X-Api-Key": "k"}
        created = client.post("/v2/pets", json={"name": "Rex"}, headers=key)
        pet = checked(client, "kitchen", created)
        assert (pet["id"], created.headers["location"]) == (1, "/v2/pets/1")
        photo = client.put("/v2/pets/1/photo", files={"caption": (None, "hi")}, headers=key)
        assert photo.status_code == 204


PETSTORE = TESTS / "fixtures" / "petstore.json"


def test_scenarios_a_record_named_by_its_client_is_stored_under_that_name():
    """Petstore's users live at /user/{username}: the username a client creates is the key,
    each user still gets an id of its own, and a taken username is refused with the documented
    `default` answer (no body there, so the reason is in X-Specmock-Violations)."""
    with LiveServer(Config(specs=PETSTORE)) as server, httpx.Client(base_url=server.url) as client:
        assert client.post("/v2/user", json={"username": "al", "email": "a@b.c"}).status_code == 200
        assert client.post("/v2/user", json={"username": "bo"}).status_code == 200
        taken = client.post("/v2/user", json={"username": "al", "email": "x@y.z"})
        al = client.get("/v2/user/al", headers={"Accept": "application/json"})
        bo = client.get("/v2/user/bo", headers={"Accept": "application/json"})
    assert taken.status_code == 409
    assert json.loads(taken.headers["x-specmock-violations"]) == [
        {"in": "body", "name": "/username", "message": "a record is already stored at /user/al"}
    ]
    assert al.status_code == bo.status_code == 200
    assert (al.json()["username"], al.json()["email"]) == ("al", "a@b.c")  # not overwritten
    assert al.json()["id"] != bo.json()["id"]


def test_scenarios_a_taken_name_is_replaced_where_no_conflict_is_documented(notes):
    first = checked(notes, "notes", notes.post("/tags", json={"name": "urgent", "color": "red"}))
    again = checked(notes, "notes", notes.post("/tags", json={"name": "urgent", "color": "blue"}))
    assert (first["name"], again["name"], again["id"]) == ("urgent", "urgent", first["id"])
    assert checked(notes, "notes", notes.get("/tags/urgent"))["color"] == "blue"


def test_scenarios_a_name_that_cannot_be_a_path_segment_is_not_used_as_the_key(notes):
    # "Not a key" fits the record (maxLength 40) but not the path's pattern, and no 400 is
    # documented: the server names the record, and the record says so.
    created = checked(notes, "notes", notes.post("/tags", json={"name": "Not a key"}))
    assert created["name"] != "Not a key"
    assert checked(notes, "notes", notes.get(f"/tags/{created['name']}")) == created


LABELS = """
openapi: 3.1.0
info: {title: Labels, version: "1"}
paths:
  /labels:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Label"}
      responses:
        "201":
          description: Created.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Label"}
  /labels/{name}:
    get:
      parameters:
        - {name: name, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: The label.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Label"}
  /orders:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                orderId: {type: integer}
                kind: {type: string, default: plain}
      responses:
        "201": {description: Created.}
  /orders/{orderId}:
    get:
      parameters:
        - {name: orderId, in: path, required: true, schema: {type: string}}
      responses:
        "200": {description: The order.}
components:
  schemas:
    Label:
      type: object
      properties:
        id: {type: integer}
        name: {type: string, default: untitled}
"""


def test_scenarios_client_chosen_keys_are_path_safe_typed_as_the_path_and_never_defaults(
    tmp_path,
):
    (tmp_path / "labels.yaml").write_text(LABELS)
    with LiveServer(Config(specs=tmp_path)) as server, httpx.Client(base_url=server.url) as client:
        spaced = client.post("/labels", json={"name": "日本 a?b", "id": 3})
        unnamed = [client.post("/labels", json={}) for _ in range(2)]
        after = client.post("/labels", json={"name": "next"})
        order = client.post("/orders", json={"orderId": 7})
        records = client.get("/__specmock/apis/labels/records").json()["records"]
        read = client.get(spaced.headers["location"])
    assert spaced.status_code == 201
    assert spaced.headers["location"] == "/labels/%E6%97%A5%E6%9C%AC%20a%3Fb"
    assert read.json()["name"] == "日本 a?b"
    # no name sent: the server names the record; the schema's default is not a key to share
    assert [r.status_code for r in unnamed] == [201, 201]
    assert [r.json()["name"] for r in unnamed] != ["untitled", "untitled"]
    # the client's id 3 is taken: the next records get 4, 5, 6
    assert [r.json()["id"] for r in (spaced, *unnamed, after)] == [3, 4, 5, 6]
    # an integer in the body names the record its string path reads
    assert order.status_code == 201 and "/orders/7" in records


def test_scenarios_a_write_answered_with_its_only_documented_error_stores_nothing():
    """Petstore's POST /pet documents only `405 Invalid input`: that is the answer (as Prism's),
    and a client told its request failed must not find the pet stored."""
    with LiveServer(Config(specs=PETSTORE)) as server, httpx.Client(base_url=server.url) as client:
        auth = {"Authorization": "Bearer T"}
        refused = client.post("/v2/pet", json={"name": "Rex", "photoUrls": []}, headers=auth)
        records = client.get("/__specmock/apis/petstore/records").json()["records"]
    assert refused.status_code == 405
    assert records == {}
