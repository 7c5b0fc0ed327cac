"""Hot reload: specs, seed data and broken edits while serving; records kept where the shapes
did not change."""

from __future__ import annotations

import io
import time
from pathlib import Path

import httpx
import pytest

from specmock import settings
from specmock.config import Config
from specmock.web.app import create_app
from specmock.web.testing import LiveServer

NOTES = Path(__file__).parents[1] / "specs" / "notes.yaml"
_BOUND = 20  # seconds a wait may take at most; none is a timing assertion
PING = """
  /ping:
    get:
      responses:
        "200":
          description: Pong.
          content:
            application/json:
              schema: {type: object, properties: {pong: {type: boolean}}}
              example: {pong: true}
"""


@pytest.fixture
def specs(tmp_path: Path) -> Path:
    folder = tmp_path / "specs"
    folder.mkdir()
    (folder / "notes.yaml").write_text(NOTES.read_text())
    return folder


def with_ping(text: str) -> str:
    return text.replace("\npaths:\n", "\npaths:" + PING, 1)


def app_of(specs: Path, out: io.StringIO):
    app = create_app(Config(specs=specs, watch=True))
    app.state.reloader.out = out
    return app


def until(check, bound: float = _BOUND) -> bool:
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_reload_an_edited_spec_is_served_and_the_records_kept(specs):
    out = io.StringIO()
    with LiveServer(app=app_of(specs, out)) as server:
        note = httpx.post(f"{server.url}/notes", json={"title": "kept"})
        assert note.status_code == 201
        assert httpx.get(f"{server.url}/ping").status_code == 404
        spec = specs / "notes.yaml"
        spec.write_text(with_ping(spec.read_text()).replace("The note.", "The note, edited."))
        assert until(lambda: httpx.get(f"{server.url}/ping").status_code == 200), out.getvalue()
        assert httpx.get(f"{server.url}/ping").json() == {"pong": True}
        assert httpx.get(f"{server.url}{note.headers['location']}").json()["title"] == "kept"
    assert "reloaded after a change to " in out.getvalue()


@pytest.mark.anyio
async def test_reload_a_changed_schema_drops_that_collections_records_and_says_so(specs):
    out = io.StringIO()
    app = app_of(specs, out)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        assert (await client.post("/notes", json={"title": "a"})).status_code == 201
        spec = specs / "notes.yaml"
        spec.write_text(spec.read_text().replace("maxLength: 2000", "maxLength: 3000"))
        await app.state.reloader.reload([str(spec)])
        assert (await client.get("/notes/1")).status_code == 404
    assert (
        "the records of notes at /notes start again from the seed data: their schema changed"
        in (out.getvalue())
    )


@pytest.mark.anyio
async def test_reload_of_a_populated_fake_keeps_its_records_when_only_text_changed(specs):
    out = io.StringIO()
    app = create_app(Config(specs=specs, watch=True, records=2))
    app.state.reloader.out = out
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        made = (await client.get("/notes/1")).json()
        created = await client.post("/notes", json={"title": "mine"})
        spec = specs / "notes.yaml"
        spec.write_text(spec.read_text().replace("The note.", "The note, edited."))
        await app.state.reloader.reload([str(spec)])
        assert (await client.get("/notes/1")).json() == made
        assert (await client.get(created.headers["location"])).json()["title"] == "mine"
    assert "start again" not in out.getvalue()


@pytest.mark.anyio
async def test_reload_a_changed_schema_populates_that_api_again(specs):
    out = io.StringIO()
    app = create_app(Config(specs=specs, watch=True, records=2))
    app.state.reloader.out = out
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        assert (await client.get("/notes/2")).status_code == 200
        spec = specs / "notes.yaml"
        spec.write_text(spec.read_text().replace("maxLength: 2000", "maxLength: 3000"))
        await app.state.reloader.reload([str(spec)])
        listed = (await client.get("/notes")).json()
        assert (await client.get("/notes/2")).status_code == 200
    assert len(listed["data"]) == 2
    assert (
        "the records of notes at /notes start again from the seed data: their schema changed"
        in (out.getvalue())
    )


