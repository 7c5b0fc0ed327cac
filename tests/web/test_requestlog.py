"""The request log: one line per request, the query left out, no forged lines, 500 on a fault."""

from __future__ import annotations

import asyncio
import io
import re

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from specmock.web.requestlog import RequestLog


async def _echo(request: Request) -> PlainTextResponse:
    if request.path_params["name"] == "boom":
        raise RuntimeError("fault")
    return PlainTextResponse("ok", status_code=201)


async def _log_of(*paths: str, colour: bool | None = None) -> str:
    """What the request log writes for GETs of `paths`, sent together."""
    app = Starlette(routes=[Route("/items/{name}", _echo)])
    stream = io.StringIO()
    logged = RequestLog(app, stream, colour=colour)
    transport = httpx.ASGITransport(app=logged, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        await asyncio.gather(*(client.get(path) for path in paths))
        await asyncio.sleep(0)  # lines are written when the loop turn ends
    return stream.getvalue()


@pytest.mark.anyio
async def test_request_log_writes_method_path_status_and_duration_without_the_query():
    assert re.fullmatch(r"GET /items/7 201 \d+\.\dms\n", await _log_of("/items/7?token=secret"))


@pytest.mark.anyio
async def test_request_log_escapes_a_path_that_would_forge_a_line():
    log = await _log_of("/items/a%0AGET%20/admin%20200%200.1ms")
    assert log.count("\n") == 1
    assert log.startswith("GET /items/a\\nGET /admin 200 0.1ms 404 ")


@pytest.mark.anyio
async def test_request_log_says_500_when_the_app_fails_before_answering():
    assert (await _log_of("/items/boom")).startswith("GET /items/boom 500 ")


@pytest.mark.anyio
async def test_request_log_writes_a_line_for_each_of_concurrent_requests():
    lines = (await _log_of(*(f"/items/{n}" for n in range(5)))).splitlines()
    assert sorted(line.split()[1] for line in lines) == [f"/items/{n}" for n in range(5)]


@pytest.mark.anyio
async def test_request_log_colours_the_status_on_a_terminal_only():
    coloured = await _log_of("/items/7", "/items/boom", colour=True)
    assert "GET /items/7 \033[32m201\033[0m " in coloured
    assert "GET /items/boom \033[31m500\033[0m " in coloured
    assert "\033[" not in await _log_of("/items/7")  # a StringIO is not a terminal


@pytest.mark.anyio
async def test_request_log_says_no_answer_when_the_app_sent_none():
    async def silent(scope, receive, send) -> None:  # as `Prefer: fault=reset` or `close` leaves it
        return None

    async def receive() -> dict:
        return {"type": "http.disconnect"}

    async def send(message) -> None:
        raise AssertionError(message)

    stream = io.StringIO()
    scope = {"type": "http", "method": "GET", "path": "/items/7", "headers": []}
    await RequestLog(silent, stream, colour=False)(scope, receive, send)
    await asyncio.sleep(0)
    assert re.fullmatch(r"GET /items/7 --- \d+\.\dms no answer\n", stream.getvalue())
