"""The records pages, for the session the dashboard looks at: each API's collections and their
records, in the order the API lists them; one record to read, edit or delete; a record added; an
API (or all of them) reset to the seed data.

Every change goes through the store's session as the admin API's does (`records`, `get`, `put`,
`delete`, `Store.reset`), and a record is checked exactly as `PUT /__specmock/apis/{name}/records`
checks it (`admin.refused_record`), so an edit is what the API answers from the next request on.
Plain HTML forms: each POST ends in a redirect, or in the page again with the errors beside the
field they name and the text as the user left it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from specmock import greenlets
from specmock.mock.served_api import ServedApi
from specmock.mock.storage import SessionStore, StoredRecord
from specmock.mock.store import SessionRefused
from specmock.problems import Problem
from specmock.spec.parsing import strict_json
from specmock.web.admin import ADMIN_ROOT, refused_record, store_faults
from specmock.web.dashboard.forms import after_post, form_of, stubs_of
from specmock.web.dashboard.site import Site, session_viewed
from specmock.web.responses import problem_response
from specmock.web.stubs import Stubs, refusal

UI = f"{ADMIN_ROOT}/ui/records"
SHOWN = 200  # records listed per collection; the admin API lists them all
COLUMNS = 3  # a record's first scalar fields shown beside its id
DONE = {  # what a redirect after a change says on the next page
    "saved": "Saved: the API answers with it from now on.",
    "added": "Added.",
    "deleted": "Deleted.",
    "reset": "Reset to the seed data.",
}


@dataclass(frozen=True, slots=True)
class Row:
    path: str
    href: str
    identifier: str
    values: list[str]


@dataclass(frozen=True, slots=True)
class Collection:
    """One collection path's records as the page lists them (the first `SHOWN`)."""

    path: str
    columns: list[str]
    rows: list[Row]
    count: int


@dataclass(frozen=True, slots=True)
class Field:
    """What a form's field shows again after a refusal: the text sent, and the errors for it."""

    text: str
    errors: list[str]


def record_href(name: str, path: str) -> str:
    return f"{UI}/{quote(name, safe='')}{quote(path)}"


def collections(name: str, records: Mapping[str, StoredRecord]) -> list[Collection]:
    """An API's records grouped by collection path, each in the store's (the API's) order."""
    grouped: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for path, entry in records.items():
        grouped.setdefault(path.rpartition("/")[0] or "/", []).append((path, entry.record))
    return [_collection(name, path, items) for path, items in sorted(grouped.items())]


