"""The dashboard: HTML pages under `/__specmock/` that show the APIs served, the journal live, and
one request beside its spec. Server-rendered (Jinja2) with small hand-written scripts in
`static/`; no build step. It sits behind the admin guard, as the admin API does.

A page is a module with `routes(site) -> list[BaseRoute]`, a template in `templates/`, and its
module in `PAGES`.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from specmock.spec.api import Catalog
from specmock.web.admin import ADMIN_ROOT, Server
from specmock.web.dashboard import apis, home, requests, stream
from specmock.web.dashboard.live import Live
from specmock.web.dashboard.site import HERE, Site, templates

PAGES = (home, apis, requests, stream)
STATIC = f"{ADMIN_ROOT}/static"


class Dashboard:
    """The dashboard's routes for a server (the stubs or the proxy) and its catalog."""

    def __init__(self, catalog: Catalog, server: Server) -> None:
        self.site = Site(catalog, server, templates(), Live(server.journal))

    @property
    def routes(self) -> list[BaseRoute]:
        files = [
            Mount(f"{STATIC}/swagger-ui", StaticFiles(directory=str(swagger_ui_path))),
            Mount(STATIC, StaticFiles(directory=HERE / "static")),
        ]
        return [*files, *(route for page in PAGES for route in page.routes(self.site))]

    def close(self) -> None:
        """End the open event streams (from any thread): the server is stopping."""
        self.site.live.close()