@pytest.mark.anyio
async def test_reload_a_broken_edit_keeps_the_last_good_version_and_reports_it(specs):
    out = io.StringIO()
    app = app_of(specs, out)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        assert (await client.post("/notes", json={"title": "a"})).status_code == 201
        spec = specs / "notes.yaml"
        spec.write_text("openapi: 3.1.0\npaths: [\n")
        await app.state.reloader.reload([str(spec)])
        assert (await client.get("/notes/1")).json()["title"] == "a"
        listed = (await client.get("/__specmock/apis")).json()
    assert [api["name"] for api in listed["apis"]] == ["notes"]
    assert listed["errors"] == [
        {"source": str(spec), "where": "line 3", "problem": listed["errors"][0]["problem"]}
    ]
    assert f"specmock: error: {spec}: line 3: " in out.getvalue()


@pytest.mark.anyio
async def test_reload_new_seed_data_is_served(specs):
    out = io.StringIO()
    app = app_of(specs, out)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        assert (await client.get("/notes/7")).status_code == 404
        seed = specs / "notes.data.yaml"
        record = "title: seeded, pinned: false, version: 1"
        stamps = "created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z'"
        seed.write_text(f"/notes/7: {{id: 7, {record}, {stamps}}}\n")
        await app.state.reloader.reload([str(seed)])
        assert (await client.get("/notes/7")).json()["title"] == "seeded"


def test_reload_off_without_watch(specs):
    assert create_app(Config(specs=specs)).state.reloader is None


@pytest.mark.anyio
async def test_reload_that_fails_as_a_whole_keeps_serving_everything(specs):
    out = io.StringIO()
    app = app_of(specs, out)
    (specs / "copy.yaml").write_text((specs / "notes.yaml").read_text())  # the same routes twice
    await app.state.reloader.reload([str(specs / "copy.yaml")])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        assert (await client.post("/notes", json={"title": "a"})).status_code == 201
    assert "failed, still serving the last good specs: GET /notes is served by both" in (
        out.getvalue()
    )


def app_with_settings(specs: Path, text: str, out: io.StringIO):
    """An app watching `specs` and the config file beside them, holding `text`."""
    path = specs.parent / "specmock.yaml"
    path.write_text(text)
    found = settings.load(path)
    app = create_app(Config(specs=specs, watch=True, **found.config_fields()))
    app.state.reloader.out = out
    return app, path


def test_reload_an_edited_config_file_applies_its_operation_settings(specs):
    out = io.StringIO()
    app, path = app_with_settings(specs, "port: 4010\n", out)
    with LiveServer(app=app) as server:
        assert httpx.get(f"{server.url}/notes").status_code == 200
        path.write_text('port: 4010\napis: {notes: {operations: {"GET /notes": {fault: "503"}}}}\n')
        assert until(lambda: httpx.get(f"{server.url}/notes").status_code == 503), out.getvalue()
    assert f"reloaded the per-API and per-operation settings of {path.resolve()}" in out.getvalue()


@pytest.mark.anyio
async def test_reload_config_file_api_settings_and_a_broken_edit_keeps_them(specs):
    out = io.StringIO()
    app, path = app_with_settings(specs, "apis: {notes: {}}\n", out)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        assert (await client.get("/notes")).status_code == 200
        path.write_text('apis: {notes: {fault: "500"}}\n')
        await app.state.reloader.reload([str(path.resolve())])
        assert (await client.get("/notes")).status_code == 500
        effective = (await client.get("/__specmock/apis/notes/openapi.json")).json()
        assert "500" in effective["paths"]["/notes"]["get"]["responses"]
        path.write_text("apis: {notes: {fault: boom}}\n")
        await app.state.reloader.reload([str(path.resolve())])
        assert (await client.get("/notes")).status_code == 500
    assert (
        "config not reloaded, still using the last good settings: "
        f"{path.resolve()}: apis.notes.fault: expected one of reset, close, empty, malformed,"
        ' timeout, 500, 503, got "boom"'
    ) in out.getvalue()


@pytest.mark.anyio
async def test_reload_config_file_changed_options_need_a_restart(specs):
    out = io.StringIO()
    app, path = app_with_settings(specs, "port: 4010\nmax-body: 1MiB\n", out)
    path.write_text("port: 4011\nmax-body: 1MiB\n")
    await app.state.reloader.reload([str(path.resolve())])
    assert app.state.specmock.config.max_body != 1024 * 1024  # options are not applied live
    assert f"{path.resolve()}: port changed: restart specmock to apply" in out.getvalue()


