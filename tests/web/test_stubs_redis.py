"""The stubs on a Redis store: two fakes share one state, and a Redis that stops is a 503 naming
it until it is back, with nothing lost (checked with openapi-core against the spec)."""

import threading
import time
import uuid
from typing import Any

import anyio
import anyio.to_thread
import httpx
import pytest
import redis
import yaml

from specmock.config import Config
from specmock.errors import ConfigError
from specmock.web.app import create_app
from tests.helpers import response_errors
from tests.web.conftest import NOTES, redis_fake

DOCUMENT: dict[str, Any] = yaml.safe_load(NOTES.read_text())
MERGE = {"Content-Type": "application/merge-patch+json"}
pytestmark = pytest.mark.anyio


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
    async with redis_fake(own_redis.url, "p") as client:
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


async def test_stubs_redis_no_request_hands_its_store_work_to_a_thread(redis_server, monkeypatch):
    """Reads and writes alike wait on Redis on the event loop (`greenlets`): a thread handoff per
    request cost more than the round trip."""
    handed: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(function: Any, *args: Any, **options: Any) -> Any:
        handed.append(getattr(function, "func", function).__name__)
        return await run_sync(function, *args, **options)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    async with redis_fake(redis_server.url, f"t{uuid.uuid4().hex[:8]}") as client:
        made = await client.post("/notes", json={"title": "one"})  # seeds the session first
        where = made.headers["Location"]
        read = await client.get(where)
        listed = await client.get("/notes")
        patched = await client.patch(where, json={"body": "b"}, headers=MERGE)
        records = await client.get("/__specmock/apis/notes/records")
        for answer in (made, read, listed, patched):
            assert answer.status_code in (200, 201) and response_errors(DOCUMENT, answer) == []
        assert records.json()["records"][where.removeprefix("http://test")]["body"] == "b"
        assert handed == []


# Holds Redis busy (one script runs at a time) for ARGV[1] microseconds.
BUSY = """
local start = redis.call('TIME')
repeat
  local now = redis.call('TIME')
until (now[1] - start[1]) * 1000000 + (now[2] - start[2]) > tonumber(ARGV[1])
"""


async def test_stubs_redis_a_slow_redis_holds_no_other_request_and_the_read_is_still_answered(
    redis_server,
):
    app = create_app(Config(specs=NOTES, store=redis_server.url, store_prefix="slow"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        where = (await client.post("/notes", json={"title": "slow"})).headers["Location"]
        blocker = redis.Redis.from_url(redis_server.url)
        busy = threading.Thread(target=blocker.eval, args=(BUSY, 0, 600_000))
        busy.start()
        time.sleep(0.1)  # the script has started: Redis answers no one until it ends
        finished: list[tuple[str, int]] = []

        async def fetch(name: str, path: str) -> None:
            finished.append((name, (await client.get(path)).status_code))

        async with anyio.create_task_group() as group:
            group.start_soon(fetch, "record", where)
            await anyio.sleep(0)  # the record's read is on its way first
            group.start_soon(fetch, "admin", "/__specmock/apis")
        busy.join()
        blocker.close()
        # the read waited on Redis without holding the loop: the admin request went by it
        assert finished == [("admin", 200), ("record", 200)]


async def test_stubs_redis_a_conflict_is_run_again_after_a_random_wait_that_grows(
    redis_server, monkeypatch
):
    """Writers that met on one record do not all come back at once (32 writers through three
    processes used up every try without the waits)."""
    from specmock.mock.storage import StoreConflict
    from specmock.web import stubs as stubs_module

    waits: list[float] = []
    monkeypatch.setattr(stubs_module, "pause", waits.append)
    original, conflicts = stubs_module.Stubs.act, iter(range(3))

    def act(self, *args, **options):
        if next(conflicts, None) is not None:
            raise StoreConflict("/notes/1 changed since it was read")
        return original(self, *args, **options)

    monkeypatch.setattr(stubs_module.Stubs, "act", act)
    async with redis_fake(redis_server.url, f"t{uuid.uuid4().hex[:8]}") as client:
        made = await client.post("/notes", json={"title": "after three conflicts"})
    assert made.status_code == 201
    assert len(waits) == 3
    assert all(0 <= wait <= bound for wait, bound in zip(waits, (0.001, 0.002, 0.004), strict=True))
