"""What the Redis store adds to every backend's promises (`test_store` runs those on both): one
state shared by processes, checked writes, sessions that expire, and faults that name the store."""

import socket
import threading
import uuid
from typing import Any

import pytest
import redis

from specmock.mock.redis_store import RedisStore, check_url, shown
from specmock.mock.server_fields import ServerFields
from specmock.mock.storage import Address, StoreConflict, StoreFault
from tests.redis_server import RedisServer, free_port

SEED = {"pets": {"/pets/1": {"name": "Rex", "id": 1}}}
PLAIN = ServerFields({}, frozenset(), "id")


@pytest.fixture
def two(redis_server: RedisServer) -> tuple[RedisStore, RedisStore]:
    """Two stores on one Redis and prefix, as two processes have them."""
    prefix = f"t{uuid.uuid4().hex[:8]}"
    return (
        RedisStore(redis_server.url, SEED, prefix=prefix),
        RedisStore(redis_server.url, SEED, prefix=prefix),
    )


def test_redis_store_two_stores_on_one_prefix_share_records_and_seed_once(two):
    first, second = two
    first.session().put("pets", "/pets/2", {"name": "Tom"})
    assert second.session().get("pets", "/pets/2").record == {"name": "Tom"}
    assert [p for p, _ in second.session().children("pets", "/pets")] == ["/pets/1", "/pets/2"]
    assert second.session().delete("pets", "/pets/1")
    assert first.session().get("pets", "/pets/1") is None  # not seeded again by the second
    first.reset()
    assert second.session().get("pets", "/pets/1").record == {"name": "Rex", "id": 1}


def test_redis_store_prefixes_keep_fakes_apart(redis_server):
    one = RedisStore(redis_server.url, SEED, prefix=f"a{uuid.uuid4().hex[:8]}")
    other = RedisStore(redis_server.url, SEED, prefix=f"b{uuid.uuid4().hex[:8]}")
    one.session().put("pets", "/pets/2", {"name": "Tom"})
    assert other.session().get("pets", "/pets/2") is None


def test_redis_store_a_write_over_a_record_changed_since_it_was_read_is_a_conflict(two):
    first, second = two
    reading = first.session()
    seen = reading.get("pets", "/pets/1")
    second.session().put("pets", "/pets/1", {"name": "Changed"})
    with pytest.raises(StoreConflict, match="/pets/1 changed since it was read"):
        reading.write("pets", Address("/pets/1", "/pets", "1"), {**seen.record, "x": 1}, PLAIN)
    fresh = first.session()
    assert fresh.get("pets", "/pets/1").record == {"name": "Changed"}
    absent = first.session()
    assert absent.get("pets", "/pets/9") is None
    second.session().put("pets", "/pets/9", {"name": "First"})
    with pytest.raises(StoreConflict):  # it read nothing there: a create found it taken
        absent.write("pets", Address("/pets/9", "/pets", "9"), {"name": "Late"}, PLAIN)


