"""From replies and problems to responses: bodies as written, no body where HTTP has none, and
one shape for every problem."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from specmock.mock.answers import Reply
from specmock.problems import Problem
from specmock.violations import Violation
from specmock.web.responses import fault_response, problem_response, to_response


def test_to_response_writes_json_compact_and_utf8():
    response = to_response(Reply(200, "application/json", {"name": "café", "n": [1, 2]}))
    assert response.status_code == 200
    assert response.body == '{"name":"café","n":[1,2]}'.encode()
    assert dict(response.headers) == {"content-length": "26", "content-type": "application/json"}


def test_to_response_writes_text_as_text_and_keeps_the_reply_headers():
    response = to_response(Reply(201, "text/plain", "pong", {"ETag": '"1"'}))
    assert (response.status_code, response.body) == (201, b"pong")
    assert response.headers["etag"] == '"1"'
    assert response.headers["content-type"] == "text/plain; charset=utf-8"


def test_to_response_sends_an_encoded_body_as_it_was_kept():
    assert to_response(Reply(200, "application/json", {"a": 1}, encoded=b'{"a": 1}')).body == (
        b'{"a": 1}'
    )


@pytest.mark.parametrize(
    ("status", "method"),
    [
        pytest.param(204, "GET", id="204"),
        pytest.param(205, "GET", id="205"),
        pytest.param(304, "GET", id="304"),
        pytest.param(200, "HEAD", id="head"),
    ],
)
def test_to_response_has_no_body_where_http_has_none(status, method):
    response = to_response(Reply(status, "application/json", {"a": 1}, {"X-A": "1"}), method)
    assert (response.status_code, response.body) == (status, b"")
    assert "content-type" not in response.headers
    assert response.headers["x-a"] == "1"


def test_problem_response_is_problem_json_with_the_problem_headers():
    problem = Problem(401, "no", (Violation("header", "Authorization", "missing"),), {"A": "b"})
    response = problem_response(problem)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["a"] == "b"
    assert response.body == (
        b'{"type":"urn:specmock:problem:unauthorized",'
        b'"title":"A credential of a declared security scheme is required","status":401,'
        b'"detail":"no","errors":[{"in":"header","name":"Authorization","message":"missing"}]}'
    )


def test_problem_response_writes_in_the_shape_given_for_the_method():
    def shape(problem: Problem) -> Reply:
        return Reply(400, "application/json", {"message": problem.detail})

    assert problem_response(Problem(422, "bad"), "GET", shape).body == b'{"message":"bad"}'
    assert problem_response(Problem(422, "bad"), "HEAD", shape).body == b""


@pytest.mark.anyio
async def test_fault_response_names_the_fault_in_a_500_problem():
    response = await fault_response(Request({"type": "http"}), RuntimeError("boom"))
    assert response.status_code == 500
    assert response.body == (
        b'{"type":"urn:specmock:problem:internal-error",'
        b'"title":"specmock failed; this is a bug in specmock, please report it","status":500,'
        b'"detail":"specmock failed on this request: RuntimeError: boom"}'
    )
