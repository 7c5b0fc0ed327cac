"""`create_app`: the Starlette application for a folder of specs, built by a factory.

No module-level state: every call builds fresh validators, routes and caches, kept on the
instance (`app.state.specmock`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.types import ASGIApp, Lifespan, Message, Receive, Scope, Send

from specmock.config import Config
from specmock.errors import ConfigError
from specmock.mock.journal import RequestJournal
from specmock.mock.redis_journal import RedisJournal
from specmock.mock.seeds import record_problem
from specmock.mock.state_file import RecordCheck, Saver, StateFile
from specmock.mock.store import Store
from specmock.spec.api import Catalog
from specmock.web.admin import Admin
from specmock.web.cors import CORSMiddleware
from specmock.web.dashboard import Dashboard
from specmock.web.faults import with_connection
from specmock.web.guard import AdminGuard, is_admin
from specmock.web.reload import Reloader
from specmock.web.responses import fault_response
from specmock.web.stubs import Stubs
from specmock.web.timeouts import BodyTimeout

logger = logging.getLogger("specmock")


def _state_file(stubs: Stubs, path: Path | None) -> Lifespan[Starlette] | None:
    """With a state file: check now that it can be written and load it (ConfigError or
    SpecmockError naming the path, before serving), then keep it saved about once a second while
    serving and once more at shutdown. Records that do not fit their API are left out and listed
    as errors, as bad seed data is."""
    if path is None:
        return None
    store = stubs.store
    assert isinstance(store, Store)  # `Stubs` refuses a state file beside a remote store
    file = StateFile(path)
    file.check()
    for error in store.load(path, _stored_record_check(stubs)):
        logger.error("%s", error)
        stubs.errors.append(error)
    saver = Saver(store, file)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        saving = asyncio.create_task(saver.run())
        try:
            yield
        finally:
            saver.stop()
            await saving
            if saver.saved == store.changes:
                logger.info("saved the stored records to %s", path)

    return lifespan


def _shared_journal(stubs: Stubs, config: Config) -> Lifespan[Starlette] | None:
    """With a Redis store, the journal kept beside it, which every process on its prefix shares
    (`stubs.journal` from now on), stopped with the server."""
    if config.store == "memory":
        return None
    journal = stubs.journal = RedisJournal(config.store, config.store_prefix)
    return _closing(journal)


def _closing(journal: RequestJournal) -> Lifespan[Starlette]:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await asyncio.to_thread(journal.close)

    return lifespan


def _together(*parts: Lifespan[Starlette] | None) -> Lifespan[Starlette] | None:
    """One lifespan running `parts` (those given) in order, ending them in reverse."""
    present = [part for part in parts if part is not None]
    if not present:
        return None

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            for part in present:
                await stack.enter_async_context(part(app))
            yield

    return lifespan


def _stored_record_check(stubs: Stubs) -> RecordCheck:
    """A saved record against its API's resources; an API not served this time is kept as saved
    (its spec may load again next time), though nothing answers from it."""

    def check(api: str, path: str, record: dict[str, Any]) -> str | None:
        served = stubs.served.get(api)
        return None if served is None else record_problem(served.actions, path, record)

    return check


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
    """The admin API and the lifespan go through Starlette (and the admin guard, never CORS);
    every other request goes straight to the stubs (through CORS and the fault guard), past the
    router's admin routes and Starlette's middleware stack, which a stub request does not need."""

    def __init__(self, stubs: ASGIApp, **options: Any) -> None:
        super().__init__(**options)
        self._stubs = stubs

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not is_admin(scope["path"]):
            scope["app"] = self
            await self._stubs(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def require_apis(catalog: Catalog, source: Path) -> None:
    """A ConfigError when a catalog has no API to serve: a server answering nothing but 404s
    would hide a wrong path or broken specs."""
    if catalog.apis:
        return
    if catalog.errors:
        reasons = "; ".join(str(error) for error in catalog.errors)
        raise ConfigError(f"nothing to serve: no spec in {source} loaded ({reasons})")
    raise ConfigError(f"nothing to serve: no OpenAPI spec found in {source}")


def create_app(config: Config, catalog: Catalog | None = None) -> Starlette:
    """The server for `config.specs` (or for an already loaded catalog).

    Broken spec files are logged and listed at `/__specmock/apis`; the other APIs still serve.
    Raises ConfigError when two APIs claim the same method and path or the state file cannot be
    written, SpecmockError when it cannot be read.
    """
    catalog = (
        catalog if catalog is not None else Catalog.from_path(config.specs, config.allow_ref_dirs)
    )
    for error in catalog.errors:
        logger.error("%s", error)
    stubs = Stubs(list(catalog.apis), config)
    shared = _shared_journal(stubs, config)
    admin = Admin(catalog, stubs)
    dashboard = Dashboard(catalog, stubs)
    reloader = Reloader(config, catalog, stubs, [admin, dashboard.site]) if config.watch else None
    timed = BodyTimeout(stubs, config.body_timeout)
    direct = CORSMiddleware(timed, methods_for=stubs.methods_for) if config.cors else timed
    app = Application(
        with_connection(guarded(direct)),
        routes=[*admin.routes, *dashboard.routes],
        middleware=[
            Middleware(BodyTimeout, seconds=config.body_timeout),
            Middleware(AdminGuard, config=config),
        ],
        exception_handlers={Exception: fault_response},
        lifespan=_together(
            _state_file(stubs, config.state_file),
            reloader.lifespan if reloader else None,
            shared,
        ),
    )
    # Every request that is not admin reaches the stubs, whatever its method or path bytes.
    app.router.default = stubs
    app.router.redirect_slashes = False
    app.state.specmock = stubs
    app.state.catalog = catalog
    app.state.reloader = reloader
    app.state.dashboard = dashboard
    if reloader is not None:
        reloader.holders.append(app.state)
    return app
