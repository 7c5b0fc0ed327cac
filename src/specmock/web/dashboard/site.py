"""What every dashboard page shares: the templates, the server shown, the session looked at.

A page module (`home`, `apis`, `requests`, ...) exposes `routes(site)`; `Dashboard` mounts the
routes of every module in `PAGES` under `/__specmock/`, behind the admin guard.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from specmock.spec.api import Catalog
from specmock.web.admin import ADMIN_ROOT, Server
from specmock.web.dashboard.live import Live

HERE = Path(__file__).resolve().parent
# The session the dashboard looks at (its `X-Specmock-Session`), kept in a cookie by the page
# that picks it; '' is the shared default session.
SESSION_COOKIE = "specmock-session"


def templates() -> Jinja2Templates:
    """The dashboard's Jinja2 templates, HTML-escaped always (bodies and specs are untrusted)."""
    loader = jinja2.FileSystemLoader(HERE / "templates")
    return Jinja2Templates(env=jinja2.Environment(loader=loader, autoescape=True))


@dataclass
class Site:
    """The served APIs, their start-up errors and journal (`server`), and how pages render."""

    catalog: Catalog
    server: Server
    templates: Jinja2Templates
    live: Live

    def render(self, request: Request, template: str, **context: Any) -> Response:
        """A page: `templates/<template>` with `context`, plus what the layout reads."""
        shared = {"root": ADMIN_ROOT, "session": session_viewed(request)}
        return self.templates.TemplateResponse(request, template, shared | context)


def session_viewed(request: Request) -> str:
    """The session the dashboard shows: its cookie's, or the shared default ''."""
    return request.cookies.get(SESSION_COOKIE, "")
