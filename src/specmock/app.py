"""`create_app`: the Starlette application for a folder of specs, built by a factory.

No module-level state: every call builds fresh validators, routes and caches, kept on the
instance (`app.state.specmock`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Lifespan

from specmock.admin import Admin
from specmock.config import Config
from specmock.cors import CORSMiddleware
from specmock.problems import PROBLEM_MEDIA_TYPE, Problem
from specmock.spec import Catalog
from specmock.stubs import Stubs

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


async def fault_response(request: Request, error: Exception) -> Response:
    """A bug in specmock still answers in the problem shape, naming the fault (and is logged)."""
    problem = Problem(500, f"specmock failed on this request: {type(error).__name__}: {error}")
    return JSONResponse(problem.as_dict(), 500, media_type=PROBLEM_MEDIA_TYPE)


def create_app(config: Config, catalog: Catalog | None = None) -> Starlette:
    """The server for `config.specs` (or for an already loaded catalog).

    Broken spec files are logged and listed at `/__specmock/apis`; the other APIs still serve.
    Raises ConfigError when two APIs claim the same method and path.
    """
    catalog = catalog if catalog is not None else Catalog.from_path(config.specs)
    for error in catalog.errors:
        logger.error("%s", error)
    stubs = Stubs(list(catalog.apis), config)
    admin = Admin(catalog, stubs)
    middleware = [Middleware(CORSMiddleware, methods_for=stubs.methods_for)] if config.cors else []
    app = Starlette(
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
