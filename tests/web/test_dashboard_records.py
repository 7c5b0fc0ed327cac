"""The records pages over HTTP: collections listed, a record edited (and answered at once by the
API), refused with its errors beside the field, deleted after a confirm step, added, reset; plain
form POSTs that a page of another site cannot send."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator

import httpx
import pytest

from specmock.config import Config
from specmock.web.app import create_app
from tests.conftest import SPECS
from tests.helpers import response_errors

UI = "/__specmock/ui/records"
API = f"{UI}/apigateway"
MODELS = "/restapis/uojnr9hd57/models"
MODEL = f"{MODELS}/output"
PAGE = f"{API}{MODEL}"
AUTH = {"Authorization": "AWS4-HMAC-SHA256 T"}
FORM = {"Origin": "http://127.0.0.1"}  # what a browser sends with a form of this server's page
SEEDED = '"description": "Calc output"'


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Config(specs=SPECS, host="127.0.0.1"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        yield client


async def _page(client: httpx.AsyncClient, path: str, status: int = 200) -> str:
    response = await client.get(path)
    assert response.status_code == status, response.text
    return html.unescape(response.text)


async def _post(
    client: httpx.AsyncClient, url: str, headers: dict[str, str] | None = None, **fields: str
) -> httpx.Response:
    return await client.post(url, data=fields, headers=FORM if headers is None else headers)


async def _model(client: httpx.AsyncClient, path: str = MODEL, session: str = "") -> httpx.Response:
    """The stored model as the API answers it: an empty PATCH changes nothing."""
    return await client.patch(path, json={}, headers=AUTH | {"X-Specmock-Session": session})


def _record(page: str) -> str:
    """The text of a page's record textarea."""
    start = page.index('name="record"')
    return page[page.index(">", start) + 1 : page.index("</textarea>", start)]


@pytest.mark.anyio
async def test_dashboard_records_lists_each_api_with_its_record_count(client):
    page = await _page(client, UI)
    assert '<a href="/__specmock/ui/records/aisquared">aisquared</a></td><td>2</td>' in page
    assert '<a href="/__specmock/ui/records/polytomic">polytomic</a></td><td>1</td>' in page


@pytest.mark.anyio
async def test_dashboard_records_of_an_api_lists_collections_ids_and_key_fields(client):
    page = await _page(client, API)
    assert f'<h2 id="c1"><code>{MODELS}</code> <span class="hint">(1)</span></h2>' in page
    assert '<th scope="col">name</th><th scope="col">contentType</th>' in page
    assert f'<td><a href="{PAGE}">output</a></td><td>output</td><td>application/json</td>' in page


@pytest.mark.anyio
async def test_dashboard_record_page_shows_the_record_as_pretty_json(client):
    page = await _page(client, PAGE)
    assert f"<h1><code>{MODEL}</code></h1>" in page
    assert _record(page).startswith('{\n  "id": "hkhn0z",\n  "name": "output",')


@pytest.mark.anyio
async def test_dashboard_record_edit_is_answered_by_the_api_at_once(client):
    text = _record(await _page(client, PAGE)).replace(SEEDED, '"description": "Sums"')
    saved = await _post(client, PAGE, action="save", record=text)
    assert (saved.status_code, saved.headers["location"]) == (303, f"{PAGE}?done=saved")
    answer = await _model(client)
    assert answer.status_code == 200
    assert answer.json()["description"] == "Sums"
    spec = (await client.get("/__specmock/apis/apigateway/openapi.json")).json()
    assert response_errors(spec, answer) == []
    assert "Saved: the API answers with it from now on." in await _page(
        client, f"{PAGE}?done=saved"
    )


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param(
            '{"description": 5}', "at /description: 5 is not of type 'string'", id="schema"
        ),
        pytest.param('{"name": ', "not JSON: Expecting value: line 1 column 10", id="not-json"),
        pytest.param("[1]", "a record must be a JSON object, got [1]", id="not-object"),
    ],
)
async def test_dashboard_record_edit_refused_shows_why_and_keeps_the_text(client, text, error):
    refused = await _post(client, PAGE, action="save", record=text)
    assert refused.status_code == 400
    page = html.unescape(refused.text)
    assert 'aria-invalid="true" aria-describedby="record-errors"' in page
    assert f'<ul class="field-errors" id="record-errors"><li>{error}' in page
    assert _record(page) == text
    assert "Calc output" in (await _model(client)).text


@pytest.mark.anyio
async def test_dashboard_record_delete_asks_first_then_deletes(client):
    confirm = await _page(client, f"{PAGE}?confirm=delete")
    assert f"Delete {MODEL}?" in confirm
    assert f'<form method="post" action="{PAGE}">' in confirm
    assert '<input type="hidden" name="action" value="delete">' in confirm
    assert (await _model(client)).status_code == 200
    deleted = await _post(client, PAGE, action="delete")
    assert (deleted.status_code, deleted.headers["location"]) == (
        303,
        f"{API}?done=deleted",
    )
    assert (await _model(client)).status_code == 404
    gone = await client.get(PAGE)
    assert gone.json()["detail"] == f"no record at {MODEL} in API 'apigateway'"


