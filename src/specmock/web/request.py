"""A request as specmock reads it: headers through a table made once, its path as sent, and the
session it belongs to."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import Scope

SESSION_HEADER = "x-specmock-session"


class HeaderTable(Headers):
    """Starlette's `Headers`, with lookups through a dict of each name's first value made once.

    Starlette scans the raw list on every lookup and raises KeyError for each name that is absent:
    a stub asks for some nine headers per request (session, Prefer, Accept, If-Match, cookies,
    credentials), most of them absent. Names in an ASGI scope are lowercase.
    """

    def __init__(self, scope: Scope) -> None:
        super().__init__(scope=scope)
        self._first = {
            name.decode("latin-1"): value.decode("latin-1") for name, value in reversed(self.raw)
        }

    def get(self, key: str, default: Any = None) -> Any:
        return self._first.get(key.lower(), default)

    def __getitem__(self, key: str) -> str:
        return self._first[key.lower()]

    def __contains__(self, key: Any) -> bool:
        return isinstance(key, str) and key.lower() in self._first


class WireRequest(Request):
    """Starlette's `Request` whose `headers` is a `HeaderTable`."""

    @property
    def headers(self) -> Headers:
        table: HeaderTable | None = getattr(self, "_table", None)
        if table is None:
            table = self._table = HeaderTable(self.scope)
        return table


def raw_path(scope: Scope) -> str:
    """The path as sent, escapes kept, which the router matches (the decoded path when the server
    gives no raw one): `/a%2Fb` is one segment, not two."""
    sent: bytes = scope.get("raw_path", b"")
    path: str = scope["path"]
    return sent.decode("latin-1") or path


def session_of(request: Request) -> str:
    """The state a request sees: its `X-Specmock-Session`, or the shared default ''."""
    return request.headers.get(SESSION_HEADER, "")
