"""`create_app`: the Starlette application for a folder of specs, built by a factory.

No module-level state: every call builds fresh validators, routes and caches, kept on the
instance (`app.state.specmock`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.types import ASGIApp, Lifespan, Message, Receive, Scope, Send

from specmock.config import Config
from specmock.spec.api import Catalog
from specmock.web.admin import ADMIN_ROOT, Admin
from specmock.web.cors import CORSMiddleware
from specmock.web.responses import fault_response
from specmock.web.stubs import Stubs

logger = logging.getLogger("specmock")


def _state_file(stubs: Stubs, path: Path | None) -> Lifespan[Starlette] | None:
    """Load the stored records at start and save them at shutdown, when a state file is set."""
    if path is None:
        return None

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stubs.store.load(path)
        yield
        stubs.store.save(path)
        logger.info("saved the stored records to %s", path)

    return lifespan


def guarded(app: ASGIApp) -> ASGIApp:
    """`app` whose faults are logged and answered with `fault_response` (when no answer has
    started), as Starlette's error middleware does for the rest."""

    async def call(scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await app(scope, receive, sending)
        except Exception as error:
            logger.exception("specmock failed on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            response = await fault_response(Request(scope), error)
            await response(scope, receive, send)

    return call


class Application(Starlette):
    """The admin API and the lifespan go through Starlette; every other request goes straight to
    the stubs (through CORS and the fault guard), past the router's admin routes and Starlette's
    middleware stack, which a stub request does not need."""

    def __init__(self, stubs: ASGIApp, **options: Any) -> None:
        super().__init__(**options)
        self._stubs = stubs

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(ADMIN_ROOT):
            scope["app"] = self
            await self._stubs(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app(config: Config, catalog: Catalog | None = None) -> Starlette:
    """The server for `config.specs` (or for an already loaded catalog).

    Broken spec files are logged and listed at `/__specmock/apis`; the other APIs still serve.
    Raises ConfigError when two APIs claim the same method and path.
    """
    catalog = (
        catalog if catalog is not None else Catalog.from_path(config.specs, config.allow_ref_dirs)
    )
    for error in catalog.errors:
        logger.error("%s", error)
    stubs = Stubs(list(catalog.apis), config)
    admin = Admin(catalog, stubs)
    middleware = [Middleware(CORSMiddleware, methods_for=stubs.methods_for)] if config.cors else []
    direct = CORSMiddleware(stubs, methods_for=stubs.methods_for) if config.cors else stubs
    app = Application(
        guarded(direct),
        routes=admin.routes,
        middleware=middleware,
        exception_handlers={Exception: fault_response},
        lifespan=_state_file(stubs, config.state_file),
    )
    # Every request that is not admin reaches the stubs, whatever its method or path bytes.
    app.router.default = stubs
    app.router.redirect_slashes = False
    app.state.specmock = stubs
    app.state.catalog = catalog
    return app
