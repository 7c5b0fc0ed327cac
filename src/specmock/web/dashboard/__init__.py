"""The dashboard: HTML pages under `/__specmock/` that show the APIs served, the journal live, one
request beside its spec, the records of a session, and the latency and fault controls; a picker
sets the session looked at. Server-rendered (Jinja2) with small hand-written scripts in
`static/`; no build step. It sits behind the admin guard, as the admin API does.

A page is a module with `routes(site) -> list[BaseRoute]`, a template in `templates/`, and its
module in `PAGES`.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from specmock.spec.api import Catalog
from specmock.web.admin import ADMIN_ROOT, Server
from specmock.web.dashboard import apis, controls, home, records, requests, sessions, stream
from specmock.web.dashboard.live import Live
from specmock.web.dashboard.site import HERE, Site, templates

PAGES = (home, apis, requests, stream, records, controls, sessions)
STATIC = f"{ADMIN_ROOT}/static"


def swagger_ui_files() -> Path:
    """Swagger UI's dist files, as the PyPI package `swagger-ui-py` ships them (Swagger UI 5, which
    reads OpenAPI 3.1; `swagger-ui-bundle` ships 4, which refuses it). Found, not imported: its
    modules are adapters for other web frameworks."""
    spec = importlib.util.find_spec("swagger_ui")
    assert spec is not None and spec.submodule_search_locations, "swagger-ui-py is not installed"
    return Path(spec.submodule_search_locations[0]) / "static"


class Dashboard:
    """The dashboard's routes for a server (the stubs or the proxy) and its catalog."""

    def __init__(self, catalog: Catalog, server: Server) -> None:
        self.site = Site(catalog, server, templates(), Live(server.journal))

    @property
    def routes(self) -> list[BaseRoute]:
        files = [
            Mount(f"{STATIC}/swagger-ui", StaticFiles(directory=swagger_ui_files())),
            Mount(STATIC, StaticFiles(directory=HERE / "static")),
        ]
        return [*files, *(route for page in PAGES for route in page.routes(self.site))]

    def close(self) -> None:
        """End the open event streams (from any thread): the server is stopping."""
        self.site.live.close()
