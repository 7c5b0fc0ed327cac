import asyncio
import json

from specmock.web.timeouts import BodyTimeout


async def _echo(scope, receive, send):
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def _call(app, messages, headers=((b"content-length", b"100"),)):
    """`app`'s answer to a request whose body comes as `messages`, then nothing ever again."""
    sent = []

    async def receive():
        if messages:
            return messages.pop(0)
        await asyncio.Event().wait()  # a client that stalls: bounded by the middleware only

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "PUT", "path": "/", "headers": list(headers)}
    asyncio.run(asyncio.wait_for(app(scope, receive, send), 30))
    return sent


def test_timeouts_a_stalled_body_is_answered_408_with_a_problem():
    first = {"type": "http.request", "body": b"x", "more_body": True}
    sent = _call(BodyTimeout(_echo, 0.05), [first])
    assert sent[0]["status"] == 408
    assert (b"connection", b"close") in sent[0]["headers"]
    problem = json.loads(sent[1]["body"])
    assert problem["detail"] == (
        "the client sent no body bytes for 0.05 s after 1 bytes (--body-timeout)"
    )
    assert problem["errors"] == [{"in": "body", "name": "", "message": "no bytes for 0.05 s"}]


def test_timeouts_a_complete_body_passes_through():
    chunks = [
        {"type": "http.request", "body": b"ab", "more_body": True},
        {"type": "http.request", "body": b"c", "more_body": False},
    ]
    sent = _call(BodyTimeout(_echo, 5), chunks)
    assert (sent[0]["status"], sent[1]["body"]) == (200, b"abc")


def test_timeouts_a_request_without_a_body_is_left_alone():
    """No `Content-Length` or chunks: HTTP/1.1 says there is no body, so nothing is timed (an
    app that reads anyway waits as it would without the middleware)."""

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": receive.__name__.encode()})

    for headers in ((), ((b"content-length", b"0"),)):
        sent = _call(BodyTimeout(app, 0.05), [], headers)
        assert (sent[0]["status"], sent[1]["body"]) == (204, b"receive")  # the server's own
    timed = _call(BodyTimeout(app, 0.05), [], ((b"transfer-encoding", b"chunked"),))
    assert timed[1]["body"] == b"receiving"