def test_redis_store_concurrent_merge_patches_through_two_stores_lose_nothing(two):
    stores, writers, rounds = two, 8, 25

    def patch(number: int) -> None:
        store = stores[number % 2]
        for round_ in range(rounds):
            while True:
                session = store.session()
                record = session.get("pets", "/pets/1").record
                change = {**record, f"w{number}r{round_}": round_}
                try:
                    session.write("pets", Address("/pets/1", "/pets", "1"), change, PLAIN)
                    break
                except StoreConflict:
                    continue

    threads = [threading.Thread(target=patch, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    stored = stores[0].session().get("pets", "/pets/1")
    written = {k for k in stored.record if k.startswith("w")}
    assert written == {f"w{n}r{r}" for n in range(writers) for r in range(rounds)}
    assert stored.revision == 1 + writers * rounds


def test_redis_store_integer_ids_are_never_given_twice_across_stores(two):
    first, second = two
    schema = {"type": "integer"}
    made = [s.session().new_id("pets", "/pets", schema) for s in (first, second, first)]
    assert made == [2, 3, 4]  # counted past the seeded /pets/1
    first.session().issue("pets", "/pets", "40")
    assert second.session().new_id("pets", "/pets", schema) == 41
    assert second.session().was_issued("pets", "/pets", "3")


def test_redis_store_named_sessions_expire_when_idle_and_the_default_one_never(redis_server):
    prefix = f"t{uuid.uuid4().hex[:8]}"
    store = RedisStore(redis_server.url, SEED, prefix=prefix, session_ttl=60)
    store.session("s").put("pets", "/pets/2", {"name": "Tom"})
    store.session("").put("pets", "/pets/2", {"name": "Tom"})
    client: Any = redis.Redis.from_url(redis_server.url)  # typed for the async client too
    named = client.keys(f"{prefix}:s:*")
    default = client.keys(f"{prefix}::*")
    assert named and default
    assert all(0 < client.pttl(key) <= 60_000 for key in named)
    assert all(client.pttl(key) == -1 for key in default)


def test_redis_store_end_forgets_a_session_and_its_next_use_is_seeded_again(two):
    first, second = two
    first.session("s").delete("pets", "/pets/1")
    assert first.end("s") is True
    assert second.session("s").get("pets", "/pets/1").record == {"name": "Rex", "id": 1}


def test_redis_store_unreachable_is_a_fault_naming_the_store_and_what_failed():
    port = free_port()
    store = RedisStore(f"redis://:secret@127.0.0.1:{port}/0", SEED)
    with pytest.raises(StoreFault) as fault:
        store.session()
    assert fault.value.store == f"redis://127.0.0.1:{port}/0"  # never the password
    assert str(fault.value).startswith(f"the store redis://127.0.0.1:{port}/0 failed: ")
    assert "refused" in str(fault.value)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        pytest.param(
            "mysql://db/1",
            "'mysql://db/1' is not a store: 'memory', or a Redis URL such as"
            " redis://127.0.0.1:6379/0",
            id="scheme",
        ),
        pytest.param(
            "redis://host/x",
            "'redis://host/x' is not a Redis URL: the database 'x' is no number",
            id="database",
        ),
        pytest.param(
            "redis://host:port/0",
            "'redis://host:port/0' is not a Redis URL: Port could not be cast to integer value"
            " as 'port'",
            id="port",
        ),
        pytest.param(
            "unix://",
            "'unix://' is not a Redis URL: a unix:// URL names the socket by its absolute path,"
            " as unix:///run/redis/redis.sock?db=0",
            id="unix-without-path",
        ),
        pytest.param(
            "unix://redis.sock?db=2",
            "'unix://redis.sock?db=2' is not a Redis URL: a unix:// URL names the socket by its"
            " absolute path, as unix:///run/redis/redis.sock?db=0",
            id="unix-relative",
        ),
    ],
)
def test_redis_store_check_url_refuses_what_is_no_redis_url(url, message):
    with pytest.raises(ValueError) as refused:
        check_url(url)
    assert str(refused.value) == message


def test_redis_store_shown_leaves_the_password_out():
    assert shown("redis://user:pw@h:1/2?socket_timeout=3") == "redis://h:1/2"


def test_redis_store_a_redis_that_does_not_answer_is_a_timeout_fault_not_a_hang():
    with socket.socket() as silent:  # accepts connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        store = RedisStore(f"redis://127.0.0.1:{port}/0?socket_timeout=0.2", SEED)
        with pytest.raises(StoreFault) as fault:
            store.session()
    assert str(fault.value).startswith(
        f"the store redis://127.0.0.1:{port}/0 failed: no answer within the timeout"
    )


def test_redis_store_session_names_are_those_any_process_started(two):
    first, second = two
    first.session("ana:1")  # a `:` in a name cannot be mistaken for a key's separator
    second.session("bo b")
    first.session().put("pets", "/pets/seeded", {"name": "Key"})
    assert sorted(second.session_names(10)) == ["", "ana:1", "bo b"]
    assert len(first.session_names(2)) == 2


