"""The admin API's guard: other web pages, rebinding Hosts, bodies over the limit and the admin
token are refused before any endpoint runs; the stubs keep their open CORS."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.types import Message

from specmock.config import Config
from specmock.spec.api import Catalog
from specmock.web.app import create_app
from specmock.web.guard import AdminGuard
from specmock.web.proxy import ProxyOptions, create_proxy_app
from tests.web.notes import NOTES

EVIL = "http://evil.test"
OWN = "http://test"  # the ASGI client's base URL, so its Host is `test`
RECORDS = "/__specmock/apis/notes/records"
SEED = {"/notes/1": {"title": "seeded", "id": 1}}


@pytest.fixture
def specs(tmp_path: Path) -> Path:
    (tmp_path / "notes.json").write_text(json.dumps(NOTES))
    (tmp_path / "notes.data.yaml").write_text(json.dumps(SEED))
    return tmp_path


def client_of(specs: Path, **options: Any) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(Config(specs=specs, **options)))
    return httpx.AsyncClient(transport=transport, base_url=OWN)


@pytest.fixture
async def client(specs: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with client_of(specs) as client:
        yield client


def refusal(response: httpx.Response) -> tuple[int, str, str, list[str]]:
    body = response.json()
    return (
        response.status_code,
        body["type"],
        body["detail"],
        [f"{error['in']} {error['name']}" for error in body.get("errors", [])],
    )


def cors_headers(response: httpx.Response) -> list[str]:
    return [name for name in response.headers if name.lower().startswith("access-control-")]


@pytest.mark.anyio
async def test_guard_refuses_another_origin_without_cors_and_before_any_effect(client):
    reset = await client.post(
        "/__specmock/reset", headers={"Origin": EVIL, "Content-Type": "text/plain"}
    )
    put = await client.put(f"{RECORDS}/notes/1", headers={"Origin": EVIL}, json={"title": "x"})
    assert refusal(reset) == (
        403,
        "urn:specmock:problem:forbidden",
        "Origin 'http://evil.test' is not this server's own: the admin API does not answer "
        "other web pages (no CORS)",
        ["header Origin"],
    )
    assert put.status_code == 403
    assert cors_headers(reset) == cors_headers(put) == []
    assert (await client.get(RECORDS)).json()["records"] == SEED


@pytest.mark.anyio
async def test_guard_refuses_an_admin_preflight_and_keeps_the_stubs_cors(client):
    preflight = {"Origin": EVIL, "Access-Control-Request-Method": "PUT"}
    admin = await client.options(f"{RECORDS}/notes/1", headers=preflight)
    stub = await client.options("/notes/1", headers=preflight)
    assert admin.status_code == 403 and cors_headers(admin) == []
    assert stub.status_code == 204
    assert stub.headers["access-control-allow-origin"] == EVIL
    listed = await client.get("/notes/1", headers={"Origin": EVIL})
    assert listed.headers["access-control-allow-origin"] == EVIL


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("headers", "status"),
    [
        pytest.param({"Origin": OWN}, 200, id="own-origin"),
        pytest.param({"Origin": "HTTP://TEST:80"}, 200, id="own-origin-default-port"),
        pytest.param({"Origin": "http://test:8080"}, 403, id="other-port"),
        pytest.param({"Origin": "https://test"}, 403, id="other-scheme"),
        pytest.param({"Origin": "null"}, 403, id="null-origin"),
        pytest.param({"Sec-Fetch-Site": "same-origin"}, 200, id="fetch-same-origin"),
        pytest.param({"Sec-Fetch-Site": "none"}, 200, id="fetch-typed-url"),
        pytest.param({"Sec-Fetch-Site": "cross-site"}, 403, id="fetch-cross-site"),
        pytest.param({"Sec-Fetch-Site": "same-site"}, 403, id="fetch-other-port"),
        pytest.param({}, 200, id="no-browser"),
    ],
)
async def test_guard_lets_only_the_own_origin_through(client, headers, status):
    response = await client.get("/__specmock/apis", headers=headers)
    assert response.status_code == status
    assert cors_headers(response) == []


@pytest.mark.anyio
async def test_guard_names_a_cross_site_fetch(client):
    response = await client.post("/__specmock/reset", headers={"Sec-Fetch-Site": "cross-site"})
    assert refusal(response) == (
        403,
        "urn:specmock:problem:forbidden",
        "Sec-Fetch-Site 'cross-site' says another page sent this request: the admin API does "
        "not answer other web pages (no CORS)",
        ["header Sec-Fetch-Site"],
    )


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("bound", "host", "status"),
    [
        pytest.param("127.0.0.1", "evil.test:4010", 403, id="rebinding-name"),
        pytest.param("127.0.0.1", "localhost.evil.test", 403, id="localhost-prefix"),
        pytest.param("127.0.0.1", "localhost:4010", 200, id="localhost"),
        pytest.param("127.0.0.1", "127.0.0.1:4010", 200, id="ipv4-loopback"),
        pytest.param("::1", "[::1]:4010", 200, id="ipv6-loopback"),
        pytest.param("localhost", "app.localhost", 200, id="localhost-subdomain"),
        pytest.param("0.0.0.0", "evil.test:4010", 200, id="not-bound-to-loopback"),
    ],
)
async def test_guard_checks_host_only_when_bound_to_loopback(specs, bound, host, status):
    async with client_of(specs, host=bound) as client:
        response = await client.get("/__specmock/apis", headers={"Host": host})
    assert response.status_code == status


@pytest.mark.anyio
async def test_guard_names_a_rebinding_host_and_leaves_the_stubs_alone(specs):
    async with client_of(specs, host="127.0.0.1") as client:
        admin = await client.get("/__specmock/apis", headers={"Host": "evil.test:4010"})
        stub = await client.get("/notes/1", headers={"Host": "evil.test:4010"})
    assert refusal(admin) == (
        403,
        "urn:specmock:problem:forbidden",
        "Host 'evil.test:4010' is not localhost, 127.0.0.1 or [::1]: the admin API of a server "
        "bound to a loopback address answers only to a loopback name (DNS rebinding)",
        ["header Host"],
    )
    assert stub.status_code == 200


@pytest.mark.anyio
async def test_guard_refuses_an_admin_body_over_the_limit(specs):
    async with client_of(specs, max_body=32) as client:
        long = await client.put(f"{RECORDS}/notes/1", json={"title": "x" * 64})
        short = await client.put(f"{RECORDS}/notes/1", json={"title": "short"})
    assert long.status_code == 413
    assert long.json()["detail"] == (
        "the body has 76 bytes, over the limit of 32 bytes (--max-body)"
    )
    assert short.status_code == 200


@pytest.mark.anyio
async def test_guard_reads_no_more_than_the_limit_of_a_body_without_length():
    """A body sent in chunks with no Content-Length: the guard stops reading past the limit,
    and the admin endpoint never runs."""
    reached: list[str] = []
    received = 0

    async def endpoint(scope, receive, send) -> None:
        reached.append(scope["path"])

    async def receive() -> Message:
        nonlocal received
        received += 1
        return {"type": "http.request", "body": b"x" * 10, "more_body": received < 1000}

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "PUT", "path": RECORDS + "/notes/1", "headers": []}
    await AdminGuard(endpoint, Config(max_body=25))(scope, receive, send)
    assert sent[0]["status"] == 413
    assert received == 3 and reached == []


@pytest.mark.anyio
async def test_guard_admin_token_is_required_and_never_quoted(specs):
    async with client_of(specs, admin_token="s3cret") as client:
        missing = await client.get("/__specmock/apis")
        wrong = await client.post(
            "/__specmock/reset", headers={"Authorization": "Bearer not-the-s3cret-guess"}
        )
        right = await client.get("/__specmock/apis", headers={"Authorization": "Bearer s3cret"})
        stub = await client.get("/notes/1")
        records = await client.get(RECORDS, headers={"Authorization": "Bearer s3cret"})
    assert refusal(missing) == (
        401,
        "urn:specmock:problem:unauthorized",
        "the admin API needs 'Authorization: Bearer <admin token>' (--admin-token)",
        ["header Authorization"],
    )
    assert missing.headers["www-authenticate"] == 'Bearer realm="specmock admin"'
    assert wrong.status_code == 401 and "guess" not in wrong.text
    assert right.status_code == 200 and stub.status_code == 200
    assert records.json()["records"] == SEED


@pytest.mark.anyio
async def test_guard_covers_the_proxy_admin_api(specs):
    config = Config(specs=specs, cors=False, host="127.0.0.1")
    app = create_proxy_app(config, ProxyOptions("http://127.0.0.1:9"), Catalog.from_path(specs))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        crossed = await client.delete("/__specmock/requests", headers={"Origin": EVIL})
        rebound = await client.get("/__specmock/requests", headers={"Host": "evil.test"})
        own = await client.get("/__specmock/requests")
    assert (crossed.status_code, rebound.status_code, own.status_code) == (403, 403, 200)


# -- a live server ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def live(specs: Path) -> Iterator[str]:
    """`specmock serve` in a process of its own on a free loopback port, stopped by its PID."""
    port = _free_port()
    command = [sys.executable, "-m", "specmock", "serve", str(specs), "--port", str(port)]
    command += ["--host", "127.0.0.1", "--log-level", "warning"]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    server = subprocess.Popen(command, env=environment, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # a bounded number of tries for the server to answer
            try:
                httpx.get(f"{url}/__specmock/apis", timeout=1)
                break
            except httpx.TransportError:
                assert server.poll() is None, "specmock serve stopped"
                time.sleep(0.05)
        yield url
    finally:
        os.kill(server.pid, signal.SIGTERM)
        _, stderr = server.communicate(timeout=30)
        assert b"reachable from the network" not in stderr


def test_guard_live_server_refuses_cross_origin_and_rebinding_but_not_its_own_origin(live):
    with httpx.Client(base_url=live, timeout=10) as client:
        crossed = client.post("/__specmock/reset", headers={"Origin": EVIL})
        port = live.rsplit(":", 1)[1]
        rebound = client.get("/__specmock/apis", headers={"Host": f"evil.test:{port}"})
        own = client.post("/__specmock/reset", headers={"Origin": live})
        stub = client.get("/notes/1", headers={"Origin": EVIL})
    assert crossed.status_code == 403 and cors_headers(crossed) == []
    assert rebound.status_code == 403
    assert own.status_code == 200 and own.json()["reset"] == "all"
    assert stub.headers["access-control-allow-origin"] == EVIL
