"""The validating proxy end to end: a real upstream Starlette app on loopback, the proxy in front
of it, both served by LiveServer and spoken to with httpx."""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from specmock.config import Config
from specmock.errors import ConfigError
from specmock.spec.api import Api, Catalog
from specmock.spec.routing import upstream_url
from specmock.violations import Violation, violations_header
from specmock.web.proxy import ProxyOptions, create_proxy_app
from specmock.web.testing import LiveServer

ITEM = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string", "maxLength": 20}},
}
ERROR = {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Items", "version": "1"},
    "servers": [{"url": "/api/v1"}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {"Item": ITEM, "Error": ERROR},
    },
    "paths": {
        "/items": {
            "get": {
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}}
                ],
                "responses": {
                    "200": {
                        "description": "Items",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Item"},
                                }
                            }
                        },
                    }
                },
            },
            "post": {
                "security": [{"bearer": []}],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {"name": {"type": "string"}},
                            }
                        }
                    },
                },
                "responses": {
                    "201": {
                        "description": "Created",
                        "headers": {"Location": {"required": True, "schema": {"type": "string"}}},
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Item"}}
                        },
                    },
                    "4XX": {
                        "description": "Refused",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                },
            },
        },
        "/items/{itemId}": {
            "parameters": [
                {
                    "name": "itemId",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1},
                }
            ],
            "get": {
                "responses": {
                    "200": {
                        "description": "The item",
                        "headers": {
                            "X-Rate-Limit": {"required": True, "schema": {"type": "integer"}}
                        },
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Item"}}
                        },
                    },
                    "404": {
                        "description": "No such item",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                }
            },
        },
    },
}
JSON = "application/json"
CONFORMING = b'{"id": 1,   "name": "one"}'  # spacing a re-encoding would lose
GZIPPED = gzip.compress(b'{"id": 6, "name": 7}', mtime=0)
SLOW_LIMIT = 5.0


@dataclass
class Seen:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


