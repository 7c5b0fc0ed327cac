"""Routing: which documented operation a method and path reach, and which methods a path allows.

Templates are compiled once. Among templates that match, the one with more literal segments wins
(`/models/latest` before `/models/{id}`), as OpenAPI asks of concrete paths. Two APIs claiming the
same method and path are a `ConfigError` naming both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from specmock.errors import ConfigError
from specmock.spec import Operation

_PARAMETER = re.compile(r"\{([^{}/]+)\}")


@dataclass(frozen=True, slots=True)
class Route:
    """One served path template and the operations on it, by lower-case method."""

    template: str
    pattern: re.Pattern[str] = field(repr=False, compare=False)
    operations: dict[str, Operation] = field(compare=False)
    # A parameter never spans a `/`, so a path matches only templates with as many slashes, and
    # a literal first segment must be the path's own.
    slashes: int = field(default=0, repr=False, compare=False)
    head: str | None = field(default=None, repr=False, compare=False)

    @property
    def allow(self) -> list[str]:
        """The declared methods, upper case, as an `Allow` header lists them."""
        return [method.upper() for method in self.operations]

    @property
    def specificity(self) -> tuple[int, int]:
        literal = _PARAMETER.sub("", self.template)
        return (literal.count("/") - self.template.count("{"), len(literal))


@dataclass(frozen=True, slots=True)
class Match:
    route: Route
    params: dict[str, str]


class Router:
    """Every operation of every API, served at `mount + operation path`."""

    def __init__(self) -> None:
        self._routes: dict[str, Route] = {}
        self._owners: dict[tuple[str, str], str] = {}
        self._ordered: list[Route] | None = None
        self._candidates: dict[tuple[int, str], list[Route]] = {}

    def add(self, mount: str, operations: Iterable[Operation]) -> None:
        """Serve operations under a mount path ('' for the root); ConfigError on a clash."""
        for operation in operations:
            template = mount.rstrip("/") + operation.path
            key = (operation.method, _shape(template))
            if key in self._owners and self._owners[key] != operation.api:
                raise ConfigError(
                    f"{operation.method.upper()} {template} is served by both API "
                    f"{self._owners[key]!r} and API {operation.api!r}; "
                    "start with --prefix to mount each API under /<name>"
                )
            self._owners[key] = operation.api
            route = self._routes.get(template)
            if route is None:
                head = template.split("/", 2)[1] if template.startswith("/") else None
                slashes = template.count("/")
                route = Route(template, _compile(template), {}, slashes, _literal(head))
                self._routes[template] = route
            route.operations[operation.method] = operation
        self._ordered = None
        self._candidates.clear()

    @property
    def routes(self) -> list[Route]:
        if self._ordered is None:
            self._ordered = sorted(self._routes.values(), key=lambda r: r.specificity, reverse=True)
        return self._ordered

    def match(self, raw_path: str) -> Match | None:
        """The route for a raw (still percent-encoded) request path, with decoded parameters.

        Only the routes that could match are tried (same slash count, same literal first
        segment), in order of specificity: the cost does not grow with the size of the spec.
        """
        for route in self._could_match(raw_path):
            found = route.pattern.fullmatch(raw_path)
            if found is not None:
                params = {
                    _unescape_name(key): unquote(value) for key, value in found.groupdict().items()
                }
                return Match(route, params)
        return None

    def _could_match(self, raw_path: str) -> list[Route]:
        key = (raw_path.count("/"), raw_path.split("/", 2)[1] if raw_path.startswith("/") else "")
        found = self._candidates.get(key)
        if found is None:
            found = [
                route
                for route in self.routes
                if route.slashes == key[0] and route.head in (None, key[1])
            ]
            if len(self._candidates) < _KEPT_CANDIDATES:  # paths are the client's: bounded
                self._candidates[key] = found
        return found


_KEPT_CANDIDATES = 4096


def _literal(segment: str | None) -> str | None:
    """A template's first segment when it is plain text (None: it holds a parameter)."""
    return segment if segment is not None and "{" not in segment else None


def _shape(template: str) -> str:
    return _PARAMETER.sub("{}", template)


def _compile(template: str) -> re.Pattern[str]:
    pieces: list[str] = []
    position = 0
    for index, found in enumerate(_PARAMETER.finditer(template)):
        pieces.append(re.escape(template[position : found.start()]))
        pieces.append(f"(?P<p{index}_{_escape_name(found.group(1))}>[^/]+)")
        position = found.end()
    pieces.append(re.escape(template[position:]))
    return re.compile("".join(pieces) or "/")


def _escape_name(name: str) -> str:
    """Group names must be identifiers; parameter names may hold '-', '.', etc."""
    return "".join(ch if ch.isalnum() else f"_{ord(ch):x}_" for ch in name)


def _unescape_name(group: str) -> str:
    encoded = group.split("_", 1)[1]
    return re.sub(r"_([0-9a-f]+)_", lambda m: chr(int(m.group(1), 16)), encoded)


def check_target(target: str) -> str:
    """`target` when it is an http(s) base URL (no query), else a ConfigError quoting it."""
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise ConfigError(
            f"--target {target!r} is not an http(s) base URL such as http://host:8000"
        )
    return target


def upstream_url(target: str, mount: str, path: str, query: str = "") -> str:
    """Where a request for `path` (served under `mount`) goes on the target server.

    A target without a path (`http://host:9000`) gets the path unchanged, so the spec's own base
    path (`/api/v1`) is kept. A target with a path (`http://host/base`) replaces the mount:
    `/api/v1/models/1` -> `http://host/base/models/1`. The query string is passed as sent.
    """
    parts = urlsplit(target)
    base, mount = parts.path.rstrip("/"), mount.rstrip("/")
    if base and mount and (path == mount or path.startswith(mount + "/")):
        path = path[len(mount) :]
    url = f"{parts.scheme}://{parts.netloc}{base}{path}"
    return f"{url}?{query}" if query else url
