"""The journal kept in Redis: shared by every process on a prefix, bounded, and never in the way
of serving when Redis fails (against a real redis-server)."""

import asyncio
import time
import uuid

import pytest

from specmock.mock.journal import Exchange, JournalEntry, Message
from specmock.mock.redis_journal import RedisJournal
from specmock.mock.storage import StoreFault
from specmock.violations import Violation
from tests.redis_server import RedisServer


@pytest.fixture
def pair(redis_server: RedisServer):
    prefix = f"j{uuid.uuid4().hex[:8]}"
    one, two = RedisJournal(redis_server.url, prefix), RedisJournal(redis_server.url, prefix)
    yield one, two
    one.close()
    two.close()


def test_redis_journal_an_entry_written_by_one_process_is_read_by_another_in_full(pair):
    one, two = pair
    exchange = Exchange(
        "notes",
        "POST /notes",
        "a=1",
        Message.of(((b"content-type", b"application/json"),), b'{"title":"\xc3\xa9"}'),
        Message.of(((b"x-bin", b"\xff"),), b"\x00\xff"),
    )
    violation = Violation("body", "/title", "is too long")
    one.add("s1", "POST", "/notes", 400, [violation], "delay=5", exchange)
    one.add("s2", "GET", "/notes", 200, ())
    assert [e.path for e in one.entries()] == ["/notes", "/notes"]  # own writes, flushed
    seen = two.entries("s1")
    assert len(seen) == 1
    entry = seen[0]
    shown = (entry.session, entry.method, entry.status, entry.injected)
    assert shown == ("s1", "POST", 400, "delay=5")
    assert entry.violations == (violation,)
    assert entry.exchange == exchange
    assert two.get(entry.id) == entry
    assert two.get(entry.id + 1000) is None


def test_redis_journal_ids_are_unique_and_the_newest_comes_first_across_processes(pair):
    one, two = pair
    for index in range(10):
        (one if index % 2 else two).add("", "GET", f"/{index}", 200, ())
        time.sleep(0.001)  # each request served a moment after the last
    one.entries()
    entries = two.entries()
    assert len({entry.id for entry in entries}) == 10
    assert [entry.path for entry in entries] == [f"/{index}" for index in range(9, -1, -1)]


def test_redis_journal_clear_drops_a_session_for_every_process(pair):
    one, two = pair
    one.add("gone", "GET", "/a", 200, ())
    one.add("kept", "GET", "/b", 200, ())
    one.entries()
    two.clear("gone")
    assert [(e.session, e.path) for e in one.entries()] == [("kept", "/b")]


def test_redis_journal_is_capped(redis_server):
    journal = RedisJournal(redis_server.url, f"j{uuid.uuid4().hex[:8]}", size=20)
    for index in range(300):
        journal.add("", "GET", f"/{index}", 200, ())
    entries = journal.entries()
    assert [e.path for e in entries] == [f"/{index}" for index in range(299, 279, -1)]
    length = int(journal.client.xlen(journal.key))  # type: ignore[arg-type]
    assert length < 300  # trimmed in Redis too, not only when read
    journal.close()


def test_redis_journal_follow_hands_other_processes_entries_to_the_listeners(pair):
    one, two = pair

    async def followed() -> JournalEntry:
        got: asyncio.Queue[JournalEntry] = asyncio.Queue()
        two.listeners.append(got.put_nowait)
        two.follow()
        await asyncio.sleep(0.2)  # the follower has read where the stream ends
        one.add("", "DELETE", "/x", 204, ())
        return await asyncio.wait_for(got.get(), 10)

    entry = asyncio.run(followed())
    assert (entry.method, entry.path, entry.status) == ("DELETE", "/x", 204)


def test_redis_journal_a_failing_redis_drops_entries_and_reads_are_store_faults(own_redis, caplog):
    journal = RedisJournal(own_redis.url, "p")
    own_redis.stop()
    journal.add("", "GET", "/lost", 200, ())  # never raises: serving goes on
    journal.add("", "GET", "/lost", 200, ())
    with pytest.raises(StoreFault) as fault:
        journal.entries()
    assert str(fault.value).startswith(f"the store {own_redis.url} failed: ")
    assert journal.dropped == 2
    assert sum("the journal's store" in r.getMessage() for r in caplog.records) == 1
    own_redis.start(durable=True)
    journal.add("", "GET", "/kept", 200, ())
    assert [e.path for e in journal.entries()] == ["/kept"]
    journal.close()
