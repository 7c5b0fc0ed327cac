"""Inbound checks: each status before the answer, exact, and which one wins when several apply."""

from __future__ import annotations

from typing import Any

import pytest

from specmock.config import Config
from specmock.mock.actions import ActionRequest
from specmock.mock.answers import Prefer
from specmock.mock.served_api import serve
from specmock.problems import Problem
from specmock.spec.api import Api
from specmock.violations import Violation
from specmock.web.inbound import Inbound, Routed, check, route
from specmock.web.request import WireRequest

NOTE = {"type": "object", "required": ["title"], "properties": {"title": {"type": "string"}}}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Notes", "version": "1"},
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearer": []}],
    "paths": {
        "/notes/{id}": {
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "put": {
                "parameters": [
                    {"name": "tag", "in": "query", "schema": {"type": "string", "maxLength": 3}}
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": NOTE}},
                },
                "responses": {
                    "200": {
                        "description": "saved",
                        "content": {"application/json": {"schema": NOTE}},
                    },
                    "204": {"description": "saved, nothing to say"},
                    "422": {"description": "a body that breaks its schema"},
                },
            },
        }
    },
}
LIMIT = 40
AUTH = ("Authorization", "Bearer t")
JSON = ("Content-Type", "application/json")
VALID = b'{"title": "a"}'
BROKEN = b'{"title": 5}'


def request(
    method: str, path: str, headers: list[tuple[str, str]], body: bytes = b"", query: str = ""
) -> WireRequest:
    """A request as the server gives it: the whole body in one message, Content-Length as sent."""
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": [(name.lower().encode(), value.encode()) for name, value in headers],
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    return WireRequest(scope, receive)


async def checked(
    headers: list[tuple[str, str]], body: bytes = VALID, path: str = "/notes/1", query: str = ""
) -> Inbound | Problem:
    router, served = serve([Api.from_dict("notes", SPEC)], prefix=False)
    sent = request("PUT", path, headers, body, query)
    routed = route(router, sent)
    assert isinstance(routed, Routed)
    return await check(
        sent, routed.match, routed.operation, served["notes"], Config(max_body=LIMIT)
    )


def test_inbound_route_finds_the_operation_and_its_parameters():
    router, _ = serve([Api.from_dict("notes", SPEC)], prefix=False)
    routed = route(router, request("PUT", "/notes/7", []))
    assert isinstance(routed, Routed)
    assert (routed.operation.method, routed.operation.path) == ("put", "/notes/{id}")
    assert routed.match.params == {"id": "7"}


def test_inbound_route_unknown_path_is_404():
    router, _ = serve([Api.from_dict("notes", SPEC)], prefix=False)
    assert route(router, request("GET", "/nope", [])) == Problem(
        404, "no operation is documented at '/nope'"
    )


def test_inbound_route_undocumented_method_is_405_with_allow():
    router, _ = serve([Api.from_dict("notes", SPEC)], prefix=False)
    assert route(router, request("GET", "/notes/1", [])) == Problem(
        405, "GET is not documented for /notes/{id}; documented: PUT", headers={"Allow": "PUT"}
    )


MISSING_BEARER = (
    "missing credential for security scheme 'bearer': "
    "expected 'Authorization: Bearer <credentials>'"
)
OVERSIZED = b'{"title": "' + b"a" * LIMIT + b'"}'
TOO_LARGE = Problem(
    413,
    f"the body has {len(OVERSIZED)} bytes, over the limit of {LIMIT} bytes (--max-body)",
    (Violation("body", "", f"{len(OVERSIZED)} bytes is over the limit of {LIMIT}"),),
)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("headers", "body", "path", "query", "problem"),
    [
        pytest.param(
            [JSON],
            VALID,
            "/notes/1",
            "",
            Problem(
                401,
                f"1 problem: header Authorization: {MISSING_BEARER}",
                (Violation("header", "Authorization", MISSING_BEARER),),
                {"WWW-Authenticate": 'Bearer realm="specmock"'},
            ),
            id="401-no-credential",
        ),
        pytest.param(
            [AUTH, JSON, ("Content-Length", str(len(OVERSIZED)))],
            OVERSIZED,
            "/notes/1",
            "",
            TOO_LARGE,
            id="413-declared-length",
        ),
        pytest.param(
            [AUTH, JSON],
            OVERSIZED,
            "/notes/1",
            "",
            TOO_LARGE,
            id="413-streamed-without-length",
        ),
        pytest.param(
            [AUTH, JSON, ("Prefer", "code=abc")],
            VALID,
            "/notes/1",
            "",
            Problem(
                400,
                "1 problem: header Prefer: code='abc' is not an HTTP status code",
                (Violation("header", "Prefer", "code='abc' is not an HTTP status code"),),
            ),
            id="400-prefer",
        ),
        pytest.param(
            [AUTH, ("Content-Type", "text/plain")],
            VALID,
            "/notes/1",
            "",
            Problem(
                415,
                "Content-Type 'text/plain' is not documented; documented: application/json",
                (Violation("header", "Content-Type", "'text/plain' is not documented"),),
            ),
            id="415-undocumented-type",
        ),
        pytest.param(
            [AUTH],
            VALID,
            "/notes/1",
            "",
            Problem(
                415,
                "a body was sent without Content-Type; documented: application/json",
                (Violation("header", "Content-Type", "is missing"),),
            ),
            id="415-no-type",
        ),
        pytest.param(
            [AUTH, JSON],
            VALID,
            "/notes/1",
            "tag=abcdef",
            Problem(
                400,
                "1 problem: query tag: 'abcdef' is too long",
                (Violation("query", "tag", "'abcdef' is too long"),),
            ),
            id="400-parameter",
        ),
        pytest.param(
            [AUTH, JSON],
            BROKEN,
            "/notes/1",
            "",
            Problem(
                422,
                "1 problem: body /title: 5 is not of type 'string'",
                (Violation("body", "/title", "5 is not of type 'string'"),),
            ),
            id="422-body-schema-where-documented",
        ),
        pytest.param(
            [AUTH, JSON],
            VALID,
            "/notes/x",
            "",
            Problem(
                404,
                "1 problem: path id: 'x' is not a valid integer",
                (Violation("path", "id", "'x' is not a valid integer"),),
            ),
            id="404-path-names-no-resource",
        ),
        pytest.param(
            [AUTH, JSON, ("Accept", "text/html")],
            VALID,
            "/notes/1",
            "",
            Problem(
                406,
                "Accept 'text/html' admits none of the documented types: application/json",
                (Violation("header", "Accept", "'text/html' is not acceptable"),),
            ),
            id="406-accept",
        ),
    ],
)
async def test_inbound_check_refuses_with_the_exact_problem(headers, body, path, query, problem):
    assert await checked(headers, body, path, query) == problem


