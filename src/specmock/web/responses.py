"""How specmock's answers become Starlette responses: a reply as written, and every problem
specmock answers itself (stubs, proxy, admin, faults) through one function."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from specmock.mock.answers import Reply, encode, problem_json
from specmock.problems import Problem

#: How a problem is written: problem+json, or an operation's documented error shape.
ProblemShape = Callable[[Problem], Reply]


def to_response(reply: Reply, method: str = "GET") -> Response:
    """A Starlette response for a reply; JSON for JSON-like types, text otherwise.

    204, 205, 304 and answers to HEAD carry no body, whatever the spec's content says.
    """
    headers = dict(reply.headers)
    if reply.media_type is None or reply.status in (204, 205, 304) or method == "HEAD":
        return Response(status_code=reply.status, headers=headers)
    return Response(
        reply.encoded if reply.encoded is not None else encode(reply.body, reply.media_type),
        status_code=reply.status,
        headers=headers,
        media_type=reply.media_type,
    )


def problem_response(
    problem: Problem, method: str = "GET", shape: ProblemShape = problem_json
) -> Response:
    """A problem as a response: written in `shape` (problem+json unless an operation documents
    its own error shape), with the problem's headers."""
    return to_response(shape(problem), method)


async def fault_response(request: Request, error: Exception) -> Response:
    """A bug in specmock still answers in the problem shape, naming the fault (and is logged)."""
    problem = Problem(500, f"specmock failed on this request: {type(error).__name__}: {error}")
    return problem_response(problem)
