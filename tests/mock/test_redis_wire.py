"""`redis_wire.Wire`: the commands of every request in flight pipelined on one connection per
event loop, each caller given its own reply, against a real redis-server."""

import threading
import time
import uuid

import anyio
import pytest
import redis
import redis.exceptions

from specmock.mock import redis_wire
from specmock.mock.redis_wire import Wire

pytestmark = pytest.mark.anyio

# Holds Redis busy (it runs one script at a time) for ARGV[1] microseconds.
BUSY = """
local start = redis.call('TIME')
repeat
  local now = redis.call('TIME')
until (now[1] - start[1]) * 1000000 + (now[2] - start[2]) > tonumber(ARGV[1])
"""


async def test_redis_wire_concurrent_commands_go_out_in_one_write_and_each_gets_its_own_reply(
    redis_server, monkeypatch
):
    key = f"w{uuid.uuid4().hex[:8]}"
    redis.Redis.from_url(redis_server.url).hset(key, mapping={f"f{i}": f"v{i}" for i in range(16)})
    writes: list[int] = []
    flush = redis_wire._Link._flush

    def counted(self):
        writes.append(len(self._outgoing))
        flush(self)

    monkeypatch.setattr(redis_wire._Link, "_flush", counted)
    wire = Wire(redis_server.url, 1.0)
    await wire.call("PING")  # connected
    writes.clear()
    replies: dict[int, str] = {}

    async def read(index: int) -> None:
        replies[index] = await wire.call("HGET", key, f"f{index}")

    async with anyio.create_task_group() as group:
        for index in range(16):
            group.start_soon(read, index)
    assert replies == {i: f"v{i}" for i in range(16)}
    assert writes == [16]  # sixteen commands, one send


async def test_redis_wire_an_error_reply_is_raised_for_its_command_only(redis_server):
    key = f"w{uuid.uuid4().hex[:8]}"
    wire = Wire(redis_server.url, 1.0)
    await wire.call("SET", key, "text")
    outcomes: list[object] = []

    async def run(*command: str) -> None:
        try:
            outcomes.append(await wire.call(*command))
        except redis.ResponseError as error:
            outcomes.append(error)

    async with anyio.create_task_group() as group:
        group.start_soon(run, "HGET", key, "f")  # a string is no hash
        group.start_soon(run, "GET", key)
    assert isinstance(outcomes[0], redis.ResponseError) and "WRONGTYPE" in str(outcomes[0])
    assert outcomes[1] == "text"
    with pytest.raises(redis.exceptions.NoScriptError):
        await wire.call("EVALSHA", "0" * 40, 0)


async def test_redis_wire_a_transaction_runs_its_commands_together(redis_server):
    key = f"w{uuid.uuid4().hex[:8]}"
    wire = Wire(redis_server.url, 1.0)
    replies = await wire.transaction(
        [("SADD", key, "a"), ("SADD", key, "b"), ("PEXPIRE", key, 5000)]
    )
    assert replies == [1, 1, 1]
    assert sorted(await wire.call("SMEMBERS", key)) == ["a", "b"]
    with pytest.raises(redis.ResponseError, match="WRONGTYPE"):
        await wire.transaction([("SET", key + "s", "x"), ("SADD", key + "s", "y")])


async def test_redis_wire_selects_the_urls_database(redis_server):
    key = f"w{uuid.uuid4().hex[:8]}"
    wire = Wire(redis_server.url.rsplit("/", 1)[0] + "/3", 1.0)
    await wire.call("SET", key, "in three")
    assert redis.Redis(port=redis_server.port, db=3, decode_responses=True).get(key) == "in three"
    assert redis.Redis(port=redis_server.port, db=0).get(key) is None


async def test_redis_wire_a_busy_redis_is_a_timeout_then_the_next_command_connects_again(
    redis_server,
):
    wire = Wire(redis_server.url, 0.3)
    await wire.call("PING")
    blocker = redis.Redis.from_url(redis_server.url)
    busy = threading.Thread(target=blocker.eval, args=(BUSY, 0, 900_000))
    busy.start()
    time.sleep(0.1)  # the script runs: Redis answers no one until it ends
    began = time.monotonic()
    with pytest.raises(redis.TimeoutError, match=r"no answer within 0.3 s"):
        await wire.call("PING")
    waited = time.monotonic() - began
    busy.join()
    blocker.close()
    assert 0.2 <= waited < 0.9  # given up at the timeout, not when Redis came back
    assert await wire.call("PING") == "PONG"


async def test_redis_wire_a_stopped_redis_is_refused_and_the_wire_connects_when_it_is_back(
    own_redis,
):
    wire = Wire(own_redis.url, 1.0)
    await wire.call("SET", "kept", "yes")
    own_redis.stop()
    with pytest.raises(redis.ConnectionError, match=r"Connection refused"):
        await wire.call("GET", "kept")  # lost on the old connection, refused on a new one
    with pytest.raises(redis.ConnectionError, match=r"Connection refused"):
        await wire.call("SET", "other", "no")
    own_redis.start(durable=True)
    assert await wire.call("GET", "kept") == "yes"


async def test_redis_wire_a_refused_select_closes_the_connection_it_opened(redis_server):
    # every command connects again and is refused: each refused connection must not stay open
    client = redis.Redis.from_url(redis_server.url)
    before = _connections(client)
    wire = Wire(redis_server.url.rsplit("/", 1)[0] + "/99", 1.0)  # 16 databases: no 99
    for _ in range(3):
        with pytest.raises(redis.ResponseError, match="DB index is out of range"):
            await wire.call("PING")
    await anyio.sleep(0.05)  # (Redis notes a closed connection when it reads its end)
    assert _connections(client) == before
    client.close()


def _connections(client: redis.Redis) -> int:
    """How many clients the server has connected now."""
    listed: list[object] = client.client_list()  # type: ignore[assignment]
    return len(listed)


async def test_redis_wire_a_command_that_cannot_be_packed_sends_nothing_of_its_transaction(
    redis_server,
):
    key = f"w{uuid.uuid4().hex[:8]}"
    wire = Wire(redis_server.url, 1.0)
    await wire.call("SET", key, "kept")
    with pytest.raises(TypeError):
        await wire.transaction([("SET", key, "lost"), ("SET", key, None)])  # type: ignore[list-item]
    # the next caller gets its own reply, not the MULTI's "OK" of a transaction never ended
    assert await wire.call("GET", key) == "kept"