@pytest.mark.anyio
async def test_dashboard_record_added_at_an_item_path(client):
    new = f"{MODELS}/input"
    added = await _post(client, API, action="add", path=new, record='{"description": "New"}')
    assert (added.status_code, added.headers["location"]) == (303, f"{API}{new}?done=added")
    answer = await _model(client, new)
    assert (answer.status_code, answer.json()["description"]) == (200, "New")


@pytest.mark.anyio
async def test_dashboard_record_added_under_a_collection_gets_a_new_id(client):
    added = await _post(client, API, action="add", path=MODELS, record='{"description": "New"}')
    assert added.status_code == 303
    path = added.headers["location"].removeprefix(API).removesuffix("?done=added")
    assert path.startswith(f"{MODELS}/") and path != MODEL
    answer = await _model(client, path)
    assert (answer.status_code, answer.json()["description"]) == (200, "New")


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("fields", "status", "field", "error"),
    [
        pytest.param(
            {"path": "/nowhere/1", "record": "{}"},
            400,
            "path",
            "/nowhere/1 is neither an item path nor a collection of 'apigateway' "
            "(item paths: /restapis/{restapi_id}/models/{model_name})",
            id="not-a-path",
        ),
        pytest.param(
            {"path": MODEL, "record": "{}"},
            409,
            "path",
            f"a record is already stored at {MODEL}: open it to edit it",
            id="taken",
        ),
        pytest.param(
            {"path": f"{MODELS}/other", "record": '{"description": 5}'},
            400,
            "record",
            "at /description: 5 is not of type 'string'",
            id="schema",
        ),
    ],
)
async def test_dashboard_record_add_refused_shows_why_beside_the_field(
    client, fields, status, field, error
):
    refused = await _post(client, API, action="add", **fields)
    assert refused.status_code == status
    page = html.unescape(refused.text)
    assert f'<ul class="field-errors" id="{field}-errors"><li>{error}</li>' in page
    assert f'value="{fields["path"]}"' in page
    assert _record(page) == fields["record"]


@pytest.mark.anyio
async def test_dashboard_reset_of_one_api_and_of_all(client):
    await _post(client, PAGE, action="delete")
    await _post(client, f"{UI}/aisquared/api/v1/models/7", action="delete")
    reset = await _post(client, API, action="reset")
    assert (reset.status_code, reset.headers["location"]) == (303, f"{API}?done=reset")
    assert (await _model(client)).status_code == 200
    aisquared = (await client.get("/__specmock/apis/aisquared/records")).json()["records"]
    assert list(aisquared) == ["/api/v1/connectors/5"]
    await _post(client, PAGE, action="delete")
    everything = await _post(client, UI, action="reset")
    assert (everything.status_code, everything.headers["location"]) == (303, f"{UI}?done=reset")
    assert (await _model(client)).status_code == 200
    aisquared = (await client.get("/__specmock/apis/aisquared/records")).json()["records"]
    assert len(aisquared) == 2


@pytest.mark.anyio
async def test_dashboard_records_of_the_session_in_the_cookie(client):
    client.cookies.set("specmock-session", "s1")
    text = _record(await _page(client, PAGE)).replace(SEEDED, '"description": "Mine"')
    assert (await _post(client, PAGE, action="save", record=text)).status_code == 303
    assert "Mine" in (await _model(client, session="s1")).text
    assert "Calc output" in (await _model(client)).text
    assert "session: <code>s1</code>" in await _page(client, UI)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("headers", "status", "where"),
    [
        pytest.param({"Origin": "http://evil.example"}, 403, "Origin", id="other-origin"),
        pytest.param({"Origin": "http://127.0.0.1:9999"}, 403, "Origin", id="other-port"),
        pytest.param({"Sec-Fetch-Site": "cross-site"}, 403, "Sec-Fetch-Site", id="cross-site"),
        pytest.param({}, 403, "Origin", id="no-origin"),
    ],
)
async def test_dashboard_record_form_from_another_site_is_refused(client, headers, status, where):
    refused = await _post(client, PAGE, headers=headers, action="delete")
    assert refused.status_code == status
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["errors"][0]["name"] == where
    assert (await _model(client)).status_code == 200


@pytest.mark.anyio
async def test_dashboard_record_form_must_be_a_form(client):
    refused = await client.post(PAGE, json={"action": "delete"}, headers=FORM)
    assert refused.status_code == 415
    assert refused.json()["errors"] == [
        {
            "in": "header",
            "name": "Content-Type",
            "message": "application/json is not application/x-www-form-urlencoded",
        }
    ]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("path", "detail"),
    [
        pytest.param(
            f"{UI}/pets",
            "no API named 'pets'; served APIs: aisquared, apigateway, polytomic",
            id="api",
        ),
        pytest.param(
            f"{PAGE}s",
            f"no record at {MODEL}s in API 'apigateway'",
            id="record",
        ),
    ],
)
async def test_dashboard_records_of_what_is_not_there_is_a_404(client, path, detail):
    response = await client.get(path)
    assert (response.status_code, response.json()["detail"]) == (404, detail)
