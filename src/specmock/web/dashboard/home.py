"""The home page: every API served (title, mount, operations, sources, warnings) and the errors of
the spec files that did not load. `?token=` logs a browser in when the admin token is set."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from specmock.web.admin import ADMIN_ROOT
from specmock.web.dashboard.site import Site

TOKEN_COOKIE = "specmock-admin-token"


def routes(site: Site) -> list[BaseRoute]:
    async def home(request: Request) -> Response:
        token = request.query_params.get("token")
        if token is not None:  # the guard has checked it: keep it in a cookie, out of the URL
            return logged_in(token)
        apis = [served for served in site.server.served.values()]
        errors = [*site.catalog.errors, *site.server.errors]
        return site.render(request, "home.html", apis=apis, errors=errors)

    async def to_home(request: Request) -> Response:
        return RedirectResponse(f"{ADMIN_ROOT}/", status_code=308)

    return [
        Route(f"{ADMIN_ROOT}/", home, methods=["GET"]),
        Route(ADMIN_ROOT, to_home, methods=["GET"]),
    ]


def logged_in(token: str) -> Response:
    """A redirect to the home page that keeps the admin token in a cookie only this server's own
    pages send (`SameSite=Strict`), and that no script can read (`HttpOnly`)."""
    response = RedirectResponse(f"{ADMIN_ROOT}/", status_code=303)
    response.set_cookie(
        TOKEN_COOKIE, token, path=ADMIN_ROOT, httponly=True, samesite="strict", secure=False
    )
    return response
