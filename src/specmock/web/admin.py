"""The admin API under `/__specmock/`: what is served, each API's effective spec, the stored
records, reset, and the request journal. Every endpoint honours `X-Specmock-Session`.

`Inspection` holds the endpoints any specmock server has (the stubs and the proxy): the APIs, their
effective specs and the journal. `Admin` adds the stubs' store (records and reset) and the
dashboard's latency and fault controls (`/__specmock/controls`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import wraps
from typing import Any, Protocol

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from specmock import greenlets
from specmock.errors import SpecError
from specmock.mock.faults import WHOLE_API, Control
from specmock.mock.journal import JOURNAL_SIZE, RequestJournal
from specmock.mock.served_api import ServedApi
from specmock.mock.storage import SessionStore, StoreConflict, StoreFault
from specmock.mock.store import SessionRefused
from specmock.problems import Problem
from specmock.spec.api import Catalog
from specmock.spec.parsing import strict_json
from specmock.web.request import session_of
from specmock.web.responses import problem_response
from specmock.web.stubs import Stubs, refusal, store_fault

ADMIN_ROOT = "/__specmock"


class Server(Protocol):
    """What the inspection endpoints read: the served APIs, start-up errors and the journal."""

    @property
    def served(self) -> Mapping[str, ServedApi]: ...

    @property
    def errors(self) -> Sequence[SpecError]: ...

    @property
    def journal(self) -> RequestJournal: ...


class Inspection:
    """The APIs served, their effective specs and the request journal."""

    def __init__(self, catalog: Catalog, server: Server) -> None:
        self.catalog = catalog
        self.server = server

    @property
    def routes(self) -> list[BaseRoute]:
        apis = f"{ADMIN_ROOT}/apis"
        return [
            Route(apis, self.list_apis, methods=["GET"]),
            Route(f"{apis}/{{name}}/openapi.json", self.openapi, methods=["GET"]),
            Route(f"{ADMIN_ROOT}/requests", store_faults(self.requests), methods=["GET", "DELETE"]),
            Route(f"{ADMIN_ROOT}/requests/{{id:int}}", store_faults(self.request_entry)),
        ]

    async def list_apis(self, request: Request) -> Response:
        apis = [self._describe(name) for name in self.server.served]
        errors = [e.as_dict() for e in (*self.catalog.errors, *self.server.errors)]
        return JSONResponse({"apis": apis, "errors": errors})

    def _describe(self, name: str) -> dict[str, Any]:
        served = self.server.served[name]
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

    def _unknown(self, name: str) -> Response | None:
        if name in self.server.served:
            return None
        known = ", ".join(self.server.served) or "none"
        return problem_response(Problem(404, f"no API named {name!r}; served APIs: {known}"))

    async def openapi(self, request: Request) -> Response:
        name = request.path_params["name"]
        return self._unknown(name) or JSONResponse(self.server.served[name].effective)

    async def requests(self, request: Request) -> Response:
        """The session's journal (read off the event loop: it may be kept in Redis)."""
        session, journal = session_of(request), self.server.journal
        if request.method == "DELETE":
            await run_in_threadpool(journal.clear, session)
            return Response(status_code=204)
        found = await run_in_threadpool(journal.entries, session)
        entries = [entry.as_dict() for entry in found]
        return JSONResponse({"session": session, "requests": entries})

    async def request_entry(self, request: Request) -> Response:
        """One journal entry in full (its request and answer), whatever its session."""
        entry_id: int = request.path_params["id"]
        entry = await run_in_threadpool(self.server.journal.get, entry_id)
        if entry is None:
            detail = f"no request {entry_id} in the journal (it keeps the latest {JOURNAL_SIZE})"
            return problem_response(Problem(404, detail))
        return JSONResponse(entry.as_full_dict())


