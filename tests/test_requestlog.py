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

from specmock.requestlog import RequestLog


async def _echo(request: Request) -> PlainTextResponse:
    if request.path_params["name"] == "boom":
        raise RuntimeError("fault")
    return PlainTextResponse("ok", status_code=201)


def _client(stream: io.StringIO) -> httpx.AsyncClient:
    app = Starlette(routes=[Route("/items/{name}", _echo)])
    transport = httpx.ASGITransport(app=RequestLog(app, stream), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://test")


@pytest.mark.anyio
async def test_request_log_writes_method_path_status_and_duration_without_the_query():
    stream = io.StringIO()
    async with _client(stream) as client:
        await client.get("/items/7?token=secret")
        await asyncio.sleep(0)  # lines are written when the loop turn ends
    assert re.fullmatch(r"GET /items/7 201 \d+\.\dms\n", stream.getvalue())


@pytest.mark.anyio
async def test_request_log_escapes_a_path_that_would_forge_a_line():
    stream = io.StringIO()
    async with _client(stream) as client:
        await client.get("/items/a%0AGET%20/admin%20200%200.1ms")
        await asyncio.sleep(0)
    assert stream.getvalue().count("\n") == 1
    assert stream.getvalue().startswith("GET /items/a\\nGET /admin 200 0.1ms 404 ")


@pytest.mark.anyio
async def test_request_log_says_500_when_the_app_fails_before_answering():
    stream = io.StringIO()
    async with _client(stream) as client:
        await client.get("/items/boom")
        await asyncio.sleep(0)
    assert stream.getvalue().startswith("GET /items/boom 500 ")


@pytest.mark.anyio
async def test_request_log_writes_a_line_for_each_of_concurrent_requests():
    stream = io.StringIO()
    async with _client(stream) as client:
        await asyncio.gather(*(client.get(f"/items/{n}") for n in range(5)))
        await asyncio.sleep(0)
    lines = stream.getvalue().splitlines()
    assert sorted(line.split()[1] for line in lines) == [f"/items/{n}" for n in range(5)]
