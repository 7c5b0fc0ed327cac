"""The dashboard's pages and event stream, over HTTP: every API listed, a request beside its spec,
entries streamed as they happen, and the admin guard in front of it all."""

from __future__ import annotations

import asyncio
import html
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from specmock.config import Config
from specmock.mock.journal import Journal
from specmock.web.app import create_app
from specmock.web.dashboard.live import Live
from specmock.web.testing import LiveServer
from tests.conftest import SPECS

MODEL = "/api/v1/models/7"
BAD_MODEL = {"model": {"name": 5}}
AUTH = {"Authorization": "Bearer T"}


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Config(specs=SPECS, host="127.0.0.1"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        yield client


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(Config(specs=SPECS)) as server:
        yield server


async def _page(client: httpx.AsyncClient, path: str) -> str:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return html.unescape(response.text)


@pytest.mark.anyio
async def test_dashboard_home_lists_every_api_with_its_mount_and_operations(client):
    page = await _page(client, "/__specmock/")
    for name, title in [
        ("aisquared", "AI Squared API"),
        ("apigateway", "Amazon API Gateway"),
        ("polytomic", "Polytomic API"),
    ]:
        assert f'<a href="/__specmock/ui/apis/{name}">{title}</a>' in page
    assert "<dt>operations</dt><dd>3</dd>" in page
    assert "polytomic.yaml" in page


@pytest.mark.anyio
async def test_dashboard_home_lists_the_files_that_failed_to_load(tmp_path):
    (tmp_path / "good.yaml").write_text((SPECS / "polytomic.yaml").read_text())
    (tmp_path / "broken.yaml").write_text("openapi: 3.1.0\npaths: [\n")
    transport = httpx.ASGITransport(app=create_app(Config(specs=tmp_path)))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        page = await _page(client, "/__specmock/")
    assert "Load errors" in page
    assert "broken.yaml" in page


@pytest.mark.anyio
async def test_dashboard_without_a_slash_redirects_home(client):
    response = await client.get("/__specmock")
    assert (response.status_code, response.headers["location"]) == (308, "/__specmock/")


@pytest.mark.anyio
async def test_dashboard_api_page_loads_swagger_ui_from_this_server(client):
    page = await _page(client, "/__specmock/ui/apis/aisquared")
    assert 'data-spec="/__specmock/apis/aisquared/openapi.json"' in page
    assert '<script src="/__specmock/static/swagger-ui/swagger-ui-bundle.js"></script>' in page
    assert "https://" not in page  # nothing from a CDN
    bundle = await client.get("/__specmock/static/swagger-ui/swagger-ui-bundle.js")
    assert (bundle.status_code, "SwaggerUIBundle" in bundle.text) == (200, True)
    script = await client.get("/__specmock/static/reference.js")
    assert "X-Specmock-Session" in script.text


@pytest.mark.anyio
async def test_dashboard_api_page_of_an_unknown_api_is_a_404(client):
    response = await client.get("/__specmock/ui/apis/nope")
    assert (response.status_code, response.json()["detail"]) == (
        404,
        "no API named 'nope'; served APIs: aisquared, apigateway, polytomic",
    )


@pytest.mark.anyio
async def test_dashboard_requests_page_shows_entries_newest_first_violations_marked(client):
    await client.get("/api/v1/models/x")
    await client.put(MODEL, json=BAD_MODEL, headers=AUTH)
    page = await _page(client, "/__specmock/ui/requests")
    assert page.index(f">{MODEL}</a>") < page.index(">/api/v1/models/x</a>")
    assert '<tr class="entry violated" data-id="2" data-api="aisquared" data-status="400"' in page
    assert "⚠ 3 violations" in page
    assert '<script src="/__specmock/static/live.js" data-root="/__specmock"></script>' in page


@pytest.mark.anyio
async def test_dashboard_request_page_shows_request_answer_and_the_spec(client):
    await client.put(MODEL, json=BAD_MODEL, headers={**AUTH, "X-Specmock-Session": "s1"})
    entry = (await client.get("/__specmock/requests", headers={"X-Specmock-Session": "s1"})).json()
    page = await _page(client, f"/__specmock/ui/requests/{entry['requests'][0]['id']}")
    assert "<code>PUT /api/v1/models/{id}</code>" in page
    assert "<code>s1</code>" in page
    assert '"name": 5' in page  # the request body, indented
    assert "in body <code>/model/name</code>: 5 is not of type 'string'" in page
    assert "The documented response <code>400</code>" in page
    assert '<th scope="row">authorization</th><td>Bearer T</td>' in page


@pytest.mark.anyio
async def test_dashboard_escapes_what_clients_send(client):
    await client.get("/<script>alert(1)</script>")
    response = await client.get("/__specmock/ui/requests")
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


@pytest.mark.anyio
async def test_dashboard_request_page_of_an_unknown_id_is_a_404(client):
    response = await client.get("/__specmock/ui/requests/42")
    assert (response.status_code, response.json()["detail"]) == (
        404,
        "no request 42 in the journal",
    )


# -- the event stream ---------------------------------------------------------------------------


def test_dashboard_stream_sends_each_new_entry_as_an_event(server):
    with (
        httpx.Client(base_url=server.url, timeout=10) as client,
        client.stream("GET", "/__specmock/requests/stream") as stream,
    ):
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        assert next(lines) == "retry: 1000"
        client.put(MODEL, json=BAD_MODEL, headers=AUTH)
        seen = [next(lines) for _ in range(4)]
    assert seen[1:3] == [f"id: {seen[1][4:]}", "event: entry"]
    assert seen[3].startswith('data: {"id":')
    assert f'"method":"PUT","path":"{MODEL}","status":400,"api":"aisquared"' in seen[3]


@pytest.mark.anyio
async def test_dashboard_live_close_ends_every_stream():
    journal = Journal()
    live = Live(journal)
    events = live.events("start\n\n", lambda entry: f"{entry.path}\n\n")
    assert await anext(events) == "start\n\n"
    waiting = asyncio.ensure_future(anext(events))
    await asyncio.sleep(0)
    journal.add("", "GET", "/a", 200, ())
    assert await waiting == "/a\n\n"
    waiting = asyncio.ensure_future(anext(events))
    await asyncio.sleep(0)
    live.close()
    with pytest.raises(StopAsyncIteration):
        await waiting


# -- the guard ----------------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize(
    "path", ["/__specmock/", "/__specmock/ui/requests", "/__specmock/requests/stream"]
)
@pytest.mark.parametrize(
    ("headers", "status"),
    [
        pytest.param({"Host": "evil.example"}, 403, id="wrong-host"),
        pytest.param({"Origin": "http://127.0.0.1:9999"}, 403, id="other-origin"),
        pytest.param({"Sec-Fetch-Site": "cross-site"}, 403, id="cross-site"),
    ],
)
async def test_dashboard_is_refused_as_the_admin_api_is(client, path, headers, status):
    response = await client.get(path, headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


@pytest.fixture
async def token_client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Config(specs=SPECS, host="127.0.0.1", admin_token="s3cret"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        yield client


@pytest.mark.anyio
async def test_dashboard_with_an_admin_token_needs_it(token_client):
    refused = await token_client.get("/__specmock/")
    assert refused.status_code == 401
    wrong = await token_client.get("/__specmock/?token=nope")
    assert wrong.status_code == 401
    assert (await token_client.get("/__specmock/ui/requests?token=s3cret")).status_code == 401


@pytest.mark.anyio
async def test_dashboard_token_in_the_url_once_sets_a_strict_httponly_cookie(token_client):
    response = await token_client.get("/__specmock/?token=s3cret")
    assert (response.status_code, response.headers["location"]) == (303, "/__specmock/")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("specmock-admin-token=s3cret;")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/__specmock" in cookie
    assert (await token_client.get("/__specmock/ui/requests")).status_code == 200
    assert (await token_client.get("/__specmock/apis")).status_code == 200