def test_redis_store_a_singleton_deleted_through_one_process_is_gone_for_another(two):
    first, second = two
    gone = first.session().get("pets", "/pets/1").made_up("deleted singletons", set)
    gone.add("/pets/1/lock")
    seen = second.session().get("pets", "/pets/1").made_up("deleted singletons", set)
    assert "/pets/1/lock" in seen and "/pets/1/tag" not in seen
    seen.discard("/pets/1/lock")  # written again through the second
    assert "/pets/1/lock" not in first.session().get("pets", "/pets/1").made_up(
        "deleted singletons", set
    )
    gone.add("/pets/1/lock")
    assert second.session().delete("pets", "/pets/1")
    first.session().put("pets", "/pets/1", {"name": "Rex again"})  # made again: a new item
    again = second.session().get("pets", "/pets/1").made_up("deleted singletons", set)
    assert "/pets/1/lock" not in again
    first.reset()
    assert "/pets/1/lock" not in second.session().get("pets", "/pets/1").made_up(
        "deleted singletons", set
    )


def test_redis_store_a_create_with_a_counted_id_is_two_round_trips(two, monkeypatch):
    store, other = two
    session = store.session()
    sent: list[str] = []
    execute = store.client.execute_command

    def counted(*args: Any, **options: Any) -> Any:
        sent.append(str(args[0]))
        return execute(*args, **options)

    monkeypatch.setattr(store.client, "execute_command", counted)
    identifier = session.new_id("pets", "/pets", {"type": "integer"})
    assert session.get("pets", f"/pets/{identifier}") is None
    session.issue("pets", "/pets", str(identifier))
    session.write("pets", Address(f"/pets/{identifier}", "/pets", "2"), {"name": "Tom"}, PLAIN)
    assert sent == ["HINCRBY", "EVALSHA"]
    assert other.session().get("pets", "/pets/2").record == {"name": "Tom"}
    assert other.session().was_issued("pets", "/pets", "2")


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def watched(redis_server: RedisServer) -> tuple[RedisStore, RedisStore, Clock]:
    """Two stores on one prefix, the first on a clock the test moves: it checks a session it
    used at most once a second, as a process does."""
    prefix, clock = f"t{uuid.uuid4().hex[:8]}", Clock()
    return (
        RedisStore(redis_server.url, SEED, prefix=prefix, clock=clock),
        RedisStore(redis_server.url, SEED, prefix=prefix),
        clock,
    )


def test_redis_store_a_session_ended_through_another_store_reads_as_seeded_at_once(watched):
    first, second, _ = watched
    assert first.session("s").get("pets", "/pets/1") is not None  # checked "s" just now
    assert second.end("s") is True
    assert first.session("s").get("pets", "/pets/1").record == {"name": "Rex", "id": 1}
    assert [p for p, _ in first.session("s").children("pets", "/pets")] == ["/pets/1"]
    assert set(first.session("s").records("pets")) == {"/pets/1"}


def test_redis_store_a_create_in_a_session_ended_elsewhere_is_kept_past_the_next_check(watched):
    first, second, clock = watched
    first.session("s").get("pets", "/pets/1")
    second.end("s")
    made = first.session("s")
    identifier = made.new_id("pets", "/pets", {"type": "integer"})
    address = Address(f"/pets/{identifier}", "/pets", str(identifier))
    with pytest.raises(StoreConflict, match="session 's' was not seeded"):
        made.write("pets", address, {"name": "Tom"}, PLAIN)  # the caller runs it again
    again = first.session("s")
    identifier = again.new_id("pets", "/pets", {"type": "integer"})
    again.write("pets", Address(f"/pets/{identifier}", "/pets", str(identifier)), {}, PLAIN)
    clock.now += 5  # past the next check of the session, which would seed it over the create
    records = first.session("s").records("pets")
    assert set(records) == {"/pets/1", f"/pets/{identifier}"}
    assert identifier == 2


def test_redis_store_a_redis_emptied_under_a_store_is_seeded_again_on_the_next_miss(watched):
    first, _, _ = watched
    first.session().put("pets", "/pets/2", {"name": "Tom"})
    client: Any = redis.Redis.from_url(first._url)  # typed for the async client too
    client.delete(*client.keys(f"{first.prefix}:*"))  # as a restart without persistence
    client.close()
    assert first.session().get("pets", "/pets/1").record == {"name": "Rex", "id": 1}
