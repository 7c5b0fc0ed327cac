"""The controls page: latency and fault injection for each API and operation, turned on, changed
or off at run time (`mock.faults.Controls`, also `PUT /__specmock/controls`), beside what every
operation gets now and where that comes from: the dashboard, the config file or the flags. A
request's own `Prefer` still wins over all of them."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from specmock.config import FAULT_KINDS, INJECTED_STATUSES
from specmock.mock.faults import WHOLE_API
from specmock.web.admin import ADMIN_ROOT, checked_control, controls_changed
from specmock.web.dashboard.forms import after_post, form_of, stubs_of
from specmock.web.dashboard.site import Site
from specmock.web.stubs import Stubs

UI = f"{ADMIN_ROOT}/ui/controls"
FIELDS = ("api", "operation", "delay", "fault", "chance")
MODES = {"set": "set", "off": "off: no delay or fault", "clear": "clear: back to the config"}


def rows(stubs: Stubs) -> list[dict[str, Any]]:
    """Per API, the whole API's and each operation's setting now, with their sources."""
    shown = []
    for name, served in stubs.served.items():
        labels = [WHOLE_API, *(operation.label for operation in served.api.operations)]
        settings = [(label, stubs.faults.setting(name, label)) for label in labels]
        shown.append({"api": name, "title": served.api.title, "settings": settings})
    return shown


def routes(site: Site) -> list[BaseRoute]:
    def page(request: Request, stubs: Stubs, status: int = 200, **context: Any) -> Response:
        done = request.query_params.get("done") == "1" and status == 200
        defaults: dict[str, Any] = {"form": {"mode": "set", "chance": "1"}, "errors": {}}
        shown = site.render(
            request,
            "controls.html",
            apis=rows(stubs),
            controls=list(stubs.faults.controls),
            injected=stubs.faults.injected_statuses,
            faults=(*FAULT_KINDS, *INJECTED_STATUSES),
            modes=MODES,
            done=done,
            **defaults | context,
        )
        shown.status_code = status
        return shown

    async def controls(request: Request) -> Response:
        stubs = stubs_of(site.server)
        if isinstance(stubs, Response):
            return stubs
        if request.method == "GET":
            return page(request, stubs)
        form = await form_of(request)
        if isinstance(form, Response):
            return form
        errors = apply(stubs, form)
        if errors:
            return page(request, stubs, 400, form=form, errors=errors)
        return after_post(f"{UI}?done=1#api-{form.get('api', '')}")

    return [Route(UI, controls, methods=["GET", "POST"])]


def apply(stubs: Stubs, form: dict[str, str]) -> dict[str, str]:
    """The form's control set, turned off or cleared; the errors by field name when refused."""
    mode = form.get("mode", "set")
    if mode not in MODES:
        return {"mode": f"{mode!r} is not one of {', '.join(MODES)}"}
    value: dict[str, Any] = {key: form.get(key) or None for key in FIELDS}
    value["chance"] = form.get("chance") or "1"
    if mode != "set":
        value |= {"delay": None, "fault": None, "chance": 1.0, "off": mode == "off"}
    try:
        control = checked_control(stubs, value, "")
    except ValueError as error:
        place, _, message = str(error).partition(": ")
        field = place.strip("/").partition("/")[0] or "api"
        return {field if field in FIELDS else "api": message}
    if mode == "clear":
        stubs.faults.controls.clear(*control.key)
    else:
        stubs.faults.controls.set(control)
    controls_changed(stubs)
    return {}
