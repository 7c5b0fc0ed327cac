"""An API's page: its operations and an interactive reference of its effective spec (Swagger UI,
served from this server: it works offline), whose "Try it out" calls the fake on this origin."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from specmock.problems import Problem
from specmock.web.admin import ADMIN_ROOT
from specmock.web.dashboard.site import Site
from specmock.web.responses import problem_response


def routes(site: Site) -> list[BaseRoute]:
    async def api_page(request: Request) -> Response:
        name = request.path_params["name"]
        served = site.server.served.get(name)
        if served is None:
            known = ", ".join(site.server.served) or "none"
            return problem_response(Problem(404, f"no API named {name!r}; served APIs: {known}"))
        return site.render(request, "api.html", name=name, served=served)

    return [Route(f"{ADMIN_ROOT}/ui/apis/{{name}}", api_page, methods=["GET"])]