def _collection(name: str, path: str, items: list[tuple[str, dict[str, Any]]]) -> Collection:
    columns = [key for key, value in items[0][1].items() if _scalar(value) and key != "id"]
    columns = columns[:COLUMNS]
    rows = [
        Row(
            item,
            record_href(name, item),
            item.rpartition("/")[2],
            [_cell(record, c) for c in columns],
        )
        for item, record in items[:SHOWN]
    ]
    return Collection(path, columns, rows, len(items))


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _cell(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    text = "" if value is None else json.dumps(value, ensure_ascii=False).strip('"')
    return text if len(text) <= 60 else text[:59] + "…"


def pretty(record: Any) -> str:
    return json.dumps(record, indent=2, ensure_ascii=False)


class Pages:
    """The records pages' handlers over one dashboard's site."""

    def __init__(self, site: Site) -> None:
        self.site = site

    def _open(self, request: Request) -> tuple[Stubs, ServedApi, SessionStore] | Response:
        """The stubs, the API named in the path, and the viewed session's records."""
        stubs = stubs_of(self.site.server)
        if isinstance(stubs, Response):
            return stubs
        name = request.path_params["name"]
        served = stubs.served.get(name)
        if served is None:
            known = ", ".join(stubs.served) or "none"
            return problem_response(Problem(404, f"no API named {name!r}; served APIs: {known}"))
        try:
            return stubs, served, stubs.store.session(session_viewed(request))
        except SessionRefused as refused:
            return problem_response(refusal(refused))

    async def overview(self, request: Request) -> Response:
        """Every API with its record count; POST resets them all."""
        stubs = stubs_of(self.site.server)
        if isinstance(stubs, Response):
            return stubs
        session = session_viewed(request)
        if request.method == "POST":
            form = await form_of(request)
            if isinstance(form, Response):
                return form
            return await greenlets.spawn(self._reset, stubs, session, None, UI)
        return await greenlets.spawn(self._overview, request, stubs, session)

    def _overview(self, request: Request, stubs: Stubs, session: str) -> Response:
        try:
            state = stubs.store.session(session)
        except SessionRefused as refused:
            return problem_response(refusal(refused))
        counts = {name: len(state.records(name)) for name in stubs.served}
        return self.site.render(
            request,
            "records.html",
            counts=counts,
            done=DONE.get(request.query_params.get("done", "")),
        )

    def _reset(self, stubs: Stubs, session: str, api: str | None, back: str) -> Response:
        try:
            stubs.store.reset(session, api)
        except SessionRefused as refused:
            return problem_response(refusal(refused))
        return after_post(f"{back}?done=reset")

    async def api_page(self, request: Request) -> Response:
        """An API's collections and records, the add form; POST adds a record or resets."""
        form = await form_of(request) if request.method == "POST" else None
        if isinstance(form, Response):
            return form
        return await greenlets.spawn(self._api_page, request, form)

    def _api_page(self, request: Request, form: dict[str, str] | None) -> Response:
        opened = self._open(request)
        if isinstance(opened, Response):
            return opened
        stubs, served, state = opened
        name = served.api.name
        if form is None:
            done = DONE.get(request.query_params.get("done", ""))
            return self._api(request, served, state, done=done)
        if form.get("action") == "reset":
            return self._reset(stubs, session_viewed(request), name, f"{UI}/{quote(name, safe='')}")
        return self._add(request, served, state, form)

    def _api(
        self,
        request: Request,
        served: ServedApi,
        state: SessionStore,
        status: int = 200,
        **context: Any,
    ) -> Response:
        name = served.api.name
        page = self.site.render(
            request,
            "records_api.html",
            name=name,
            served=served,
            collections=collections(name, state.records(name)),
            templates=served.actions.bindings.item_templates,
            shown=SHOWN,
            **{"path": Field("", []), "record": Field("{\n  \n}", []), "done": None} | context,
        )
        page.status_code = status
        return page

    def _add(
        self, request: Request, served: ServedApi, state: SessionStore, form: dict[str, str]
    ) -> Response:
        """A record stored at the path given, or under the collection given with a new id."""
        name = served.api.name
        path_text, text = form.get("path", "").strip(), form.get("record", "")
        path = "/" + path_text.strip("/")
        path_errors: list[str] = []
        bindings = served.actions.bindings
        if bindings.for_item(path) is None:
            binding = bindings.for_item(f"{path.rstrip('/')}/x")
            if binding is None:
                known = ", ".join(bindings.item_templates) or "none"
                path_errors.append(
                    f"{path} is neither an item path nor a collection of {name!r} "
                    f"(item paths: {known})"
                )
            else:  # a collection: the record gets a new id there, as a POST would
                collection = path.rstrip("/") or "/"
                identifier = str(state.new_id(name, collection, binding.id_schema))
                state.issue(name, collection, identifier)
                path = f"{collection.rstrip('/')}/{quote(identifier, safe='')}"
        if not path_errors and state.get(name, path) is not None:
            path_errors.append(f"a record is already stored at {path}: open it to edit it")
        record, record_errors = _checked(served, path, text) if not path_errors else (None, [])
        if path_errors or record_errors or record is None:
            fields = {"path": Field(path_text, path_errors), "record": Field(text, record_errors)}
            status = 409 if any("already stored" in e for e in path_errors) else 400
            return self._api(request, served, state, status, **fields)
        state.put(name, path, record)
        return after_post(f"{record_href(name, path)}?done=added")

    async def record_page(self, request: Request) -> Response:
        """One record: pretty JSON to edit, a delete with a confirm step; POST saves or deletes."""
        form = await form_of(request) if request.method == "POST" else None
        if isinstance(form, Response):
            return form
        return await greenlets.spawn(self._record_page, request, form)

    def _record_page(self, request: Request, form: dict[str, str] | None) -> Response:
        opened = self._open(request)
        if isinstance(opened, Response):
            return opened
        _, served, state = opened
        name, path = served.api.name, "/" + request.path_params["path"].strip("/")
        entry = state.get(name, path)
        if entry is None:
            return problem_response(Problem(404, f"no record at {path} in API {name!r}"))
        if form is None:
            return self._record(request, served, path, entry, Field(pretty(entry.record), []))
        if form.get("action") == "delete":
            state.delete(name, path)
            return after_post(f"{UI}/{quote(name, safe='')}?done=deleted")
        text = form.get("record", "")
        record, errors = _checked(served, path, text)
        if record is None:
            return self._record(request, served, path, entry, Field(text, errors), 400)
        state.put(name, path, record)
        return after_post(f"{record_href(name, path)}?done=saved")

    def _record(
        self,
        request: Request,
        served: ServedApi,
        path: str,
        entry: StoredRecord,
        record: Field,
        status: int = 200,
    ) -> Response:
        page = self.site.render(
            request,
            "record.html",
            name=served.api.name,
            path=path,
            href=record_href(served.api.name, path),
            etag=entry.etag,
            record=record,
            confirm=request.query_params.get("confirm") == "delete",
            done=DONE.get(request.query_params.get("done", "")) if status == 200 else None,
        )
        page.status_code = status
        return page


def _checked(served: ServedApi, path: str, text: str) -> tuple[dict[str, Any] | None, list[str]]:
    """The record in `text` when it may be stored at `path`, else None and why, each problem
    naming its place in the record (`/model/name`)."""
    try:
        record = strict_json(text)
    except (ValueError, RecursionError) as error:
        return None, [f"not JSON: {error}"]
    refused = refused_record(served, path, record)
    if refused is None:
        return record, []
    if not refused.errors:
        return None, [refused.detail]
    return None, [f"at {v.name or '(the whole record)'}: {v.message}" for v in refused.errors]


def routes(site: Site) -> list[BaseRoute]:
    pages = Pages(site)
    both = ["GET", "POST"]
    return [
        Route(UI, store_faults(pages.overview), methods=both),
        Route(f"{UI}/{{name}}", store_faults(pages.api_page), methods=both),
        Route(f"{UI}/{{name}}/{{path:path}}", store_faults(pages.record_page), methods=both),
    ]