# Each row fixes the fault whose problem won the row before: the statuses come in this order.
EVERY_FAULT = [("Prefer", "code=abc"), ("Content-Type", "text/plain"), ("Accept", "text/html")]
FIXED_PREFER = [("Content-Type", "text/plain"), ("Accept", "text/html")]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("headers", "body", "path", "status"),
    [
        pytest.param(EVERY_FAULT, OVERSIZED, "/notes/x", 401, id="401-first"),
        pytest.param([AUTH, *EVERY_FAULT], OVERSIZED, "/notes/x", 413, id="then-413"),
        pytest.param([AUTH, *EVERY_FAULT], BROKEN, "/notes/x", 400, id="then-prefer-400"),
        pytest.param([AUTH, *FIXED_PREFER], BROKEN, "/notes/x", 415, id="then-415"),
        pytest.param([AUTH, JSON, ("Accept", "text/html")], BROKEN, "/notes/x", 404, id="then-404"),
        pytest.param([AUTH, JSON, ("Accept", "text/html")], BROKEN, "/notes/1", 422, id="then-422"),
        pytest.param([AUTH, JSON, ("Accept", "text/html")], VALID, "/notes/1", 406, id="then-406"),
    ],
)
async def test_inbound_check_first_problem_wins_in_order(headers, body, path, status):
    outcome = await checked(headers, body, path)
    assert isinstance(outcome, Problem)
    assert outcome.status == status


@pytest.mark.anyio
async def test_inbound_check_passes_what_the_store_and_the_answer_read():
    headers = [AUTH, JSON, ("Accept", "application/json"), ("If-Match", '"e1"')]
    assert await checked(headers, query="tag=ab") == Inbound(
        ActionRequest(
            params={"id": "1"},
            body={"title": "a"},
            content_type="application/json",
            if_match='"e1"',
            query={"tag": "ab"},
            accept="application/json",
        ),
        Prefer(),
    )


@pytest.mark.anyio
async def test_inbound_check_a_preferred_status_skips_the_406():
    outcome = await checked([AUTH, JSON, ("Accept", "text/html"), ("Prefer", "code=204")])
    assert isinstance(outcome, Inbound)
    assert (outcome.prefer, outcome.action.accept) == (Prefer(code=204), "text/html")


@pytest.mark.parametrize(
    ("config", "status"),
    [
        pytest.param(Config(tokens=frozenset({"t"})), None, id="server-token"),
        pytest.param(
            Config(tokens=frozenset({"t"}), api_tokens={"notes": frozenset({"n"})}),
            401,
            id="api-token-replaces-server-token",
        ),
        pytest.param(Config(api_tokens={"other": frozenset({"n"})}), None, id="another-api"),
    ],
)
@pytest.mark.anyio
async def test_inbound_check_credentials_of_the_api_win(config: Config, status: int | None):
    router, served = serve([Api.from_dict("notes", SPEC)], prefix=False)
    sent = request("PUT", "/notes/1", [AUTH, JSON], VALID)
    routed = route(router, sent)
    assert isinstance(routed, Routed)
    outcome = await check(sent, routed.match, routed.operation, served["notes"], config)
    assert (outcome.status if isinstance(outcome, Problem) else None) == status
