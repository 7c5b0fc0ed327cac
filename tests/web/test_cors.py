"""CORS on the stubs: preflights per route, and every response header readable from a script,
credentials included."""

from __future__ import annotations

import httpx
import pytest
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from specmock.web.cors import CORSMiddleware


async def created(scope: Scope, receive: Receive, send: Send) -> None:
    headers = {
        "Location": "/pets/1",
        "ETag": '"r1"',
        "X-Total-Count": "3",
        "X-Specmock-Violations": "[]",
        "Content-Language": "en",
        "Set-Cookie": "a=1",
    }
    await Response("{}", status_code=201, headers=headers, media_type="application/json")(
        scope, receive, send
    )


@pytest.fixture
async def client():
    app = CORSMiddleware(created, methods_for=lambda path: ["POST"])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://fake") as client:
        yield client


@pytest.mark.anyio
async def test_cors_credentialed_answer_exposes_its_header_names_not_a_wildcard(client):
    response = await client.post("/pets", headers={"Origin": "http://localhost:3000"})
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-expose-headers"] == (
        "location, etag, x-total-count, x-specmock-violations"
    )


@pytest.mark.anyio
async def test_cors_answer_without_origin_has_no_cors_headers(client):
    response = await client.post("/pets")
    assert "access-control-expose-headers" not in response.headers