@pytest.mark.anyio
async def test_reload_config_file_x_specmock_overrides_build_the_apis_again(specs):
    out = io.StringIO()
    app, path = app_with_settings(specs, "apis: {notes: {}}\n", out)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        assert (await client.get("/notes/999")).status_code == 404
        override = '"GET /notes/{noteId}": {x-specmock: {role: other}}'
        path.write_text(f"apis: {{notes: {{operations: {{{override}}}}}}}\n")
        await app.state.reloader.reload([str(path.resolve())])
        assert (await client.get("/notes/999")).status_code == 200


SHOP = """\
openapi: 3.1.0
info: {title: Shop, version: "1"}
paths:
  /pets:
    post:
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}
      responses:
        "201":
          description: Made.
          content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}
  /pets/{petId}:
    get:
      parameters: [{name: petId, in: path, required: true, schema: {type: integer}}]
      responses:
        "200":
          description: A pet.
          content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}
  /users:
    post:
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/User"}}}
      responses:
        "201":
          description: Made.
          content: {application/json: {schema: {$ref: "#/components/schemas/User"}}}
  /users/{userId}:
    get:
      parameters: [{name: userId, in: path, required: true, schema: {type: integer}}]
      responses:
        "200":
          description: A user.
          content: {application/json: {schema: {$ref: "#/components/schemas/User"}}}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        id: {type: integer, readOnly: true}
        name: {type: string}
        owner: {$ref: "#/components/schemas/Owner"}
    Owner:
      type: object
      properties:
        nickname: {type: string}
        pets: {type: array, items: {$ref: "#/components/schemas/Pet"}}
    User:
      type: object
      required: [email]
      properties:
        id: {type: integer, readOnly: true}
        email: {type: string}
"""


@pytest.mark.anyio
async def test_reload_keeps_the_records_of_a_collection_whose_schema_did_not_change(tmp_path):
    specs = tmp_path / "specs"
    specs.mkdir()
    spec = specs / "shop.yaml"
    spec.write_text(SHOP)
    out = io.StringIO()
    app = app_of(specs, out)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        pet = await client.post("/pets", json={"name": "kept"})
        user = await client.post("/users", json={"email": "gone@example.com"})
        spec.write_text(
            SHOP.replace(
                "email: {type: string}", "email: {type: string}\n        age: {type: integer}"
            )
        )
        await app.state.reloader.reload([str(spec)])
        assert (await client.get(pet.headers["location"])).json()["name"] == "kept"
        assert (await client.get(user.headers["location"])).status_code == 404
        spec.write_text(SHOP.replace("nickname: {type: string}", "nickname: {type: integer}"))
        await app.state.reloader.reload([str(spec)])
        assert (await client.get(pet.headers["location"])).status_code == 404  # via Owner
    said = out.getvalue()
    assert (
        "the records of shop at /users start again from the seed data: their schema changed" in said
    )
    assert (
        "the records of shop at /pets start again from the seed data: their schema changed" in said
    )


@pytest.mark.anyio
async def test_reload_config_file_checks_operation_labels_and_example_names(specs):
    out = io.StringIO()
    app, path = app_with_settings(specs, 'apis: {notes: {operations: {"GET /notes": {}}}}\n', out)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        path.write_text(
            'apis: {notes: {fault: "503", operations: {"GET /notes": {example: nope}}}}\n'
        )
        await app.state.reloader.reload([str(path.resolve())])
        assert (await client.get("/notes")).status_code == 200  # the last good settings
        path.write_text('apis: {notes: {operations: {"GET /nope": {status: 404}}}}\n')
        await app.state.reloader.reload([str(path.resolve())])
    said = out.getvalue()
    assert (
        "config not reloaded, still using the last good settings: "
        f'{path.resolve()}: apis.notes.operations."GET /notes".example: expected the name of one'
        " of its responses' examples (it documents none), got 'nope'"
    ) in said
    assert (
        "config not reloaded, still using the last good settings: "
        f"{path.resolve()}: apis.notes.operations.\"GET /nope\": the API 'notes' has no such"
        " operation"
    ) in said