class Admin(Inspection):
    """Inspection plus the stubs' store: read, seed and delete records, reset to the seed data."""

    def __init__(self, catalog: Catalog, stubs: Stubs) -> None:
        super().__init__(catalog, stubs)
        self.stubs = stubs

    @property
    def routes(self) -> list[BaseRoute]:
        apis = f"{ADMIN_ROOT}/apis"
        return [
            *super().routes,
            Route(f"{apis}/{{name}}/records", store_faults(self.list_records), methods=["GET"]),
            Route(
                f"{apis}/{{name}}/records/{{path:path}}",
                store_faults(self.record),
                methods=["GET", "PUT", "DELETE"],
            ),
            Route(f"{ADMIN_ROOT}/reset", store_faults(self.reset), methods=["POST"]),
            Route(f"{ADMIN_ROOT}/session", store_faults(self.end_session), methods=["DELETE"]),
            Route(f"{ADMIN_ROOT}/controls", self.controls, methods=["GET", "PUT"]),
        ]

    # The store is reached under `greenlets.spawn`, as the stubs reach it: a Redis store's
    # commands are then awaited on the event loop, so a slow Redis holds no other request.

    def _session(self, request: Request) -> SessionStore | Response:
        """The request's session, or the 503 when it is new and every session is in use."""
        try:
            return self.stubs.store.session(session_of(request))
        except SessionRefused as refused:
            return problem_response(refusal(refused))

    async def list_records(self, request: Request) -> Response:
        name = request.path_params["name"]
        if unknown := self._unknown(name):
            return unknown
        return await greenlets.spawn(self._listed, request, name)

    def _listed(self, request: Request, name: str) -> Response:
        state = self._session(request)
        if isinstance(state, Response):
            return state
        records = {path: entry.record for path, entry in state.records(name).items()}
        return JSONResponse({"api": name, "session": session_of(request), "records": records})

    async def record(self, request: Request) -> Response:
        name = request.path_params["name"]
        if unknown := self._unknown(name):
            return unknown
        path = "/" + request.path_params["path"].strip("/")
        record: Any = None
        if request.method == "PUT":
            try:
                record = strict_json(await request.body())
            except (ValueError, RecursionError) as error:
                return problem_response(Problem(400, f"the body is not JSON: {error}"))
            if refused := refused_record(self.stubs.served[name], path, record):
                return problem_response(refused)
        return await greenlets.spawn(self._record, request, name, path, record)

    def _record(self, request: Request, name: str, path: str, record: Any) -> Response:
        """The record's store work: PUT `record`, or read or delete what is there."""
        state = self._session(request)
        if isinstance(state, Response):
            return state
        if request.method == "PUT":
            state.put(name, path, record)
            return JSONResponse(record)
        entry = state.get(name, path)
        if entry is None:
            return problem_response(Problem(404, f"no record at {path} in API {name!r}"))
        if request.method == "DELETE":
            state.delete(name, path)
            return Response(status_code=204)
        return JSONResponse(entry.record, headers={"ETag": entry.etag})

    async def reset(self, request: Request) -> Response:
        api = request.query_params.get("api")
        if api is not None and (unknown := self._unknown(api)):
            return unknown
        try:
            await greenlets.spawn(self.stubs.store.reset, session_of(request), api)
        except SessionRefused as refused:
            return problem_response(refusal(refused))
        return JSONResponse({"reset": api or "all", "session": session_of(request)})

    async def end_session(self, request: Request) -> Response:
        """Forget the request's session and its journal, so that it holds no place among the
        `MAX_SESSIONS` (the pytest plugin's `specmock` fixture does this after each test)."""
        await greenlets.spawn(self.stubs.store.end, session_of(request))
        await run_in_threadpool(self.stubs.journal.clear, session_of(request))
        return Response(status_code=204)

    async def controls(self, request: Request) -> Response:
        """The dashboard's latency and fault controls; PUT `{"controls": [...]}` replaces them."""
        if request.method == "PUT":
            try:
                body = strict_json(await request.body())
            except (ValueError, RecursionError) as error:
                return problem_response(Problem(400, f"the body is not JSON: {error}"))
            listed = body.get("controls") if isinstance(body, dict) else None
            if not isinstance(listed, list):
                detail = f'expected {{"controls": [...]}}, got {body!r}'
                return problem_response(Problem(400, detail))
            try:
                chosen = [
                    checked_control(self.stubs, value, f"/controls/{index}")
                    for index, value in enumerate(listed)
                ]
            except ValueError as error:
                return problem_response(Problem(400, f"a control is refused: {error}"))
            self.stubs.faults.controls.replace(chosen)
            controls_changed(self.stubs)
        faults = self.stubs.faults
        return JSONResponse(
            {
                "controls": [control.as_dict() for control in faults.controls],
                "injected": list(faults.injected_statuses),
            }
        )


def store_faults(
    handler: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    """`handler` answering a store that failed with the stubs' 503 naming it, and a record
    another process changed in the middle of a delete with a 409 to retry."""

    @wraps(handler)
    async def guarded(request: Request) -> Response:
        try:
            return await handler(request)
        except StoreFault as fault:
            return problem_response(store_fault(fault))
        except StoreConflict as conflict:
            return problem_response(Problem(409, f"{conflict}: retry"))

    return guarded


def refused_record(served: ServedApi, path: str, record: Any) -> Problem | None:
    """Why `record` may not be stored at the item path `path` of `served` (not an object, not an
    item path, or breaking the resource's schema as `Actions.check_record` judges), or None."""
    if not isinstance(record, dict):
        return Problem(400, f"a record must be a JSON object, got {record!r}")
    actions = served.actions
    binding = actions.bindings.for_item(path)
    if binding is None:
        known = ", ".join(actions.bindings.item_templates) or "none"
        return Problem(
            400, f"{path} is not an item path of {served.api.name!r} (item paths: {known})"
        )
    problems = actions.check_record(binding, record)
    if problems:
        return Problem(400, f"the record does not fit {path}", tuple(problems))
    return None


def checked_control(stubs: Stubs, value: Any, where: str) -> Control:
    """A control from its JSON form, for an API served and one of its operations; ValueError
    naming the place and the value otherwise."""
    control = Control.from_dict(value, where)
    served = stubs.served.get(control.api)
    if served is None:
        known = ", ".join(stubs.served) or "none"
        raise ValueError(f"{where}/api: no API named {control.api!r}; served APIs: {known}")
    if control.operation != WHOLE_API:
        labels = [operation.label for operation in served.api.operations]
        if control.key[1] not in labels:
            detail = f"{control.operation!r} is not an operation of {control.api!r}"
            raise ValueError(f"{where}/operation: {detail} ({', '.join(labels)})")
    return control


def controls_changed(stubs: Stubs) -> None:
    """The statuses injection may answer documented in each effective spec from now on (a 500
    turned on from the dashboard is in `openapi.json`; turned off, it is gone again)."""
    stubs.configure(stubs.config)
