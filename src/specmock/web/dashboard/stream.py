"""`/__specmock/requests/stream`: the journal's new entries as server-sent events (`Live`), with a
comment line every few seconds that keeps proxies from closing an idle stream and finds a closed
connection."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from specmock.mock.journal import JournalEntry
from specmock.web.admin import ADMIN_ROOT
from specmock.web.dashboard.site import Site


def event(entry: JournalEntry) -> str:
    """An entry as one server-sent event (`id`, `event: entry`, its summary as JSON data)."""
    data = json.dumps(entry.as_dict(), separators=(",", ":"))
    return f"id: {entry.id}\nevent: entry\ndata: {data}\n\n"


def routes(site: Site) -> list[BaseRoute]:
    async def stream(request: Request) -> Response:
        return StreamingResponse(
            site.live.events("retry: 1000\n\n", event),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    return [Route(f"{ADMIN_ROOT}/requests/stream", stream, methods=["GET"])]
