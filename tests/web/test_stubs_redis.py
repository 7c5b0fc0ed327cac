"""The stubs on a Redis store: two fakes share one state, and a Redis that stops is a 503 naming
it until it is back, with nothing lost (checked with openapi-core against the spec)."""

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from specmock.config import Config
from specmock.errors import ConfigError
from specmock.web.app import create_app
from tests.helpers import response_errors
from tests.redis_server import RedisServer

NOTES = Path(__file__).resolve().parents[1] / "specs" / "notes.yaml"
DOCUMENT: dict[str, Any] = yaml.safe_load(NOTES.read_text())
MERGE = {"Content-Type": "application/merge-patch+json"}
pytestmark = pytest.mark.anyio


def fake(url: str, prefix: str) -> httpx.AsyncClient:
    app = create_app(Config(specs=NOTES, store=url, store_prefix=prefix))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.fixture
async def fakes(redis_server: RedisServer) -> AsyncIterator[tuple[httpx.AsyncClient, ...]]:
    prefix = f"t{uuid.uuid4().hex[:8]}"
    async with fake(redis_server.url, prefix) as one, fake(redis_server.url, prefix) as two:
        yield one, two


async def test_stubs_redis_a_record_made_through_one_fake_is_read_patched_deleted_through_another(
    fakes,
):
    one, two = fakes
    made = await one.post("/notes", json={"title": "shared"})
    assert made.status_code == 201 and response_errors(DOCUMENT, made) == []
    where = made.headers["Location"]
    read = await two.get(where)
    assert read.json() == made.json() and read.headers["ETag"] == made.headers["ETag"]
    patched = await two.patch(where, json={"body": "from two"}, headers=MERGE)
    assert patched.status_code == 200 and response_errors(DOCUMENT, patched) == []
    assert (await one.get(where)).json()["body"] == "from two"
    stale = await one.patch(
        where, json={"body": "x"}, headers={**MERGE, "If-Match": made.headers["ETag"]}
    )
    assert stale.status_code == 409  # the first revision's ETag (the 409 is documented, no 412)
    assert stale.json()["message"].startswith(f"If-Match {made.headers['ETag']} does not match")
    assert (await two.delete(where)).status_code == 204
    gone = await one.get(where)
    assert gone.status_code == 404 and response_errors(DOCUMENT, gone) == []
    again = await two.post("/notes", json={"title": "next"})
    assert again.json()["id"] != made.json()["id"]  # an id is never given out twice


async def test_stubs_redis_stopped_is_a_503_naming_it_and_the_fake_recovers_with_records_intact(
    own_redis,
):
    async with fake(own_redis.url, "p") as client:
        made = await client.post("/notes", json={"title": "kept"})
        where = made.headers["Location"]
        own_redis.stop()
        down = await client.get(where)
        assert (down.status_code, down.headers["content-type"]) == (503, "application/problem+json")
        assert down.headers["Retry-After"] == "1"
        detail = down.json()["detail"]
        assert detail.startswith(f"the store {own_redis.url} failed: ")
        assert "refused" in detail
        admin = await client.get("/__specmock/apis/notes/records")
        assert admin.status_code == 503 and admin.json()["detail"].startswith("the store ")
        reset = await client.post("/__specmock/reset")
        assert reset.status_code == 503
        for page in ("/__specmock/ui/records/notes", "/__specmock/ui/session"):
            shown = await client.get(page)  # the dashboard's pages too: a 503, never a 500
            assert shown.status_code == 503 and "the store " in shown.json()["detail"]
        own_redis.start(durable=True)
        back = await client.get(where)
        assert back.status_code == 200 and back.json() == made.json()
        assert response_errors(DOCUMENT, back) == []


def test_stubs_redis_refuses_a_state_file_beside_a_redis_store(redis_server, tmp_path):
    config = Config(specs=NOTES, store=redis_server.url, state_file=tmp_path / "s.json")
    with pytest.raises(ConfigError, match="leave out --state-file"):
        create_app(config)
