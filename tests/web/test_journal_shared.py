"""With a Redis store the journal is shared: the admin API and the dashboard's live stream of
one fake show the requests another fake served (two apps on one real Redis)."""

import asyncio
import uuid

import httpx
import pytest

from specmock.config import Config
from specmock.web.app import create_app
from tests.web.conftest import NOTES, redis_fake

SESSION = {"X-Specmock-Session": "mine"}
pytestmark = pytest.mark.anyio


async def journal(client: httpx.AsyncClient, count: int) -> list[dict]:
    """The session's journal once it holds `count` entries (another process writes it a moment
    later), tried a bounded number of times."""
    for _ in range(100):
        found = (await client.get("/__specmock/requests", headers=SESSION)).json()["requests"]
        if len(found) >= count:
            return found
        await asyncio.sleep(0.02)
    return found


async def test_journal_shared_lists_requests_served_by_another_fake(fakes):
    one, two = fakes
    made = await one.post("/notes", json={"title": "a"}, headers=SESSION)
    await two.get(made.headers["Location"], headers=SESSION)
    await one.get("/notes", headers={"X-Specmock-Session": "other"})
    entries = await journal(two, 2)
    assert [(e["method"], e["status"]) for e in entries] == [("GET", 200), ("POST", 201)]
    full = await one.get(f"/__specmock/requests/{entries[1]['id']}")
    assert full.json()["request"]["body"] == '{"title":"a"}'
    assert full.json()["answer"]["body"] == made.text
    assert (await one.delete("/__specmock/requests", headers=SESSION)).status_code == 204
    assert (await two.get("/__specmock/requests", headers=SESSION)).json()["requests"] == []
    other = (await two.get("/__specmock/requests", headers={"X-Specmock-Session": "other"})).json()
    assert len(other["requests"]) == 1


async def test_journal_shared_the_live_stream_shows_another_fakes_requests(redis_server):
    prefix = f"t{uuid.uuid4().hex[:8]}"
    watched = create_app(Config(specs=NOTES, store=redis_server.url, store_prefix=prefix))
    live = watched.state.dashboard.site.live
    queue = live.subscribe()
    await asyncio.sleep(0.2)  # the follower has found where the stream ends
    async with redis_fake(redis_server.url, prefix) as other:
        await other.post("/notes", json={"title": "seen"})
    entry = await asyncio.wait_for(queue.get(), 10)
    assert entry is not None and (entry.method, entry.path, entry.status) == ("POST", "/notes", 201)
    live.unsubscribe(queue)
    watched.state.specmock.journal.close()


async def test_journal_shared_a_stopped_redis_is_a_503_for_the_journal_not_for_serving_it(
    own_redis,
):
    async with redis_fake(own_redis.url, "p") as client:
        own_redis.stop()
        down = await client.get("/__specmock/requests")
        assert down.status_code == 503
        assert down.json()["detail"].startswith(f"the store {own_redis.url} failed: ")
        own_redis.start(durable=True)
        await client.get("/notes")
        assert len((await client.get("/__specmock/requests")).json()["requests"]) == 1
