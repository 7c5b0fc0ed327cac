"""The admin API under `/__specmock/`: each endpoint's documented behaviour, per session."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from specmock.config import Config
from specmock.errors import SpecError
from specmock.spec.api import Api, Catalog
from specmock.web.app import create_app
from tests.web.notes import NOTES

TAG = {"type": "object", "properties": {"label": {"type": "string"}}}
TAGS: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Tags", "version": "1"},
    "paths": {
        "/tags/{tag}": {
            "parameters": [
                {"name": "tag", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "put": {
                "operationId": "putTag",
                "requestBody": {"content": {"application/json": {"schema": TAG}}},
                "responses": {
                    "200": {"description": "kept", "content": {"application/json": {"schema": TAG}}}
                },
            },
        }
    },
}
SEED = {"/notes/1": {"title": "seeded", "id": 1}}
SESSION = "X-Specmock-Session"


@pytest.fixture
def specs(tmp_path: Path) -> Path:
    (tmp_path / "notes.json").write_text(json.dumps(NOTES))
    (tmp_path / "notes.data.yaml").write_text(json.dumps(SEED))
    (tmp_path / "tags.json").write_text(json.dumps(TAGS))
    return tmp_path


@pytest.fixture
async def client(specs: Path) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(Config(specs=specs)))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def problem_of(response: httpx.Response) -> tuple[int, str, dict[str, Any]]:
    return response.status_code, response.headers["content-type"], response.json()


def not_found(detail: str) -> tuple[int, str, dict[str, Any]]:
    return (
        404,
        "application/problem+json",
        {
            "type": "urn:specmock:problem:not-found",
            "title": "Nothing is documented or stored at this path",
            "status": 404,
            "detail": detail,
        },
    )


def invalid(detail: str, *errors: dict[str, str]) -> tuple[int, str, dict[str, Any]]:
    body: dict[str, Any] = {
        "type": "urn:specmock:problem:invalid-request",
        "title": "The request does not match the API's spec",
        "status": 400,
        "detail": detail,
    }
    if errors:
        body["errors"] = list(errors)
    return 400, "application/problem+json", body


# -- what is served ----------------------------------------------------------------------------


@pytest.mark.anyio
async def test_admin_apis_lists_each_api_its_operations_and_the_load_errors():
    catalog = Catalog(
        (Api.from_dict("notes", NOTES),), (SpecError("specs/broken.yaml", "line 3", "not YAML"),)
    )
    transport = httpx.ASGITransport(app=create_app(Config(), catalog))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/__specmock/apis")
    assert response.status_code == 200
    assert response.json() == {
        "apis": [
            {
                "name": "notes",
                "title": "Notes",
                "mount": "/",
                "sources": ["<dict>"],
                "openapi": "/__specmock/apis/notes/openapi.json",
                "operations": [
                    {"method": "POST", "path": "/notes", "operationId": "addNote"},
                    {"method": "GET", "path": "/notes/{id}", "operationId": "getNote"},
                ],
            }
        ],
        "errors": [{"source": "specs/broken.yaml", "where": "line 3", "problem": "not YAML"}],
    }


@pytest.mark.anyio
async def test_admin_openapi_is_the_effective_spec():
    app = create_app(Config(), Catalog((Api.from_dict("notes", NOTES),), ()))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/__specmock/apis/notes/openapi.json")
    effective = app.state.specmock.served["notes"].effective
    assert (response.status_code, response.json()) == (200, effective)
    assert effective["servers"] == [{"url": "/", "description": "this specmock server"}]
    assert effective["paths"]["/notes"]["post"]["responses"]["400"]["content"].keys() == {
        "application/problem+json"
    }


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("GET", "/__specmock/apis/nope/openapi.json", id="openapi"),
        pytest.param("GET", "/__specmock/apis/nope/records", id="records"),
        pytest.param("GET", "/__specmock/apis/nope/records/notes/1", id="record"),
        pytest.param("PUT", "/__specmock/apis/nope/records/notes/1", id="put-record"),
        pytest.param("POST", "/__specmock/reset?api=nope", id="reset"),
    ],
)
async def test_admin_unknown_api_is_404_naming_the_served_ones(client, method, path):
    response = await client.request(method, path, json={"title": "x"})
    assert problem_of(response) == not_found("no API named 'nope'; served APIs: notes, tags")


# -- records -----------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_admin_records_lists_the_seed_data(client):
    response = await client.get("/__specmock/apis/notes/records")
    assert (response.status_code, response.json()) == (
        200,
        {"api": "notes", "session": "", "records": SEED},
    )


@pytest.mark.anyio
async def test_admin_record_reads_with_the_etag_the_api_answers_with(client):
    response = await client.get("/__specmock/apis/notes/records/notes/1")
    served = await client.get("/notes/1")
    assert (response.status_code, response.json()) == (200, SEED["/notes/1"])
    assert response.headers["etag"] == served.headers["etag"]


@pytest.mark.anyio
async def test_admin_put_stores_a_record_the_api_then_serves(client):
    put = await client.put("/__specmock/apis/notes/records/notes/7", json={"title": "seven"})
    assert (put.status_code, put.json()) == (200, {"title": "seven"})
    served = await client.get("/notes/7")  # the id is the server's, read from the path
    assert (served.status_code, served.json()) == (200, {"title": "seven", "id": 7})
    listed = (await client.get("/__specmock/apis/notes/records")).json()["records"]
    assert listed == {**SEED, "/notes/7": {"title": "seven"}}


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("path", "content", "refusal"),
    [
        pytest.param(
            "notes/7",
            b"{",
            invalid(
                "the body is not JSON: Expecting property name enclosed in double quotes: "
                "line 1 column 2 (char 1)"
            ),
            id="not-json",
        ),
        pytest.param(
            "notes/7", b"[1]", invalid("a record must be a JSON object, got [1]"), id="not-object"
        ),
        pytest.param(
            "other/7",
            b"{}",
            invalid("/other/7 is not an item path of 'notes' (item paths: /notes/{id})"),
            id="not-an-item-path",
        ),
        pytest.param(
            "notes/7",
            b'{"title": 5}',
            invalid(
                "the record does not fit /notes/7",
                {"in": "body", "name": "/title", "message": "5 is not of type 'string'"},
            ),
            id="breaks-the-schema",
        ),
    ],
)
async def test_admin_put_refuses_what_cannot_be_a_record(client, path, content, refusal):
    response = await client.put(f"/__specmock/apis/notes/records/{path}", content=content)
    assert problem_of(response) == refusal
    listed = (await client.get("/__specmock/apis/notes/records")).json()["records"]
    assert listed == SEED


@pytest.mark.anyio
async def test_admin_delete_removes_a_record_once(client):
    deleted = await client.delete("/__specmock/apis/notes/records/notes/1")
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert (await client.get("/notes/1")).status_code == 404
    missing = not_found("no record at /notes/1 in API 'notes'")
    assert problem_of(await client.get("/__specmock/apis/notes/records/notes/1")) == missing
    assert problem_of(await client.delete("/__specmock/apis/notes/records/notes/1")) == missing


# -- reset -------------------------------------------------------------------------------------


async def _change_both(client: httpx.AsyncClient) -> None:
    await client.put("/__specmock/apis/notes/records/notes/7", json={"title": "seven"})
    await client.put("/__specmock/apis/tags/records/tags/red", json={"label": "Red"})


async def _records(client: httpx.AsyncClient, api: str) -> Any:
    return (await client.get(f"/__specmock/apis/{api}/records")).json()["records"]


@pytest.mark.anyio
async def test_admin_reset_restores_the_seed_data_of_every_api(client):
    await _change_both(client)
    response = await client.post("/__specmock/reset")
    assert (response.status_code, response.json()) == (200, {"reset": "all", "session": ""})
    assert (await _records(client, "notes"), await _records(client, "tags")) == (SEED, {})


@pytest.mark.anyio
async def test_admin_reset_of_one_api_keeps_the_others(client):
    await _change_both(client)
    response = await client.post("/__specmock/reset", params={"api": "notes"})
    assert (response.status_code, response.json()) == (200, {"reset": "notes", "session": ""})
    assert await _records(client, "notes") == SEED
    assert await _records(client, "tags") == {"/tags/red": {"label": "Red"}}


# -- the journal and sessions ------------------------------------------------------------------


@pytest.mark.anyio
async def test_admin_requests_lists_the_session_journal_newest_first_and_clears_it(client):
    await client.get("/notes/1")
    await client.get("/notes/x")
    response = await client.get("/__specmock/requests")
    assert response.status_code == 200
    body = response.json()
    assert body["session"] == ""
    assert [{k: v for k, v in entry.items() if k != "at"} for entry in body["requests"]] == [
        {
            "id": 2,
            "session": "",
            "method": "GET",
            "path": "/notes/x",
            "status": 404,
            "api": "notes",
            "violations": [{"in": "path", "name": "id", "message": "'x' is not a valid integer"}],
        },
        {
            "id": 1,
            "session": "",
            "method": "GET",
            "path": "/notes/1",
            "status": 200,
            "api": "notes",
            "violations": [],
        },
    ]
    cleared = await client.delete("/__specmock/requests")
    assert (cleared.status_code, cleared.content) == (204, b"")
    after = await client.get("/__specmock/requests")
    assert after.json() == {"session": "", "requests": []}


@pytest.mark.anyio
async def test_admin_request_entry_gives_the_request_and_the_answer(client):
    await client.post("/notes?dry=1", json={"title": "Three"}, headers={SESSION: "b"})
    entry_id = (await client.get("/__specmock/requests", headers={SESSION: "b"})).json()[
        "requests"
    ][0]["id"]
    response = await client.get(f"/__specmock/requests/{entry_id}")
    entry = response.json()
    assert (entry["operation"], entry["query"], entry["session"]) == (
        "POST /notes",
        "dry=1",
        "b",
    )
    assert json.loads(entry["request"]["body"]) == {"title": "Three"}
    assert ["content-type", "application/json"] in entry["request"]["headers"]
    assert entry["answer"]["truncated"] is False
    assert entry["answer"]["size"] == len(entry["answer"]["body"].encode())


@pytest.mark.anyio
async def test_admin_request_entry_cuts_a_long_body_and_says_so(client):
    long = "x" * 70_000
    await client.post("/notes", json={"title": long})
    entry_id = (await client.get("/__specmock/requests")).json()["requests"][0]["id"]
    entry = (await client.get(f"/__specmock/requests/{entry_id}")).json()
    assert (entry["request"]["truncated"], len(entry["request"]["body"])) == (True, 65536)
    assert entry["request"]["size"] == len(json.dumps({"title": long}, separators=(",", ":")))


@pytest.mark.anyio
async def test_admin_request_entry_of_an_unknown_id_is_a_404(client):
    response = await client.get("/__specmock/requests/99")
    assert (response.status_code, response.json()["detail"]) == (
        404,
        "no request 99 in the journal (it keeps the latest 500)",
    )


@pytest.mark.anyio
async def test_admin_session_header_keeps_records_reset_and_journal_apart(client):
    a = {SESSION: "a"}
    await client.put("/__specmock/apis/notes/records/notes/7", json={"title": "a's"}, headers=a)
    await client.get("/notes/7", headers=a)
    records = await client.get("/__specmock/apis/notes/records", headers=a)
    assert records.json() == {
        "api": "notes",
        "session": "a",
        "records": {**SEED, "/notes/7": {"title": "a's"}},
    }
    assert await _records(client, "notes") == SEED
    assert (await client.get("/__specmock/requests")).json()["requests"] == []
    journal = (await client.get("/__specmock/requests", headers=a)).json()
    assert (journal["session"], [e["path"] for e in journal["requests"]]) == ("a", ["/notes/7"])
    await client.delete("/__specmock/requests")
    assert len((await client.get("/__specmock/requests", headers=a)).json()["requests"]) == 1
    reset = await client.post("/__specmock/reset", headers=a)
    assert reset.json() == {"reset": "all", "session": "a"}
    assert (await client.get("/__specmock/apis/notes/records", headers=a)).json()["records"] == SEED


@pytest.mark.anyio
async def test_admin_ending_a_session_frees_its_place_and_a_full_store_answers_503(tmp_path):
    app = create_app(Config(specs=tmp_path), Catalog((Api.from_dict("notes", NOTES),), ()))
    app.state.specmock.store.max_sessions = 1
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        other = {"X-Specmock-Session": "other"}
        assert (await client.get("/__specmock/apis/notes/records")).status_code == 200
        refused = await client.get("/__specmock/apis/notes/records", headers=other)
        assert (refused.status_code, refused.json()["status"]) == (503, 503)
        assert (await client.delete("/__specmock/session")).status_code == 204
        listed = await client.get("/__specmock/apis/notes/records", headers=other)
        assert listed.json() == {"api": "notes", "session": "other", "records": {}}


# -- the dashboard's controls --------------------------------------------------------------------


async def _put_controls(client: httpx.AsyncClient, *controls: Any) -> httpx.Response:
    return await client.put("/__specmock/controls", json={"controls": list(controls)})


def _documented(spec: dict[str, Any]) -> list[str]:
    return sorted(spec["paths"]["/notes/{id}"]["get"]["responses"])


@pytest.mark.anyio
async def test_admin_controls_are_none_at_first(client):
    response = await client.get("/__specmock/controls")
    assert response.json() == {"controls": [], "injected": []}


@pytest.mark.anyio
async def test_admin_controls_put_applies_them_to_the_next_request_and_the_spec(client):
    control = {"api": "notes", "operation": "get /notes/{id}", "fault": "500"}
    response = await _put_controls(client, control, {"api": "notes", "delay": "1"})
    assert response.status_code == 200
    assert response.json() == {
        "controls": [
            {"api": "notes", "operation": "GET /notes/{id}", "delay": None, "fault": "500"}
            | {"chance": 1.0, "off": False},
            {"api": "notes", "operation": None, "delay": "1", "fault": None}
            | {"chance": 1.0, "off": False},
        ],
        "injected": [500],
    }
    assert (await client.get("/notes/1")).status_code == 500
    journal = (await client.get("/__specmock/requests")).json()["requests"]
    assert journal[0]["injected"] == "delay=1, fault=500"
    spec = (await client.get("/__specmock/apis/notes/openapi.json")).json()
    assert "500" in _documented(spec)
    await _put_controls(client)
    assert (await client.get("/notes/1")).status_code == 200
    spec = (await client.get("/__specmock/apis/notes/openapi.json")).json()
    assert "500" not in _documented(spec)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("body", "detail"),
    [
        pytest.param(b"[", "the body is not JSON: ", id="not-json"),
        pytest.param(b"[]", 'expected {"controls": [...]}, got []', id="not-object"),
        pytest.param(
            b'{"controls": [{"api": "pets"}]}',
            "a control is refused: /controls/0/api: no API named 'pets'; served APIs: notes, tags",
            id="unknown-api",
        ),
        pytest.param(
            b'{"controls": [{"api": "notes", "operation": "GET /pets"}]}',
            "a control is refused: /controls/0/operation: 'GET /pets' is not an operation of "
            "'notes' (POST /notes, GET /notes/{id})",
            id="unknown-operation",
        ),
        pytest.param(
            b'{"controls": [{"api": "notes", "delay": "soon"}]}',
            "a control is refused: /controls/0/delay: 'soon' is not a delay: "
            "expected 300, 300ms, 1s or 200-800ms",
            id="bad-delay",
        ),
    ],
)
async def test_admin_controls_put_refuses_what_is_no_control(client, body, detail):
    response = await client.put("/__specmock/controls", content=body)
    status, media, problem = problem_of(response)
    assert (status, media) == (400, "application/problem+json")
    assert problem["detail"].startswith(detail)
    assert (await client.get("/__specmock/controls")).json()["controls"] == []
