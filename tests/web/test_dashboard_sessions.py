"""The session picker over HTTP: the sessions the store and the journal know, a name picked or
typed kept in the `specmock-session` cookie, a name no header could carry refused beside the
field, and the way back only to a dashboard page."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator

import httpx
import pytest

from specmock.config import Config
from specmock.web.app import create_app
from tests.conftest import SPECS

UI = "/__specmock/ui/session"
FORM = {"Origin": "http://127.0.0.1"}


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Config(specs=SPECS, host="127.0.0.1"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        yield client


@pytest.mark.anyio
async def test_dashboard_session_lists_the_sessions_the_store_and_journal_know(client):
    await client.get("/__specmock/apis/aisquared/records", headers={"X-Specmock-Session": "kept"})
    await client.get("/nowhere", headers={"X-Specmock-Session": "seen"})
    page = html.unescape((await client.get(UI)).text)
    assert '<option value=""><option value="kept"><option value="seen">' in page
    assert '<button type="submit" aria-current="true">(default)</button>' in page


@pytest.mark.anyio
async def test_dashboard_session_picked_sets_the_cookie_and_goes_back(client):
    picked = await client.post(
        UI, data={"session": "s1", "next": "/__specmock/ui/controls"}, headers=FORM
    )
    assert (picked.status_code, picked.headers["location"]) == (303, "/__specmock/ui/controls")
    cookie = picked.headers["set-cookie"]
    assert cookie.startswith("specmock-session=s1;")
    assert "Path=/__specmock" in cookie and "SameSite=strict" in cookie
    assert "session: <code>s1</code>" in (await client.get("/__specmock/ui/records")).text


@pytest.mark.anyio
@pytest.mark.parametrize(
    "back", ["https://evil.example/", "//evil.example/x", "/api/v1/models/7", "/__specmock\\x"]
)
async def test_dashboard_session_goes_back_only_to_a_dashboard_page(client, back):
    picked = await client.post(UI, data={"session": "s1", "next": back}, headers=FORM)
    assert picked.headers["location"] == "/__specmock/ui/records"


@pytest.mark.anyio
async def test_dashboard_session_name_no_header_could_carry_is_refused(client):
    refused = await client.post(UI, data={"session": "a b;c"}, headers=FORM)
    assert refused.status_code == 400
    page = html.unescape(refused.text)
    assert (
        '<ul class="field-errors" id="session-errors"><li>\'a b;c\' cannot be a session name'
    ) in page
    assert 'value="a b;c" aria-invalid="true"' in page
    assert "set-cookie" not in refused.headers


@pytest.mark.anyio
async def test_dashboard_session_form_from_another_site_is_refused(client):
    refused = await client.post(UI, data={"session": "x"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403
    assert "set-cookie" not in refused.headers
