"""The stub pipeline over HTTP (httpx's ASGI transport): route, inbound checks, act, answer, and
one journal entry per request."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from specmock.config import Config
from specmock.settings import parse
from specmock.spec.api import Api
from specmock.web.app import create_app
from specmock.web.request import SESSION_HEADER as SESSION
from specmock.web.stubs import Stubs
from tests.web.notes import NOTES

NOTES_SPEC = Path(__file__).parents[1] / "specs" / "notes.yaml"

SPEC: dict[str, Any] = {
    **NOTES,
    "paths": {
        **NOTES["paths"],
        "/ping": {
            "get": {
                "responses": {
                    "200": {
                        "description": "pong",
                        "content": {
                            "text/plain": {"schema": {"type": "string"}, "example": "pong"}
                        },
                    }
                }
            }
        },
    },
}


@pytest.fixture
def stubs() -> Stubs:
    return Stubs([Api.from_dict("notes", SPEC)], Config())


@pytest.fixture
async def client(stubs: Stubs) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=stubs)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def problem(response: httpx.Response) -> tuple[int, str, dict[str, Any]]:
    return response.status_code, response.headers["content-type"], response.json()


@pytest.mark.anyio
async def test_stubs_unknown_path_is_a_404_problem(client):
    assert problem(await client.get("/nope")) == (
        404,
        "application/problem+json",
        {
            "type": "urn:specmock:problem:not-found",
            "title": "Nothing is documented or stored at this path",
            "status": 404,
            "detail": "no operation is documented at '/nope'",
        },
    )


@pytest.mark.anyio
async def test_stubs_undocumented_method_is_a_405_problem_with_allow(client):
    response = await client.delete("/ping")
    assert response.headers["allow"] == "GET"
    assert problem(response) == (
        405,
        "application/problem+json",
        {
            "type": "urn:specmock:problem:method-not-allowed",
            "title": "The path does not document this method",
            "status": 405,
            "detail": "DELETE is not documented for /ping; documented: GET",
        },
    )


@pytest.mark.anyio
async def test_stubs_documented_answer_is_the_example(client):
    response = await client.get("/ping")
    assert (response.status_code, response.headers["content-type"], response.text) == (
        200,
        "text/plain; charset=utf-8",
        "pong",
    )


@pytest.mark.anyio
async def test_stubs_inbound_problem_is_problem_json_where_no_error_shape_is_documented(client):
    response = await client.post("/notes", json={"title": 5})
    assert problem(response) == (
        400,
        "application/problem+json",
        {
            "type": "urn:specmock:problem:invalid-request",
            "title": "The request does not match the API's spec",
            "status": 400,
            "detail": "1 problem: body /title: 5 is not of type 'string'",
            "errors": [{"in": "body", "name": "/title", "message": "5 is not of type 'string'"}],
        },
    )


@pytest.mark.anyio
async def test_stubs_inbound_problem_takes_the_documented_error_response(client):
    response = await client.get("/notes/x")
    assert (response.status_code, response.content) == (404, b"")
    assert json.loads(response.headers["x-specmock-violations"]) == [
        {"in": "path", "name": "id", "message": "'x' is not a valid integer"}
    ]


@pytest.mark.anyio
async def test_stubs_act_stores_a_created_record_and_reads_it_back(client):
    created = await client.post("/notes", json={"title": "first"})
    assert (created.status_code, created.headers["location"]) == (201, "/notes/1")
    assert created.json() == {"title": "first", "id": 1}
    read = await client.get("/notes/1")
    assert (read.status_code, read.json()) == (200, {"title": "first", "id": 1})
    assert read.headers["etag"] == created.headers["etag"]


@pytest.mark.anyio
async def test_stubs_journal_notes_each_request_newest_first(stubs, client):
    await client.get("/nope")
    await client.delete("/ping")
    await client.post("/notes", json={"title": 5})
    await client.get("/ping")
    noted = [
        (entry.method, entry.path, entry.status, [v.as_dict() for v in entry.violations])
        for entry in stubs.journal.entries("")
    ]
    assert noted == [
        ("GET", "/ping", 200, []),
        (
            "POST",
            "/notes",
            400,
            [{"in": "body", "name": "/title", "message": "5 is not of type 'string'"}],
        ),
        ("DELETE", "/ping", 405, []),
        ("GET", "/nope", 404, []),
    ]


@pytest.mark.anyio
async def test_stubs_journal_and_store_are_per_session(stubs, client):
    await client.post("/notes", json={"title": "a's"}, headers={"X-Specmock-Session": "a"})
    assert (await client.get("/notes/1")).status_code == 404
    read = await client.get("/notes/1", headers={"X-Specmock-Session": "a"})
    assert (read.status_code, read.json()) == (200, {"title": "a's", "id": 1})
    assert [(e.method, e.status) for e in stubs.journal.entries("a")] == [
        ("GET", 200),
        ("POST", 201),
    ]
    assert [(e.method, e.status) for e in stubs.journal.entries("")] == [("GET", 404)]


@pytest.mark.anyio
async def test_stubs_head_is_answered_as_get_without_a_body(client):
    made = await client.post("/notes", json={"title": "a"})
    got = await client.get(made.headers["location"])
    head = await client.head(made.headers["location"])
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["etag"] == got.headers["etag"]
    assert (await client.head("/notes/99")).status_code == 404  # as GET answers it
    assert (await client.request("HEAD", "/notes")).status_code == 405  # no GET to stand in


@pytest.mark.anyio
async def test_stubs_a_new_session_past_the_cap_is_a_503_naming_the_limit(stubs, client):
    stubs.store.max_sessions = 2
    for name in ("", "a"):
        created = await client.post("/notes", json={"title": name}, headers={SESSION: name})
        assert created.status_code == 201
    refused = await client.post("/notes", json={"title": "b"}, headers={SESSION: "b"})
    assert refused.headers["retry-after"] == "1800"
    assert problem(refused) == (
        503,
        "application/problem+json",
        {
            "type": "urn:specmock:problem:unavailable",
            "title": "The server cannot take this request now; retry later",
            "status": 503,
            "detail": "session 'b' cannot start: 2 sessions are in use and none has been idle"
            " for 1800 s (--session-ttl); retry in 1800 s",
        },
    )
    mine = await client.get("/notes/1", headers={SESSION: "a"})
    assert mine.json()["title"] == "a"  # the session in use was kept


@pytest.mark.anyio
async def test_stubs_config_file_x_specmock_overrides_what_the_operation_does():
    found = parse(
        "specmock.yaml",
        {
            "apis": {
                "notes": {"operations": {"GET /notes/{noteId}": {"x-specmock": {"role": "other"}}}}
            }
        },
    )
    app = create_app(Config(specs=NOTES_SPEC, operation_settings=found.operations))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        answered = await client.get("/notes/999")  # from the examples, not from the store
    assert answered.status_code == 200
    plain = create_app(Config(specs=NOTES_SPEC))
    transport = httpx.ASGITransport(app=plain)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        assert (await client.get("/notes/999")).status_code == 404
