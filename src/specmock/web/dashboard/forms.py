"""What the dashboard's forms share: reading a plain HTML form's POST, refusing one a page of
another site could have sent, and the redirect after it.

The admin guard already refuses a request whose `Origin` is not this server's, or whose
`Sec-Fetch-Site` is not `same-origin`. A form changes state, so it must also show one of them:
every browser since 2020 sends both with a form's POST, and a request with neither comes from no
browser page at all (a script has the JSON admin API for that).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from specmock.problems import Problem
from specmock.violations import Violation
from specmock.web.responses import problem_response
from specmock.web.stubs import Stubs

FORM_MEDIA = "application/x-www-form-urlencoded"
MAX_FIELDS = 100


async def form_of(request: Request) -> dict[str, str] | Response:
    """A form's fields (the last value of each name), or the answer refusing it."""
    headers = request.headers
    if "origin" not in headers and "sec-fetch-site" not in headers:
        detail = (
            "a dashboard form is taken only from a page of this server: the request has neither "
            "Origin nor Sec-Fetch-Site (a defence against cross-site request forgery)"
        )
        return problem_response(
            Problem(403, detail, (Violation("header", "Origin", "is missing"),))
        )
    media = headers.get("content-type", "").partition(";")[0].strip().lower()
    if media != FORM_MEDIA:
        violation = Violation("header", "Content-Type", f"{media or 'none'} is not {FORM_MEDIA}")
        return problem_response(
            Problem(415, f"a dashboard form is sent as {FORM_MEDIA}", (violation,))
        )
    try:
        text = (await request.body()).decode("utf-8")
        return dict(parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS))
    except (UnicodeDecodeError, ValueError) as error:
        return problem_response(Problem(400, f"the form cannot be read: {error}"))


def after_post(url: str) -> Response:
    """The redirect after a form's POST: reloading the page does not send the form again."""
    return RedirectResponse(url, status_code=303)


def stubs_of(server: object) -> Stubs | Response:
    """The stubs behind the dashboard, or the 404 of a proxy, which keeps no records and
    injects no faults."""
    if isinstance(server, Stubs):
        return server
    return problem_response(Problem(404, "this server is a proxy: it keeps no records or controls"))
