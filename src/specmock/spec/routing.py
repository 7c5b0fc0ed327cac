"""Routing: which documented operation a method and path reach, and which methods a path allows.

Templates are kept in a tree of path segments, built once, so a path is tried only against the
templates whose literal segments it has; each template's regex is compiled on first use. Among
templates that match, the one with more literal segments wins
(`/models/latest` before `/models/{id}`), as OpenAPI asks of concrete paths. Templates that differ
only in their parameters' names (`/pets/{petId}` for GET, `/pets/{id}` for DELETE) are one route:
OpenAPI counts them as the same path, and a match names each value by every name the route's
templates give it, so each operation finds its own. Two APIs claiming the same method and path are
a `ConfigError` naming both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from specmock.errors import ConfigError
from specmock.spec.api import Operation

_PARAMETER = re.compile(r"\{([^{}/]+)\}")


@dataclass(frozen=True, slots=True)
class Route:
    """One served path template and the operations on it, by lower-case method."""

    template: str
    operations: dict[str, Operation] = field(compare=False)
    # every template served here, the first one included (they differ only in parameter names)
    templates: list[str] = field(default_factory=list, compare=False)

    @property
    def allow(self) -> list[str]:
        """The declared methods, upper case, as an `Allow` header lists them."""
        return [method.upper() for method in self.operations]

    def operation_for(self, method: str) -> Operation | None:
        """The operation a request method reaches: its own, or GET's for an undeclared HEAD."""
        method = method.lower()
        found = self.operations.get(method)
        return self.operations.get("get") if found is None and method == "head" else found

    @property
    def specificity(self) -> tuple[int, int]:
        literal = _PARAMETER.sub("", self.template)
        return (literal.count("/") - self.template.count("{"), len(literal))


@dataclass(frozen=True, slots=True)
class Match:
    route: Route
    params: dict[str, str]


class _Node:
    """One level of the route tree: a segment's literal texts, and what any non-empty segment
    reaches (a template segment holding a parameter); `routes` end here."""

    __slots__ = ("literal", "parameter", "routes")

    def __init__(self) -> None:
        self.literal: dict[str, _Node] = {}
        self.parameter: _Node | None = None
        self.routes: list[Route] = []

    def add(self, route: Route) -> None:
        node = self
        for segment in route.template.split("/"):
            if "{" in segment:
                if node.parameter is None:
                    node.parameter = _Node()
                node = node.parameter
            else:
                node = node.literal.setdefault(segment, _Node())
        node.routes.append(route)

    def collect(self, segments: list[str], index: int, found: list[Route]) -> None:
        """Every route whose segments could be `segments[index:]`."""
        if index == len(segments):
            found.extend(self.routes)
            return
        segment = segments[index]
        child = self.literal.get(segment)
        if child is not None:
            child.collect(segments, index + 1, found)
        if self.parameter is not None and segment:
            self.parameter.collect(segments, index + 1, found)


class Router:
    """Every operation of every API, served at `mount + operation path`."""

    def __init__(self) -> None:
        self._routes: dict[str, Route] = {}
        self._owners: dict[tuple[str, str], str] = {}
        self._ordered: list[Route] | None = None
        self._tree: _Node | None = None
        self._rank: dict[str, int] = {}
        self._patterns: dict[str, tuple[re.Pattern[str], tuple[tuple[str, tuple[str, ...]], ...]]]
        self._patterns = {}

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
            route = self._routes.setdefault(key[1], Route(template, {}))
            route.operations[operation.method] = operation
            if template not in route.templates:
                route.templates.append(template)
        self._ordered = self._tree = None
        self._patterns.clear()  # a route's templates, and so its names, may have grown

    @property
    def routes(self) -> list[Route]:
        if self._ordered is None:
            self._ordered = sorted(self._routes.values(), key=lambda r: r.specificity, reverse=True)
        return self._ordered

    def match(self, raw_path: str) -> Match | None:
        """The route for a raw (still percent-encoded) request path, with decoded parameters.

        The route tree gives the few templates whose literal segments the path has (the cost
        does not grow with the size of the spec); each is then tried, the most specific first.
        """
        found: list[Route] = []
        self._routes_tree().collect(raw_path.split("/"), 0, found)
        for route in sorted(found, key=lambda route: self._rank[route.template]):
            pattern, parameters = self._pattern(route)
            matched = pattern.fullmatch(raw_path)
            if matched is not None:
                params = {
                    name: unquote(matched.group(group))
                    for group, names in parameters
                    for name in names
                }
                return Match(route, params)
        return None

    def _routes_tree(self) -> _Node:
        if self._tree is None:
            tree = _Node()
            for rank, route in enumerate(self.routes):
                tree.add(route)
                self._rank[route.template] = rank
            self._tree = tree
        return self._tree

    def _pattern(
        self, route: Route
    ) -> tuple[re.Pattern[str], tuple[tuple[str, tuple[str, ...]], ...]]:
        """A route's regex (compiled on first use) and each group with the names its templates
        give that parameter (one name unless they differ)."""
        kept = self._patterns.get(route.template)
        if kept is None:
            source, parameters = _source(route.template)
            names = [_PARAMETER.findall(t) for t in route.templates]
            aliases = tuple(
                (group, tuple(dict.fromkeys(per[index] for per in names)))
                for index, (group, _) in enumerate(parameters)
            )
            kept = self._patterns[route.template] = (re.compile(source), aliases)
        return kept


def _shape(template: str) -> str:
    return _PARAMETER.sub("{}", template)


def _source(template: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A template as regex source (each parameter one segment, in a group named `p<n>`), and
    its (group, parameter name) pairs."""
    pieces: list[str] = []
    parameters: list[tuple[str, str]] = []
    position = 0
    for index, found in enumerate(_PARAMETER.finditer(template)):
        pieces.append(re.escape(template[position : found.start()]))
        pieces.append(f"(?P<p{index}>[^/]+)")
        parameters.append((f"p{index}", found.group(1)))
        position = found.end()
    pieces.append(re.escape(template[position:]))
    return "".join(pieces) or "/", tuple(parameters)


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
