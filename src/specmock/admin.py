"""The admin API under `/__specmock/`: what is served, and each API's effective spec."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from specmock.problems import PROBLEM_MEDIA_TYPE, Problem
from specmock.spec import Catalog
from specmock.stubs import Stubs

ADMIN_ROOT = "/__specmock"


class Admin:
    def __init__(self, catalog: Catalog, stubs: Stubs) -> None:
        self.catalog = catalog
        self.stubs = stubs

    @property
    def routes(self) -> list[BaseRoute]:
        return [
            Route(f"{ADMIN_ROOT}/apis", self.list_apis, methods=["GET"]),
            Route(f"{ADMIN_ROOT}/apis/{{name}}/openapi.json", self.openapi, methods=["GET"]),
        ]

    async def list_apis(self, request: Request) -> Response:
        apis = [self._describe(name) for name in self.stubs.served]
        errors = [
            {"source": e.source, "where": e.where, "problem": e.problem}
            for e in self.catalog.errors
        ]
        return JSONResponse({"apis": apis, "errors": errors})

    def _describe(self, name: str) -> dict[str, Any]:
        served = self.stubs.served[name]
        return {
            "name": name,
            "title": served.api.title,
            "mount": served.mount or "/",
            "sources": list(served.api.sources),
            "openapi": f"{ADMIN_ROOT}/apis/{name}/openapi.json",
            "operations": [
                {
                    "method": op.method.upper(),
                    "path": served.mount + op.path,
                    "operationId": op.operation_id,
                }
                for op in served.api.operations
            ],
        }

    async def openapi(self, request: Request) -> Response:
        name = request.path_params["name"]
        served = self.stubs.served.get(name)
        if served is None:
            known = ", ".join(self.stubs.served) or "none"
            problem = Problem(404, f"no API named {name!r}; served APIs: {known}")
            return JSONResponse(problem.as_dict(), 404, media_type=PROBLEM_MEDIA_TYPE)
        return JSONResponse(served.effective)
