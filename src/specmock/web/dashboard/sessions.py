"""The session picker: which session the dashboard looks at (its records, what "Try it out"
sends), kept in the `specmock-session` cookie. It lists the sessions the store holds and those
the journal saw, and takes any other name typed in."""

from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from specmock import greenlets
from specmock.web.admin import ADMIN_ROOT, store_faults
from specmock.web.dashboard.forms import after_post, form_of
from specmock.web.dashboard.site import SESSION_COOKIE, Site, session_viewed
from specmock.web.stubs import Stubs

UI = f"{ADMIN_ROOT}/ui/session"
# what a header value and a cookie value both carry unquoted (RFC 6265's token characters)
_LISTED = 200  # sessions offered by the picker (any other can be typed)
_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+\-.^_`|~:]{0,200}")


def known_sessions(site: Site, journaled: list[str]) -> list[str]:
    """The default session, those the store holds, and those the journal saw (`journaled`),
    in that order."""
    names = {"": None}
    if isinstance(site.server, Stubs):
        names |= dict.fromkeys(site.server.store.session_names(_LISTED))
    names |= dict.fromkeys(journaled)
    return list(names)


def routes(site: Site) -> list[BaseRoute]:
    async def shown(
        request: Request, back: str, typed: str, errors: list[str], status: int = 200
    ) -> Response:
        # the journal read in a thread (a Redis journal's client blocks), the store's sessions
        # under `greenlets.spawn` (a Redis store's commands are awaited on the loop)
        entries = await run_in_threadpool(site.server.journal.entries)
        journaled = [entry.session for entry in entries]
        return await greenlets.spawn(page, request, back, typed, errors, status, journaled)

    async def picker(request: Request) -> Response:
        if request.method == "GET":
            back = _back(request.query_params.get("next", ""))
            return await shown(request, back, session_viewed(request), [])
        form = await form_of(request)
        if isinstance(form, Response):
            return form
        name, back = form.get("session", "").strip(), _back(form.get("next", ""))
        if not _NAME.fullmatch(name):
            errors = [
                f"{name[:60]!r} cannot be a session name: up to 200 letters, digits and "
                "!#$%&'*+-.^_`|~: (what a cookie and a header carry as they are)"
            ]
            return await shown(request, back, name, errors, 400)
        response = after_post(back)
        response.set_cookie(SESSION_COOKIE, name, path=ADMIN_ROOT, samesite="strict")
        return response

    def page(
        request: Request,
        back: str,
        typed: str,
        errors: list[str],
        status: int,
        journaled: list[str],
    ) -> Response:
        rendered = site.render(
            request,
            "session.html",
            known=known_sessions(site, journaled),
            back=back,
            typed=typed,
            errors=errors,
        )
        rendered.status_code = status
        return rendered

    return [Route(UI, store_faults(picker), methods=["GET", "POST"])]


def _back(path: str) -> str:
    """Where to go after picking: a dashboard page, never another site."""
    if path.startswith(f"{ADMIN_ROOT}/") and not path.startswith("//") and "\\" not in path:
        return path
    return f"{ADMIN_ROOT}/ui/records"
