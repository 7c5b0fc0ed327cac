"""The requests pages: the journal, live (`static/live.js` follows the event stream), and one
request beside what the spec expected: the operation's documented answer for its status."""

from __future__ import annotations

import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from specmock.mock.journal import JournalEntry
from specmock.problems import Problem
from specmock.web.admin import ADMIN_ROOT, Server
from specmock.web.dashboard.site import Site
from specmock.web.responses import problem_response

SHOWN = 200  # entries rendered with the page; newer ones arrive by the stream


def routes(site: Site) -> list[BaseRoute]:
    async def live(request: Request) -> Response:
        entries = (await run_in_threadpool(site.server.journal.entries))[:SHOWN]
        return site.render(request, "requests.html", entries=entries, apis=list(site.server.served))

    async def detail(request: Request) -> Response:
        entry_id: int = request.path_params["id"]
        entry = await run_in_threadpool(site.server.journal.get, entry_id)
        if entry is None:
            return problem_response(Problem(404, f"no request {entry_id} in the journal"))
        shown = entry.as_full_dict()
        return site.render(
            request,
            "request.html",
            entry=shown,
            expected=expected(site.server, entry),
            request_body=pretty(shown["request"]["body"]),
            answer_body=pretty(shown["answer"]["body"]),
        )

    ui = f"{ADMIN_ROOT}/ui/requests"
    return [
        Route(ui, live, methods=["GET"]),
        Route(f"{ui}/{{id:int}}", detail, methods=["GET"]),
    ]


def expected(server: Server, entry: JournalEntry) -> dict[str, Any] | None:
    """What the effective spec documents for the entry's operation and status: the response
    object under that status, its class (`4XX`) or `default`; None when no operation matched."""
    exchange = entry.exchange
    served = server.served.get(exchange.api or "")
    if served is None or exchange.operation is None:
        return None
    method, _, template = exchange.operation.partition(" ")
    item = served.effective.get("paths", {}).get(template, {}).get(method.lower(), {})
    responses: dict[str, Any] = item.get("responses", {})
    status = str(entry.status)
    for key in (status, f"{status[0]}XX", "default"):
        if key in responses:
            return {"key": key, "response": json.dumps(responses[key], indent=2)}
    documented = ", ".join(responses) or "none"
    return {
        "key": None,
        "response": f"status {status} is not documented (documented: {documented})",
    }


def pretty(body: str) -> str:
    """A JSON body indented; any other text as it is."""
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        return body