class Upstream:
    """The real server: records what reaches it and answers each path in a planted way."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.release = threading.Event()
        methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
        self.app = Starlette(routes=[Route("/{path:path}", self.answer, methods=methods)])

    async def answer(self, request: Request) -> Response:
        body = await request.body()
        query = request.scope["query_string"].decode()
        headers = {name.decode(): value.decode() for name, value in request.headers.raw}
        self.seen.append(Seen(request.method, request.url.path, query, headers, body))
        rest = request.url.path.removeprefix("/api/v1").removeprefix("/base")
        if request.method == "POST" and rest == "/items":
            name = json.loads(body).get("name") if body else None
            created = json.dumps({"id": 7, "name": name})
            return Response(created, 201, {"Location": "/api/v1/items/7"}, media_type=JSON)
        if request.method != "GET":
            return Response(b'{"message": "not here"}', 404, media_type=JSON)
        return await self._get(rest)

    async def _get(self, rest: str) -> Response:
        limit = {"X-Rate-Limit": "10", "X-Upstream": "yes"}
        if rest == "/items/1":
            return Response(CONFORMING, 200, limit, media_type=JSON)
        if rest == "/items/2":
            return Response(b'{"id": "two"}', 200, {"X-Rate-Limit": "lots"}, media_type=JSON)
        if rest == "/items/3":
            return Response(b"I'm a teapot", 418, media_type="text/plain")
        if rest == "/items/4":
            return Response(b"<p>one</p>", 200, limit, media_type="text/html")
        if rest == "/items/5":
            deadline = time.monotonic() + SLOW_LIMIT
            while not self.release.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            return Response(CONFORMING, 200, limit, media_type=JSON)
        if rest == "/items/6":
            encoded = limit | {"Content-Encoding": "gzip"}
            return Response(GZIPPED, 200, encoded, media_type=JSON)
        if rest in ("/items", "/undocumented"):
            return Response(b"[]", 200, media_type=JSON)
        return Response(b'{"message": "not here"}', 404, media_type=JSON)


@pytest.fixture(scope="module")
def upstream_server() -> Iterator[tuple[Upstream, LiveServer]]:
    upstream = Upstream()
    with LiveServer(app=upstream.app) as server:
        yield upstream, server
        upstream.release.set()


@pytest.fixture
def upstream(upstream_server: tuple[Upstream, LiveServer]) -> Upstream:
    upstream_server[0].seen.clear()
    upstream_server[0].release.clear()
    return upstream_server[0]


@pytest.fixture
def target(upstream_server: tuple[Upstream, LiveServer]) -> str:
    return upstream_server[1].url


def proxy(
    target: str, strict: bool = False, timeout: float = 10.0, max_body: int = 1024
) -> LiveServer:
    catalog = Catalog((Api.from_dict("items", SPEC),), ())
    options = ProxyOptions(target, strict=strict, timeout=timeout)
    config = Config(cors=False, max_body=max_body)
    return LiveServer(app=create_proxy_app(config, options, catalog))


def violations_of(response: httpx.Response) -> list[dict[str, str]]:
    return json.loads(response.headers["x-specmock-violations"])


def journal(client: httpx.Client) -> list[dict[str, Any]]:
    entries = client.get("/__specmock/requests").json()["requests"]
    return [
        {key: value for key, value in entry.items() if key not in ("at", "id", "api")}
        for entry in entries
    ]


def entry(method: str, path: str, status: int, *violations: dict[str, str]) -> dict[str, Any]:
    return {
        "session": "",
        "method": method,
        "path": path,
        "status": status,
        "violations": list(violations),
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


BAD_ITEM = [
    {"in": "response.header", "name": "X-Rate-Limit", "message": "'lots' is not a valid integer"},
    {"in": "response.body", "name": "/name", "message": "'name' is a required property"},
    {"in": "response.body", "name": "/id", "message": "'two' is not of type 'integer'"},
]
BAD_NAME = {"in": "body", "name": "/name", "message": "5 is not of type 'string'"}


def test_proxy_conforming_exchange_passes_through_unchanged(upstream, target):
    with proxy(target) as server, httpx.Client(base_url=server.url) as client:
        response = client.get("/api/v1/items/1")
        assert response.status_code == 200
        assert response.content == CONFORMING
        assert response.headers["x-upstream"] == "yes"
        assert response.headers["content-length"] == str(len(CONFORMING))
        assert "x-specmock-violations" not in response.headers
        assert journal(client) == [entry("GET", "/api/v1/items/1", 200)]
    assert [(seen.method, seen.path) for seen in upstream.seen] == [("GET", "/api/v1/items/1")]


def test_proxy_response_violations_are_journaled_and_sent_in_a_header(upstream, target, caplog):
    caplog.set_level(logging.WARNING, logger="specmock")
    with proxy(target) as server, httpx.Client(base_url=server.url) as client:
        broken = client.get("/api/v1/items/2")
        assert (broken.status_code, broken.content) == (200, b'{"id": "two"}')
        assert violations_of(broken) == BAD_ITEM
        teapot = client.get("/api/v1/items/3")
        assert (teapot.status_code, teapot.text) == (418, "I'm a teapot")
        status = "418 is not a documented status; documented: 200, 404"
        assert violations_of(teapot) == [{"in": "response.status", "name": "", "message": status}]
        html = client.get("/api/v1/items/4")
        media = (
            "'text/html; charset=utf-8' is not a documented media type "
            "(expected one of application/json)"
        )
        assert violations_of(html) == [
            {"in": "response.header", "name": "Content-Type", "message": media}
        ]
        assert journal(client) == [
            entry("GET", "/api/v1/items/4", 200, violations_of(html)[0]),
            entry("GET", "/api/v1/items/3", 418, violations_of(teapot)[0]),
            entry("GET", "/api/v1/items/2", 200, *BAD_ITEM),
        ]
    assert (
        "GET /api/v1/items/3 -> 418: 1 problem: response.status: 418 is not a documented status; "
        "documented: 200, 404"
    ) in caplog.messages


def test_proxy_gzip_answer_is_relayed_as_sent_and_judged_decoded(upstream, target):
    with proxy(target) as server, httpx.Client(base_url=server.url) as client:
        headers = {"Accept-Encoding": "gzip"}
        with client.stream("GET", "/api/v1/items/6", headers=headers) as response:
            raw = b"".join(response.iter_raw())
        assert response.headers["content-encoding"] == "gzip"
        assert raw == GZIPPED
        name = {"in": "response.body", "name": "/name", "message": "7 is not of type 'string'"}
        assert violations_of(response) == [name]
    assert upstream.seen[0].headers["accept-encoding"] == "gzip"


def test_proxy_invalid_request_is_forwarded_and_recorded(upstream, target):
    with proxy(target) as server, httpx.Client(base_url=server.url) as client:
        response = client.post("/api/v1/items", json={"name": 5})
        assert response.status_code == 201
        assert response.json() == {"id": 7, "name": 5}
        missing = {
            "in": "header",
            "name": "Authorization",
            "message": "missing credential for security scheme 'bearer': "
            "expected 'Authorization: Bearer <credentials>'",
        }
        answer = {"in": "response.body", "name": "/name", "message": "5 is not of type 'string'"}
        assert violations_of(response) == [missing, BAD_NAME, answer]
        assert journal(client) == [entry("POST", "/api/v1/items", 201, missing, BAD_NAME, answer)]
    assert [(seen.method, seen.body) for seen in upstream.seen] == [("POST", b'{"name":5}')]


def test_proxy_strict_answers_an_invalid_request_as_the_stub_without_forwarding(upstream, target):
    with proxy(target, strict=True) as server, httpx.Client(base_url=server.url) as client:
        headers = {"Authorization": "Bearer T"}
        response = client.post("/api/v1/items", json={"name": 5}, headers=headers)
        assert response.status_code == 400
        assert response.headers["content-type"] == JSON
        assert response.json() == {"message": "1 problem: body /name: 5 is not of type 'string'"}
        assert violations_of(response) == [BAD_NAME]
        unknown = client.get("/api/v1/nowhere")
        assert unknown.status_code == 404
        assert unknown.json()["detail"] == "no operation is documented at '/api/v1/nowhere'"
        assert journal(client) == [
            entry("GET", "/api/v1/nowhere", 404, violations_of(unknown)[0]),
            entry("POST", "/api/v1/items", 400, BAD_NAME),
        ]
    assert upstream.seen == []


def test_proxy_strict_answers_a_violating_response_with_502(upstream, target):
    with proxy(target, strict=True) as server, httpx.Client(base_url=server.url) as client:
        response = client.get("/api/v1/items/2")
        assert response.status_code == 502
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json() == {
            "type": "urn:specmock:problem:bad-gateway",
            "title": "The upstream server failed or broke the API's spec",
            "status": 502,
            "detail": f"the answer of {target}/api/v1/items/2 breaks the spec: 3 problems: "
            "response.header X-Rate-Limit: 'lots' is not a valid integer; "
            "response.body /name: 'name' is a required property; "
            "response.body /id: 'two' is not of type 'integer'",
            "errors": BAD_ITEM,
        }
        assert journal(client) == [entry("GET", "/api/v1/items/2", 502, *BAD_ITEM)]
        assert client.get("/api/v1/items/1").content == CONFORMING


def test_proxy_upstream_down_is_a_502_problem(upstream):
    down = f"http://127.0.0.1:{free_port()}"
    with proxy(down) as server, httpx.Client(base_url=server.url) as client:
        response = client.get("/api/v1/items/1")
        assert response.status_code == 502
        detail = (
            f"{down}/api/v1/items/1 cannot be reached: ConnectError: All connection attempts failed"
        )
        assert response.json()["detail"] == detail
        assert journal(client) == [
            entry("GET", "/api/v1/items/1", 502, {"in": "upstream", "name": "", "message": detail})
        ]


def test_proxy_slow_upstream_is_a_504_problem_within_the_timeout(upstream, target):
    # The upstream would answer after SLOW_LIMIT; a client that gives up before that only gets
    # the 504 if the proxy gave up first (no wall-clock assertion).
    client_timeout = SLOW_LIMIT - 1
    with (
        proxy(target, timeout=0.5) as server,
        httpx.Client(base_url=server.url, timeout=client_timeout) as client,
    ):
        response = client.get("/api/v1/items/5")
        upstream.release.set()
        assert response.status_code == 504
        assert response.json()["detail"] == (
            f"no answer from {target}/api/v1/items/5 within 0.5 s (--timeout)"
        )
        assert journal(client)[0]["status"] == 504


def test_proxy_forwards_query_and_headers_and_drops_hop_by_hop_ones(upstream, target):
    with proxy(target) as server, httpx.Client(base_url=server.url) as client:
        headers = {
            "X-Custom": "kept",
            "Connection": "keep-alive, X-Hop",
            "X-Hop": "dropped",
            "Proxy-Authorization": "Basic dropped",
        }
        response = client.get("/api/v1/items?limit=0&b=%20x&b=y", headers=headers)
        assert response.status_code == 200
        limit = {"in": "query", "name": "limit", "message": "0 is less than the minimum of 1"}
        assert violations_of(response) == [limit]
    (seen,) = upstream.seen
    assert (seen.path, seen.query) == ("/api/v1/items", "limit=0&b=%20x&b=y")
    assert seen.headers["x-custom"] == "kept"
    assert "x-hop" not in seen.headers and "proxy-authorization" not in seen.headers
    assert seen.headers["host"] == target.removeprefix("http://")
    assert seen.headers["x-forwarded-for"] == "127.0.0.1"
    assert seen.headers["x-forwarded-proto"] == "http"
    assert seen.headers["x-forwarded-host"] == server.url.removeprefix("http://")


def test_proxy_unknown_path_and_method_are_forwarded_and_recorded(upstream, target):
    with proxy(target) as server, httpx.Client(base_url=server.url) as client:
        unknown = client.get("/api/v1/undocumented")
        assert (unknown.status_code, unknown.content) == (200, b"[]")
        path = "no operation is documented for GET /api/v1/undocumented"
        assert violations_of(unknown) == [{"in": "path", "name": "", "message": path}]
        method = client.delete("/api/v1/items")
        assert method.status_code == 404
        message = "no operation is documented for DELETE /api/v1/items; documented: GET, POST"
        assert violations_of(method) == [{"in": "method", "name": "", "message": message}]
    assert [(seen.method, seen.path) for seen in upstream.seen] == [
        ("GET", "/api/v1/undocumented"),
        ("DELETE", "/api/v1/items"),
    ]


def test_proxy_body_over_the_limit_is_refused_without_forwarding(upstream, target):
    with proxy(target, max_body=16) as server, httpx.Client(base_url=server.url) as client:
        headers = {"Authorization": "Bearer T"}
        response = client.post("/api/v1/items", json={"name": "x" * 20}, headers=headers)
        assert response.status_code == 413
        # in the API's documented 4XX error shape, as the stub answers
        detail = "the body has 31 bytes, over the limit of 16 bytes (--max-body)"
        assert response.json() == {"message": detail}
    assert upstream.seen == []


def test_proxy_cors_preflight_is_forwarded_unjudged(upstream, target):
    with proxy(target) as server, httpx.Client(base_url=server.url) as client:
        headers = {"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"}
        response = client.options("/api/v1/items", headers=headers)
        assert response.status_code == 404  # the upstream's answer
        assert "x-specmock-violations" not in response.headers
        assert journal(client) == [entry("OPTIONS", "/api/v1/items", 404)]
    assert [seen.method for seen in upstream.seen] == ["OPTIONS"]


def test_proxy_target_with_a_path_replaces_the_mount(upstream, target):
    with proxy(f"{target}/base/") as server, httpx.Client(base_url=server.url) as client:
        response = client.get("/api/v1/items/1?x=1")
        assert response.content == CONFORMING
        assert "x-specmock-violations" not in response.headers
    assert [(seen.path, seen.query) for seen in upstream.seen] == [("/base/items/1", "x=1")]


def test_proxy_admin_endpoints_list_apis_and_clear_the_journal(upstream, target):
    with proxy(target) as server, httpx.Client(base_url=server.url) as client:
        client.get("/api/v1/items/1")
        (api,) = client.get("/__specmock/apis").json()["apis"]
        assert (api["name"], api["mount"]) == ("items", "/api/v1")
        assert client.delete("/__specmock/requests").status_code == 204
        assert journal(client) == []
        assert client.get("/__specmock/reset").status_code == 404  # no store behind a proxy


@pytest.mark.parametrize(
    ("target", "mount", "path", "query", "expected"),
    [
        pytest.param(
            "http://h:9", "/api/v1", "/api/v1/m/1", "", "http://h:9/api/v1/m/1", id="keep"
        ),
        pytest.param(
            "http://h:9/", "/api/v1", "/api/v1/m/1", "", "http://h:9/api/v1/m/1", id="slash"
        ),
        pytest.param(
            "https://h/base", "/api/v1", "/api/v1/m/1", "", "https://h/base/m/1", id="base"
        ),
        pytest.param("http://h/base/", "/api/v1", "/api/v1", "", "http://h/base", id="mount-only"),
        pytest.param(
            "http://h/base", "", "/m/1", "a=%20&a=2", "http://h/base/m/1?a=%20&a=2", id="query"
        ),
        pytest.param(
            "http://h/base", "/api", "/apix/1", "", "http://h/base/apix/1", id="not-under"
        ),
    ],
)
def test_proxy_upstream_url(target, mount, path, query, expected):
    assert upstream_url(target, mount, path, query) == expected


def test_proxy_violations_header_is_ascii_and_capped():
    many = [
        Violation("body", f"/{index}", f"'é{index}' is not of type 'integer'")
        for index in range(500)
    ]
    header = violations_header(many)
    assert header.isascii() and len(header) <= 8 * 1024
    listed = json.loads(header)
    assert listed[0] == {"in": "body", "name": "/0", "message": "'é0' is not of type 'integer'"}
    kept = len(listed) - 1
    assert listed[-1] == {
        "in": "specmock",
        "name": "",
        "message": f"{500 - kept} more left off; see GET /__specmock/requests",
    }


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param(
            {"target": "ftp://h"},
            "--target 'ftp://h' is not an http(s) base URL such as http://host:8000",
            id="scheme",
        ),
        pytest.param(
            {"target": "http://h", "timeout": 0},
            "--timeout 0 is not a positive number of seconds",
            id="timeout",
        ),
    ],
)
def test_proxy_options_refuse_bad_values(options, message):
    with pytest.raises(ConfigError) as raised:
        ProxyOptions(**options)
    assert str(raised.value) == message
