"""Hostile input against a live server of the shipped specs: each request must get a 4xx that
names what is wrong (never a 5xx or a hang), answers must stay inside the effective spec, and
no record may be lost or poisoned. Every request is bounded by the client's timeout.

The hostile specs (YAML alias bombs, `$ref`s outside the folder, `$ref` circles) are served
beside a good one in `tests/web/test_app.py`; the state file's durability in `tests/test_cli.py`.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from specmock.config import Config
from specmock.mock.patching import MAX_OPERATIONS
from specmock.spec.parsing import MAX_DEPTH
from specmock.web.testing import LiveServer
from tests.conftest import SPECS, effective
from tests.helpers import response_errors

BEARER = {"Authorization": "Bearer T"}
AWS = {"Authorization": "AWS4-HMAC-SHA256 Credential=x"}
MODEL = "/api/v1/models/7"
AMAZON_MODEL = "/restapis/uojnr9hd57/models/output"
# The shipped specs document writes only: records are read back through the admin API.
STORED = f"/__specmock/apis/aisquared/records{MODEL}"
AMAZON_STORED = f"/__specmock/apis/apigateway/records{AMAZON_MODEL}"
TIMEOUT = 10.0  # no request may take this long: a hang fails the test instead of stalling it


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(Config(specs=SPECS)) as running:
        yield running


@pytest.fixture
def client(server: LiveServer, request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    """A client in a session of its own, so that each test starts from the seed records."""
    session = {"X-Specmock-Session": request.node.name[:100]}
    with httpx.Client(base_url=server.url, timeout=TIMEOUT, headers=session) as client:
        yield client


@pytest.fixture(scope="module")
def documents(server: LiveServer) -> dict[str, dict[str, Any]]:
    with httpx.Client(base_url=server.url, timeout=TIMEOUT) as client:
        return {name: effective(client, name) for name in ("aisquared", "apigateway")}


def refused(response: httpx.Response, status: int, *words: str) -> None:
    """`response` is the 4xx `status`, and its body or violations header names the problem."""
    assert response.status_code == status, response.text
    said = response.text + response.headers.get("x-specmock-violations", "")
    for word in words:
        assert word in said, said


def model_update(body: bytes, content_type: str = "application/json") -> dict[str, Any]:
    return {
        "content": body,
        "headers": {**BEARER, "Content-Type": content_type},
    }


@pytest.mark.parametrize(
    ("body", "content_type", "words"),
    [
        pytest.param(
            b'{"model": {"name": "\\ud800", "query_type": "a", "connector_id": 1}}',
            "application/json",
            ("\\\\ud800 at /model/name is half a surrogate pair",),
            id="lone-surrogate",
        ),
        pytest.param(
            b'{"model": {"name": "n", "query_type": "a", "connector_id": 1e400}}',
            "application/json",
            ("1e400 is too large a number",),
            id="overflow",
        ),
        pytest.param(
            b'{"model": {"name": "n", "name": "m", "query_type": "a", "connector_id": 1}}',
            "application/json",
            ("the key 'name' appears twice",),
            id="duplicate-key",
        ),
        pytest.param(
            b'\xef\xbb\xbf{"model": {"name": "n", "query_type": "a", "connector_id": 1}}',
            "application/json",
            ("byte order mark",),
            id="bom",
        ),
        pytest.param(
            '{"model": {"name": "n", "query_type": "a", "connector_id": 1}}'.encode("utf-16"),
            "application/json",
            ("not UTF-8",),
            id="utf-16",
        ),
        pytest.param(
            b'{"model": {"name": "n", "query_type": "a", "connector_id": 1, "configuration": '
            + b"[" * (MAX_DEPTH + 1)
            + b"]" * (MAX_DEPTH + 1)
            + b"}}",
            "application/json",
            (f"nests more than {MAX_DEPTH} levels deep",),
            id="too-deep",
        ),
        pytest.param(
            b'{"model": ' * 50_000 + b"1" + b"}" * 50_000,
            "application/json",
            (f"nests more than {MAX_DEPTH} levels deep",),
            id="far-too-deep",
        ),
        pytest.param(
            b'{"model": {"name": "n", "query_type": "a", "connector_id": ' + b"9" * 5000 + b"}}",
            "application/json",
            ("more than 4,300 digits",),
            id="huge-integer",
        ),
    ],
)
def test_hostile_bodies_are_refused_and_the_record_stays_readable(
    client, documents, body, content_type, words
):
    before = client.get(STORED)
    response = client.put(MODEL, **model_update(body, content_type))
    refused(response, 400, *words)
    assert response_errors(documents["aisquared"], response) == []
    after = client.get(STORED)
    assert (after.status_code, after.content) == (200, before.content)


@pytest.mark.parametrize(
    ("path", "words"),
    [
        pytest.param("/api/v1/models/" + "9" * 5000, ("no integer over 400 digits",), id="huge-id"),
        pytest.param("/api/v1/models/%FF", ("is not a valid integer",), id="not-utf-8"),
        pytest.param("/api/v1/models/" + "a" * 20_000, ("is not a valid integer",), id="long"),
    ],
)
def test_hostile_paths_get_a_4xx_that_names_them(client, path, words):
    update = {"model": {"name": "n", "query_type": "a", "connector_id": 1}}
    response = client.put(path, headers=BEARER, json=update)
    assert 400 <= response.status_code < 500, response.text
    refused(response, response.status_code, *words)


def test_hostile_a_doubling_patch_is_refused_while_other_clients_are_answered(client, server):
    """Each `copy` from "" doubled the record (19 of them held the server for 3.4 s)."""
    doubling = [{"op": "copy", "from": "", "path": f"/c{n}"} for n in range(24)]
    answers: list[int] = []

    def meanwhile() -> None:
        with httpx.Client(base_url=server.url, timeout=TIMEOUT) as other:
            answers.extend(other.get(STORED).status_code for _ in range(20))

    reader = threading.Thread(target=meanwhile)
    reader.start()
    response = client.patch(
        AMAZON_MODEL,
        headers={**AWS, "Content-Type": "application/json"},
        json={"patchOperations": doubling},
    )
    reader.join(TIMEOUT)
    refused(response, 409, "would grow past")
    assert answers == [200] * 20
    kept = client.get(AMAZON_STORED)
    assert kept.status_code == 200 and "c0" not in kept.json()


def test_hostile_too_many_patch_operations_are_refused(client):
    many = [{"op": "test", "path": "/name", "value": "output"}] * (MAX_OPERATIONS + 1)
    response = client.patch(
        AMAZON_MODEL,
        headers={**AWS, "Content-Type": "application/json"},
        json={"patchOperations": many},
    )
    refused(response, 409, f"over the limit of {MAX_OPERATIONS}")


def test_hostile_a_stale_if_match_is_a_412_where_the_spec_documents_none(client, documents):
    etag = client.get(STORED).headers["etag"]
    update = {"model": {"name": "First", "query_type": "raw_sql", "connector_id": 3}}
    assert client.put(MODEL, headers={**BEARER, "If-Match": etag}, json=update).status_code == 200
    stale = {"model": {"name": "Lost", "query_type": "raw_sql", "connector_id": 3}}
    response = client.put(MODEL, headers={**BEARER, "If-Match": etag}, json=stale)
    refused(response, 412, "does not match the current ETag")
    assert response_errors(documents["aisquared"], response) == []
    assert client.get(STORED).json()["name"] == "First"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(
            b"GET /api/v1/models/7 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer T\r\n"
            b"X-Junk: \xff\xfe\r\n\r\n",
            id="non-ascii-header",
        ),
        pytest.param(
            b"PUT /api/v1/models/7 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer T\r\n"
            b"Content-Type: application/json\r\nContent-Length: -5\r\n\r\n",
            id="negative-length",
        ),
        pytest.param(
            b"GET /api/v1/models/7?a=%00%ff HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer T\r\n\r\n",
            id="nul-in-query",
        ),
        pytest.param(b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", id="dot-dot"),
    ],
)
def test_hostile_malformed_http_never_gets_a_5xx(server, raw):
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as connection:
        connection.sendall(raw)
        head = connection.recv(65536).split(b"\r\n", 1)[0]
    status = int(head.split()[1])
    assert 200 <= status < 500, head


def test_hostile_admin_json_is_read_as_strictly_as_the_stubs(client):
    response = client.put(
        STORED,
        content=b'{"name": "\\udc00", "query_type": "a", "connector_id": 1}',
    )
    refused(response, 400, "half a surrogate pair")
    assert client.get(STORED).json()["name"] == "Churn"


def test_hostile_answers_never_echo_a_record_json_cannot_write(client):
    """The records endpoint and every answer stay JSON after all of the above."""
    listed = client.get("/__specmock/apis/aisquared/records")
    assert listed.status_code == 200
    json.loads(listed.text)
