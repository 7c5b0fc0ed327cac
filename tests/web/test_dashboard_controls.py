"""The controls page over HTTP: latency and faults set, turned off and cleared from a form, shown
with where they come from, applied to the next request (the journal's `injected` mark), and the
injected statuses documented in the effective spec while they are on."""

from __future__ import annotations

import html
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from specmock.config import Config, Delay, OperationFaults
from specmock.web.app import create_app
from tests.web.notes import NOTES

UI = "/__specmock/ui/controls"
FORM = {"Origin": "http://127.0.0.1"}
GET_NOTE = "GET /notes/{id}"


def _app(tmp_path: Path, **options: Any) -> Any:
    (tmp_path / "notes.json").write_text(json.dumps(NOTES))
    (tmp_path / "notes.data.yaml").write_text(json.dumps({"/notes/1": {"title": "a", "id": 1}}))
    return create_app(Config(specs=tmp_path, host="127.0.0.1", **options))


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app(tmp_path))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        yield client


async def _set(client: httpx.AsyncClient, **fields: str) -> httpx.Response:
    return await client.post(UI, data={"api": "notes"} | fields, headers=FORM)


async def _last_injected(client: httpx.AsyncClient) -> str | None:
    entries = (await client.get("/__specmock/requests")).json()["requests"]
    injected: str | None = entries[0].get("injected")
    return injected


def _row(page: str, label: str) -> str:
    start = page.index(f'<tr data-operation="{label}">')
    return page[start : page.index("</tr>", start)]


@pytest.mark.anyio
async def test_dashboard_controls_a_delay_set_is_taken_by_the_next_request(client):
    applied = await _set(client, operation=GET_NOTE, mode="set", delay="1")
    assert (applied.status_code, applied.headers["location"]) == (303, f"{UI}?done=1#api-notes")
    assert (await client.get("/notes/1")).status_code == 200
    assert await _last_injected(client) == "delay=1"
    page = html.unescape((await client.get(applied.headers["location"])).text)
    assert "Applied: the next request gets it." in page
    assert '1 ms <span class="source">from dashboard operation</span>' in _row(page, GET_NOTE)


@pytest.mark.anyio
async def test_dashboard_controls_a_500_turned_on_and_off_updates_the_spec(client):
    def documented(spec: dict[str, Any]) -> list[str]:
        return sorted(spec["paths"]["/notes/{id}"]["get"]["responses"])

    await _set(client, mode="set", fault="500")
    assert (await client.get("/notes/1")).status_code == 500
    assert await _last_injected(client) == "fault=500"
    spec = (await client.get("/__specmock/apis/notes/openapi.json")).json()
    assert "500" in documented(spec)
    page = html.unescape((await client.get(UI)).text)
    assert '500 <span class="source">from dashboard API</span>' in _row(page, GET_NOTE)
    cleared = await _set(client, mode="clear")
    assert cleared.status_code == 303
    assert (await client.get("/notes/1")).status_code == 200
    spec = (await client.get("/__specmock/apis/notes/openapi.json")).json()
    assert "500" not in documented(spec)
    assert (await client.get("/__specmock/controls")).json()["controls"] == []


@pytest.mark.anyio
async def test_dashboard_controls_off_silences_the_config_and_flags(tmp_path):
    app = _app(
        tmp_path, latency=Delay(0.001, 0.001), api_faults={"notes": OperationFaults(fault="503")}
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        page = html.unescape((await client.get(UI)).text)
        row = _row(page, GET_NOTE)
        assert '1 ms <span class="source">from --latency</span>' in row
        assert '503 <span class="source">from config API</span>' in row
        assert (await client.get("/notes/1")).status_code == 503
        await _set(client, operation=GET_NOTE, mode="off")
        assert (await client.get("/notes/1")).status_code == 200
        assert await _last_injected(client) is None
        page = html.unescape((await client.get(UI)).text)
        assert "(dashboard operation (off))" in _row(page, GET_NOTE)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("fields", "field", "error"),
    [
        pytest.param(
            {"delay": "soon"},
            "delay",
            "'soon' is not a delay: expected 300, 300ms, 1s or 200-800ms",
            id="delay",
        ),
        pytest.param({"chance": "2"}, "chance", "2.0 is not a number from 0 to 1", id="chance"),
        pytest.param(
            {"operation": "GET /pets"},
            "operation",
            "'GET /pets' is not an operation of 'notes' (POST /notes, GET /notes/{id})",
            id="operation",
        ),
        pytest.param(
            {"fault": "boom"},
            "fault",
            "'boom' is not one of reset, close, empty, malformed, timeout, 500, 503",
            id="fault",
        ),
        pytest.param({"mode": "loud"}, "mode", "'loud' is not one of set, off, clear", id="mode"),
    ],
)
async def test_dashboard_controls_refused_shows_why_beside_the_field(client, fields, field, error):
    refused = await _set(client, **{"mode": "set"} | fields)
    assert refused.status_code == 400
    page = html.unescape(refused.text)
    assert f'<span class="field-errors" id="{field}-errors">{error}</span>' in page
    assert (await client.get("/__specmock/controls")).json()["controls"] == []


@pytest.mark.anyio
async def test_dashboard_controls_form_from_another_site_is_refused(client):
    refused = await client.post(
        UI, data={"api": "notes", "fault": "500"}, headers={"Origin": "http://evil.example"}
    )
    assert refused.status_code == 403
    assert (await client.get("/__specmock/controls")).json()["controls"] == []
